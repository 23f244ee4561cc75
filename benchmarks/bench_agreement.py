"""Benchmark: the per-code agreement statistics for 200 codes x 3 coders x 100k responses.

Generates presence/absence codings (each code applied with its own prevalence, the coders
agreeing most of the time) and a done mask (a few responses a coder has not reached), then
times :func:`binary_report` (every coefficient for every code), the seeded bootstrap 95%
interval of alpha for every code (1,000 resamples) and a multi-category alpha over a group of
five mutually exclusive codes, and prints the timings and the peak memory of the process.
For comparison it also times the ``krippendorff`` package on a few codes.

    .venv/bin/python benchmarks/bench_agreement.py [codes] [units] [coders]
"""

from __future__ import annotations

import resource
import sys
import time

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


def main() -> None:
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
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the process (data included): {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
