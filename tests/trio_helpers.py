"""A small three-coder project whose agreement is known by hand (grid, codebook, tests).

Coders Ana Bell (AB), Carl Diaz (CD), Eve Fox (EF); codes Burnout, Workload, Support (in
that codebook order). On the ``feedback`` question of the ``surveyed`` survey:

====  =====================  =====================  ==================  ==============
resp  Ana Bell               Carl Diaz              Eve Fox             agreement
====  =====================  =====================  ==================  ==============
R1    Burnout                Burnout                Burnout             agree
R2    Burnout                Burnout, Workload      —                   disagree
R3    nothing applies        nothing applies        —                   agree
R4    Support                Workload, then un-     —                   fewer than two
                             marked done (missing)                      done
R5    Support                Support                nothing applies     disagree
====  =====================  =====================  ==================  ==============

No one has marked a ``suggestions`` answer done (fewer than two, everywhere).
"""

from __future__ import annotations

from post_coder.coding.codebook import add_code
from post_coder.coding.coders import add_coder
from post_coder.coding.codings import apply_code
from post_coder.coding.done import nothing_applies, unmark_done
from post_coder.project import Project
from tests.conftest import response_id


class Trio:
    def __init__(self, project: Project) -> None:
        p = self.project = project
        self.ab = add_coder(p, "Ana Bell").new_id
        self.cd = add_coder(p, "Carl Diaz").new_id
        self.ef = add_coder(p, "Eve Fox").new_id
        self.burnout = add_code(p, "Burnout").new_id
        self.workload = add_code(p, "Workload").new_id
        self.support = add_code(p, "Support").new_id
        self.r = {x: response_id(p, x) for x in ("R1", "R2", "R3", "R4", "R5")}
        self.sg = {x: response_id(p, x, "suggestions") for x in ("R1", "R3", "R5")}
        for coder in (self.ab, self.cd, self.ef):
            apply_code(p, self.r["R1"], self.burnout, coder)
        apply_code(p, self.r["R2"], self.burnout, self.ab)
        apply_code(p, self.r["R2"], self.burnout, self.cd)
        apply_code(p, self.r["R2"], self.workload, self.cd)
        nothing_applies(p, self.r["R3"], self.ab)
        nothing_applies(p, self.r["R3"], self.cd)
        apply_code(p, self.r["R4"], self.support, self.ab)
        apply_code(p, self.r["R4"], self.workload, self.cd)
        unmark_done(p, self.r["R4"], self.cd)
        apply_code(p, self.r["R5"], self.support, self.ab)
        apply_code(p, self.r["R5"], self.support, self.cd)
        nothing_applies(p, self.r["R5"], self.ef)
        p.clear_history()
