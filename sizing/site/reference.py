"""The README's site-file reference, generated from the schema (``make reference`` writes it).

One Markdown table per section: key, type, unit, default, allowed range, meaning. A test
fails when the README's copy drifts from what :func:`reference_markdown` generates.
"""
from __future__ import annotations

import types
import typing

from pydantic import BaseModel

from .schema import (PV, Appliance, Battery, Controller, DieselBaseline, Diesel, Economics,
                     ExistingSystem, Failures, FixedSize, FixedTariff, HouseholdGroup, KeroseneBaseline, Location,
                     Logistics, MiniGrid, P2P, P2PLink, RuleOfThumb, Site, Sizing, Solar)


def _type_name(annotation) -> str:
    """A type as a reader writes it: ``float``, ``list[float] (12 values)``, ``one of a, b``,
    ``Battery``, ``X, optional`` — never pydantic's internals."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        inner, lengths = _type_name(args[0]), [m for a in args[1:] for m in getattr(a, "metadata", [a])]
        lo = next((m.min_length for m in lengths if getattr(m, "min_length", None) is not None), None)
        hi = next((m.max_length for m in lengths if getattr(m, "max_length", None) is not None), None)
        return f"{inner} ({lo} values)" if lo is not None and lo == hi else inner
    if origin is typing.Literal:
        return f'"{args[0]}"' if len(args) == 1 else "one of " + ", ".join(str(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        kept = [a for a in args if a is not type(None)]
        text = " | ".join(_type_name(a) for a in kept)
        return f"{text}, optional" if len(kept) < len(args) else text
    if origin in (list, tuple, dict):
        return f"{origin.__name__}[{', '.join(_type_name(a) for a in args if a is not Ellipsis)}]"
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation).replace("typing.", "")


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
