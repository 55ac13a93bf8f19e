"""Writing results atomically.

A run writes every output into a hidden staging folder beside the destination, and
only when all of them are complete moves each into place with :func:`os.replace`
(atomic on one filesystem). A failed or interrupted run removes its staging folder and
leaves the previous good results untouched; the output folder itself is never deleted.
SIGINT and SIGTERM are held back while the files are moved into place and the staging
folder is removed (milliseconds), so a signal cannot leave a mix of old and new files;
it is delivered right after.
"""
from __future__ import annotations

import os
import shutil
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def staged_outputs(out_dir: Path) -> Iterator[Path]:
    """Yield a staging folder; on success move its files into ``out_dir``.

    Parameters
    ----------
    out_dir : Path
        Destination folder; created if missing, never emptied.

    Yields
    ------
    Path
        The staging folder to write into.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".p2p-size-staging-", dir=out_dir))
    complete = False
    try:
        yield stage
        complete = True
    finally:
        with _signals_held():
            try:
                if complete:  # publish each file atomically
                    for path in sorted(stage.rglob("*")):
                        if path.is_file():
                            target = out_dir / path.relative_to(stage)
                            target.parent.mkdir(parents=True, exist_ok=True)
                            os.replace(path, target)
            finally:
                shutil.rmtree(stage, ignore_errors=True)


_HELD = {signal.SIGINT, signal.SIGTERM}


@contextmanager
def _signals_held() -> Iterator[None]:
    """Block SIGINT and SIGTERM in this thread for the block; pending ones arrive after it."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def write_text_atomic(path: Path, text: str) -> None:
    """Write one text file atomically (temp file in the same folder, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
