"""How each village of a batch ended, and the batch as a whole."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..summary import StudySummary
from .plan import Village


@dataclass
class Outcome:
    """How one village ended.

    ``status`` is ``"ok"`` or ``"failed"``; a failed village has ``error_type`` (the
    exception's class, ``BrokenProcessPool`` for a dead worker, ``TimeoutError``) and a
    one-paragraph ``error``. ``resumed`` marks a village skipped because its inputs were
    unchanged (its summary is the last good one). ``seconds`` is wall time in the worker.
    """

    village: Village
    status: str
    summary: Optional[StudySummary] = None
    error_type: Optional[str] = None
    error: Optional[str] = None
    seconds: float = 0.0
    resumed: bool = False
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class BatchResult:
    """The villages of a batch, ranked (failed ones last), and the files written."""

    outcomes: list[Outcome]
    rank_by: str
    out_dir: Path
    files: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

