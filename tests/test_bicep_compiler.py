"""The compiler path, tested with a TEST DOUBLE of the Bicep CLI (tests/doubles/fake_bicep.py) that
replays recorded compiler output: the real compiler cannot be installed on our machines."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from byocni_lint.frontends.bicep.compiler import compile_bicep, find_compiler, parse_diagnostics
from helpers import lint
from shared_corpus import CORPUS

REPO = Path(__file__).resolve().parents[1]
DOUBLE = REPO / "tests" / "doubles" / "fake_bicep.py"
SEED = REPO / "fixtures" / "seed"


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("BYOCNI_LINT_BICEP", raising=False)


def _double(tmp_path) -> str:
    """The double as one executable path (`--bicep` takes a program, not a command line)."""
    wrapper = tmp_path / "bicep"
    wrapper.write_text(f"#!/bin/sh\nexec {sys.executable} {DOUBLE} \"$@\"\n")
    wrapper.chmod(0o755)
    return str(wrapper)


def test_compiled_seed_gives_the_same_findings_located_in_the_bicep(tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_BICEP_JSON", str(SEED / "azuredeploy.json"))
    compiled = lint(SEED / "main.bicep", bicep=_double(tmp_path))
    ours = lint(SEED / "main.bicep", no_bicep_cli=True)
    assert sorted((f.rule_id, f.location.span.line) for f in compiled.findings) == \
        sorted((f.rule_id, f.location.span.line) for f in ours.findings)
    assert compiled.findings and all(f.location.path.endswith("main.bicep") for f in compiled.findings)


def test_compiled_output_is_cached_by_content(tmp_path, monkeypatch):
    log = tmp_path / "calls.log"
    monkeypatch.setenv("FAKE_BICEP_JSON", str(SEED / "azuredeploy.json"))
    monkeypatch.setenv("FAKE_BICEP_LOG", str(log))
    source = tmp_path / "main.bicep"
    shutil.copy(SEED / "main.bicep", source)
    compiler = _double(tmp_path)
    lint(source, bicep=compiler)
    lint(source, bicep=compiler)
    assert len(log.read_text().splitlines()) == 1
    source.write_text(source.read_text() + "\n// changed\n")
    lint(source, bicep=compiler)
    assert len(log.read_text().splitlines()) == 2


def test_compile_errors_are_byo902_at_the_bicep_position(tmp_path, monkeypatch):
    source = tmp_path / "main.bicep"
    shutil.copy(SEED / "main.bicep", source)
    monkeypatch.setenv("FAKE_BICEP_MODE", "fail")
    monkeypatch.setenv("FAKE_BICEP_STDERR", f"{source}(4,23) : Error BCP027: The parameter expects a default value of type "
                       f"\"int\" but provided value is of type \"'3'\".\n{source}(1,1) : Warning no-unused-params: unused\n")
    run = lint(source, bicep=_double(tmp_path))
    (error,) = [f for f in run.findings if f.rule_id == "BYO902"]
    assert (error.location.path, error.location.span.line, error.location.span.column) == (str(source), 4, 23)
    assert "BCP027" in error.message
    assert not [f for f in run.findings if f.rule_id not in ("BYO902",)]


def test_a_hung_compiler_is_killed_by_the_timeout(tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_BICEP_MODE", "hang")
    result = compile_bicep([_double(tmp_path)], SEED / "main.bicep", (SEED / "main.bicep").read_text(), timeout=1)
    assert result.json_text is None and "did not finish" in result.failure


def test_a_compiler_that_cannot_run_falls_back_to_our_front_end(tmp_path):
    run = lint(SEED / "main.bicep", bicep=str(tmp_path / "no-such-bicep"))
    assert {f.rule_id for f in run.findings} >= {"BYO011", "BYO010", "BYO901"}


def test_compiler_is_found_in_the_documented_order(tmp_path, monkeypatch):
    class Options:
        bicep = None
        no_bicep_cli = False
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_compiler(Options()) is None
    az = tmp_path / "az"
    az.write_text("#!/bin/sh\n")
    az.chmod(0o755)
    assert find_compiler(Options()) == [str(az), "bicep"]
    bicep = tmp_path / "bicep"
    bicep.write_text("#!/bin/sh\n")
    bicep.chmod(0o755)
    assert find_compiler(Options()) == [str(bicep)]
    monkeypatch.setenv("BYOCNI_LINT_BICEP", "/opt/bicep")
    assert find_compiler(Options()) == ["/opt/bicep"]
    Options.bicep = "/named/bicep"
    assert find_compiler(Options()) == ["/named/bicep"]
    Options.no_bicep_cli = True
    assert find_compiler(Options()) is None


def test_diagnostics_keep_errors_only():
    found = parse_diagnostics("/x/main.bicep(12,5) : Error BCP035: missing property\n/x/main.bicep(1,1) : Warning BCP081: w\n")
    assert [(d.line, d.column, d.code) for d in found] == [(12, 5, "BCP035")]


def test_recorded_compiler_outputs_of_the_pairs_lint_like_our_front_end(tmp_path):
    pairs = CORPUS / "bicep-pairs"
    if not pairs.is_dir():
        pytest.skip("../shared is absent")
    compiler = _double(tmp_path)
    checked = 0
    for folder in sorted(p for p in pairs.iterdir() if (p / "main.json").is_file()):
        compiled = lint(folder / "main.bicep", bicep=compiler)
        ours = lint(folder / "main.bicep", no_bicep_cli=True)
        assert sorted((f.rule_id, f.severity) for f in compiled.findings if f.rule_id != "BYO901") == \
            sorted((f.rule_id, f.severity) for f in ours.findings if f.rule_id != "BYO901"), folder.name
        assert all(f.location.path.endswith(".bicep") for f in compiled.findings), folder.name
        checked += 1
    assert checked >= 15
