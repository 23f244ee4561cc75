"""Benchmark: the consensus layer of a large project (100k responses x 3 coders).

Generates the agreement benchmark's project (``bench_agreement.make_project``: 50,000
respondents x 2 questions, 200 codes, 3 coders in one round, 97% of the responses marked
done by each coder, about 540,000 codings), adds a review session deciding 5,000 of the
disagreements (a third each: applies, does not apply, another code instead), and then, in
a fresh process, times :func:`post_coder.team.review.consensus_codings` (the whole layer,
then one round, then one code), :func:`~post_coder.team.review.unresolved` and
:func:`~post_coder.team.review.unresolved_count`, and the theme
table and matrix reads of the layer; and prints the peak memory of that process.

    .venv/bin/python benchmarks/bench_consensus.py [respondents]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_agreement import make_project, peak_mib  # noqa: E402


def add_decisions(path: Path, n: int = 5000) -> None:
    from post_coder.ids import new_id
    from post_coder.project import Project
    from post_coder.queries import ReadScope
    from post_coder.store import review as review_store
    from post_coder.store.db import now
    from post_coder.store.review import Decision
    from post_coder.team import review

    with Project.open(path) as p:
        session = review.open_session(p, ReadScope.everyone(), "Round 1", ["Ana"]).new_id
        pending = review.unresolved(p, ReadScope.everyone(), "Round 1")[:n]
        codes = [r[0] for r in p.db.execute("SELECT id FROM codes ORDER BY name LIMIT 3")]
        with p.transact("Bench decisions", undoable=False):
            for i, (response, code) in enumerate(pending):
                kind = ("applies", "not_applies", "other_code")[i % 3]
                other = None
                if kind == "other_code":
                    other = next(c for c in codes if c != code)
                review_store.upsert_decision(p.db, Decision(
                    new_id(), session, response, code, kind, other, "", None, None, None,
                    now()))
        print(f"decided {len(pending):,} disagreements")


def time_layer(path: Path) -> None:
    from post_coder.export.matrix import code_matrix
    from post_coder.export.themes import ThemeSpec, count_themes
    from post_coder.project import Project
    from post_coder.queries import ReadScope
    from post_coder.team.review import consensus_codings, unresolved, unresolved_count

    everyone = ReadScope.everyone()

    def timed(label, fn):
        t0 = time.perf_counter()
        out = fn()
        print(f"{label:<58} {time.perf_counter() - t0:7.3f} s")
        return out

    with Project.open(path) as p:
        rows = timed("consensus_codings (whole project)", lambda: consensus_codings(p, everyone))
        by = {s: sum(r.source == s for r in rows) for s in ("decided", "agreed", "single")}
        print(f"    {len(rows):,} rows: " + ", ".join(f"{n:,} {s}" for s, n in by.items()))
        timed("consensus_codings (round 1)", lambda: consensus_codings(p, everyone, "Round 1"))
        timed("consensus_codings (one code)",
              lambda: consensus_codings(p, everyone, codes=["Code 000"]))
        left = timed("unresolved (whole project)", lambda: unresolved(p, everyone))
        print(f"    {len(left):,} disagreements not yet resolved")
        timed("unresolved_count (whole project: for a note)",
              lambda: unresolved_count(p, everyone))
        timed("theme table counts (source consensus, no quotes)",
              lambda: count_themes(p, everyone, ThemeSpec(quotes=0)))
        timed("response x code matrix (source consensus)", lambda: code_matrix(p, everyone))
        print(f"    peak memory of the process: {peak_mib():,.0f} MiB")


def main() -> None:
    if sys.argv[1:2] == ["--time"]:
        time_layer(Path(sys.argv[2]))
        return
    respondents = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    with tempfile.TemporaryDirectory(prefix="post-coder-bench-") as tmp:
        path = Path(tmp) / "bench.postcoder"
        t0 = time.perf_counter()
        make_project(path, respondents)
        add_decisions(path)
        print(f"{'generating the project (not timed below)':<58} "
              f"{time.perf_counter() - t0:7.3f} s")
        subprocess.run([sys.executable, __file__, "--time", str(path)], check=True)


if __name__ == "__main__":
    main()
