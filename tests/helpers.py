"""Helpers every test file shares (tests/ is not a package: test modules import this by name).

`lint` runs the real engine; `cli` runs the real command in a subprocess; `model_values_of` gives the
model without locations, which is how the front-end tests prove that two formats mean the same thing.
"""
from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from byocni_lint.engine import LintRun, Options, lint_paths
from byocni_lint.findings import Finding

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
TODAY = date(2026, 11, 28)
INPUT_PROBLEMS = ("BYO900", "BYO903")


def lint(*paths: Path | str, today: date = TODAY, keep_models: bool = False, **options) -> LintRun:
    """Lint through the engine; options as `engine.Options` takes them (select, ignore, parameters)."""
    return lint_paths([str(path) for path in paths], Options(today=today, **options), keep_models=keep_models)


def of(findings: list[Finding], rule_id: str) -> list[Finding]:
    return [finding for finding in findings if finding.rule_id == rule_id]


def read_problems(run: LintRun) -> list[str]:
    """BYO900/BYO903 findings as text: a negative test asserts this is empty (the file was read)."""
    return [f"{f.rule_id} {f.location.path}:{f.location.span}: {f.message}" for f in run.findings
            if f.rule_id in INPUT_PROBLEMS]


def lints_clean(*paths: Path | str, files: int | None = None, **options) -> LintRun:
    """Assert that the paths were read (no BYO900/903, `files` files linted) and gave no finding above a note."""
    run = lint(*paths, **options)
    assert read_problems(run) == []
    assert run.files_linted == (files if files is not None else len(paths)), run
    above = [f"{f.rule_id} {f.location.path}:{f.location.span} {f.message}" for f in run.findings if f.severity.label != "note"]
    assert above == []
    return run


def cli(*args: str | Path, cwd: Path = REPO, env: dict[str, str] | None = None,
        today: str = "2026-11-28", stdin: str | None = None) -> subprocess.CompletedProcess:
    """The real command in a subprocess: what users, pre-commit and CI run."""
    command = [sys.executable, "-m", "byocni_lint", "--today", today, *map(str, args)]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, input=stdin, timeout=300)


def model_values_of(*paths: Path | str, **options) -> list[dict]:
    """The models of the paths without locations, one per evaluation, for format-equivalence tests."""
    from byocni_lint.report.model import model_values

    run = lint(*paths, keep_models=True, **options)
    assert read_problems(run) == []
    return [model_values(model) for model in run.models]


def arm_document(path: Path, display: str | None = None, **limits):
    """Read one file through the ARM front end: (document or None, findings it reported)."""
    from byocni_lint.frontends.arm.reader import ArmReader
    from byocni_lint.frontends.run import Run
    from byocni_lint.rulebook import load_rulebook

    rulebook = load_rulebook()
    if limits:

        rulebook = dict(rulebook, BYO903=rulebook["BYO903"]._replace(params={**rulebook["BYO903"].params, **limits}))
    reported: list[Finding] = []
    run = Run(rulebook, Options(), reported.append, lambda _path, _stage, function, *args: function(*args))
    document = ArmReader(run).document(path, display or path.name, True)
    return document, reported
