"""Reading a site file: YAML (safe), schema validation, data-file checks.

:func:`load_site` is the boundary: it returns a validated :class:`~.schema.Site` or
raises one :class:`~p2p_size.sizing.errors.SiteError` listing *every* problem found —
YAML syntax (:mod:`.safe_yaml`), unknown keys (with a "did you mean"), missing keys,
out-of-range values and cross-field rules (:mod:`.problems`), and malformed data files
(:mod:`.weather_file`, :mod:`.load_profile_file`) — each with file, key path, value,
what was expected and how to fix it.
"""
from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from ..errors import DataFileError, Problem, SiteError
from .load_profile_file import read_load_profile
from .problems import problem_from
from .safe_yaml import read_yaml
from .schema import Site
from .weather_file import read_weather

def validate_data(data: dict, file: str) -> Site:
    """Validate a parsed mapping against the schema; raise one SiteError with every problem."""
    try:
        return Site.model_validate(data)
    except ValidationError as exc:
        problems = [problem_from(e, file) for e in exc.errors(include_url=False)]
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


__all__ = ["check_data_files", "data_files", "load_site", "validate_data"]
