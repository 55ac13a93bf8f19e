"""Task functions the batch tests inject into the engines (workers import them by name).

:func:`run_or_die` runs a village as the real task does, except a village whose slug
starts with :data:`CRASHER`: its worker exits abruptly (``os._exit(1)``), as a worker
killed by the out-of-memory killer or a crash in compiled code would.
"""
from __future__ import annotations

import os

from p2p_size.study.batch import RunOptions, Village, run_village

CRASHER = "crash_me"


def run_or_die(village: Village, options: RunOptions):
    """:func:`~p2p_size.study.batch.run_village`, or an abrupt death for the crasher."""
    if village.slug.startswith(CRASHER):
        os._exit(1)
    return run_village(village, options)
