"""Run `python -m byocni_lint` as CI does, for the day-30 tests: (exit code, stdout, stderr)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def cli(args: list[str], cwd: Path = REPO, stdin: str | None = None,
        env: dict[str, str] | None = None) -> tuple[int, str, str]:
    command = [sys.executable, "-m", "byocni_lint", "--today", "2026-11-28", *map(str, args)]
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    environment.pop("GITHUB_ACTIONS", None)
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, input=stdin, env=environment,
                          timeout=120)
    return done.returncode, done.stdout, done.stderr
