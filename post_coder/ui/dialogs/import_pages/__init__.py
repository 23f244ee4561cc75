"""The pages of the import wizard: pick a file, preview it, map its columns, confirm.

Each page reads and writes the plan kept on the wizard (``wizard.plan``: what
``inspect_file`` found; ``wizard.mapped``: that plan with the person's choices). The pages
never write to the project: the wizard runs the import itself when Finish is pressed.
"""

from post_coder.ui.dialogs.import_pages.common import plural, set_error, set_message
from post_coder.ui.dialogs.import_pages.file_page import FilePage
from post_coder.ui.dialogs.import_pages.mapping_page import MappingPage
from post_coder.ui.dialogs.import_pages.preview_page import PreviewPage
from post_coder.ui.dialogs.import_pages.summary_page import SummaryPage

__all__ = ["FilePage", "MappingPage", "PreviewPage", "SummaryPage", "plural", "set_error",
           "set_message"]
