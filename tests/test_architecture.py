"""Architecture rules from STYLE.md §7, checked on every test run.

- the import-linter contracts in pyproject.toml hold (layers; no Qt outside post_coder.ui);
- importing every non-UI module leaves PySide6 unloaded (what import-linter cannot see: dynamic
  and third-party imports);
- SQL lives only in post_coder/store/;
- the main window opens without the heavy libraries only some features need (pandas,
  matplotlib, scikit-learn…), and sqlite-utils is imported only by the store (which loads it
  without pandas: see post_coder/store/__init__.py);
- the installed PySide6 does not have the 6.12.0 None-refcount bug;
- CI runs the same command as developers.

No Qt import at module level: everything Qt runs in subprocesses.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "post_coder"
STORE = PACKAGE / "store"


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **env}, stdin=subprocess.DEVNULL)


# --- import-linter --------------------------------------------------------------------------

def test_import_linter_contracts_hold():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    assert lint_imports.exists(), f"{lint_imports} missing; run `bash scripts/dev.sh setup`"
    result = run([str(lint_imports), "--no-cache"])
    assert result.returncode == 0, result.stdout + result.stderr


# --- no Qt in the core ----------------------------------------------------------------------

# Runs in a fresh interpreter.  pkgutil.walk_packages imports each package to look inside it,
# so post_coder.ui is left out at the top level rather than filtered afterwards.
# __main__ modules are skipped because importing them would run the CLI.
IMPORT_ALL = """
import importlib, pkgutil, sys
import post_coder

names = ["post_coder"]
for top in pkgutil.iter_modules(post_coder.__path__, "post_coder."):
    if top.name == "post_coder.ui":
        continue
    names.append(top.name)
    if top.ispkg:
        sub = importlib.import_module(top.name)
        names += [m.name for m in pkgutil.walk_packages(sub.__path__, top.name + ".")]

for name in names:
    if name.rsplit(".", 1)[-1] == "__main__":
        continue
    importlib.import_module(name)
    if "PySide6" in sys.modules:
        sys.exit(f"importing {name} loaded PySide6")
print(len(names), "modules imported without PySide6")
"""


def test_core_modules_do_not_load_qt():
    result = run([sys.executable, "-c", IMPORT_ALL])
    assert result.returncode == 0, result.stdout + result.stderr


# --- no SQL outside post_coder/store --------------------------------------------------------

SQL_METHODS = {"execute", "executemany", "executescript", "query"}
# An upper-case statement keyword at the start of a string …
SQL_START = re.compile(
    r"\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|PRAGMA|BEGIN|COMMIT|ALTER|WITH)\b(.*)", re.S)
# … followed by something only SQL has, so that prose such as "Update codes" or a menu label
# "SELECT" alone is not flagged.  PRAGMA name / bare BEGIN or COMMIT are SQL on their own.
SQL_TAIL = re.compile(
    r"\b(FROM|INTO|SET|TABLE|INDEX|VIEW|TRIGGER|WHERE|VALUES|AS|IMMEDIATE|EXCLUSIVE|DEFERRED"
    r"|TRANSACTION|RECURSIVE)\b|(?<=[\s,(=])\?(?=[\s,);]|$)|(?<!\w):\w+")
SQL_ALONE = re.compile(r"\s*(PRAGMA\s+\w+.*|(BEGIN|COMMIT)\s*;?\s*)", re.S)


def looks_like_sql(text: str) -> bool:
    match = SQL_START.match(text)
    if not match:
        return False
    return bool(SQL_ALONE.fullmatch(text) or SQL_TAIL.search(match.group(2)))


def docstring_nodes(tree: ast.AST) -> set[int]:
    """ids of docstring constants: prose that may quote SQL (``BEGIN IMMEDIATE``) harmlessly."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def find_sql(source: str, filename: str) -> list[str]:
    """``file:line: what`` for each SQL call or SQL-looking string literal in *source*."""
    tree = ast.parse(source, filename)
    skip = docstring_nodes(tree)
    hits = []
    for node in ast.walk(tree):
        text = None
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in SQL_METHODS):
            hits.append((node.lineno, f"call to .{node.func.attr}()"))
        elif isinstance(node, ast.JoinedStr):
            # f"UPDATE {table} SET …": judge the whole string, with each {…} as a name.
            text = "".join(v.value if isinstance(v, ast.Constant) else "x" for v in node.values)
            skip |= {id(v) for v in node.values}
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            text = node.value
        if text is not None and looks_like_sql(text):
            hits.append((node.lineno, f"SQL string {text.strip().splitlines()[0][:60]!r}"))
    return [f"{filename}:{line}: {what}" for line, what in sorted(hits)]


def test_sql_scanner_flags_sql_and_ignores_prose():
    sql = textwrap.dedent('''
        rows = db.execute("SELECT id FROM codes WHERE name = ?", [name])
        INSERT = """
            INSERT INTO codes (name) VALUES (:name)
        """
        table = f"UPDATE {name} SET label = ?"
        conn.executescript("BEGIN")
        PRAGMA = "PRAGMA foreign_keys = ON"
    ''')
    hits = find_sql(sql, "snippet.py")
    assert [h.split(":")[1] for h in hits] == ["2", "2", "3", "6", "7", "7", "8"], hits

    prose = textwrap.dedent('''
        """Module docstring: every write runs in BEGIN IMMEDIATE … SELECT * FROM codes."""
        title = "Update available"
        label = "Delete code"
        menu = ["SELECT", "DROP", "CREATE"]
        message = "CREATE a theme with the selected codes, then DROP the old one."
        hint = "With codes from the codebook"
        frame = df.assign(x=1)
    ''')
    assert find_sql(prose, "prose.py") == []


def test_no_sql_outside_store():
    hits = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if STORE in path.parents:
            continue
        rel = path.relative_to(REPO).as_posix()
        hits += find_sql(path.read_text(encoding="utf-8"), rel)
    assert not hits, "SQL belongs in post_coder/store/ (STYLE.md §7.1):\n" + "\n".join(hits)


# --- a light start ----------------------------------------------------------------------------

#: loaded when a feature first needs them (exports, figures, suggestions, Word and Excel
#: files), never to show the main window: pandas alone took 0.35 s of a 1 s start
HEAVY = ("pandas", "matplotlib", "sklearn", "scipy", "docx", "openpyxl", "python_calamine",
         "pyreadstat", "krippendorff", "sentence_transformers", "torch")

LIGHT_START = f"""
import sys
from post_coder.ui.app import application
from post_coder.ui.main_window import MainWindow
from post_coder.ui.settings import app_settings
app = application()
window = MainWindow(app_settings(), ask_coder=False)
window.show()
app.processEvents()
loaded = [name for name in {HEAVY!r} if name in sys.modules]
assert not loaded, f"the main window loaded {{loaded}}"
# what sqlite-utils was imported without loads as usual afterwards, and works with it
import pandas, sqlite_utils
from post_coder.export.figures import FORMATS, likert_bars
from post_coder.ui.widgets import figure_view
assert figure_view.FORMATS == FORMATS, (figure_view.FORMATS, FORMATS)
figure = likert_bars({{"Q1": {{"Agree": 3, "Disagree": 1}}}}, ["Agree", "Disagree"])
view = figure_view.FigureView(figure)
assert view.canvas is not None and view.save_button.isEnabled()
# sqlite-utils works, without its pandas column types (the store writes its own SQL)
db = sqlite_utils.Database(memory=True)
db["t"].insert_all([{{"n": 1, "when": "2026-01-02"}}])
assert db.execute("select n, \\"when\\" from t").fetchall() == [(1, "2026-01-02")]
assert sqlite_utils.db.pd is None
print("light start")
"""


@pytest.mark.qt
def test_main_window_opens_without_heavy_libraries(tmp_path):
    result = run([sys.executable, "-c", LIGHT_START], QT_QPA_PLATFORM="offscreen",
                 POST_CODER_SETTINGS=str(tmp_path / "settings.ini"))
    assert result.returncode == 0 and "light start" in result.stdout, (
        result.stdout + result.stderr)


def test_sqlite_utils_is_imported_only_by_the_store():
    hits = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if STORE in path.parents:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n == "sqlite_utils" or n.startswith("sqlite_utils.") for n in names):
                hits.append(f"{path.relative_to(REPO).as_posix()}:{node.lineno}")
    assert not hits, ("import sqlite-utils through post_coder.store (which loads it without "
                      "pandas), not directly:\n" + "\n".join(hits))


# --- PySide6 canary -------------------------------------------------------------------------

# PySide6-Essentials 6.12.0 on CPython < 3.12 drops one reference to None on every call of a
# void Qt method and on every call that returns an invalid QVariant; after a few thousand calls
# the interpreter aborts with "Fatal Python error: none_dealloc". (3.12+ makes None immortal.)
# The script measures the change in None's reference count over CALLS calls of each kind and
# prints it as JSON. With --leaky it also measures a call that really drops a reference to None
# (and gives it back afterwards), to show that the measurement sees such a leak.
CALLS = 1000
NONE_REFCOUNT = f"""
import ctypes, json, sys
from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QLabel

class Empty(QAbstractTableModel):
    def rowCount(self, parent=QModelIndex()):
        return 0

    def columnCount(self, parent=QModelIndex()):
        return 0

app = QApplication([])
label = QLabel("x")
model = Empty()

def drift(call):
    before = sys.getrefcount(None)
    for _ in range({CALLS}):
        call()
    return sys.getrefcount(None) - before

calls = {{
    "QLabel.setText (void)": lambda: label.setText("y"),
    "QCoreApplication.processEvents (void)": QCoreApplication.processEvents,
    "QModelIndex().data() (invalid QVariant)": lambda: QModelIndex().data(),
    "base-class headerData (invalid QVariant)":
        lambda: QAbstractTableModel.headerData(model, 0, Qt.Orientation.Horizontal,
                                               Qt.ItemDataRole.ToolTipRole),
}}
if "--leaky" in sys.argv:
    calls["Py_DecRef(None) (a real leak)"] = lambda: ctypes.pythonapi.Py_DecRef(ctypes.py_object(None))
result = {{name: drift(call) for name, call in calls.items()}}
if "--leaky" in sys.argv:
    for _ in range({CALLS}):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))
print(json.dumps(result))
"""


def none_refcount_drift(*args: str) -> dict[str, int]:
    result = run([sys.executable, "-c", NONE_REFCOUNT, *args], QT_QPA_PLATFORM="offscreen")
    assert result.returncode == 0, (
        "the PySide6 None-refcount check crashed (a 'none_dealloc' fatal error is the bug "
        "itself):\n" + result.stdout + result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def leaking(drift: dict[str, int]) -> list[str]:
    """Calls after which None lost (nearly) one reference per call."""
    return [f"{name}: {change:+d} over {CALLS} calls" for name, change in drift.items()
            if change <= -CALLS * 9 // 10]


@pytest.mark.qt
def test_pyside_does_not_leak_none_references():
    drift = none_refcount_drift()
    assert len(drift) == 4
    bad = leaking(drift)
    assert not bad, (
        "PySide6 drops a reference to None on void calls. PySide6-Essentials 6.12.0 has this bug on "
        "CPython < 3.12 (3.12+ makes None immortal); after a few thousand Qt calls the app dies "
        "with 'Fatal Python error: none_dealloc'. pyproject.toml pins PySide6-Essentials < 6.12 on "
        "Python < 3.12 for this reason: check the installed version (pip show PySide6-Essentials) "
        "and rerun `bash scripts/dev.sh setup`.\n" + "\n".join(bad))


@pytest.mark.qt
@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal on Python 3.12+: "
                    "its reference count never changes, so there is no leak to see")
def test_pyside_canary_sees_a_real_leak():
    drift = none_refcount_drift("--leaky")
    assert leaking(drift) == [f"Py_DecRef(None) (a real leak): {-CALLS:+d} over {CALLS} calls"]


# --- CI runs the developer command ----------------------------------------------------------

def test_ci_runs_dev_test():
    lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    commands = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    assert commands[-1] == "bash scripts/dev.sh test"
