"""The README's site-file reference, generated from the schema (``make reference`` writes it).

One Markdown table per section: key, type, unit, default, allowed range, meaning. A test
fails when the README's copy drifts from what :func:`reference_markdown` generates.
"""
from __future__ import annotations

from pydantic import BaseModel

from .schema import (PV, Appliance, Battery, Controller, DieselBaseline, Diesel, Economics,
                     ExistingSystem, Failures, FixedSize, FixedTariff, HouseholdGroup, KeroseneBaseline, Location,
                     Logistics, MiniGrid, P2P, P2PLink, RuleOfThumb, Site, Sizing, Solar)


def _type_name(annotation) -> str:
    text = str(annotation).replace("typing.", "").replace("NoneType", "None")
    for mod in ("p2p_size.sizing.site.schema.",):
        text = text.replace(mod, "")
    return text.replace("<class '", "").replace("'>", "")


def _range(field) -> str:
    parts = []
    for m in field.metadata:
        for attr, sym in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            if getattr(m, attr, None) is not None:
                parts.append(f"{sym} {getattr(m, attr):g}")
        if getattr(m, "min_length", None):
            parts.append(f"len >= {m.min_length}")
        if getattr(m, "max_length", None) and getattr(m, "max_length") < 1000:
            parts.append(f"len <= {m.max_length}")
    return ", ".join(parts)


def _default(field) -> str:
    if field.is_required():
        return "**required**"
    if field.default_factory is not None:
        value = field.default_factory()
        if isinstance(value, BaseModel):
            return "(section defaults)"
        return repr(value)
    return "—" if field.default is None else f"`{field.default!r}`"


def reference_markdown() -> str:
    """The site-file reference as Markdown tables, generated from the models."""
    sections = [
        ("(top level)", Site),
        ("location", Location),
        ("solar", Solar),
        ("households[]", HouseholdGroup),
        ("households[].appliances[]", Appliance),
        ("households[].existing", ExistingSystem),
        ("households[].size", FixedSize),
        ("equipment.pv", PV),
        ("equipment.battery", Battery),
        ("equipment.controller", Controller),
        ("equipment.diesel", Diesel),
        ("equipment.p2p_link", P2PLink),
        ("equipment.minigrid", MiniGrid),
        ("equipment.logistics", Logistics),
        ("economics", Economics),
        ("economics.baseline (kind: kerosene)", KeroseneBaseline),
        ("economics.baseline (kind: diesel)", DieselBaseline),
        ("economics.tariff (kind: fixed)", FixedTariff),
        ("p2p", P2P),
        ("sizing", Sizing),
        ("sizing.rule_of_thumb", RuleOfThumb),
        ("failures", Failures),
    ]
    out = []
    for title, model in sections:
        out.append(f"### `{title}`\n")
        out.append("| key | type | unit | default | allowed | meaning |")
        out.append("|---|---|---|---|---|---|")
        for name, field in model.model_fields.items():
            extra = field.json_schema_extra or {}
            unit = extra.get("unit", "") if isinstance(extra, dict) else ""
            typ = _type_name(field.annotation).replace("|", "\\|")
            out.append(
                f"| `{name}` | {typ} | {unit} | {_default(field)} | {_range(field)} | {field.description or ''} |"
            )
        out.append("")
    return "\n".join(out)
