"""RE-AIM summaries from a project's quantitative data.

A spec (TOML, :mod:`.spec`) lists measures by RE-AIM dimension; :mod:`.summary` checks it
against a project and computes every measure (the content of ``summary.json``);
:mod:`.tables` turns the results into document tables (one per dimension) and writes
``summary.json`` and the tables; :mod:`.stored` keeps the spec in the project.
"""

from post_coder.export.reaim.spec import DIMENSIONS, KINDS, Spec, SpecError, parse_spec, read_spec
from post_coder.export.reaim.summary import NUMBER_KEYS, check_spec, summarize

__all__ = ["DIMENSIONS", "KINDS", "NUMBER_KEYS", "Spec", "SpecError", "check_spec",
           "parse_spec", "read_spec", "summarize"]
