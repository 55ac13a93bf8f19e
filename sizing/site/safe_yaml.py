"""Reading a site file's YAML safely: a size limit, UTF-8, no duplicate keys, bounded aliases.

:func:`read_yaml` returns the parsed mapping or raises one
:class:`~p2p_size.sizing.errors.SiteError` whose problem names the line and column.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, SiteError

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

