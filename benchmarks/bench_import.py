"""Benchmark: inspect and import a 100k-row survey CSV.

Generates a CSV (respondent id, department, 3 Likert items, a multi-select, 3 open-ended
questions with varied text) in a temporary folder, then times ``inspect_file`` and
``import_survey`` into a fresh project and prints the numbers.

    .venv/bin/python benchmarks/bench_import.py [rows]
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from pathlib import Path

from post_coder.importing import import_survey, inspect_file
from post_coder.project import Project
from post_coder.store import surveys

DEPARTMENTS = ["Nursing", "Pharmacy", "Medicine", "Public Health", "Dentistry"]
AGREE = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
CHANNELS = ["Email", "Phone", "Website", "In person", "Newsletter"]
WORDS = ("the staff were kind and helpful but the waiting time was far too long for most of us "
         "I would like more evening sessions clearer information about parking better coffee "
         "peer support made a real difference to how I coped après l'opération 很好 отлично").split()


def sentence(rng: random.Random) -> str:
    n = rng.randint(3, 40)
    text = " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + rng.choice(".!?")
    if rng.random() < 0.05:
        text += "\nSecond line, with a comma."
    return text


def answer(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.10:
        return ""
    if r < 0.13:
        return rng.choice(["N/A", "none", "-", "no comment"])
    return sentence(rng)


def write_csv(path: Path, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["ResponseId", "Department", "Q1 support", "Q2 information", "Q3 access",
                    "Channels", "What helped most?", "What should change?", "Anything else?"])
        for i in range(rows):
            channels = ";".join(rng.sample(CHANNELS, rng.randint(1, 3)))
            w.writerow([f"R_{i:07d}", rng.choice(DEPARTMENTS), rng.choice(AGREE),
                        rng.choice(AGREE), rng.choice(AGREE), channels,
                        answer(rng), answer(rng), answer(rng)])


def main(rows: int = 100_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        data = tmp_path / "survey.csv"
        t0 = time.perf_counter()
        write_csv(data, rows)
        t1 = time.perf_counter()
        plan = inspect_file(data)
        t2 = time.perf_counter()
        project = Project.create(tmp_path / "bench.postcoder")
        try:
            t3 = time.perf_counter()
            result = import_survey(project, plan)
            t4 = time.perf_counter()
            questions = surveys.list_questions(project.db)
            variables = surveys.list_variables(project.db)
        finally:
            project.close()
        size = data.stat().st_size / 1e6
    print(f"rows: {rows:,}  file: {size:.1f} MB  (generated in {t1 - t0:.2f} s)")
    print(f"platform={plan.platform} id={plan.id_column} open-ended={plan.open_ended}")
    print(f"inspect_file:  {t2 - t1:.2f} s")
    print(f"import_survey: {t4 - t3:.2f} s  ({result.respondents:,} respondents, "
          f"{result.responses:,} responses)")
    for q in questions:
        print(f"  {q.column_name}: {q.responses} responses, {q.blank_count} blank, "
              f"{q.nonanswer_count} non-answers")
    for v in variables:
        print(f"  {v.name}: {v.type} {list(v.levels)[:5]}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
