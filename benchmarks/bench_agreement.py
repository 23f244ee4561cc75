"""Benchmark: the per-code agreement statistics for 200 codes x 3 coders x 100k responses.

Generates presence/absence codings (each code applied with its own prevalence, the coders
agreeing most of the time) and a done mask (a few responses a coder has not reached), then
times :func:`binary_report` (every coefficient for every code), the seeded bootstrap 95%
interval of alpha for every code (1,000 resamples) and a multi-category alpha over a group of
five mutually exclusive codes, and prints the timings and the peak memory of the process.
For comparison it also times the ``krippendorff`` package on a few codes.

Then the same report from a project (``--project``): it generates a project file with
100,000 responses (50,000 respondents x 2 questions, texts of 40 to 400 characters), 200
codes, 3 coders in one round, every coder marking 97% of the responses done and applying
about 2 codes per response (codes of very different prevalence; the coders agree most of
the time) — about 540,000 codings, 70% of them spans: the coders mark the same passage with
boundaries a few characters apart, sometimes a passage of their own — and then, in a fresh
process for each unit (as the app or ``post-coder agreement`` would), times
``agreement_report`` for the round: reading the done marks and codings (and for the
character and segment units the spans and text lengths) through the read scope, every
coefficient for every code, the bootstrap interval (1,000 resamples), the pooled alpha, and
storing the report; and prints the peak memory of each process.

    .venv/bin/python benchmarks/bench_agreement.py [codes] [units] [coders]
    .venv/bin/python benchmarks/bench_agreement.py --project [respondents]
"""

from __future__ import annotations

import csv
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from post_coder.coding.agreement import binary_alpha_ci, binary_report, group_alpha


def make_data(codes: int, units: int, coders: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    prevalence = rng.uniform(0.01, 0.3, size=codes)
    truth = rng.random((codes, units), dtype=np.float32) < prevalence[:, None].astype(np.float32)
    ratings = np.empty((codes, units, coders), dtype=bool)
    for g in range(coders):
        flip = rng.random((codes, units), dtype=np.float32) < 0.05
        ratings[:, :, g] = truth ^ flip
    done = rng.random((units, coders)) < 0.97
    return ratings, done


def timed(label: str, fn, repeat: int = 3):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    extra = f" (first {times[0]:.3f} s, best of {repeat})" if repeat > 1 else ""
    print(f"{label:<58} {min(times):7.3f} s{extra}")
    return result


def make_project(path: Path, respondents: int, n_codes: int = 200, seed: int = 3) -> None:
    """A project with one round of 3 coders who coded (and marked done) its responses."""
    from post_coder.coding import codebook
    from post_coder.coding.coders import add_coder
    from post_coder.team.rounds import create_round
    from post_coder.importing import import_survey, inspect_file
    from post_coder.project import Project
    from post_coder.queries import ReadScope, response_ids
    from post_coder.store import codings as codings_store
    from post_coder.store import done as done_store
    from post_coder.store import team as exchange_store
    from post_coder.store.codings import Coding
    from post_coder.store.db import now
    from post_coder.store.done import DoneMark

    rng = random.Random(seed)
    survey = path.with_suffix(".csv")
    words = ("peer support helped me after a hard shift and I felt less alone time was too "
             "short the team listened colleagues checked in on call nights made it worse "
             "privacy mattered").split()

    def text() -> str:
        out = rng.choice(words).capitalize()
        target = rng.randint(40, 400)
        while len(out) < target:
            out += " " + rng.choice(words)
        return out[:target].rstrip() + "."

    with open(survey, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "Department", "What helped?", "What should change?"])
        for i in range(respondents):
            w.writerow([f"R{i:06d}", rng.choice(["EM", "ICU", "OBGYN"]), text(), text()])
    p = Project.create(path, name="Agreement benchmark")
    import_survey(p, inspect_file(survey).with_mapping(
        id_column="id", open_ended=["What helped?", "What should change?"],
        attributes=["Department"]))
    coders = [add_coder(p, name).new_id for name in ("Ana", "Ben", "Cleo")]
    with p.transact("Bench codebook", undoable=False):
        codes = [codebook.add_code(p, f"Code {k:03d}").new_id for k in range(n_codes)]
    responses = response_ids(p, ReadScope.everyone())
    lengths = dict(p.db.execute("SELECT id, length(text) FROM responses").fetchall())
    create_round(p, "Round 1", coders)
    weights = [1.0 / (k + 1) for k in range(n_codes)]  # a few common codes, many rare ones
    np_rng = np.random.default_rng(seed)
    at = now()
    codings, marks = [], []

    def passage(n: int) -> tuple[int | None, int | None]:
        if rng.random() < 0.3:
            return None, None  # the whole response
        start = rng.randrange(0, max(1, n - 10))
        return start, min(n, start + rng.randint(10, 120))

    def nudge(span: tuple[int | None, int | None], n: int) -> tuple[int | None, int | None]:
        """The same passage as another coder marks it: boundaries a few characters off."""
        if span[0] is None:
            return span
        start = min(max(0, span[0] + rng.randint(-8, 8)), n - 1)
        end = min(n, max(start + 1, span[1] + rng.randint(-8, 8)))
        return start, end

    for r in responses:
        n = lengths[r]
        truth = {c: passage(n) for c in rng.choices(codes, weights, k=2)}
        for g, coder in enumerate(coders):
            if np_rng.random() > 0.97:
                continue  # not reached
            marks.append(DoneMark(r, coder, at, at, None))
            mine = {c: nudge(span, n) for c, span in truth.items() if np_rng.random() > 0.1}
            if np_rng.random() < 0.1:
                mine.setdefault(rng.choice(codes), passage(n))
            codings += [Coding(rng.randbytes(16).hex(), r, c, coder, a, b, at, at, None)
                        for c, (a, b) in mine.items()]
    with exchange_store.bulk_writes(p.db), p.transact("Bench codings", undoable=False):
        codings_store.insert_many(p.db, codings)
        done_store.upsert(p.db, marks)
    print(f"project: {len(responses):,} responses, {n_codes} codes, 3 coders, "
          f"{len(codings):,} codings, {len(marks):,} done marks")
    p.close()


def peak_mib() -> float:
    """The peak memory of this process in MiB: VmHWM where Linux gives it (ru_maxrss of a
    process started by another keeps the parent's peak at the fork)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_report(path: Path, unit: str) -> None:
    """In this (fresh) process: the full per-code report of the round for ``unit``, timed
    (with the response unit, then the disagreements)."""
    from post_coder.team.agreement_report import agreement_report, disagreements
    from post_coder.project import Project
    from post_coder.queries import ReadScope

    with Project.open(path) as p:
        t0, c0 = time.perf_counter(), time.process_time()
        report = agreement_report(p, ReadScope.everyone(), round="Round 1", resamples=1000,
                                  seed=7, unit=unit)
        took, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"{f'agreement_report, {unit} unit (read + codes + CI + stored)':<58} "
              f"{took:7.3f} s (CPU {cpu:.3f} s)")
        top = report.codes[0]
        low, high = top["alpha_ci"]
        print(f"    {report.units:,} responses, {top['units']:,} units of {top['code']}: alpha "
              f"{top['krippendorff_alpha']:.4f} [{low:.4f}, {high:.4f}]; pooled alpha "
              f"{report.overall['pooled_alpha']:.4f}, mean {report.overall['mean_alpha']:.4f}; "
              f"flagged {sum(1 for c in report.codes if c['flag']):,} of {len(report.codes)}")
        print(f"    peak memory of the process after the report: {peak_mib():,.0f} MiB")
        if unit == "response":
            t0 = time.perf_counter()
            found = disagreements(p, ReadScope.everyone(), round="Round 1")
            print(f"{'disagreements (every code, with spans)':<58} "
                  f"{time.perf_counter() - t0:7.3f} s ({len(found.rows):,} found)")
            print(f"    peak memory of the process after it: {peak_mib():,.0f} MiB")


def project_main(respondents: int) -> None:
    with tempfile.TemporaryDirectory(prefix="post-coder-bench-") as tmp:
        path = Path(tmp) / "bench.postcoder"
        t0 = time.perf_counter()
        make_project(path, respondents)
        print(f"{'generating the project (not part of the report)':<58} "
              f"{time.perf_counter() - t0:7.3f} s")
        for unit in ("response", "character", "segment"):
            subprocess.run([sys.executable, __file__, "--time-report", str(path), unit],
                           check=True)


def main() -> None:
    if sys.argv[1:2] == ["--project"]:
        project_main(int(sys.argv[2]) if len(sys.argv) > 2 else 50_000)
        return
    if sys.argv[1:2] == ["--time-report"]:
        time_report(Path(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "response")
        return
    defaults = ["200", "100000", "3"]
    codes, units, coders = (int(a) for a in sys.argv[1:] + defaults[len(sys.argv) - 1:])
    print(f"{codes} codes x {units:,} units x {coders} coders")
    t0 = time.perf_counter()
    ratings, done = make_data(codes, units, coders)
    print(f"{'generating the data (not part of the statistics)':<58} "
          f"{time.perf_counter() - t0:7.3f} s")
    report = timed("binary_report: every coefficient, every code",
                   lambda: binary_report(ratings, done))
    low, high = timed("binary_alpha_ci: bootstrap 95% CI, 1,000 resamples",
                      lambda: binary_alpha_ci(ratings, done, resamples=1000, seed=7), repeat=1)
    timed("binary_report with the bootstrap CI (one call)",
          lambda: binary_report(ratings, done, resamples=1000, seed=7), repeat=1)
    group = timed("group_alpha: 5 mutually exclusive codes", lambda: group_alpha(ratings[:5], done))
    print(f"code 0: alpha {report.values['krippendorff_alpha'][0]:.4f} "
          f"[{low[0]:.4f}, {high[0]:.4f}], units {report.n_units[0]:,}; group alpha {group[0]:.4f}")

    import krippendorff
    few = 3
    t0 = time.perf_counter()
    for c in range(few):
        data = np.where(done.T, ratings[c].T, np.nan).astype(float)
        krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    per_code = (time.perf_counter() - t0) / few
    print(f"{'krippendorff package, per code (for comparison)':<58} {per_code:7.3f} s "
          f"(x {codes} codes = {per_code * codes:.1f} s)")
    print(f"peak memory of the process (data included): {peak_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
