"""Render a run's results to a self-contained HTML report and to PDF (same HTML).

Both come from one context built by :func:`report_context`, so they cannot disagree.
Jinja2 autoescapes every user-supplied string (site and group names, sources). The PDF
renderer's URL fetcher accepts ``data:`` URIs only: nothing a site file says can make a
report read a local file or the network.
"""
from __future__ import annotations

from importlib import resources
from importlib.metadata import PackageNotFoundError, version as _pkg_version
from pathlib import Path

import numpy as np
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from . import charts

try:
    VERSION = _pkg_version("p2p-size")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    VERSION = "dev"


def _env() -> Environment:
    return Environment(loader=PackageLoader("p2p_size.templates", ""), undefined=StrictUndefined,
                       autoescape=select_autoescape(["html", "j2"], default=True))


def _css() -> str:
    return resources.files("p2p_size.templates").joinpath("report.css").read_text(encoding="utf-8")


def _calendar(n_hours: int):
    hours = np.arange(n_hours)
    day_of_year = hours // 24
    month_starts = np.cumsum([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30])
    month = np.searchsorted(month_starts, day_of_year, side="right") - 1
    season = ((month + 1) % 12) // 3  # Dec-Feb=0, Mar-May=1, Jun-Aug=2, Sep-Nov=3
    return month, hours % 24, season


def _n(x, fmt=",.0f"):
    return "—" if x is None else format(x, fmt)


def report_context(result) -> dict:
    """Everything the templates show, computed once."""
    s, site, sim, design, loads = result.summary, result.site, result.sim, result.design, result.loads
    e = s["energy"]
    cur = site.currency
    month, hod, season = _calendar(loads.load_kw.shape[0])
    h = sim.hourly
    load_v = loads.load_kw.sum(axis=1)
    unmet_v = h.unmet_kw.sum(axis=1)
    battery_v = h.battery_discharge_kw.sum(axis=1)
    diesel_v = (h.diesel_kw - h.diesel_dumped_kw).sum(axis=1) + h.shared_diesel_received_kw.sum(axis=1)
    pv_v = np.maximum(load_v - unmet_v - battery_v - diesel_v, 0.0)
    served_series = {"PV": pv_v, "battery": battery_v}
    if diesel_v.any():
        served_series["diesel"] = diesel_v
    served_series["unmet"] = unmet_v
    curves = {"load": load_v, "PV available": h.pv_kw.sum(axis=1)}
    if s["p2p_enabled"]:
        curves["P2P traded"] = h.export_kw.sum(axis=1)

    unmet_pct = 100 * e["unmet_fraction"]
    target = site.sizing.max_unmet_fraction
    worst = e["max_home_unmet_fraction"]
    meets = worst <= target + 1e-9
    verdict = (
        f"{s['n_homes']} homes, {s['sizing']['pv_kwp_total']:.1f} kWp of PV and {s['sizing']['battery_kwh_total']:.1f} kWh "
        f"of batteries serve {100 - unmet_pct:.1f} % of the village's load; "
        + ("every home meets" if meets else f"the worst-served home misses ({100 * worst:.1f} % unmet) ")
        + f" the {100 * target:g} % unmet-load target."
    )
    kpis = [
        {"value": f"{100 - unmet_pct:.1f} %", "label": "load served"},
        {"value": f"{100 * e['renewable_fraction']:.0f} %", "label": "renewable fraction"},
        {"value": f"{e['p2p_traded_kwh']:,.0f} kWh", "label": "P2P traded per year"},
        {"value": f"{s['solar']['annual_yield_kwh_per_kwp']:,.0f}", "label": "kWh per kWp per year (simulated)"},
        {"value": f"{e['fuel_l']:,.0f} L", "label": "diesel per year"},
    ]
    src = site.sources
    loc = site.location
    assumptions = [
        {"name": "location", "value": f"{loc.latitude:.3f}°, {loc.longitude:.3f}°, {loc.altitude_m:g} m", "source": src.get("location", "")},
        {"name": "solar resource", "value": f"{s['solar']['source']}; {s['solar']['annual_ghi_kwh_m2']:,.0f} kWh/m²/yr GHI", "source": src.get("solar", "")},
        {"name": "households", "value": "; ".join(f"{g.name}: {g.count} × income {g.income_per_month:g} {cur}/month" for g in site.households), "source": src.get("incomes", "")},
        {"name": "PV", "value": f"{site.equipment.pv.capex_per_kwp:g} {cur}/kWp, {site.equipment.pv.lifetime_years:g} yr, derating {site.equipment.pv.derating:g}", "source": src.get("costs", "")},
        {"name": "battery", "value": f"{site.equipment.battery.capex_per_kwh:g} {cur}/kWh, {site.equipment.battery.lifetime_years:g} yr or {site.equipment.battery.cycle_life:g} cycles, DoD {site.equipment.battery.depth_of_discharge:g}, RTE {site.equipment.battery.round_trip_efficiency:g}", "source": src.get("costs", "")},
        {"name": "diesel", "value": f"{site.equipment.diesel.placement}, {site.equipment.diesel.fuel_price_per_litre:g} {cur}/L", "source": src.get("fuel", src.get("costs", ""))},
        {"name": "P2P", "value": ("on" if s["p2p_enabled"] else "off") + f", {site.p2p.pricing}, losses {site.equipment.p2p_link.loss_fraction:g}, cap {site.equipment.p2p_link.max_transfer_kw:g} kW", "source": src.get("p2p", "")},
        {"name": "loads", "value": "; ".join(_load_text(g) for g in site.households), "source": src.get("loads", "")},
        {"name": "economics", "value": f"discount rate {site.economics.discount_rate:g} (real), {site.economics.project_years} years", "source": src.get("economics", "")},
    ]
    groups = []
    homes = result.homes
    for gi, name in enumerate(loads.group_names):
        rows = homes[homes["group"] == name]
        groups.append({
            "name": name, "homes": len(rows),
            "daily_load_kwh": rows["load_kwh"].mean() / 365.0,
            "pv_kwp": rows["pv_kwp"].mean(), "battery_kwh": rows["battery_kwh"].mean(), "diesel_kw": rows["diesel_kw"].mean(),
            "unmet_fraction": rows["unmet_kwh"].sum() / max(rows["load_kwh"].sum(), 1e-12),
            "import_kwh": rows["import_kwh"].mean(), "export_kwh": rows["export_kwh"].mean(),
        })
    c = s["rule_of_thumb_check"]
    rot = [
        {"name": "peak sun hours used", "value": f"{c['peak_sun_hours']:.2f} h/day"},
        {"name": "1 kWp × sun-hours (no losses)", "value": f"{c['kwh_per_kwp_day_raw']:.2f} kWh/day"},
        {"name": f"… × efficiency {c['system_efficiency']:g} / safety factor {c['safety_factor']:g}", "value": f"{c['kwh_per_kwp_day_derated']:.2f} kWh/day"},
        {"name": "simulated on this site (annual mean)", "value": f"{c['kwh_per_kwp_day_simulated']:.2f} kWh/day"},
    ]
    energy_rows = [
        {"name": "load", "value": _n(e["load_kwh"])},
        {"name": "served", "value": _n(e["served_kwh"])},
        {"name": "unmet", "value": _n(e["load_kwh"] - e["served_kwh"])},
        {"name": "P2P traded (sent)", "value": _n(e["p2p_traded_kwh"])},
        {"name": "P2P losses", "value": _n(e["p2p_losses_kwh"])},
        {"name": "diesel", "value": _n(e["diesel_kwh"])},
        {"name": "PV curtailed", "value": _n(e["curtailed_kwh"])},
    ]
    return {
        "s": s, "version": VERSION, "css": _css(), "verdict": verdict, "kpis": kpis, "assumptions": assumptions,
        "groups": groups, "rot": rot, "energy_rows": energy_rows,
        "charts": {
            "monthly": charts.monthly_energy(month, served_series, load_v),
            "days": charts.typical_days(hod, season, curves),
        },
    }


def _load_text(g) -> str:
    if g.daily_load_kwh is not None:
        return f"{g.name}: {g.daily_load_kwh:g} kWh/day, {g.load_shape}"
    if g.load_profile_file is not None:
        return f"{g.name}: profile {g.load_profile_file}"
    return f"{g.name}: {len(g.appliances)} appliance types"


def render_html(result, context: dict | None = None) -> str:
    """The self-contained HTML report (inline CSS and SVG, no scripts, no network)."""
    ctx = context or report_context(result)
    return _env().get_template("report.html.j2").render(**ctx)


def render_pdf(result, path: Path, html: str | None = None) -> Path:
    """The same report as PDF through WeasyPrint; only ``data:`` URIs may be fetched."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = html if html is not None else render_html(result)
    fetcher = URLFetcher(allowed_protocols=["data"])
    HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(str(path))
    return Path(path)
