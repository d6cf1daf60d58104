"""Flat memory and the progress line (issue 14).

A linted template's parse tree is dropped once its units are built. The progress line appears only on
a terminal, never in CI or with --quiet.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from byocni_lint import progress
from byocni_lint.bench import write_templates
from byocni_lint.discover import discover
from byocni_lint.engine import Options, _Linter
from byocni_lint.frontends import frontends
from byocni_lint.frontends.arm.documents import ARM_TEMPLATE
from byocni_lint.frontends.arm.reader import ArmReader
from byocni_lint.frontends.run import Run
from run_cli import invoke

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("generated")
    write_templates(folder, 80)
    return folder


def test_a_template_tree_is_dropped_once_its_unit_is_built(generated):
    linter = _Linter(Options(), keep_models=False)
    run = Run(linter.rulebook, linter.options, linter.add, linter.attempt)
    files = discover([str(generated)], frontends()).claimed["arm"]
    reader = ArmReader(run)
    models = 0
    for unit in reader.units(files):
        models += unit.build() is not None
        held = [d for d in reader.documents.values() if d is not None and d.kind == ARM_TEMPLATE]
        assert len(held) <= 1  # only the template being built
    assert models == len(files)
    assert not [d for d in reader.documents.values() if d is not None and d.kind == ARM_TEMPLATE]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_drawn_only_on_a_terminal_outside_ci_and_not_when_quiet(monkeypatch):
    for name in progress._CI_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    assert progress.wanted(_Terminal(), quiet=False)
    assert not progress.wanted(_Terminal(), quiet=True)
    assert not progress.wanted(io.StringIO(), quiet=False)  # piped
    monkeypatch.setenv("CI", "true")
    assert not progress.wanted(_Terminal(), quiet=False)


def test_progress_appears_after_a_second_and_is_erased():
    now = [0.0]
    stream = _Terminal()
    bar = progress.Progress(10, stream, clock=lambda: now[0])
    bar.advance(3)
    assert stream.getvalue() == ""  # a quick run never draws
    now[0] = 2.0
    bar.advance(1)
    assert stream.getvalue() == "\rlinting: 4/10 files, 2 files/s\x1b[K"
    bar.finish()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_cli_writes_no_progress_when_stderr_is_not_a_terminal(generated):
    result = invoke([str(generated), "--fail-on", "never"])
    assert result.exit_code == 0 and "linting:" not in result.stderr and "linting:" not in result.stdout
