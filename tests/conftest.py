"""Shared fixtures: fresh projects, the real survey exports, table dumps for "nothing changed"."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# every project a test opens (and every CLI run in a subprocess) fails loudly when an
# undoable action writes a table the undo journal does not cover
os.environ["POST_CODER_CHECK_UNDO"] = "1"

from post_coder.project import Project  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture
def shared() -> Path:
    """The read-only ../shared folder beside the checkout (CI has it; a fresh clone may not).
    Tests that need it are skipped, with the reason, where it is missing."""
    if not SHARED.is_dir():
        pytest.skip(f"../shared is not beside this checkout ({SHARED} is missing): this "
                    "test reads the real survey exports in it")
    return SHARED


@pytest.fixture
def real_samples(shared: Path) -> Path:
    """Real survey exports in ``../shared/survey-formats/real``; skipped where missing. The
    same format quirks are tested everywhere over tests/fixtures/ (test_import_fixtures.py)."""
    real = shared / "survey-formats" / "real"
    if not real.is_dir():
        pytest.skip(f"../shared/survey-formats/real is not beside this checkout ({real} is "
                    "missing)")
    return real


@pytest.fixture
def real2_samples(shared: Path) -> Path:
    """More real exports (SurveyMonkey, Typeform, LimeSurvey, Qualtrics 2016-17, KoboToolbox,
    ODK, .zsav) in ``../shared/survey-formats/real-2``; skipped where missing. Their layouts
    are also tested everywhere over tests/fixtures/ (test_import_more_platforms.py)."""
    real2 = shared / "survey-formats" / "real-2"
    if not real2.is_dir():
        pytest.skip(f"../shared/survey-formats/real-2 is not beside this checkout ({real2} is "
                    "missing)")
    return real2


@pytest.fixture
def project(tmp_path: Path):
    """A fresh, empty project file, closed after the test."""
    p = Project.create(tmp_path / "test.postcoder", name="Test project")
    yield p
    if p.db.conn is not None:
        try:
            p.close()
        except Exception:
            pass


def dump(project: Project) -> dict[str, list[tuple]]:
    """Every row of every table (FTS shadow tables included), for before/after comparisons."""
    db = project.db
    names = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name")]
    out = {}
    for name in names:
        if name == "responses_fts":
            continue  # the virtual table itself; its shadow tables are dumped
        rows = db.execute(f'SELECT * FROM "{name}"').fetchall()
        out[name] = sorted(rows, key=repr)
    return out


@pytest.fixture
def snapshot():
    """``snapshot(project)`` → a dump of all tables; compare two with ``==``."""
    return dump


SURVEY_CSV = """id,dept,role,feedback,suggestions
R1,EM,Attending,"The peer supporter listened without judgment and I felt less alone after a bad case.","More time in the schedule for peer support."
R2,EM,Lead,"Our department culture changed; people talk about hard cases now.",N/A
R3,ICU,Attending,"Honestly I have no time for this, the shifts are too long.","Protected time, please"
R4,OBGYN,Attending,"I worried about privacy and who would find out I asked for help.",
R5,ICU,Lead,"Talking with a colleague who understood helped me sleep again — café chats even.","Shorter check-ins"
R6,Anesthesia,Attending,,"none"
"""


@pytest.fixture
def survey_csv(tmp_path: Path) -> Path:
    f = tmp_path / "survey.csv"
    f.write_text(SURVEY_CSV, encoding="utf-8")
    return f


@pytest.fixture
def surveyed(project, survey_csv):
    """A project with a small imported survey: 6 respondents, 2 open-ended questions."""
    from post_coder.importing import import_survey, inspect_file

    plan = inspect_file(survey_csv).with_mapping(
        id_column="id", open_ended=["feedback", "suggestions"], attributes=["dept", "role"])
    import_survey(project, plan)
    return project


def response_id(project: Project, respondent: str, question: str = "feedback") -> str:
    from post_coder.queries import find_question
    from post_coder.store import responses

    return responses.by_respondent(project.db, find_question(project, question))[respondent]


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project file, built once per run (75 respondents, 2 questions, 16 codes,
    2 coders, the data tables and the RE-AIM spec); copy it before changing it."""
    from post_coder.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.postcoder"
    build_demo(path).close()
    return path
