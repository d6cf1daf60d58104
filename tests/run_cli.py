"""Run `byocni-lint`: as CI does, in a subprocess (`cli`), or in this process (`invoke`), where a test
can make the engine raise or count what the run started."""
from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass
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


@dataclass
class Invoked:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def invoke(args: list) -> Invoked:
    """The command line run by `cli.main` in this process, with its exit code and what it printed."""
    from byocni_lint.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            main([str(arg) for arg in args])
        except SystemExit as done:
            code = done.code
        else:
            raise AssertionError("cli.main returned without exiting")
    assert isinstance(code, int), code
    return Invoked(code, stdout.getvalue(), stderr.getvalue())
