"""Reading a site file: YAML (safe), schema validation, data-file checks.

:func:`load_site` is the boundary: it returns a validated :class:`Site` or raises one
:class:`SiteError` listing *every* problem found — YAML syntax, unknown keys (with a
"did you mean"), missing keys, out-of-range values, cross-field rules and malformed
data files — each with file, key path, value, what was expected and how to fix it.
"""
from __future__ import annotations

import difflib
import typing
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import BaseModel, ValidationError

from .errors import DataFileError, P2PSizeError, Problem, SiteError
from .schema import Site

MAX_SITE_FILE_BYTES = 1_000_000
MAX_YAML_NODES = 200_000


# --------------------------------------------------------------------------- YAML
class _StrictSafeLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys and bounds alias expansion."""

    def __init__(self, stream):
        super().__init__(stream)
        self._nodes_built = 0

    def construct_object(self, node, deep=False):
        self._nodes_built += 1
        if self._nodes_built > MAX_YAML_NODES:
            raise yaml.constructor.ConstructorError(
                None, None, f"the document expands to more than {MAX_YAML_NODES:,} values (alias bomb?)", node.start_mark
            )
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                try:
                    hash(key)
                except TypeError:
                    continue  # the base class reports unhashable keys
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        "while reading a mapping",
                        node.start_mark,
                        f"duplicate key {key!r} (first at line {seen[key].line + 1})",
                        key_node.start_mark,
                    )
                seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: Path) -> dict:
    """Parse a site file safely; raise :class:`SiteError` on any YAML problem."""
    file = str(path)
    if not path.exists():
        raise SiteError(Problem(file, "", "site file not found", "check the path (relative to where you run p2p-size)"))
    if path.is_dir():
        raise SiteError(Problem(file, "", "is a folder, not a site file", "name the .yaml file inside it"))
    size = path.stat().st_size
    if size > MAX_SITE_FILE_BYTES:
        raise SiteError(
            Problem(file, "", f"site file is {size:,} bytes; at most {MAX_SITE_FILE_BYTES:,} are accepted",
                    "put large data (weather, load profiles) in CSV files named by the site file")
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SiteError(
            Problem(file, f"line {line}, column {column}",
                    f"not UTF-8 text: byte 0x{raw[exc.start]:02x} cannot be decoded",
                    "save the file as UTF-8 (most editors offer it under 'Save as' / 'Encoding')")
        ) from None
    try:
        data = yaml.load(text, Loader=_StrictSafeLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        raise SiteError(_yaml_problem(exc, file)) from None
    except yaml.YAMLError as exc:
        raise SiteError(Problem(file, "", f"YAML error: {exc}", "fix the YAML syntax")) from None
    if data is None:
        raise SiteError(Problem(file, "", "the file is empty", "run `p2p-size init` for a starter site file"))
    if not isinstance(data, dict):
        raise SiteError(
            Problem(file, "", f"the document must be a mapping of keys (name:, location:, ...), got a {type(data).__name__}",
                    "run `p2p-size init` for a starter site file")
        )
    return data


def _yaml_problem(exc: yaml.MarkedYAMLError, file: str) -> Problem:
    """One YAML syntax problem: where it was noticed, what, and where its context began."""
    mark = exc.problem_mark or exc.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    msg = exc.problem or exc.context or "malformed YAML"
    started = exc.context_mark
    if exc.context and exc.problem and started is not None and started is not mark and "duplicate key" not in msg:
        msg += f" ({exc.context} that starts at line {started.line + 1}, column {started.column + 1})"
    fix = "fix the YAML syntax at that line (indentation, quotes, colons)"
    if "duplicate key" in msg:
        fix = "keep one of the two entries; a key may appear once per section"
    elif "'\\t'" in msg:
        fix = "indent with spaces, not tabs"
    return Problem(file, where, f"YAML error: {msg}", fix)


# --------------------------------------------------------------------------- pydantic -> problems
def _unwrap(annotation) -> list[type]:
    """Model classes reachable from an annotation (through Optional, list, Union, Annotated)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (list, tuple, typing.Union, getattr(__import__("types"), "UnionType", None), dict):
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


def _problem_from(err: dict, file: str) -> Problem:
    loc = tuple(err["loc"])
    kind = err["type"]
    ctx = err.get("ctx", {}) or {}
    value = err.get("input")
    key = _path(loc)
    unit = _unit(loc)
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


def validate_data(data: dict, file: str) -> Site:
    """Validate a parsed mapping against the schema; raise one SiteError with every problem."""
    try:
        return Site.model_validate(data)
    except ValidationError as exc:
        problems = [_problem_from(e, file) for e in exc.errors(include_url=False)]
        raise SiteError(problems) from None


# --------------------------------------------------------------------------- data files
def data_files(data: dict) -> list[tuple[str, str]]:
    """(key path, relative path) of every data file a parsed site mapping names."""
    files = []
    solar = data.get("solar")
    if isinstance(solar, dict) and isinstance(solar.get("tmy_file"), str):
        files.append(("solar.tmy_file", solar["tmy_file"]))
    groups = data.get("households")
    for i, g in enumerate(groups if isinstance(groups, list) else []):
        if isinstance(g, dict) and isinstance(g.get("load_profile_file"), str):
            files.append((f"households[{i}].load_profile_file", g["load_profile_file"]))
    return files


def check_data_files(files: list[tuple[str, str]], base_dir: Path, file: str,
                     allow_outside_paths: bool = False, parsed: dict | None = None) -> list[Problem]:
    """Every problem with the data files a site names (existence, location, content).

    Parameters
    ----------
    files : list of (key path, path as written)
    base_dir : Path — the site file's folder, which relative paths resolve against
    file : str — the site file, for messages
    allow_outside_paths : bool — accept files outside ``base_dir``
    parsed : dict, optional — receives key -> parsed content of each good file
    """
    from .loads import read_load_profile
    from .weather import read_weather

    problems: list[Problem] = []
    base = Path(base_dir).resolve()
    for key, rel in files:
        path = Path(rel).expanduser()
        path = path if path.is_absolute() else base / path
        if not allow_outside_paths:
            real = path.resolve()
            if base != real and base not in real.parents:
                problems.append(Problem(file, key, f"data file {rel!r} lies outside the site file's folder ({base})",
                                        "move the file next to the site file, or pass --allow-outside-paths", rel))
                continue
        if not path.exists():
            problems.append(Problem(file, key, f"data file not found: {path}",
                                    "check the path; relative paths are relative to the site file's folder", rel))
            continue
        if not path.is_file():
            problems.append(Problem(file, key, f"not a file: {path}", "name a CSV/EPW/JSON file", rel))
            continue
        reader = read_weather if key == "solar.tmy_file" else read_load_profile
        try:
            content = reader(path, key=key)
        except DataFileError as exc:
            problems += exc.problems
        else:
            if parsed is not None:
                parsed[key] = content
    return problems


def load_site(path: str | Path, *, check_files: bool = True, allow_outside_paths: bool = False) -> Site:
    """Read and validate a site file and its data files.

    Parameters
    ----------
    path : str or Path
        The site file (YAML).
    check_files : bool
        Also open and check every data file it names.
    allow_outside_paths : bool
        Accept data files outside the site file's folder.

    Returns
    -------
    Site
        The validated site, with ``base_dir`` set to the file's folder.

    Raises
    ------
    SiteError
        With every problem found, not just the first.
    """
    path = Path(path)
    file = str(path)
    data = read_yaml(path)
    base = path.resolve().parent
    parsed: dict = {}
    problems = check_data_files(data_files(data), base, file, allow_outside_paths, parsed) if check_files else []
    try:
        site = validate_data(data, file)
    except SiteError as exc:  # report the data files' problems in the same breath
        raise SiteError(exc.problems + problems) from None
    if problems:
        raise SiteError(problems)
    site._base_dir = base
    site._source_file = path.resolve()
    site._parsed.update(parsed)
    return site


__all__ = ["load_site", "read_yaml", "validate_data", "data_files", "check_data_files", "P2PSizeError"]
