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
        raise SiteError(
            Problem(file, "", f"not UTF-8 text (byte {exc.start})", "save the file as UTF-8")
        ) from None
    try:
        data = yaml.load(text, Loader=_StrictSafeLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        msg = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise SiteError(Problem(file, where, f"YAML error: {msg}", "fix the YAML syntax at that line (indentation, quotes, colons)")) from None
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


def _bounds(loc: tuple) -> str:
    field = _field(loc)
    if field is not None:
        lo = hi = None
        for m in field.metadata:
            lo = getattr(m, "ge", None) if getattr(m, "ge", None) is not None else (getattr(m, "gt", None) if lo is None else lo)
            hi = getattr(m, "le", None) if getattr(m, "le", None) is not None else (getattr(m, "lt", None) if hi is None else hi)
        if lo is not None and hi is not None:
            return f"use a value from {lo:g} to {hi:g}{_unit(loc)}"
    return "correct the value"


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
        return Problem(file, key, f"must be {sym} {limit}{unit}, got {value!r}", _bounds(loc))
    if kind in ("too_short", "too_long"):
        n = len(value) if hasattr(value, "__len__") else "?"
        want = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        if ctx.get("min_length") == ctx.get("max_length") or key.startswith("solar.monthly"):
            return Problem(file, key, f"expected exactly 12 values (one per month), got {n}", "give one value per month, January to December")
        word = "at least" if kind == "too_short" else "at most"
        return Problem(file, key, f"expected {word} {want} item(s), got {n}", "add or remove items")
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        options = [o.strip(" '") for o in expected.replace(" or ", ",").split(",") if o.strip()]
        guess = difflib.get_close_matches(str(value), options, n=1, cutoff=0.5)
        fix = f"did you mean '{guess[0]}'?" if guess else f"use one of: {', '.join(options)}"
        return Problem(file, key, f"{value!r} is not allowed; expected one of {expected}", fix)
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return Problem(file, key, f"'kind' must be one of {ctx.get('expected_tags', '')}, got {ctx.get('tag', value)!r}",
                       "set kind: to one of the allowed values")
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        what = "a whole number" if kind.startswith("int") else "a number"
        return Problem(file, key, f"expected {what}{unit}, got {value!r}", f"write {what} without units or quotes (the unit{unit or ''} is in the key name)")
    if kind in ("bool_parsing", "bool_type"):
        return Problem(file, key, f"expected true or false, got {value!r}", "write true or false")
    if kind in ("list_type", "tuple_type"):
        return Problem(file, key, f"expected a list, got {type(value).__name__} {value!r}", "write a YAML list, e.g. [1, 2, 3]")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return Problem(file, key, f"expected a mapping of keys, got {type(value).__name__} {value!r}", "indent the keys of this section under it")
    if kind in ("string_type",):
        return Problem(file, key, f"expected text, got {value!r}", "quote the value")
    if kind == "string_pattern_mismatch":
        return Problem(file, key, f"{value!r} does not match the expected form {ctx.get('pattern')}", "use a 3-letter ISO 4217 code such as USD, XOF, NPR" if key == "currency" else "correct the value")
    if kind in ("finite_number",):
        return Problem(file, key, f"expected a finite number, got {value!r}", "replace NaN/inf with a number")
    msg = err.get("msg", "invalid value")
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
        fix = msg.split("; ", 1)[1] if "; " in msg else "correct the value"
        msg = msg.split("; ", 1)[0]
        return Problem(file, key, msg, fix)
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
def _data_files(site: Site) -> list[tuple[str, str]]:
    files = []
    if site.solar.tmy_file:
        files.append(("solar.tmy_file", site.solar.tmy_file))
    for i, g in enumerate(site.households):
        if g.load_profile_file:
            files.append((f"households[{i}].load_profile_file", g.load_profile_file))
    return files


def check_data_files(site: Site, file: str, allow_outside_paths: bool = False) -> list[Problem]:
    """Every problem with the data files the site names (existence, location, content)."""
    from .loads import read_load_profile
    from .weather import read_weather

    problems: list[Problem] = []
    base = site.base_dir.resolve()
    for key, rel in _data_files(site):
        path = site.resolve(rel)
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
        try:
            if key == "solar.tmy_file":
                read_weather(path, key=key)
            else:
                read_load_profile(path, key=key)
        except DataFileError as exc:
            problems += exc.problems
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
    site = validate_data(data, file)
    site._base_dir = path.resolve().parent
    site._source_file = path.resolve()
    if check_files:
        problems = check_data_files(site, file, allow_outside_paths)
        if problems:
            raise SiteError(problems)
    return site


__all__ = ["load_site", "read_yaml", "validate_data", "check_data_files", "P2PSizeError"]
