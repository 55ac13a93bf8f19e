"""The search for a design: the rule of thumb, fixed sizes, the optimiser, its LP bound, the alternatives.

:mod:`.designs` (designs that are not searched), :mod:`.rule_of_thumb` (the installer's
formulas), :mod:`.optimize` (least village NPC with sharing in the loop),
:mod:`.lp_bound` (a perfect-foresight lower bound, HiGHS), :mod:`.alternatives` (the
same village as standalone systems, P2P mesh, central mini-grid and rule of thumb).
"""
from .alternatives import AlternativeResult, alternatives, minigrid_design
from .designs import fixed_design, rule_of_thumb_design, without_links
from .lp_bound import LPBound, npc_lower_bound, standalone_lower_bound
from .optimize import StandaloneOptimum, optimize_design, standalone_optimum

__all__ = ["AlternativeResult", "LPBound", "StandaloneOptimum", "alternatives", "fixed_design", "minigrid_design",
           "npc_lower_bound", "optimize_design", "rule_of_thumb_design", "standalone_lower_bound", "standalone_optimum",
           "without_links"]
