"""Charts as inline SVG strings (matplotlib, SVG backend, no files, no network)."""
from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
PALETTE = {"pv": "#f2a900", "battery": "#2a9d8f", "p2p": "#7b61ff", "diesel": "#6c757d",
           "unmet": "#d62828", "load": "#1d3557", "curtailed": "#e9c46a"}

plt.rcParams.update({
    "font.family": "DejaVu Sans", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
    "svg.fonttype": "none", "svg.hashsalt": "p2p-size",
})


def to_svg(fig) -> str:
    """Render a figure to an inline <svg> element (no XML prolog, scalable)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    # scale with the page: drop fixed pt sizes, keep the viewBox
    svg = re.sub(r'<svg([^>]*?) width="[^"]+" height="[^"]+"', r'<svg\1 class="chart"', svg, count=1)
    return svg


def monthly_energy(month_of_hour: np.ndarray, series: dict[str, np.ndarray], load_kw: np.ndarray) -> str:
    """Stacked monthly bars of how the load was served, with the load as a line [MWh or kWh]."""
    fig, ax = plt.subplots(figsize=(7.0, 2.8))
    bottom = np.zeros(12)
    total = np.bincount(month_of_hour, weights=load_kw, minlength=12)
    scale, unit = (1000.0, "MWh") if total.max() > 5000 else (1.0, "kWh")
    x = np.arange(12)
    for name, values in series.items():
        monthly = np.bincount(month_of_hour, weights=values, minlength=12) / scale
        ax.bar(x, monthly, bottom=bottom, color=PALETTE.get(name.split()[0].lower(), None), label=name, width=0.7)
        bottom += monthly
    ax.plot(x, total / scale, color=PALETTE["load"], marker="o", lw=1.5, label="load")
    ax.set_xticks(x, MONTHS)
    ax.set_ylabel(unit)
    ax.legend(ncol=len(series) + 1, fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, 1.18))
    return to_svg(fig)


def typical_days(hour_of_day: np.ndarray, season_of_hour: np.ndarray, curves: dict[str, np.ndarray]) -> str:
    """Mean day per season (rows: seasons) of the given hourly curves [kW]."""
    seasons = [s for s in ("Dec-Feb", "Mar-May", "Jun-Aug", "Sep-Nov")]
    fig, axes = plt.subplots(1, 4, figsize=(7.2, 2.2), sharey=True)
    for k, ax in enumerate(axes):
        mask = season_of_hour == k
        for name, values in curves.items():
            mean = np.bincount(hour_of_day[mask], weights=values[mask], minlength=24) / max(mask.sum() / 24, 1)
            ax.plot(np.arange(24), mean, label=name, color=PALETTE.get(name.split()[0].lower(), None), lw=1.4)
        ax.set_title(seasons[k], fontsize=9)
        ax.set_xticks([0, 6, 12, 18, 23])
    axes[0].set_ylabel("kW (village)")
    axes[0].legend(fontsize=7, frameon=False)
    return to_svg(fig)
