"""All cores, flat memory and the progress line (issue 14).

A run over many files uses worker processes; its report must be byte-identical, in the same order,
to a one-process run. Small runs stay in-process. A linted template's parse tree is dropped. The
progress line appears only on a terminal, never in CI or with --quiet.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from byocni_lint import parallel, progress
from byocni_lint.bench import write_templates
from byocni_lint.cli import cli as command
from byocni_lint.discover import discover
from byocni_lint.engine import Options, _Linter, lint_paths
from byocni_lint.frontends import frontends
from byocni_lint.frontends.arm.documents import ARM_TEMPLATE
from byocni_lint.frontends.arm.reader import ArmReader
from byocni_lint.frontends.run import Run
from shared_corpus import CORPUS

REPO = Path(__file__).resolve().parents[1]


def _report(args: list[str]) -> str:
    result = CliRunner().invoke(command, [*args, "--today", "2026-11-28", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("generated")
    write_templates(folder, parallel.POOL_MIN_FILES + 16)
    return folder


def _trees(generated: Path) -> list[str]:
    trees = [str(REPO / "fixtures"), str(generated)]
    return trees + [str(CORPUS)] if CORPUS is not None and CORPUS.is_dir() else trees


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_two_jobs_and_one_job_give_byte_identical_reports(fmt, generated, monkeypatch):
    paths = _trees(generated)
    found = discover(paths, frontends())
    assert parallel.use_pool(2, sum(map(len, found.claimed.values())))  # the real threshold: workers run
    one = _report([*paths, "--format", fmt, "--jobs", "1"])
    two = _report([*paths, "--format", fmt, "--jobs", "2"])
    assert one == two and len(one) > 1000
    monkeypatch.setattr(parallel, "SHARDS_PER_JOB", 50)  # many small shards: order still the same
    assert _report([*paths, "--format", fmt, "--jobs", "2"]) == one


def test_the_pool_really_runs_and_counts_every_file(generated, monkeypatch):
    calls = []
    real = parallel.lint_in_pool
    monkeypatch.setattr(parallel, "lint_in_pool", lambda *args: calls.append(1) or real(*args))
    pooled = lint_paths([str(generated)], Options(jobs=2))
    assert calls and pooled.files_linted == parallel.POOL_MIN_FILES + 16 and pooled.findings
    single = lint_paths([str(generated)], Options(jobs=1))
    assert pooled.findings == single.findings and pooled.files_linted == single.files_linted


def test_a_small_run_stays_in_process(monkeypatch):
    def no_pool(*args):
        raise AssertionError("a pool was started for a handful of files")

    monkeypatch.setattr(parallel, "lint_in_pool", no_pool)
    run = lint_paths([str(REPO / "fixtures" / "seed")], Options(jobs=8))
    assert run.files_linted >= 1 and run.findings


def test_shards_keep_a_template_with_its_parameters_files():
    fronts = frontends()
    claimed = discover([str(REPO / "fixtures")], fronts).claimed
    in_order = [(index, c) for index, front in enumerate(fronts) for c in claimed.get(front.name, ())]
    assert any(c.path.name.endswith(".parameters.json") for _, c in in_order)
    for shard_list in (parallel.shards(fronts, claimed, 2), parallel.shards(fronts, claimed, 64)):
        assert len(shard_list) > 1
        flat = [(index, c) for shard in shard_list for index, files in shard for c in files]
        assert sorted(flat, key=in_order.index) == in_order  # every file once
        for shard in shard_list:  # each in the run's order
            mine = [(index, c) for index, files in shard for c in files]
            assert mine == sorted(mine, key=in_order.index)
        homes = {}
        for number, shard in enumerate(shard_list):
            for index, files in shard:
                for c in files:
                    homes.setdefault((index, parallel._group_key(fronts[index].name, c.path)), set()).add(number)
        assert all(len(numbers) == 1 for numbers in homes.values())


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
    result = CliRunner().invoke(command, [str(generated), "--fail-on", "never", "--jobs", "1"])
    assert result.exit_code == 0 and "linting:" not in result.stderr and "linting:" not in result.stdout
