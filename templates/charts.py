"""Charts drawn with matplotlib as SVG: inline in the HTML report, an image in the PDF.

Every function takes plain numbers/arrays, builds one figure and draws it once, to SVG
(:func:`_draw`), returning a :class:`Chart`. The HTML report inlines the ``<svg
class="chart">`` element (it scales with the page); the PDF shows the same SVG as an
``<img>`` (``data:`` URI): vector, so crisp at any zoom, and WeasyPrint then draws it as
one picture instead of styling its ~300 elements per chart as part of the page.
No files, no network. One palette for the whole report; every axis says its unit.
User-supplied labels (group and site names) go through :func:`_label` so that a ``$``
never switches matplotlib into mathtext; the SVG backend XML-escapes all text itself.
"""
from __future__ import annotations

import base64
import hashlib
import html
import io
import re
from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..sizing.calendar import MONTH_START_DAY

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
SEASONS = ("Dec–Feb", "Mar–May", "Jun–Aug", "Sep–Nov")
PALETTE = {"pv": "#f2a900", "battery": "#2a9d8f", "p2p": "#7b61ff", "diesel": "#6c757d",
           "unmet": "#d62828", "load": "#1d3557", "curtailed": "#e9c46a", "baseline": "#8d99ae",
           "project": "#2a9d8f", "threshold": "#d62828", "discounted": "#7b61ff", "grid": "#e3e6ea"}
#: one colour per household group, in the site file's order
GROUP_COLOURS = ["#1d3557", "#f2a900", "#2a9d8f", "#7b61ff", "#e76f51", "#6c757d", "#8ab17d", "#b5838d"]
#: white margin around a chart's tight bounding box [inch] (matplotlib's default)
PAD_INCHES = 0.1
#: text measured by the raster renderer as the SVG writes it: unhinted (see :func:`_draw`)
_MEASURE_AS_SVG = {"text.hinting": "no_hinting"}

matplotlib.rcParams.update({
    "font.family": "DejaVu Sans", "font.size": 8.5, "axes.spines.top": False, "axes.spines.right": False,
    "axes.titlesize": 9, "axes.labelsize": 8.5, "legend.fontsize": 7.5, "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5, "axes.grid": True, "grid.color": PALETTE["grid"], "grid.linewidth": 0.6,
    "axes.axisbelow": True, "svg.fonttype": "none", "svg.hashsalt": "p2p-size", "image.interpolation": "nearest",
})


@dataclass(frozen=True)
class Chart:
    """One chart drawn once: ``svg`` is an inline ``<svg class="chart">`` element, ``alt``
    the text an image reader gets in place of the picture."""

    svg: str
    alt: str

    @property
    def data_uri(self) -> str:
        """The same SVG as a ``data:`` URI, for an ``<img>``."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode("utf-8")).decode("ascii")


def _label(text) -> str:
    """A user string safe for matplotlib text: ``$`` would start mathtext."""
    return str(text).replace("$", r"\$")


def group_colour(k: int) -> str:
    return GROUP_COLOURS[k % len(GROUP_COLOURS)]


def _figure(*args, figsize: tuple[float, float], **kwargs):
    """A figure outside pyplot (nothing global keeps it alive) and its axes, as ``plt.subplots``.

    Panels side by side get a fixed ``wspace`` rather than ``tight_layout``: that layout
    pass measures every label again and cost 12 % of the charts' instructions; labels
    reaching past the figure's edge are still kept by the tight bounding box (:func:`_draw`).
    """
    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    return fig, fig.subplots(*args, **kwargs)


def _draw(fig: Figure, alt: str) -> Chart:
    """Draw a figure once, to SVG, cropped to its tight bounding box.

    The box is measured without drawing (``bbox_inches="tight"`` would draw the figure
    twice: once to measure it, once to write it), by the raster renderer with its font
    hinting off so that text measures as wide as in the SVG (hinted, a long label came
    out up to 13 pt narrower and was cut at the chart's edge). Numbers keep 2 decimals
    (plenty at A4 size), the fixed pt size goes (the chart scales with the page, the
    viewBox stays), ids are made unique in the page (:func:`_unique_ids`) and what draws
    nothing goes (:func:`_lean`).
    """
    with matplotlib.rc_context(_MEASURE_AS_SVG):
        bbox = fig.get_tightbbox(fig.canvas.get_renderer()).padded(PAD_INCHES)
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches=bbox, metadata={"Date": None}, dpi=150)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'<svg([^>]*?) width="[^"]+" height="[^"]+"',
                 lambda m: f'<svg{m.group(1)} class="chart" role="img" aria-label="{html.escape(alt)}"', svg, count=1)
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, count=1, flags=re.S)
    svg = re.sub(r"(\d+\.\d\d)\d+", r"\1", svg)
    return Chart(_lean(_unique_ids(svg)).strip(), alt)


def _unique_ids(svg: str) -> str:
    """Make the chart's ids unique in a page holding many charts.

    matplotlib numbers its ids per figure (``patch_3``, clip paths, markers), so two inline
    SVGs in one HTML document would share ids and one chart could clip with the other's
    path. Ids nothing refers to are dropped; the others get a prefix from the chart's
    content (deterministic: the same chart gets the same ids).
    """
    used = set(re.findall(r'(?:url\(#|href="#)([^)"]+)', svg))
    prefix = "c" + hashlib.sha1(svg.encode("utf-8")).hexdigest()[:8] + "-"
    svg = re.sub(r'\sid="([^"]+)"', lambda m: f' id="{prefix}{m.group(1)}"' if m.group(1) in used else "", svg)
    svg = re.sub(r'url\(#([^)"]+)\)', lambda m: f"url(#{prefix}{m.group(1)})", svg)
    return re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}{m.group(1)}"', svg)


def _lean(svg: str) -> str:
    """The same drawing with fewer nodes for the browser and WeasyPrint to walk.

    matplotlib wraps every artist in a ``<g>``: about 40 % of a chart's elements. Gone:
    the ``<g>`` without attributes (their children stay), the ``rotate(0)`` of upright
    text, line breaks in path data and indentation; WeasyPrint then draws a chart with
    14 % fewer instructions (callgrind). The drawing is the same.
    """
    out, kept, pos = [], [], 0
    for m in re.finditer(r"<g>|<g\s[^>]*>|</g>", svg):
        out.append(svg[pos:m.start()])
        pos = m.end()
        tag = m.group(0)
        if tag == "</g>":
            if kept.pop():
                out.append(tag)
        elif tag == "<g>":
            kept.append(False)
        else:
            if not tag.endswith("/>"):
                kept.append(True)
            out.append(tag)
    out.append(svg[pos:])
    svg = "".join(out)

    svg = re.sub(r' transform="rotate\(-?0 [-+\d.e]+ [-+\d.e]+\)"', "", svg)
    svg = re.sub(r' d="([^"]*)"', lambda m: f' d="{" ".join(m.group(1).split())}"', svg)
    return re.sub(r">\s+<", "><", svg)


# ----------------------------------------------------------------------------- energy
def monthly_energy(month_of_hour: np.ndarray, series: dict[str, np.ndarray], load_kw: np.ndarray) -> Chart:
    """Stacked monthly bars of how the load was served, with the load as a line [MWh or kWh per month]."""
    fig, ax = _figure(figsize=(7.0, 2.6))
    bottom = np.zeros(12)
    total = np.bincount(month_of_hour, weights=load_kw, minlength=12)
    scale, unit = (1000.0, "MWh") if total.max() > 5000 else (1.0, "kWh")
    x = np.arange(12)
    for name, values in series.items():
        monthly = np.bincount(month_of_hour, weights=values, minlength=12) / scale
        ax.bar(x, monthly, bottom=bottom, color=PALETTE.get(name.split()[0].lower()), label=name, width=0.7)
        bottom += monthly
    ax.plot(x, total / scale, color=PALETTE["load"], marker="o", ms=3, lw=1.5, label="load")
    ax.set_xticks(x, MONTHS)
    ax.set_ylabel(f"energy [{unit}/month]")
    ax.grid(axis="x", visible=False)
    ax.legend(ncol=len(series) + 1, frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    return _draw(fig, "Monthly energy: how the load is served")


def typical_days(hour_of_day: np.ndarray, season_of_hour: np.ndarray, curves: dict[str, np.ndarray]) -> Chart:
    """Mean day per season of the given hourly village curves, the four days side by side
    on one axis [kW] (one set of axes, not four panels: a third of the drawing work)."""
    fig, ax = _figure(figsize=(7.2, 2.3))
    step = 27  # a day's 24 hours and a gap before the next season
    days = np.maximum(np.bincount(season_of_hour, minlength=4)[:4] / 24, 1)
    x = (np.arange(4)[:, None] * step + np.arange(25)[None, :]).astype(float)
    x[:, -1] = np.nan  # breaks each curve between seasons
    cell = season_of_hour * 24 + hour_of_day
    for name, values in curves.items():
        mean = np.full((4, 25), np.nan)
        mean[:, :24] = np.bincount(cell, weights=values, minlength=96)[:96].reshape(4, 24) / days[:, None]
        ax.plot(x.ravel(), mean.ravel(), label=name, color=PALETTE.get(name.split()[0].lower()), lw=1.4)
    for k, season in enumerate(SEASONS):
        ax.annotate(season, (k * step + 11.5, 1.0), xycoords=("data", "axes fraction"), xytext=(0, 3),
                    textcoords="offset points", ha="center", va="bottom", fontsize=9)
        if k:
            ax.axvline(k * step - 2, color="#c5cad3", lw=0.8)
    ax.set_xticks(x[:, [0, 6, 12, 18]].ravel(), ["0", "6", "12", "18"] * 4)
    ax.set_xlim(-1, 3 * step + 24)
    ax.grid(axis="x", visible=False)
    ax.set_xlabel("hour of day (mean day of each season)")
    ax.set_ylabel("village power [kW]")
    ax.legend(ncol=len(curves), frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), borderaxespad=1.7)
    return _draw(fig, "Typical day per season: village load and PV")


def soc_heatmap(soc_pct: np.ndarray) -> Chart:
    """Village mean battery state of charge, day of year × hour of day [%].

    The 365 × 24 cells are drawn as one embedded raster image (``imshow``), not as
    8,760 vector rectangles, so the SVG stays small and fast to print.
    """
    fig, ax = _figure(figsize=(7.0, 3.0))
    im = ax.imshow(soc_pct.T, aspect="auto", origin="lower", cmap="viridis", vmin=0, vmax=100,
                   extent=(0, soc_pct.shape[0], 0, 24), interpolation="nearest")
    ax.set_xticks(MONTH_START_DAY[MONTH_START_DAY < soc_pct.shape[0]] + 15,
                  MONTHS[: int((MONTH_START_DAY < soc_pct.shape[0]).sum())])
    ax.set_yticks([0, 6, 12, 18, 24])
    ax.set_xlabel("day of year (labels mid-month)")
    ax.set_ylabel("hour of day")
    ax.grid(False)
    bar = fig.colorbar(im, ax=ax, pad=0.015, fraction=0.04)
    bar.set_label("mean state of charge [%]")
    return _draw(fig, "Battery state of charge over the year")


# ----------------------------------------------------------------------------- P2P
def p2p_money(group_names: list[str], income: np.ndarray, cost: np.ndarray, currency: str,
              hour_of_day: np.ndarray, price_per_kwh: np.ndarray, traded_kw: np.ndarray) -> Chart:
    """Left: P2P money received and paid per group [currency/year]. Right: the buyers' price
    by hour of day, traded-energy weighted, with the traded energy [currency/kWh, kWh]."""
    fig, (ax, ax2) = _figure(1, 2, figsize=(7.2, 2.5), gridspec_kw={"width_ratios": [1.1, 1], "wspace": 0.3})
    y = np.arange(len(group_names))
    ax.barh(y + 0.2, income, height=0.38, color=PALETTE["battery"], label="received (sold)")
    ax.barh(y - 0.2, cost, height=0.38, color=PALETTE["p2p"], label="paid (bought)")
    ax.set_yticks(y, [_label(n) for n in group_names])
    ax.invert_yaxis()
    ax.set_xlabel(f"P2P money [{currency}/year]")
    ax.legend(frameon=False, ncol=2, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    ax.grid(axis="y", visible=False)
    traded = np.bincount(hour_of_day, weights=traded_kw, minlength=24)
    money = np.bincount(hour_of_day, weights=traded_kw * price_per_kwh, minlength=24)
    with np.errstate(invalid="ignore", divide="ignore"):
        price = np.where(traded > 0, money / traded, np.nan)
    ax2.bar(np.arange(24), traded, color=PALETTE["grid"], width=0.8, label="traded energy")
    ax2.set_ylabel("traded [kWh/year]")
    ax2.set_xlabel("hour of day")
    ax2.set_xticks([0, 6, 12, 18, 23])
    ax2.grid(False)
    ax3 = ax2.twinx()
    ax3.plot(np.arange(24), price, color=PALETTE["p2p"], marker="o", ms=2.5, lw=1.3, label="buyers' price")
    ax3.set_ylabel(f"price [{currency}/kWh]")
    ax3.spines["right"].set_visible(True)
    ax3.set_ylim(bottom=0)
    ax3.grid(False)
    h1, l1 = ax2.get_legend_handles_labels()
    h2, l2 = ax3.get_legend_handles_labels()
    ax3.set_ylim(0, np.nanmax(np.append(price, 0.0)) * 1.25 + 1e-9)
    ax3.legend(h1 + h2, l1 + l2, frameon=False, ncol=2, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    return _draw(fig, "P2P money by group and price by hour of day")


# ----------------------------------------------------------------------------- costs
def cost_breakdown(by_component: dict[str, float], by_category: dict[str, float], currency: str) -> Chart:
    """Present value of the village's costs by component and by category [currency]."""
    fig, axes = _figure(1, 2, figsize=(7.2, 2.3), gridspec_kw={"wspace": 0.4})
    colours = {"pv": PALETTE["pv"], "battery": PALETTE["battery"], "diesel": PALETTE["diesel"],
               "p2p link": PALETTE["p2p"], "fuel": PALETTE["diesel"], "salvage": PALETTE["baseline"]}
    span = max([abs(v) for v in by_component.values()] + [abs(v) for v in by_category.values()] + [1.0])
    scale, prefix = (1e6, "million ") if span >= 2e6 else (1e3, "thousand ") if span >= 2e4 else (1.0, "")
    for ax, parts, title in ((axes[0], by_component, "by component"), (axes[1], by_category, "by category")):
        names = list(parts)
        values = np.array([parts[n] for n in names]) / scale
        y = np.arange(len(names))
        ax.barh(y, values, color=[colours.get(n, PALETTE["load"]) for n in names], height=0.65)
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.axvline(0, color="#333", lw=0.6)
        ax.set_title(title)
        ax.set_xlabel(f"present value [{prefix}{currency}]")
        ax.grid(axis="y", visible=False)
    return _draw(fig, "Present value of costs by component and by category")


def cumulative_cash_flow(net_cash_flow: np.ndarray, discount_rate: float, currency: str,
                         simple_payback: float | None, discounted_payback: float | None) -> Chart:
    """Cumulative village net cash flow against the baseline, simple and discounted, with
    the payback points [currency]."""
    years = np.arange(len(net_cash_flow))
    cum = np.cumsum(net_cash_flow)
    cum_d = np.cumsum(net_cash_flow / (1.0 + discount_rate) ** years)
    span = max(np.abs(cum).max(), np.abs(cum_d).max(), 1.0)
    scale, prefix = (1e6, "million ") if span >= 2e6 else (1e3, "thousand ") if span >= 2e4 else (1.0, "")
    fig, ax = _figure(figsize=(7.0, 2.6))
    ax.bar(years, net_cash_flow / scale, color=np.where(net_cash_flow >= 0, PALETTE["grid"], "#f4c7c3"),
           width=0.7, label="net cash flow of the year")
    ax.plot(years, cum / scale, color=PALETTE["load"], marker="o", ms=2.5, lw=1.6, label="cumulative")
    ax.plot(years, cum_d / scale, color=PALETTE["discounted"], lw=1.3, ls="--",
            label=f"cumulative, discounted at {100 * discount_rate:g} %")
    ax.axhline(0, color="#333", lw=0.7)
    # labels below-right of the crossing: the cumulative lines rise through zero there, so
    # below-left is where they run; the discounted label one line lower (the two may be close)
    for value, colour, text, dy in ((simple_payback, PALETTE["load"], "payback", -14),
                                    (discounted_payback, PALETTE["discounted"], "discounted payback", -26)):
        if value is not None:
            ax.axvline(value, color=colour, lw=0.8, ls=":")
            ax.plot([value], [0], marker="D", color=colour, ms=5, zorder=5)
            ax.annotate(f"{text} {value:.1f} yr", (value, 0), xytext=(4, dy), textcoords="offset points",
                        fontsize=7.5, color=colour, ha="left",
                        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85})
    ax.set_xlabel("project year")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel(f"vs baseline [{prefix}{currency}]")
    ax.set_xlim(-0.7, years[-1] + 0.7)
    ax.legend(frameon=False, ncol=3, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    return _draw(fig, "Cumulative cash flow and payback")


# ----------------------------------------------------------------------------- affordability, CO2
def affordability(group_names: list[str], share_of_income_by_group: list[np.ndarray], threshold: float) -> Chart:
    """Each home's bill as a share of its income, per group, with the threshold line [%]."""
    fig, ax = _figure(figsize=(7.0, 0.5 + 0.42 * len(group_names) + 0.6))
    rng = np.random.default_rng(0)
    top = threshold
    for k, values in enumerate(share_of_income_by_group):
        values = 100 * np.asarray(values, dtype=float)
        values = values[np.isfinite(values)]
        if values.size == 0:
            continue
        top = max(top, values.max() / 100)
        jitter = rng.uniform(-0.16, 0.16, size=values.size)
        # one raster layer for the dots: hundreds of vector markers make the PDF slow to build
        ax.scatter(values, np.full(values.size, k) + jitter, s=9, color=group_colour(k), alpha=0.7, lw=0,
                   rasterized=values.size > 40)
        ax.plot([np.median(values)] * 2, [k - 0.3, k + 0.3], color="#222", lw=1.6)
    ax.axvline(100 * threshold, color=PALETTE["threshold"], lw=1.3, ls="--")
    ax.annotate(f"threshold {100 * threshold:g} % of income", (100 * threshold, -0.5), xytext=(3, 0),
                textcoords="offset points", color=PALETTE["threshold"], fontsize=7.5, va="bottom")
    ax.set_yticks(np.arange(len(group_names)), [_label(n) for n in group_names])
    ax.set_ylim(len(group_names) - 0.5, -0.75)
    ax.set_xlim(0, 100 * top * 1.15)
    ax.set_xlabel("monthly electricity bill [% of household income] (dots: homes, bar: median)")
    ax.grid(axis="y", visible=False)
    return _draw(fig, "Bill as a share of income, by group")


def co2_bars(baseline_t: float, project_t: float) -> Chart:
    """Annual CO2 of the baseline and of the project [t CO2/year]."""
    fig, ax = _figure(figsize=(5.0, 1.5))
    names = ["baseline (today)", "project"]
    values = [baseline_t, project_t]
    ax.barh([0, 1], values, color=[PALETTE["baseline"], PALETTE["project"]], height=0.6)
    for k, v in enumerate(values):
        ax.annotate(f"{v:,.1f}", (v, k), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7.5)
    ax.set_yticks([0, 1], names)
    ax.invert_yaxis()
    ax.set_xlim(0, max(values + [1e-9]) * 1.18)
    ax.set_xlabel("CO2 emitted [t/year]")
    ax.grid(axis="y", visible=False)
    return _draw(fig, "CO2 of the baseline and of the project")


# ----------------------------------------------------------------------------- alternatives, sensitivity, resilience
def alternatives(names: list[str], lcoe: list, npc: list, currency: str, lower_bound: float | None = None) -> Chart:
    """LCOE [currency/kWh] and NPC [currency] of each alternative (the chosen one highlighted)."""
    fig, (a1, a2) = _figure(1, 2, figsize=(7.2, 0.7 + 0.38 * len(names)), gridspec_kw={"wspace": 0.08})
    y = np.arange(len(names))
    colours = [PALETTE["p2p"] if n.startswith("P2P") else PALETTE["baseline"] for n in names]
    lc = np.array([np.nan if v is None else v for v in lcoe], dtype=float)
    a1.barh(y, np.nan_to_num(lc), color=colours, height=0.6)
    a1.set_xlabel(f"LCOE [{currency}/kWh]")
    npc_v = np.array([np.nan if v is None else v for v in npc], dtype=float)
    span = np.nanmax(np.abs(np.append(npc_v, lower_bound or 0.0))) if np.isfinite(npc_v).any() else 1.0
    scale, prefix = (1e6, "million ") if span >= 2e6 else (1e3, "thousand ") if span >= 2e4 else (1.0, "")
    a2.barh(y, np.nan_to_num(npc_v) / scale, color=colours, height=0.6)
    if lower_bound is not None:
        a2.axvline(lower_bound / scale, color=PALETTE["threshold"], ls="--", lw=1.1)
        # above the top edge of the panel, clear of the bars
        a2.annotate("LP lower bound", (lower_bound / scale, -0.5), xytext=(0, 2), textcoords="offset points",
                    color=PALETTE["threshold"], fontsize=7, va="bottom", ha="center", annotation_clip=False)
    a2.set_xlabel(f"net present cost [{prefix}{currency}]")
    for ax in (a1, a2):
        ax.set_yticks(y, names)
        ax.set_ylim(len(names) - 0.5, -0.5)
        ax.grid(axis="y", visible=False)
    a2.set_yticklabels([])
    return _draw(fig, "LCOE and net present cost of the alternatives")


def tornado(parameters: list[str], base: float, low: list, high: list, xlabel: str,
            low_label: str = "−25 %", high_label: str = "+25 %") -> Chart:
    """Tornado: the metric with each parameter at its low and high value around the base."""
    fig, ax = _figure(figsize=(3.5, 0.7 + 0.36 * len(parameters)))
    y = np.arange(len(parameters))
    lo = np.array([np.nan if v is None else v for v in low], dtype=float)
    hi = np.array([np.nan if v is None else v for v in high], dtype=float)
    ax.barh(y, np.nan_to_num(lo - base), left=base, color=PALETTE["battery"], height=0.6, label=low_label)
    ax.barh(y, np.nan_to_num(hi - base), left=base, color=PALETTE["pv"], height=0.6, label=high_label)
    for k in range(len(parameters)):
        if not np.isfinite(lo[k]) or not np.isfinite(hi[k]):
            ax.annotate("beyond project life", (base, k), xytext=(3, 0), textcoords="offset points",
                        fontsize=6.5, va="center", color="#555")
    ax.axvline(base, color="#333", lw=0.8)
    ax.set_yticks(y, [_label(p) for p in parameters])
    ax.set_ylim(len(parameters) - 0.5, -0.5)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    ax.legend(frameon=False, ncol=2, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    return _draw(fig, f"Sensitivity of {xlabel}")


def resilience(with_sharing: np.ndarray, without_sharing: np.ndarray, target: float) -> Chart:
    """Each home's unmet load during equipment failures, with and without sharing, homes
    sorted from best to worst served [% of load]."""
    fig, ax = _figure(figsize=(7.0, 2.3))
    for values, colour, name in ((without_sharing, PALETTE["unmet"], "without sharing"),
                                 (with_sharing, PALETTE["p2p"], "with P2P sharing")):
        v = np.sort(100 * np.asarray(values, dtype=float))
        ax.step(np.arange(1, v.size + 1), v, where="mid", color=colour, lw=1.5, label=name)
    ax.axhline(100 * target, color="#333", ls="--", lw=0.9)
    ax.annotate(f"target {100 * target:g} %", (1, 100 * target), xytext=(2, 3), textcoords="offset points", fontsize=7)
    ax.set_xlabel("homes, sorted from best to worst served")
    ax.set_ylabel("unmet load [% of load]")
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False)
    return _draw(fig, "Unmet load per home with outages, with and without sharing")


# ----------------------------------------------------------------------------- batch comparison
def comparison_scatter(names: list[str], lcoe: list, affordable_share: list, currency: str) -> Chart:
    """Villages: LCOE [currency/kWh] against the share of households that can afford it [%]."""
    fig, ax = _figure(figsize=(7.0, 3.0))
    for k, (n, x, y) in enumerate(zip(names, lcoe, affordable_share)):
        if x is None or y is None:
            continue
        ax.scatter([x], [100 * y], s=36, color=group_colour(k), zorder=3)
        ax.annotate(_label(n), (x, 100 * y), xytext=(5, 3), textcoords="offset points", fontsize=7)
    ax.set_xlabel(f"LCOE [{currency}/kWh]")
    ax.set_ylabel("households that can afford it [%]")
    ax.set_ylim(-5, 108)
    ax.set_xlim(left=0)
    return _draw(fig, "Villages: LCOE against affordable share")


def comparison_bars(names: list[str], values: list, xlabel: str, colour: str, missing: str = "n/a") -> Chart:
    """One horizontal bar per village (None shown as text)."""
    fig, ax = _figure(figsize=(3.5, 0.6 + 0.3 * len(names)))
    y = np.arange(len(names))
    v = np.array([np.nan if x is None else x for x in values], dtype=float)
    ax.barh(y, np.nan_to_num(v), color=colour, height=0.6)
    for k, x in enumerate(v):
        ax.annotate(missing if not np.isfinite(x) else f"{x:,.1f}", (0 if not np.isfinite(x) else x, k),
                    xytext=(3, 0), textcoords="offset points", va="center", fontsize=7)
    ax.set_yticks(y, [_label(n)[:28] for n in names])
    ax.set_ylim(len(names) - 0.5, -0.5)
    finite = v[np.isfinite(v)]
    ax.set_xlim(min(0, finite.min() * 1.2) if finite.size else 0, (finite.max() * 1.25 if finite.size and finite.max() > 0 else 1))
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    return _draw(fig, f"Villages: {xlabel}")
