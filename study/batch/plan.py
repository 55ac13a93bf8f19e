"""What a batch runs: site files found, one output folder each, and the digests that let it resume."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from ...sizing.errors import P2PSizeError, Problem
from ..summary import StudySummary

DIGEST_FILE = "inputs.sha256"


def slug(name: str) -> str:
    """A filesystem-safe lower-case name: ``"My village"`` -> ``my_village`` (``site`` when nothing is left)."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "site"


@dataclass(frozen=True)
class Village:
    """One village of a batch: its site file and its output folder (absolute paths)."""

    slug: str
    site_path: Path
    out_dir: Path


@dataclass(frozen=True)
class RunOptions:
    """What every village of a batch is run with (as ``p2p-size run`` takes it)."""

    formats: tuple[str, ...] = ("html", "pdf")
    p2p: bool = True
    seed: int = 0
    allow_outside_paths: bool = False



def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("p2p-size")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "dev"


def discover_sites(inputs: Sequence[Path]) -> list[Path]:
    """Site files from the command line: files as given, folders expanded.

    A folder contributes its ``*.yaml`` files and its ``*/site.yaml`` files (hidden
    names skipped), sorted. A path that does not exist, or folders holding no site
    file, are usage errors (:class:`P2PSizeError`).
    """
    found: list[Path] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            inside = sorted(p for p in path.glob("*.yaml") if p.is_file() and not p.name.startswith("."))
            inside += sorted(p for p in path.glob("*/site.yaml") if not p.parent.name.startswith("."))
            if not inside:
                raise P2PSizeError(Problem(str(path), "", "folder holds no site file (*.yaml or */site.yaml)",
                                           "name site files or folders that hold them"))
            found += inside
        elif path.exists():
            found.append(path)
        else:
            raise P2PSizeError(Problem(str(path), "", "no such file or folder",
                                       "check the path (relative to where you run p2p-size)"))
    unique, seen = [], set()
    for p in found:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def plan(sites: Sequence[Path], out_dir: Path) -> list[Village]:
    """One :class:`Village` per site file, each with its own folder under ``out_dir``.

    The slug is the folder's name for a ``site.yaml``, else the file's stem (as
    ``p2p-size run`` names its default folder), made filesystem-safe; repeated slugs get
    ``_2``, ``_3``... in order.
    """
    out_dir = Path(out_dir).resolve()
    used: set[str] = set()
    villages = []
    for site in sites:
        site = Path(site).resolve()
        base = slug(site.parent.name if site.stem == "site" else site.stem)
        name, n = base, 1
        while name in used:
            n += 1
            name = f"{base}_{n}"
        used.add(name)
        villages.append(Village(name, site, out_dir / name))
    return villages


def input_digest(site_path: Path, options: RunOptions) -> Optional[str]:
    """SHA-256 of everything a village's results depend on, or None for an unreadable site.

    Covers the p2p-size version, the seed, P2P on/off, the report formats, the site
    file's bytes and the bytes of every data file it names (a missing one as such).
    """
    from ...sizing.site import data_files, read_yaml

    site_path = Path(site_path)
    try:
        data = read_yaml(site_path)
        raw = site_path.read_bytes()
    except (P2PSizeError, OSError):
        return None
    h = hashlib.sha256()
    header = {"p2p_size": _version(), "seed": options.seed, "p2p": options.p2p, "formats": sorted(options.formats)}
    h.update(json.dumps(header, sort_keys=True).encode())
    h.update(b"\0site\0" + raw)
    base = site_path.resolve().parent
    for key, rel in data_files(data):
        h.update(f"\0{key}\0{rel}\0".encode())
        path = Path(rel).expanduser()
        path = path if path.is_absolute() else base / path
        try:
            with open(path, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
        except OSError as exc:
            h.update(f"unreadable: {type(exc).__name__}".encode())
    return h.hexdigest()


def last_good(village: Village, options: RunOptions) -> Optional[StudySummary]:
    """The village's last summary when its inputs are unchanged since then, else None
    (also when it no longer reads as a summary of this version)."""
    digest_path = village.out_dir / DIGEST_FILE
    summary_path = village.out_dir / "summary.json"
    if not (digest_path.is_file() and summary_path.is_file()):
        return None
    digest = input_digest(village.site_path, options)
    if digest is None or digest_path.read_text(encoding="utf-8").strip() != digest:
        return None
    try:
        return StudySummary.model_validate_json(summary_path.read_bytes())
    except (OSError, ValueError):
        return None

