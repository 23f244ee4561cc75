"""The bundled demo project: a fictional evaluation of a physician peer-support program.

Built from the files in ``resources/demo/`` through the same services a team would use:
import the survey, add the coders and the starter codebook, apply both coders' codings;
import the data tables (the interaction log, the peer-supporter training survey, the
program table) and keep the RE-AIM spec (``reaim.toml``) in the project.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from post_coder.coding.codebook_io import import_codebook_csv
from post_coder.coding.coders import add_coder
from post_coder.coding.codings import apply_codings_csv
from post_coder.coding.codebook import list_codes
from post_coder.coding.themes import set_dimension
from post_coder.errors import ProjectFileError
from post_coder.ids import new_id
from post_coder.importing import import_survey, inspect_file
from post_coder.progress import Progress
from post_coder.project import Project
from post_coder.store import summary_specs
from post_coder.store.db import now

DEMO_DIR = Path(__file__).resolve().parents[1] / "resources" / "demo"
SURVEY = "post_survey.csv"
OPEN_ENDED = ("How has POST affected you or your department? Please describe.",
              "What would make POST more useful, or what has kept you from using it?")
#: the open-ended questions' short labels, shown in every view (the full text on hover)
SHORT_LABELS = ("Q1 Effects of POST", "Q2 Make POST more useful")
ID_COLUMN = "respondent_id"
MULTI_SELECT = "What barriers might keep you from using POST? (select all that apply)"
YEARS = "Years in practice"
AGREEMENT = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
RATING = ["Very poor", "Poor", "Fair", "Good", "Excellent"]
#: the data tables: file → (dataset name, id column or None, levels of ordinal columns)
TABLES = {
    "interactions.csv": ("Interactions", None, {}),
    "training_survey.csv": ("Training feedback survey", "respondent_id", {
        "Overall rating of the training": RATING,
        "The training gave me a framework and tools to promote mutual support": AGREEMENT,
        "Confident reaching out to a colleague after a hard event": AGREEMENT,
        "Confident recognizing red flags and referring": AGREEMENT,
        "Rating of the virtual training platform": RATING}),
    "program.csv": ("Program", None, {}),
}
REAIM_SPEC = "reaim.toml"
#: the RE-AIM dimension of the demo's themes (Barriers has none: "Other themes" in reports)
THEME_DIMENSIONS = {"Perceived effectiveness": "Effectiveness",
                    "Implementation": "Implementation"}


def default_demo_path() -> Path:
    """Where ``post-coder demo`` keeps the demo project: ``~/POST Coder/demo.postcoder``.

    ``POST_CODER_HOME`` moves that folder (tests, portable installs).
    """
    home = os.environ.get("POST_CODER_HOME")
    return (Path(home) if home else Path.home() / "POST Coder") / "demo.postcoder"


def demo_dir() -> Path:
    if not (DEMO_DIR / SURVEY).exists():
        raise ProjectFileError("the demo files are missing from this installation "
                               f"(looked in {DEMO_DIR})")
    return DEMO_DIR


def build_demo(path: str | Path, *, overwrite: bool = False,
               progress: Progress | None = None) -> Project:
    """Create the demo project at ``path`` and return it, open."""
    folder = demo_dir()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    project = Project.create(path, name="POST peer-support evaluation (demo)", overwrite=overwrite)
    try:
        with open(folder / "coders.csv", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                add_coder(project, row["name"], initials=row["initials"], color=row["color"])
        plan = inspect_file(folder / SURVEY)
        attributes = [c.name for c in plan.columns
                      if c.name not in OPEN_ENDED and c.name != ID_COLUMN]
        plan = plan.with_mapping(id_column=ID_COLUMN, open_ended=list(OPEN_ENDED),
                                 attributes=attributes,
                                 types={MULTI_SELECT: "multi_select", YEARS: "ordinal"})
        plan = plan.with_labels(dict(zip(OPEN_ENDED, SHORT_LABELS)))
        import_survey(project, plan, name="Department-wide physician survey", progress=progress)
        import_codebook_csv(project, folder / "codebook.csv")
        for code in list_codes(project):
            if code.name in THEME_DIMENSIONS and code.parent_id is None:
                set_dimension(project, code.id, THEME_DIMENSIONS[code.name])
        apply_codings_csv(project, folder / "codings.csv", progress=progress)
        for file, (name, id_column, levels) in TABLES.items():
            table = inspect_file(folder / file).as_table().with_mapping(
                id_column=id_column, levels=levels)
            import_survey(project, table, name=name, progress=progress)
        _keep_spec(project, (folder / REAIM_SPEC).read_text(encoding="utf-8"))
        project.clear_history()  # building the demo is not something to undo
    except BaseException:
        project.close()
        path.unlink(missing_ok=True)
        raise
    return project


def _keep_spec(project: Project, text: str) -> None:
    """The demo's RE-AIM spec, kept in the project as ``reaim spec import`` keeps one."""
    with project.transact("Save RE-AIM spec") as step:
        _, saved = summary_specs.put(step.db, summary_specs.REAIM, text, now(), None, new_id())
        step.audit("save", "summary_spec", saved.id, after={"toml": text})
        step.mark("project")


def open_or_build_demo(path: str | Path | None = None, *, fresh: bool = False) -> Project:
    """Open the demo project at ``path`` (default: :func:`default_demo_path`), building it
    first if it does not exist yet or if ``fresh`` (which replaces it)."""
    path = Path(path) if path is not None else default_demo_path()
    if path.exists() and not fresh:
        return Project.open(path)
    return build_demo(path, overwrite=fresh)
