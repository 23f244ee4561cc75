"""Survey import: read CSV, TSV, Excel and SPSS exports and bring them into a project.

::

    plan = inspect_file("qualtrics.csv")            # detect format, platform, columns
    plan = plan.with_mapping(open_ended=["Q5"])     # a person's choices (optional)
    print(plan.describe())                          # what will happen (``--dry-run``)
    result = import_survey(project, plan)           # one transaction, one audit entry

Modules: :mod:`.readers` (bytes → rows of text; :mod:`.spss` for ``.sav``),
:mod:`.platforms` (which survey tool, its header rows and system columns), :mod:`.build`
(rows → checked columns), :mod:`.infer` / :mod:`.scales` / :mod:`.values` (types, levels,
non-answers), :mod:`.plan` / :mod:`.mapping` (the plan), :mod:`.survey` (the import),
:mod:`.variables` (a variable's level order afterwards: :func:`set_levels`), :mod:`.labels`
(short labels: suggested, chosen in the wizard, renamed afterwards), :mod:`.redcap` (a
REDCap data dictionary's labels, choices and field types).
"""

from post_coder.importing.plan import ColumnPlan, ImportPlan, inspect_file
from post_coder.importing.readers import sheet_names
from post_coder.importing.survey import (ImportResult, earlier_import, import_problem,
                                         import_survey)
from post_coder.importing.labels import find_labelled, rename_attribute, rename_question
from post_coder.importing.variables import find_variable, set_levels

__all__ = ["inspect_file", "import_survey", "ImportPlan", "ColumnPlan", "ImportResult",
           "sheet_names", "import_problem", "earlier_import", "set_levels", "find_variable",
           "rename_question", "rename_attribute", "find_labelled"]
