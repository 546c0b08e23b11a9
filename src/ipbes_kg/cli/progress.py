"""A one-line progress display on stderr for long commands, on a terminal only.

A validation of a large graph runs for tens of seconds in phases (reading, the SHACL engine,
locating results); a silent terminal looks stuck. The command tells this display which phase
it is in; a daemon thread redraws ``validate: <phase>… 12 s`` four times a second once the
command has run longer than ``IPBES_KG_PROGRESS_AFTER`` seconds (default 2), and the line is
cleared at the end, so short runs and their output look exactly as without it. When stderr is
not a terminal (CI logs, pipes) nothing is written.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from types import TracebackType
from typing import TextIO

DEFAULT_AFTER = 2.0


def _after() -> float:
    text = os.environ.get("IPBES_KG_PROGRESS_AFTER", "")
    try:
        return max(0.0, float(text)) if text else DEFAULT_AFTER
    except ValueError:
        return DEFAULT_AFTER


class Progress:
    """``with Progress("validate") as progress: progress("reading 19 files") …``"""

    def __init__(self, command: str, stream: TextIO | None = None) -> None:
        self.command = command
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty()
        self.phase = ""
        self.shown = False
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._after = _after()

    def __call__(self, phase: str) -> None:
        self.phase = phase

    def __enter__(self) -> Progress:
        if self.enabled:
            threading.Thread(target=self._run, name="ipbes-kg-progress", daemon=True).start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        with self._lock:
            if self.shown:
                self.stream.write("\r\033[K")
                self.stream.flush()

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            elapsed = time.monotonic() - self._started
            if elapsed < self._after or not self.phase:
                continue
            with self._lock:
                if self._stop.is_set():
                    return
                self.stream.write(f"\r\033[K{self.command}: {self.phase}… {elapsed:.0f} s")
                self.stream.flush()
                self.shown = True
