"""The one error family of p2p-size.

Every error a user can cause is a :class:`P2PSizeError` (a ``ValueError``). Each carries
one or more :class:`Problem` records saying *where* (file and key path), *what was got*,
*what was expected* and *how to fix it*. The CLI catches the family in one place and
maps it to exit code 2; everything else is a bug (exit code 1).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input.

    Attributes
    ----------
    file : str
        The file the problem is in (site file or data file); "" for CLI input.
    key : str
        Key path inside the site file, e.g. ``households[0].daily_load_kwh``; for a data
        file the site key that names it, optionally with a row/column, e.g.
        ``solar.tmy_file (row 17, column ghi)``.
    message : str
        What is wrong: what was expected and what was got.
    fix : str
        How to fix it, in one sentence.
    value : Any
        The offending value when there is one (shown abbreviated).
    """

    file: str
    key: str
    message: str
    fix: str = ""
    value: Any = None

    def render(self) -> str:
        where = self.file or "<input>"
        if self.key:
            where = f"{where}: {self.key}"
        text = f"{where}: {self.message}"
        if self.value is not None:
            shown = repr(self.value)
            if len(shown) > 80:
                shown = shown[:77] + "..."
            if shown not in text:
                text += f" (got {shown})"
        if self.fix:
            text += f"\n    fix: {self.fix}"
        return text


class P2PSizeError(ValueError):
    """Base of every error a user's input can cause (CLI exit code 2)."""

    def __init__(self, problems: Problem | Iterable[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem(file="", key="", message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__(self.render())

    def render(self) -> str:
        n = len(self.problems)
        head = "" if n == 1 else f"{n} problems found:\n"
        return head + "\n".join(p.render() for p in self.problems)


class SiteError(P2PSizeError):
    """The site file is malformed: YAML, schema, or cross-field rules."""


class DataFileError(P2PSizeError):
    """A data file named by the site file is missing or malformed."""


class InfeasibleError(P2PSizeError):
    """The requested target cannot be met within the allowed sizes."""
