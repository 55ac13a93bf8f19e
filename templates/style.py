"""What every report shares: the version stamp, the stylesheet, how key figures are printed,
and the garbage-collector guard of the heavy rendering calls."""
from __future__ import annotations

import functools
import gc
import math
from importlib import resources
from importlib.metadata import PackageNotFoundError, version as _pkg_version

try:
    VERSION = _pkg_version("p2p-size")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    VERSION = "dev"

NOT_WITHIN_LIFE = "not within project life"

VERDICT_CSS = {"feasible": "ok", "feasible with subsidy": "warn", "not feasible": "bad"}


def _old_objects_frozen(func):
    """Run ``func`` with the objects alive at the call set aside by the garbage collector.

    Rendering makes hundreds of thousands of short-lived containers (matplotlib artists,
    WeasyPrint boxes), so Python's cyclic collector runs full collections, and each one
    rescans every object the simulation left alive (about 300,000 for a 200-home village:
    0.3–0.5 s of the report's time). ``gc.freeze`` moves them out of its reach for the
    call; ``gc.unfreeze`` gives them back, so nothing is kept longer than it would be.
    Left alone when something else has frozen objects (the caller's choice stands).
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if gc.get_freeze_count():
            return func(*args, **kwargs)
        gc.freeze()
        try:
            return func(*args, **kwargs)
        finally:
            gc.unfreeze()
    return wrapper



def css() -> str:
    """The reports' stylesheet (inlined into every HTML and PDF)."""
    return resources.files("p2p_size.templates").joinpath("report.css").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- number formats
# One place for how a key figure is printed; the tests format summary.json the same way.
def _finite(x) -> bool:
    return x is not None and isinstance(x, (int, float)) and math.isfinite(x)


def _n(x, fmt=",.0f", missing="—"):
    return format(x, fmt) if _finite(x) else missing


def fmt_lcoe(x, currency: str) -> str:
    return f"{x:.3f} {currency}/kWh" if _finite(x) else "—"


def fmt_years(x) -> str:
    return f"{x:.1f} years" if _finite(x) else NOT_WITHIN_LIFE


def fmt_pct(fraction, decimals: int = 1) -> str:
    return f"{100 * fraction:.{decimals}f} %" if _finite(fraction) else "—"


def fmt_t(x) -> str:
    return f"{x:,.1f} t" if _finite(x) else "—"


def fmt_money(x, currency: str) -> str:
    return f"{x:,.0f} {currency}" if _finite(x) else "—"

