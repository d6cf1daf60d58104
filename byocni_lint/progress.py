"""A progress line on stderr for long runs on a terminal: files done and files per second.

Shown only when stderr is a terminal, not in CI (CI logs are files, and a carriage-return animation
in them is noise), never with --quiet, and only once a run has taken a second: a pre-commit run on
a few files never flickers.
"""
from __future__ import annotations

import os
import sys
import time
from typing import TextIO

_CI_VARIABLES = ("CI", "GITHUB_ACTIONS", "TF_BUILD", "GITLAB_CI", "JENKINS_URL", "BUILDKITE", "TEAMCITY_VERSION")
SHOW_AFTER = 1.0
"""Seconds a run must have taken before the line appears."""
_REFRESH = 0.1


def wanted(stream: TextIO, quiet: bool) -> bool:
    """Whether a progress line belongs on `stream`."""
    if quiet or any(os.environ.get(name) for name in _CI_VARIABLES):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """Counts files done; draws `linting: done/total files, N files/s` once the run is slow enough."""

    def __init__(self, total: int, stream: TextIO | None = None, clock=time.monotonic) -> None:
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self._clock = clock
        self._start = clock()
        self._drawn_at: float | None = None

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = self._clock()
        elapsed = now - self._start
        if elapsed < SHOW_AFTER or (self._drawn_at is not None and now - self._drawn_at < _REFRESH):
            return
        self._drawn_at = now
        rate = self.done / elapsed if elapsed > 0 else 0.0
        self.stream.write(f"\rlinting: {self.done}/{self.total} files, {rate:.0f} files/s\x1b[K")
        self.stream.flush()

    def finish(self) -> None:
        """Erase the line, so the report starts on a clean terminal line."""
        if self._drawn_at is not None:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
