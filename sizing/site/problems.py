"""pydantic's validation errors in the words of the site file: key path, unit, range and fix.

:func:`problem_from` turns one pydantic error into a
:class:`~p2p_size.sizing.errors.Problem`: unknown keys get a "did you mean",
out-of-range values the allowed interval in the field's unit (and a percent hint for
fractions), union tags the allowed kinds, and the schema's own rules their message and fix.
"""
from __future__ import annotations

import difflib
import types
import typing
from typing import Any, Iterable

from pydantic import BaseModel

from ..errors import Problem
from .schema import RENAMED_KEYS, Site

def _unwrap(annotation) -> list[type]:
    """Model classes reachable from an annotation (through Optional, list, Union, Annotated)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (list, tuple, typing.Union, types.UnionType, dict):
        out = []
        for a in typing.get_args(annotation):
            out += _unwrap(a)
        return out
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return []


def _field(loc: tuple):
    """The pydantic field the last key of ``loc`` names, or None."""
    loc = tuple(loc)
    while loc and isinstance(loc[-1], int):
        loc = loc[:-1]
    if not loc:
        return None
    owner = _model_for(loc[:-1])
    if owner is None:
        return None
    return owner.model_fields.get(loc[-1])


def _path(loc: Iterable) -> str:
    out = ""
    model: Any = Site
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        if isinstance(model, list):  # union tag, not a key the user wrote
            model = next((m for m in model if getattr(m.model_fields.get("kind"), "default", None) == part), None)
            continue
        out += ("." if out else "") + str(part)
        if isinstance(model, type) and part in model.model_fields:
            c = _unwrap(model.model_fields[part].annotation)
            model = c[0] if len(c) == 1 else (c or None)
        else:
            model = None
    return out


def _unit(loc: tuple) -> str:
    field = _field(loc)
    if field is not None:
        extra = field.json_schema_extra or {}
        unit = extra.get("unit", "") if isinstance(extra, dict) else ""
        return "" if unit in ("", "-", "fraction") else f" {unit}"
    return ""


def _bounds(loc: tuple, value: Any = None) -> str:
    """How to fix an out-of-range value: the allowed interval in words, and a percent hint."""
    field = _field(loc)
    if field is None:
        return "correct the value"
    limits = {}
    for m in field.metadata:
        for attr in ("ge", "gt", "le", "lt"):
            if getattr(m, attr, None) is not None:
                limits[attr] = getattr(m, attr)
    low = f"from {limits['ge']:g}" if "ge" in limits else (f"above {limits['gt']:g}" if "gt" in limits else "")
    high = f"to {limits['le']:g}" if "le" in limits else (f"below {limits['lt']:g}" if "lt" in limits else "")
    if low and high:
        text = f"use a value {low} {high}" if "ge" in limits else f"use a value {low} and up {high}"
    else:
        text = f"use a value {low or high}"
    extra = field.json_schema_extra or {}
    unit = extra.get("unit", "") if isinstance(extra, dict) else ""
    if unit.startswith("fraction"):
        text += " (a fraction, not percent)"
        if isinstance(value, (int, float)) and 2 <= value <= 100:  # e.g. 10 meant as 10 %
            text += f": write {value / 100:g} for {value:g} %"
    elif _unit(loc):
        text += _unit(loc)
    return text


def _short(value: Any, limit: int = 60) -> str:
    """repr of a value, abbreviated for messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _tags(loc: tuple) -> list[str]:
    """The allowed ``kind`` values of the discriminated union at ``loc``."""
    owner = _model_for(loc[:-1])
    field = owner.model_fields.get(loc[-1]) if owner is not None else None
    if field is None:
        return []
    return [m.model_fields["kind"].default for m in _unwrap(field.annotation) if "kind" in m.model_fields]


def problem_from(err: dict, file: str) -> Problem:
    loc = tuple(err["loc"])
    kind = err["type"]
    ctx = err.get("ctx", {}) or {}
    value = err.get("input")
    key = _path(loc)
    unit = _unit(loc)
    if kind == "extra_forbidden" and key in RENAMED_KEYS:
        new = RENAMED_KEYS[key]
        return Problem(file, key, f"'{loc[-1]}' was renamed to '{new}'",
                       f"rename the key to '{new}' (same value and unit)")
    if kind == "extra_forbidden":
        model = _model_for(loc[:-1])
        choices = list(model.model_fields) if model else []
        guess = difflib.get_close_matches(str(loc[-1]), choices, n=1, cutoff=0.6)
        hint = f"did you mean '{guess[0]}'?" if guess else f"allowed keys here: {', '.join(choices)}"
        return Problem(file, key, f"unknown key '{loc[-1]}'", hint + " (see the site-file reference in the README)")
    if kind == "missing":
        return Problem(file, key, "required key is missing", f"add '{loc[-1]}:' (see `p2p-size init` for an example)")
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sym = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}[kind]
        limit = next(iter(ctx.values()))
        limit = f"{limit:g}" if isinstance(limit, (int, float)) else limit
        return Problem(file, key, f"must be {sym} {limit}{unit}, got {_short(value)}", _bounds(loc, value))
    if kind in ("too_short", "too_long"):
        n = len(value) if hasattr(value, "__len__") else "?"
        want = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        if ctx.get("min_length") == ctx.get("max_length") or key.startswith("solar.monthly"):
            return Problem(file, key, f"expected exactly 12 values (one per month), got {n}", "give one value per month, January to December")
        word = "at least" if kind == "too_short" else "at most"
        fix = f"add items until there are {want}" if kind == "too_short" else f"remove items until there are {want}"
        if kind == "too_short" and want == 1 and n == 0:
            fix = "add at least one item, or remove the empty list"
        return Problem(file, key, f"expected {word} {want} item(s), got {n}", fix)
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        options = [o.strip(" '") for o in expected.replace(" or ", ",").split(",") if o.strip()]
        guess = difflib.get_close_matches(str(value), options, n=1, cutoff=0.5)
        fix = f"did you mean '{guess[0]}'?" if guess else f"use one of: {', '.join(options)}"
        return Problem(file, key, f"{value!r} is not allowed; expected one of {expected}", fix)
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        tags = _tags(loc) or [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",") if t.strip()]
        allowed = ", ".join(tags)
        if kind == "union_tag_not_found":
            fix = f"add kind: {tags[0]}" + (f" (or {', '.join(tags[1:])})" if len(tags) > 1 else "") if tags else "add kind:"
            return Problem(file, f"{key}.kind", f"required key is missing; expected one of: {allowed}", fix)
        tag = ctx.get("tag", value)
        guess = difflib.get_close_matches(str(tag), tags, n=1, cutoff=0.5)
        fix = f"did you mean '{guess[0]}'?" if guess else f"use one of: {allowed}"
        return Problem(file, f"{key}.kind", f"{tag!r} is not allowed; expected one of: {allowed}", fix)
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        what = "a whole number" if kind.startswith("int") else "a number"
        unit_note = f" ({unit.strip()})" if unit else ""
        if kind == "int_from_float":
            fix = f"write a whole number, e.g. {round(value)}" if isinstance(value, float) else "write a whole number"
        elif unit:
            fix = f"write the number alone, without quotes or units: the key name already gives the unit ({unit.strip()})"
        else:
            fix = f"write {what} alone, without quotes or units"
        return Problem(file, key, f"expected {what}{unit_note}, got {_short(value)}", fix)
    if kind in ("bool_parsing", "bool_type"):
        return Problem(file, key, f"expected true or false, got {_short(value)}", "write true or false")
    if kind in ("list_type", "tuple_type"):
        return Problem(file, key, f"expected a list, got {type(value).__name__} {_short(value)}",
                       "write a YAML list: [a, b, c] or one '- item' per line")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return Problem(file, key, f"expected a mapping of keys, got {type(value).__name__} {_short(value)}",
                       "write the keys of this section indented under it, e.g. key: value")
    if kind == "string_too_short":
        return Problem(file, key, "must not be empty", f"write a {loc[-1]}")
    if kind == "string_too_long":
        return Problem(file, key, f"expected at most {ctx.get('max_length')} characters, got {len(str(value))}",
                       "shorten it")
    if kind in ("string_type",):
        return Problem(file, key, f"expected text, got {_short(value)}", f"quote the value: \"{value}\"")
    if kind == "string_pattern_mismatch":
        if key == "currency":
            return Problem(file, key, f"{_short(value)} is not a 3-letter ISO 4217 currency code",
                           "use a code in capitals such as USD, EUR, XOF, NPR")
        return Problem(file, key, f"{_short(value)} does not match the expected form {ctx.get('pattern')}", "correct the value")
    if kind in ("finite_number",):
        return Problem(file, key, f"expected a finite number, got {_short(value)}", "replace NaN/inf with a number")
    if kind == "site_rule":  # raised by the schema's validators with its own message and fix
        return Problem(file, key, ctx["message"], ctx["fix"])
    msg = err.get("msg", "invalid value")
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    return Problem(file, key, msg, "correct the value", value)


def _model_for(loc: tuple):
    model: Any = Site
    for part in loc:
        if isinstance(part, int):
            continue
        if isinstance(model, list):
            model = next((m for m in model if getattr(m.model_fields.get("kind"), "default", None) == part), None)
            continue
        if not (isinstance(model, type) and part in model.model_fields):
            return None
        c = _unwrap(model.model_fields[part].annotation)
        model = c[0] if len(c) == 1 else (c or None)
    return model if isinstance(model, type) else None

