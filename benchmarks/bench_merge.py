"""Benchmark: merge three coders' work files of 250,000 codings each into the lead's project.

Generates a survey (50k respondents, 2 open-ended questions = 100k responses), a
30-code codebook and three coders in a temporary folder; makes a coder package for each
coder; writes 250k codings per coder into the packages (5% of them later removed, and a
codebook proposal each); exports each coder's work file. Then, in a fresh process (as
``post-coder merge`` or the app would), times a preview, merging the three files into the
lead's project, and a repeated (idempotent) merge, and prints the numbers.

    .venv/bin/python benchmarks/bench_merge.py [codings_per_coder]
"""

from __future__ import annotations

import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from post_coder.coding import codebook
from post_coder.coding.coders import add_coder
from post_coder.importing import import_survey, inspect_file
from post_coder.project import Project
from post_coder.queries import ReadScope, response_ids
from post_coder.store import codings as codings_store
from post_coder.store import counts
from post_coder.store.codings import Coding
from post_coder.store.db import now
from post_coder.team.merge import merge, merge_preview
from post_coder.team.package import export_package, export_work
from post_coder.team.rounds import create_round

WORDS = ("the staff were kind and helpful but the waiting time was far too long for most of us "
         "peer support made a real difference to how I coped").split()
CODES = 30


def write_survey(path: Path, respondents: int, rng: random.Random) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "Department", "What helped?", "What should change?"])
        for i in range(respondents):
            w.writerow([f"R{i:06d}", rng.choice(["EM", "ICU", "OBGYN", "Surgery"]),
                        " ".join(rng.choices(WORDS, k=12)), " ".join(rng.choices(WORDS, k=9))])


def fill_package(path: Path, responses: list[str], per_coder: int, seed: int) -> None:
    """Write ``per_coder`` codings (5% later removed) and one new code into a package."""
    rng = random.Random(seed)
    with Project.open(path) as p:
        from post_coder.team.package import package_info

        coder = package_info(p).coder_id  # type: ignore[union-attr]
        p.actor = coder
        code_ids = [c.id for c in codebook.list_codes(p)]
        codebook.add_code(p, f"Proposal {seed}", definition="A code proposed on a laptop")
        per_response = max(1, -(-per_coder // len(responses)))
        rows = []
        for r in responses:
            for code in rng.sample(code_ids, per_response):
                at = now()
                dead = at if rng.random() < 0.05 else None
                rows.append(Coding(f"{seed:02d}" + rng.randbytes(15).hex()[:34], r, code, coder,
                                   None, None, at, at, dead))
                if len(rows) == per_coder:
                    break
            if len(rows) == per_coder:
                break
        with p.transact("Bench codings", undoable=False):
            codings_store.insert_many(p.db, rows)


def setup(folder: Path, per_coder: int) -> None:
    """The lead's project, three coder packages with their codings, three work files."""
    rng = random.Random(7)
    t0 = time.perf_counter()
    survey = folder / "survey.csv"
    write_survey(survey, 50_000, rng)
    with Project.create(folder / "lead.postcoder") as lead:
        plan = inspect_file(survey).with_mapping(
            id_column="id", open_ended=["What helped?", "What should change?"],
            attributes=["Department"])
        import_survey(lead, plan)
        coders = [add_coder(lead, n).new_id for n in ("Ana Diaz", "Ben Okafor", "Chen Wei")]
        for i in range(CODES):
            codebook.add_code(lead, f"Code {i:02d}")
        create_round(lead, "Round 1", coders, blind=True)
        responses = response_ids(lead, ReadScope.everyone())
        export_s = 0.0
        for n, coder in enumerate(coders, start=1):
            pkg = export_package(lead, coder, folder / f"coder{n}").path
            fill_package(pkg, responses, per_coder, n)
            with Project.open(pkg) as p:
                t = time.perf_counter()
                export_work(p, folder / f"coder{n}")
                export_s += time.perf_counter() - t
            pkg.unlink()  # the packages stay on the coders' laptops
    size = sum(w.stat().st_size for w in folder.glob("*.postcoder-work")) / 1e6
    print(f"setup: {len(responses):,} responses, {CODES} codes, 3 coders, packages and "
          f"{per_coder:,} codings per coder in {time.perf_counter() - t0:.1f} s "
          f"(work export: {export_s:.2f} s for 3 files, {size:.1f} MB)")


def merge_all(folder: Path) -> None:
    """What is timed: the lead opens the project and merges the three work files."""
    works = sorted(folder.glob("coder*.postcoder-work"))
    with Project.open(folder / "lead.postcoder") as lead:
        t = time.perf_counter()
        preview = merge_preview(lead, works[0])
        print(f"preview of coder 1: {time.perf_counter() - t:.2f} s "
              f"({preview.new_codings:,} new codings)")
        total = 0.0
        for n, work in enumerate(works, start=1):
            t = time.perf_counter()
            result = merge(lead, work)
            took = time.perf_counter() - t
            total += took
            print(f"merge coder {n}: {took:.2f} s  ({result.plan.new_codings:,} new, "
                  f"{result.plan.tombstones:,} removals recorded, "
                  f"{result.plan.new_codes} new codes)")
        per_coder = len(result.plan.file) and (preview.new_codings + preview.tombstones)
        print(f"merge 3 coders x {per_coder:,} codings: {total:.2f} s "
              f"({'under' if total < 10 else 'OVER'} the 10 s target)")
        t = time.perf_counter()
        again = merge(lead, works[1])
        print(f"merging coder 2 again: {time.perf_counter() - t:.2f} s "
              f"(already merged: {bool(again.plan.already_merged_at)})")
        totals = counts.totals(lead.db, ReadScope.everyone())
        print(f"lead now holds {totals['codings']:,} live codings, {totals['codes']} codes")


def main(per_coder: int = 250_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        setup(folder, per_coder)
        os.sync()  # the setup's writes reach the disk before anything is timed
        # the merges run as the lead runs them: in a fresh process (post-coder merge, the app)
        subprocess.run([sys.executable, __file__, "--merge", str(folder)], check=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--merge"]:
        merge_all(Path(sys.argv[2]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 250_000)
