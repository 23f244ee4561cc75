"""Docs stay true to the code: the CLI reference is regenerated and compared."""

import importlib.util
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _generator():
    spec = importlib.util.spec_from_file_location("gen_cli_docs",
                                                  REPO / "scripts" / "gen_cli_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_current():
    doc = REPO / "docs" / "cli.md"
    assert doc.read_text(encoding="utf-8") == _generator().render(), (
        "docs/cli.md is out of date: run .venv/bin/python scripts/gen_cli_docs.py")


def test_readme_has_exactly_the_two_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:bash|sh|shell)?\n(.*?)```", readme, flags=re.S)
    commands = [line for b in blocks for line in b.splitlines() if line.strip()]
    assert commands == ["bash scripts/dev.sh demo", "bash scripts/dev.sh test"]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci == "bash scripts/dev.sh test"
