"""The village report's context: every number, sentence and chart the templates show, computed once.

Both the HTML and the PDF are rendered from :func:`report_context` (:mod:`.render`), so
they cannot disagree.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..sizing.calendar import hour_calendar
from . import charts
from .style import (VERDICT_CSS, VERSION, _finite, _n, _old_objects_frozen, css, fmt_lcoe,
                    fmt_money, fmt_pct, fmt_t, fmt_years)

ALTERNATIVE_NAMES = {"p2p": "P2P sharing", "standalone": "standalone home systems",
                     "minigrid": "central mini-grid", "rule_of_thumb": "rule of thumb"}
PARAMETER_NAMES = {"diesel_price": "diesel price", "pv_capex": "PV cost", "battery_capex": "battery cost",
                   "discount_rate": "discount rate", "load_scale": "load (growth)"}



# ----------------------------------------------------------------------------- the context
@_old_objects_frozen
def report_context(result) -> dict:
    """Everything the templates show, computed once (numbers, strings and SVG charts)."""

    s, site, sim, design, loads, econ = result.summary, result.site, result.sim, result.design, result.loads, result.econ
    e, cur = s.energy, site.currency
    target = site.sizing.max_unmet_fraction
    month, hod, season = hour_calendar(loads.load_kw.shape[0])
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
    if s.p2p_enabled:
        curves["P2P traded"] = h.export_kw.sum(axis=1)

    v = {"status": s.verdict.status, "reason": s.verdict.reason, "css": VERDICT_CSS[s.verdict.status]}
    ec, af, co2 = s.economics, s.affordability, s.co2
    key_figures = [
        {"value": fmt_lcoe(ec.lcoe_per_kwh, cur), "label": "levelised cost of electricity (LCOE)"},
        {"value": fmt_years(ec.simple_payback_years), "label": "payback against today's spending (simple)"},
        {"value": fmt_pct(af.share_households_affordable),
         "label": f"households that can afford the tariff (bill ≤ {100 * af.threshold:g} % of income)"},
        {"value": f"{fmt_t(co2.avoided_annual_t)}/yr", "label": "CO2 avoided per year"},
        {"value": fmt_pct(e.unmet_fraction, 2), "label": f"unmet load, village (worst home {fmt_pct(e.max_home_unmet_fraction, 2)}; target ≤ {100 * target:g} %)"},
    ]
    facts = [
        ("homes", f"{s.n_homes:,} in {len(site.households)} household group{'s' if len(site.households) > 1 else ''}"),
        ("installed", f"{s.sizing.pv_kwp_total:,.1f} kWp PV, {s.sizing.battery_kwh_total:,.1f} kWh battery, "
                      f"{s.sizing.diesel_kw_total:,.1f} kW diesel"),
        ("capital cost", fmt_money(ec.capex, cur)),
        ("net present cost", f"{fmt_money(ec.npc, cur)} over {site.economics.project_years} years"),
        ("discounted payback / IRR", f"{fmt_years(ec.discounted_payback_years)} / "
                                     f"{fmt_pct(ec.irr) if _finite(ec.irr) else 'none'}"),
        ("tariff", f"{fmt_lcoe(af.tariff_per_kwh, cur)} ({econ.tariff_kind.replace('_', '-')})"
                   + (f" + {econ.connection_fee_month:g} {cur}/month" if econ.connection_fee_month else "")),
        ("subsidy needed", f"{fmt_money(af.subsidy_per_month_total, cur)} per month in total"),
        ("today's cost of energy service", fmt_lcoe(s.baseline.cost_per_kwh, cur) + f" ({site.economics.baseline.kind} baseline)"),
        ("renewable fraction", fmt_pct(e.renewable_fraction, 0)),
        ("P2P traded", f"{e.p2p_traded_kwh:,.0f} kWh/yr" + (f", {s.p2p.money_traded_per_year:,.0f} {cur}/yr changing hands"
                                                           if s.p2p.enabled else " (sharing off)")),
    ]

    ctx = {
        "s": s, "cur": cur, "version": VERSION, "css": css(), "verdict": v, "key_figures": key_figures,
        "facts": facts, "target_pct": f"{100 * target:g}",
        "assumptions": _assumptions(site, s), "sources": [{"topic": k, "text": t} for k, t in site.sources.items()],
        "groups": _groups(result), "home_rows": _home_rows(result) if s.n_homes <= 24 else None,
        "rot": _rot(s), "energy_rows": _energy_rows(e),
        "charts": {
            "monthly": charts.monthly_energy(month, served_series, load_v),
            "days": charts.typical_days(hod, season, curves),
        },
    }
    ctx.update(_battery(h, design))
    ctx.update(_p2p(result, hod))
    ctx.update(_costs(result))
    ctx.update(_affordability(result))
    ctx["co2_rows"] = [
        {"name": "today (baseline: " + site.economics.baseline.kind + ")", "value": fmt_t(co2.baseline_annual_t)},
        {"name": "with the project", "value": fmt_t(co2.annual_t)},
        {"name": "avoided per year", "value": fmt_t(co2.avoided_annual_t)},
        {"name": f"avoided over {site.economics.project_years} years", "value": fmt_t(co2.avoided_lifetime_t)},
    ]
    ctx["charts"]["co2"] = charts.co2_bars(co2.baseline_annual_t or 0.0, co2.annual_t or 0.0)
    ctx.update(_alternatives(s, cur, target))
    ctx.update(_sensitivity(s, cur))
    ctx.update(_resilience(s, target))
    return ctx


def _assumptions(site, s) -> list[dict]:
    src, loc, eq, ecn, cur = site.sources, site.location, site.equipment, site.economics, site.currency
    pv, bat, dsl, link, log = eq.pv, eq.battery, eq.diesel, eq.p2p_link, eq.logistics
    base = ecn.baseline

    def ref(*topics):  # the first topic the site file names; its text is listed under "Sources"
        return next((f"sources: {t}" for t in topics if t in src), "")
    if base.kind == "kerosene":
        base_text = (f"kerosene, candles and phone charging: {base.spend_per_home_month:g} {cur}/month and "
                     f"{base.kerosene_litres_per_home_month:g} L kerosene per home and month")
    else:
        base_text = (f"a diesel genset per home ({'sized to the home peak' if base.genset_kw_per_home is None else f'{base.genset_kw_per_home:g} kW'}), "
                     f"{base.hours_per_day:g} h/day")
    tariff = ecn.tariff
    tariff_text = ("cost-recovery (LCOE)" if tariff.kind == "cost_recovery"
                   else f"fixed {tariff.price_per_kwh:g} {cur}/kWh + {tariff.connection_fee_month:g} {cur}/month")
    rows = [
        ("location", f"{loc.latitude:.3f}°, {loc.longitude:.3f}°, {loc.altitude_m:g} m", ref("location")),
        ("solar resource", f"{s.solar.source}; GHI {s.solar.annual_ghi_kwh_m2:,.0f} kWh/m²/yr; "
                           f"simulated yield {s.solar.annual_yield_kwh_per_kwp:,.0f} kWh/kWp/yr", ref("solar")),
        ("households", "; ".join(f"{g.name}: {g.count} × income {g.income_per_month:g} {cur}/month" for g in site.households),
         ref("incomes")),
        ("loads", "; ".join(_load_text(g) for g in site.households), ref("loads")),
        ("PV", f"{pv.capex_per_kwp:g} {cur}/kWp, O&M {pv.om_per_kwp_year:g} {cur}/kWp/yr, life {pv.lifetime_years:g} yr, "
               f"derating {pv.derating:g}, temperature coefficient {pv.temp_coeff_per_c:g} /°C", ref("costs")),
        ("battery", f"{bat.capex_per_kwh:g} {cur}/kWh, O&M {bat.om_per_kwh_year:g} {cur}/kWh/yr, life {bat.lifetime_years:g} yr "
                    f"or {bat.cycle_life:g} cycles, DoD {bat.depth_of_discharge:g}, round trip {bat.round_trip_efficiency:g}, "
                    f"C-rate ≤ {bat.max_c_rate:g} /h", ref("lifetimes", "costs")),
        ("controller", f"{eq.controller.capex_per_home:g} {cur}/home, life {eq.controller.lifetime_years:g} yr", ref("costs")),
        ("diesel", f"{dsl.placement.replace('_', ' ')}; {dsl.capex_per_kw:g} {cur}/kW, O&M {dsl.om_per_kw_running_hour:g} {cur}/h per kW, "
                   f"life {dsl.lifetime_hours:,.0f} h; fuel {dsl.fuel_price_per_litre:g} {cur}/L; curve "
                   f"{dsl.fuel_intercept_l_per_h_per_kw:g} L/h/kW + {dsl.fuel_slope_l_per_kwh:g} L/kWh; "
                   f"minimum load {dsl.min_load_ratio:g}; smallest genset {dsl.smallest_rating_kw:g} kW", ref("fuel", "costs")),
        ("P2P link", ("on" if s.p2p_enabled else "off") + f"; pricing {site.p2p.pricing.replace('_', ' ')}; "
                     f"{link.capex_per_home:g} {cur}/home, life {link.lifetime_years:g} yr; losses {link.loss_fraction:g}; "
                     f"cap {link.max_transfer_kw:g} kW per home; price floor {site.p2p.price_floor_per_kwh:g} {cur}/kWh",
         ref("p2p")),
        ("logistics", f"transport {log.transport_per_home:g} {cur}/home + {log.transport_fraction_of_equipment:g} of equipment; "
                      f"installation {log.installation_per_home:g} {cur}/home", ref("logistics", "costs")),
        ("economics", f"real discount rate {ecn.discount_rate:g}/yr, project {ecn.project_years} years; tariff {tariff_text}; "
                      f"affordable when the bill ≤ {ecn.affordability_threshold:g} × income", ref("economics")),
        ("baseline (today)", base_text, ref("baseline")),
        ("sizing", f"{site.sizing.method.replace('_', ' ')}; every home's unmet load ≤ {site.sizing.max_unmet_fraction:g} of its load",
         ref("study")),
    ]
    if site.failures is not None:
        rows.append(("failures", f"{site.failures.rate_per_home_year:g} outages per home per year, "
                                 f"mean {site.failures.mean_duration_days:g} days", ref("failures")))
    return [{"name": n, "value": v, "source": so} for n, v, so in rows]


def _load_text(g) -> str:
    if g.daily_load_kwh is not None:
        return f"{g.name}: {g.daily_load_kwh:g} kWh/day, {g.load_shape.replace('_', ' ')}"
    if g.load_profile_file is not None:
        return f"{g.name}: measured profile {Path(g.load_profile_file).name}"
    return f"{g.name}: {len(g.appliances)} appliance types"


def _range(values, fmt) -> str:
    lo, hi = float(np.min(values)), float(np.max(values))
    return format(lo, fmt) if math.isclose(lo, hi, rel_tol=1e-6, abs_tol=1e-9) else f"{format(lo, fmt)}–{format(hi, fmt)}"


def _column(homes, name: str) -> np.ndarray:
    """One per-home field of the summary's homes as an array (None as NaN)."""
    return np.array([np.nan if v is None else v for v in (getattr(h, name) for h in homes)], dtype=float)


def _groups(result) -> list[dict]:
    homes, loads = result.summary.homes, result.loads
    out = []
    for k, name in enumerate(loads.group_names):
        rows = [h for h in homes if h.group == name]
        if not rows:
            continue
        col = lambda field: _column(rows, field)  # noqa: E731
        payback = col("simple_payback_years")
        out.append({
            "name": name, "colour": charts.group_colour(k), "homes": len(rows),
            "daily_load_kwh": _n(col("load_kwh").mean() / 365.0, ".2f"),
            "pv_kwp": _n(col("pv_kwp").mean(), ".3f"), "pv_range": _range(col("pv_kwp"), ".3f"),
            "battery_kwh": _n(col("battery_kwh").mean(), ".2f"), "battery_range": _range(col("battery_kwh"), ".2f"),
            "diesel_kw": _n(col("diesel_kw").mean(), ".2f"),
            "unmet_pct": _n(100 * col("unmet_kwh").sum() / max(col("load_kwh").sum(), 1e-12), ".2f"),
            "worst_unmet_pct": _n(100 * col("unmet_fraction").max(), ".2f"),
            "import_kwh": _n(col("import_kwh").mean(), ",.0f"), "export_kwh": _n(col("export_kwh").mean(), ",.0f"),
            "capex": _n(col("capex").mean(), ",.0f"), "bill": _n(col("bill_per_month").mean(), ",.2f"),
            "payback": (f"{np.nanmedian(payback):.1f}" if np.isfinite(payback).any() else "—"),
            "payback_missing": int((~np.isfinite(payback)).sum()),
        })
    return out


def _home_rows(result) -> list[dict]:
    out = []
    for r in result.summary.homes:
        out.append({"home": r.home, "group": r.group, "pv_kwp": f"{r.pv_kwp:.3f}", "battery_kwh": f"{r.battery_kwh:.2f}",
                    "diesel_kw": f"{r.diesel_kw:.2f}", "load": f"{r.load_kwh:,.0f}", "unmet_pct": f"{100 * r.unmet_fraction:.2f}",
                    "p2p": f"{r.import_kwh:,.0f} / {r.export_kwh:,.0f}", "bill": f"{r.bill_per_month:,.2f}",
                    "payback": fmt_years(r.simple_payback_years).replace(" years", "") if _finite(r.simple_payback_years) else "—",
                    "tier": "—" if r.mtf_tier is None else r.mtf_tier})
    return out


def _rot(s) -> list[dict]:
    c = s.rule_of_thumb_check
    return [
        {"name": "peak sun hours used", "value": f"{c.peak_sun_hours:.2f} h/day"},
        {"name": "1 kWp × sun-hours (no losses)", "value": f"{c.kwh_per_kwp_day_raw:.2f} kWh/day"},
        {"name": f"… × efficiency {c.system_efficiency:g} / safety factor {c.safety_factor:g}", "value": f"{c.kwh_per_kwp_day_derated:.2f} kWh/day"},
        {"name": "simulated on this site (annual mean)", "value": f"{c.kwh_per_kwp_day_simulated:.2f} kWh/day"},
    ]


def _energy_rows(e) -> list[dict]:
    return [
        {"name": "load", "value": _n(e.load_kwh)},
        {"name": "served", "value": _n(e.served_kwh)},
        {"name": "unmet", "value": _n(e.load_kwh - e.served_kwh)},
        {"name": "P2P traded (sent)", "value": _n(e.p2p_traded_kwh)},
        {"name": "P2P losses", "value": _n(e.p2p_losses_kwh)},
        {"name": "diesel", "value": _n(e.diesel_kwh)},
        {"name": "PV curtailed", "value": _n(e.curtailed_kwh)},
    ]


def _battery(h, design) -> dict:
    capacity = float(np.sum(design.battery_kwh))
    if capacity <= 0:
        return {"soc": None}
    village = h.soc_kwh.sum(axis=1)
    days = village.size // 24
    pct = 100.0 * village[: days * 24].reshape(days, 24) / capacity
    return {"soc": {
        "chart": charts.soc_heatmap(pct),
        "mean": f"{pct.mean():.0f}", "min": f"{pct.min():.0f}",
        "max": f"{pct.max():.0f}", "full_days": int((pct.max(axis=1) >= 99.0).sum()), "days": days,
    }}


def _p2p(result, hod) -> dict:
    st, loads, cur = result.settlement, result.loads, result.site.currency
    if st is None:
        return {"p2p": None}
    names = list(loads.group_names)
    labels = [names[int(x)] if np.issubdtype(np.asarray(st.flow_labels).dtype, np.integer) and int(x) < len(names) else str(x)
              for x in st.flow_labels]
    flows = np.asarray(st.flows, dtype=float)
    matrix = [{"payer": labels[a], "cells": [_n(flows[a, b], ",.0f") for b in range(len(labels))],
               "total": _n(flows[a].sum(), ",.0f")} for a in range(len(labels))]
    g = np.asarray(loads.group_of_home)
    income = np.bincount(g, weights=st.p2p_income, minlength=len(names))
    cost = np.bincount(g, weights=st.p2p_cost, minlength=len(names))
    traded = result.sim.hourly.import_kw.sum(axis=1)
    p2p = result.summary.p2p
    buy = np.asarray(st.price_per_kwh, dtype=float)
    return {"p2p": {
        "labels": labels, "matrix": matrix, "received": [_n(flows[:, b].sum(), ",.0f") for b in range(len(labels))],
        "total": _n(flows.sum(), ",.2f") if flows.sum() < 100 else _n(flows.sum(), ",.0f"),
        "mechanism": st.mechanism.replace("_", " "),
        "mean_buy": _n(p2p.mean_buy_price_per_kwh, ".3f"), "mean_sell": _n(p2p.mean_sell_price_per_kwh, ".3f"),
        "price_range": f"{buy.min():.3f}–{buy.max():.3f}" if buy.size else "—",
        "sellers": p2p.sellers, "buyers": p2p.buyers,
        "chart": charts.p2p_money(names, income, cost, cur, hod, buy, traded),
        "groups": [{"name": n, "income": _n(income[k], ",.0f"), "cost": _n(cost[k], ",.0f"),
                    "net": _n(income[k] - cost[k], "+,.0f")} for k, n in enumerate(names)],
    }}


def _costs(result) -> dict:
    cf, pb, cur, s = result.econ.cash_flows, result.econ.payback, result.site.currency, result.summary
    comp = {k.replace("_", " "): v for k, v in cf.npc_by("component").items() if abs(v) > 1e-9}
    cat = {k.replace("om", "O&M") if k == "om" else k: v for k, v in cf.npc_by("category").items() if abs(v) > 1e-9}
    first = {k: float(v[0]) for k, v in cf.by_component.items()}
    ec = s.economics
    return {
        "cost_components": [{"name": k, "npc": _n(v, ",.0f"), "share": _n(100 * v / cf.npc, ".1f") if cf.npc else "—",
                             "capex": _n(first.get(k.replace(" ", "_"), 0.0), ",.0f")} for k, v in comp.items()],
        "cost_categories": [{"name": k, "npc": _n(v, ",.0f")} for k, v in cat.items()],
        "cost_total": _n(cf.npc, ",.0f"), "capex_total": _n(cf.capex, ",.0f"),
        "annualised": _n(ec.annualised_cost, ",.0f"), "crf": f"{cf.crf:.4f}",
        "simple_payback": fmt_years(ec.simple_payback_years), "discounted_payback": fmt_years(ec.discounted_payback_years),
        "irr": fmt_pct(ec.irr) if _finite(ec.irr) else "none (the project never pays back)",
        "npv": _n(pb.village_npv, ",.0f"),
        "homes_paid_back": int(np.isfinite(pb.simple_payback_years).sum()),
        "cost_chart": charts.cost_breakdown(comp, cat, cur),
        "cash_chart": charts.cumulative_cash_flow(pb.village_net_cash_flow, cf.discount_rate, cur,
                                                  ec.simple_payback_years, ec.discounted_payback_years),
    }


def _affordability(result) -> dict:
    econ, s = result.econ, result.summary
    names = list(econ.group_names)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(econ.income_per_month > 0, econ.bill_per_month / econ.income_per_month, np.nan)
    per_group = [share[econ.group_of_home == k] for k in range(len(names))]
    rows = []
    for g in s.affordability.by_group:
        rows.append({
            "group": g.group, "homes": g.homes, "income": _n(g.income_per_month, ",.0f"),
            "bill": _n(g.median_bill_month, ",.2f"),
            "bill_share": _n(100 * g.median_bill_month / g.income_per_month, ".1f") if g.income_per_month else "—",
            "share": fmt_pct(g.share_households_affordable, 0),
            "highest": _n(g.highest_affordable_tariff_all, ".3f"),
            "subsidy": _n(g.subsidy_per_month_total, ",.0f"),
        })
    tiers = None
    if econ.tiers is not None:
        counts = np.bincount(np.asarray(econ.tiers["tier"], dtype=int), minlength=6)[:6]
        tiers = [{"tier": k, "homes": int(c)} for k, c in enumerate(counts)]
    return {"afford_rows": rows, "tiers": tiers,
            "afford_chart": charts.affordability(names, per_group, econ.threshold)}


def _alternatives(s, cur, target: float) -> dict:
    """The same village four ways (``summary.alternatives``) and the LP lower bound."""
    lb, gap = s.sizing.npc_lower_bound, s.sizing.gap_to_lower_bound
    rows = []
    for key, a in s.alternatives:
        rows.append({
            "name": ALTERNATIVE_NAMES[key], "key": key,
            "capex": _n(a.capex), "npc": _n(a.npc), "lcoe": _n(a.lcoe_per_kwh, ".3f"),
            "unmet": fmt_pct(a.unmet_fraction, 2),
            "pv": _n(a.pv_kwp_total, ",.1f"), "battery": _n(a.battery_kwh_total, ",.1f"),
            "diesel": _n(a.diesel_kw_total, ",.1f"),
            "_lcoe": a.lcoe_per_kwh, "_npc": a.npc,
        })
    chart = charts.alternatives([r["name"] for r in rows], [r["_lcoe"] for r in rows], [r["_npc"] for r in rows],
                                cur, lb if _finite(lb) else None)
    return {"alternatives": {"rows": rows, "chart": chart, "sharing": _sharing_vs_standalone(s, cur, target),
                             "lower_bound": _n(lb) if _finite(lb) else None,
                             "gap": fmt_pct(gap) if _finite(gap) else None}}


def _sharing_vs_standalone(s, cur: str, target: float) -> str | None:
    """One sentence: what sharing saves (or costs) against standalone systems for the same target."""
    p2p, sa = s.alternatives.p2p, s.alternatives.standalone
    if not s.p2p_enabled:
        return None
    if not all(_finite(x) for x in (p2p.capex, p2p.npc, sa.capex, sa.npc)):
        return None
    worst = sa.max_home_unmet_fraction
    d_capex, d_npc = sa.capex - p2p.capex, sa.npc - p2p.npc

    def diff(d, total):
        word = "less" if d >= 0 else "more"
        return f"{fmt_money(abs(d), cur)} {word} ({abs(d) / total:.0%})" if total else f"{fmt_money(abs(d), cur)} {word}"

    if _finite(target) and _finite(worst) and worst > target + 1e-9:
        return (f"Standalone home systems cannot meet the {target:.1%} unmet-load target here (their worst home "
                f"misses {worst:.1%} of its load), so sharing is what makes the target reachable; P2P sharing "
                f"needs {diff(d_capex, sa.capex)} capital than those standalone systems.")
    verdict = "Sharing pays" if d_npc >= 0 and d_capex >= 0 else (
        "Sharing pays over the project life but not up front" if d_npc >= 0 else
        "Sharing does not pay here")
    return (f"{verdict}: for the same unmet-load target, P2P sharing needs {diff(d_capex, sa.capex)} capital "
            f"and costs {diff(d_npc, sa.npc)} over the project (net present cost) than standalone home systems.")


def _sensitivity(s, cur) -> dict:
    """The tornado (``summary.sensitivity``): LCOE and discounted payback with each input moved."""
    rows = s.sensitivity
    if not rows:
        return {"sensitivity": None}
    names = [PARAMETER_NAMES[r.parameter] for r in rows]
    frac = rows[0].high_multiplier
    label = (f"−{100 * (frac - 1):g} %", f"+{100 * (frac - 1):g} %")
    lcoe_base = next((r.lcoe_base for r in rows if _finite(r.lcoe_base)), s.economics.lcoe_per_kwh)
    pb_base = next((r.payback_base for r in rows if _finite(r.payback_base)), None)
    table = [{"name": n, "lcoe_low": _n(r.lcoe_low, ".3f"), "lcoe_high": _n(r.lcoe_high, ".3f"),
              "pb_low": fmt_years(r.payback_low).replace(" years", " yr"),
              "pb_high": fmt_years(r.payback_high).replace(" years", " yr")} for n, r in zip(names, rows)]
    out = {"rows": table, "label_low": label[0], "label_high": label[1],
           "lcoe_base": _n(lcoe_base, ".3f"), "pb_base": fmt_years(pb_base),
           "lcoe_chart": charts.tornado(names, lcoe_base or 0.0, [r.lcoe_low for r in rows],
                                        [r.lcoe_high for r in rows], f"LCOE [{cur}/kWh]", *label),
           "pb_chart": None}
    if pb_base is not None:
        out["pb_chart"] = charts.tornado(names, pb_base, [r.payback_low for r in rows],
                                         [r.payback_high for r in rows], "payback [years]", *label)
    return {"sensitivity": out}


def _resilience(s, target: float) -> dict:
    """Equipment outages (``summary.resilience``, with ``failures``): every home's unmet fraction
    with sharing and without (the same design unlinked, in the same outages), the failed
    homes' totals, and the design in other draws of the outages."""
    r = s.resilience
    if r is None:
        return {"resilience": None}
    with_s = _column(s.homes, "unmet_fraction")
    load = _column(s.homes, "load_kwh")
    without = np.divide(_column(s.homes, "unmet_kwh_without_sharing"), load, out=np.zeros(load.size), where=load > 0)

    def num(v):
        return _n(v, ",.0f")

    pairs = [{"name": "unmet kWh failed homes", "with": num(r.unmet_kwh_failed_homes_with_sharing),
              "without": num(r.unmet_kwh_failed_homes_without_sharing)},
             {"name": "unmet hours failed homes", "with": num(r.unmet_hours_failed_homes_with_sharing),
              "without": num(r.unmet_hours_failed_homes_without_sharing)},
             {"name": "unmet kWh village", "with": num(r.unmet_kwh_village_with_sharing),
              "without": num(r.unmet_kwh_village_without_sharing)}]
    scalars = [{"name": "failed homes", "value": num(r.failed_homes)},
               {"name": "failed home hours", "value": num(r.failed_home_hours)},
               {"name": "sharing simulated", "value": str(r.sharing_simulated)}]
    draws = {"n": r.other_failure_draws, "over": r.homes_over_target_in_other_draws_most,
             "worst": fmt_pct(r.worst_home_unmet_fraction_in_other_draws, 1)}
    cases = (("with P2P sharing", with_s), ("without sharing", without)) if r.sharing_simulated else (("standalone systems", with_s),)
    rows = [{"name": name, "mean": fmt_pct(x.mean(), 2), "worst": fmt_pct(x.max(), 2),
             "meeting": f"{int((x <= target + 1e-9).sum())} of {x.size}"} for name, x in cases]
    chart = charts.resilience(with_s, without, target) if r.sharing_simulated else None
    return {"resilience": {"chart": chart, "rows": rows, "pairs": pairs, "scalars": scalars, "draws": draws}}
