"""Inter-coder agreement statistics for any reliability data (pure numpy; no project access).

The public entry point is :func:`coefficients`::

    from post_coder.coding.agreement import coefficients
    data = [[1, 1, None],      # one row per unit (response), one column per coder,
            [0, 1, 1],         # None where that coder gave no rating
            [0, 0, 0]]
    result = coefficients(data, level="nominal", categories=[0, 1])
    result["krippendorff_alpha"], result["notes"]

It returns every coefficient the app reports, ``None`` where a coefficient is not defined for
these data, and a plain-words reason for each ``None`` under ``notes``. The app's per-code
report uses the vectorised :func:`binary_report` (every code at once) and
:func:`binary_alpha_ci`; :func:`alpha_ci` and :func:`group_alpha` complete the set.

Notation (Gwet 2014): ``n`` units, ``r`` coders, ``q`` categories; ``r_ik`` coders who put unit
``i`` in category ``k``; ``r_i = sum_k r_ik`` the coders who rated unit ``i``.

Conventions for missing ratings
-------------------------------
* Observed agreement ``p_a`` (Gwet 2014, ch. 2 and 5; R package irrCAC ``pa.coeff.raw``): the mean,
  over the ``n'`` units rated by two or more coders, of the share of agreeing coder pairs::

      p_a = 1/n' * sum_{i: r_i >= 2} sum_k r_ik (r_ik - 1) / (r_i (r_i - 1))

  This is ``percent_agreement`` and the ``p_a`` of Fleiss, Conger, Scott, AC1 and
  Brennan-Prediger. For two coders it is the share of units both rated where they agree.
* Chance agreement ``p_e``; each coefficient is ``(p_a - p_e) / (1 - p_e)``:

  - Fleiss' kappa (Fleiss 1971; irrCAC ``fleiss.kappa.raw``): ``pi_k = mean over units rated at
    least once of r_ik / r_i``; ``p_e = sum_k pi_k^2``.
  - Gwet's AC1 (Gwet 2008): ``p_e = sum_k pi_k (1 - pi_k) / (q - 1)`` with the same ``pi_k``.
  - Brennan-Prediger (1981): ``p_e = 1 / q``.
  - Conger's kappa (Conger 1980; irrCAC ``conger.kappa.raw``): ``p_gk`` = share of the units
    coder ``g`` rated that they put in ``k``; ``pbar_k`` the mean over coders; ``s2_k`` the
    variance over coders of ``p_gk`` (divisor ``r - 1``); ``p_e = sum_k (pbar_k^2 - s2_k / r)``.
  - Cohen's kappa (Cohen 1960), two coders: ``p_e = sum_k p_1k p_2k`` with each coder's
    proportions over all the units that coder rated (Gwet's two-rater convention); equal to
    Conger's kappa for two coders. Weighted (Cohen 1968): ``p_a = mean of w(k1, k2)`` over
    units both rated, ``p_e = sum_kl w_kl p_1k p_2l`` with linear weights
    ``1 - |i - j| / (q - 1)`` or quadratic weights ``1 - (i - j)^2 / (q - 1)^2`` on the
    positions ``i, j`` of the categories in ``categories``.
  - Scott's pi (Scott 1955): ``p_e = sum_k pbar_k^2`` with the coders' mean proportions
    ``pbar_k`` as for Conger (the coders' own marginals, pooled). With no missing ratings it
    equals Fleiss' kappa (which generalises Scott's pi); with missing ratings it differs
    because Fleiss weights units and Scott weights coders.
* Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"): only
  *pairable* values count (units with two or more ratings). Coincidences
  ``o_ck = sum_u (number of c-k pairs of different coders in u) / (m_u - 1)``,
  ``n_c = sum_k o_ck``, ``n = sum_c n_c``::

      alpha = 1 - (n - 1) * sum_ck o_ck d_ck / sum_ck n_c n_k d_ck

  with the level's difference ``d_ck``: nominal ``[c != k]``; ordinal
  ``(sum_{g=c..k} n_g - (n_c + n_k) / 2)^2`` over the order of ``categories``; interval
  ``(c - k)^2``; ratio ``((c - k) / (c + k))^2``; set-valued ratings (``level="set"``) the MASI
  distance of Passonneau (2006), with two empty sets at distance 0.

The chance-corrected kappas are unweighted (nominal) at every level; only alpha and the two
weighted Cohen variants use the order or values of the categories.

Degenerate data
---------------
A coefficient that is 0/0 for these data is ``None`` with a reason, never a crash or a made-up
1.0: no ratings, fewer than two coders with any rating, no unit rated by two coders, no
variation (every rating the same value, so chance agreement is already total), or fewer than two
possible categories. Gwet's AC1, Brennan-Prediger and percent agreement stay defined when all
coders give the same value (their chance agreement is below 1), and are reported.
"""

from __future__ import annotations

from post_coder.coding.agreement._binary import (
    BinaryReport,
    binary_alpha_ci,
    binary_report,
    group_alpha,
    pattern_report,
)
from post_coder.coding.agreement._data import (
    BINARY,
    COEFFICIENTS,
    LEVELS,
    NO_OVERLAP,
    NO_RATINGS,
    NO_VARIATION,
    ONE_CATEGORY,
    ONE_CODER,
    SET_ONLY,
)
from post_coder.coding.agreement._general import alpha_ci, coefficients
from post_coder.coding.agreement._spans import (
    character_counts,
    response_counts,
    segment_counts,
    segment_units,
)

__all__ = ["BINARY", "COEFFICIENTS", "LEVELS", "NO_OVERLAP", "NO_RATINGS",
           "NO_VARIATION", "ONE_CATEGORY", "ONE_CODER", "SET_ONLY", "BinaryReport", "alpha_ci",
           "binary_alpha_ci", "binary_report", "character_counts", "coefficients",
           "group_alpha", "pattern_report", "response_counts", "segment_counts",
           "segment_units"]
