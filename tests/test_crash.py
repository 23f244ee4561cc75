"""A crash in the middle of an action loses that action only, never earlier work."""

import subprocess
import sys
import textwrap

from post_coder.coding import codebook
from post_coder.project import Project
from post_coder.queries import project_totals
from post_coder.store.scope import ReadScope

EVERYONE = ReadScope.everyone()


def test_process_killed_mid_import_keeps_earlier_work(tmp_path):
    path = tmp_path / "study.postcoder"
    with Project.create(path) as project:
        codebook.add_code(project, "Kept before the crash")
    survey = tmp_path / "survey.csv"
    survey.write_text("id,answer\n" + "".join(
        f"R{i},This is a long enough answer number {i} to be open-ended text\n"
        for i in range(12_000)), encoding="utf-8")
    script = textwrap.dedent(f"""
        import os
        from post_coder.importing import import_survey, inspect_file
        from post_coder.progress import Progress
        from post_coder.project import Project

        def crash(done, total, label):
            if label.startswith("Saving answers") and done > total // 3:
                os._exit(9)  # as if the machine lost power or the app was killed

        project = Project.open({str(path)!r})
        import_survey(project, inspect_file({str(survey)!r}), progress=Progress(crash))
        raise SystemExit("the import should have been interrupted")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 9, result.stderr
    with Project.open(path) as project:
        totals = project_totals(project, EVERYONE)
        assert totals["datasets"] == 0 and totals["responses"] == 0
        assert [c.name for c in codebook.list_codes(project)] == ["Kept before the crash"]
