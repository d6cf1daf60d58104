"""Real ARM files from ../shared/corpus: every one loads and lints without a parse error or a crash.

The corpus holds what real templates look like (comments, trailing commas, symbolic names, nested
deployments, parameters files with extra or missing values). What each one *should* report is
tested file by file in test_corpus_model.py; this file is the blanket promise that none of them
breaks the linter, alone, with its parameters file, or all together through the CLI.
"""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from byocni_lint.engine import Options, lint_paths
from byocni_lint.frontends.arm.documents import ARM_PARAMETERS, ARM_TEMPLATE, Document
from helpers import arm_document
from shared_corpus import CORPUS

REPO = Path(__file__).resolve().parents[1]
ARM = CORPUS / "arm"
TODAY = date(2026, 11, 28)
INPUT_PROBLEMS = ("BYO900", "BYO903")

# Parameters files whose names do not follow the `X.parameters[.env].json` convention (the corpus
# flattens repository paths into file names), with the template each was written for.
UNPAIRED = {
    "Azure__AKS-Landing-Zone-Accelerator__Scenarios__AKS-Secure-Baseline-PrivateCluster__ARM__Infrastructure-"
    "Deployment__Spoke__Parameters__aks-eslz-spoke.parameters.json":
        "Azure__AKS-Landing-Zone-Accelerator__Scenarios__AKS-Secure-Baseline-PrivateCluster__ARM__Infrastructure-"
        "Deployment__Spoke__Templates__aks-eslz-spoke.template.json",
    "Azure__azure-quickstart-templates__quickstarts__microsoft.kubernetes__aks__azuredeploy.parameters@6bca69f.json":
        "Azure__azure-quickstart-templates__quickstarts__microsoft.kubernetes__aks__azuredeploy.json",
    "paolosalvatori__aks-nat-agic__templates__azuredeploy.public.parameters.json":
        "paolosalvatori__aks-nat-agic__templates__azuredeploy.json",
}


def _arm_files() -> list:
    if not ARM.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason="../shared/corpus/arm is absent"))]
    return [pytest.param(path, id=path.name) for path in sorted(ARM.glob("*.json"))]


def _is_parameters(path: Path) -> bool:
    return ".parameters" in path.name


def _problems(findings) -> list[str]:
    return [f"{f.rule_id} {f.location.path}:{f.location.span}: {f.message}" for f in findings
            if f.rule_id in INPUT_PROBLEMS]


@pytest.mark.parametrize("path", _arm_files())
def test_every_arm_file_is_classified_by_its_content(path: Path) -> None:
    document, problems = arm_document(path)
    assert isinstance(document, Document), problems
    assert document.kind == (ARM_PARAMETERS if _is_parameters(path) else ARM_TEMPLATE)


@pytest.mark.parametrize("path", _arm_files())
def test_every_arm_file_lints_without_parse_errors_or_exceptions(path: Path) -> None:
    """Templates with their paired parameters files; parameters files alone (which lint their template)."""
    run = lint_paths([str(path)], Options(today=TODAY))
    assert _problems(run.findings) == []
    assert run.files_linted >= 1
    assert run.missing_paths == []


@pytest.mark.parametrize("path", [p for p in _arm_files() if p.values[0] is None or not _is_parameters(p.values[0])])
def test_every_arm_template_lints_on_its_own_defaults(path: Path, tmp_path: Path) -> None:
    """Without any parameters file (copied away from its siblings), values are unknown, never errors."""
    alone = tmp_path / path.name
    alone.write_bytes(path.read_bytes())
    run = lint_paths([str(alone)], Options(today=TODAY))
    assert _problems(run.findings) == []


def _unpaired() -> list:
    if not ARM.is_dir():
        return [pytest.param(None, None, marks=pytest.mark.skip(reason="../shared/corpus/arm is absent"))]
    return [pytest.param(ARM / parameters, ARM / template, id=parameters) for parameters, template in UNPAIRED.items()]


@pytest.mark.parametrize(("parameters", "template"), _unpaired())
def test_templates_with_explicit_parameters_files(parameters: Path, template: Path) -> None:
    run = lint_paths([str(template)], Options(today=TODAY, parameters=str(parameters)))
    assert _problems(run.findings) == []
    assert run.kinds == {"ARM template": 1, "ARM parameters file": 1}


def _whole_corpus(*args: str) -> subprocess.CompletedProcess:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")
    return subprocess.run([sys.executable, "-m", "byocni_lint", str(CORPUS), "--today", TODAY.isoformat(), *args],
                          cwd=REPO, capture_output=True, text=True, timeout=600)


def test_whole_corpus_with_fail_on_never_exits_0() -> None:
    result = _whole_corpus("--fail-on", "never")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines()[-1].startswith("Linted ")


def test_whole_corpus_exit_code_is_a_verdict_not_a_crash() -> None:
    result = _whole_corpus()
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr


def test_whole_corpus_json_has_no_input_problems() -> None:
    result = _whole_corpus("--format", "json", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    problems = [f for f in document["findings"] if f["rule"] in INPUT_PROBLEMS]
    assert problems == []
    arm_files = len(list(ARM.glob("*.json")))
    assert document["summary"]["files"] >= arm_files
    assert document["summary"]["findings"] == len(document["findings"])


def test_whole_corpus_sarif_is_valid(assert_valid_sarif) -> None:
    result = _whole_corpus("--format", "sarif", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    log = assert_valid_sarif(result.stdout)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris and all(not uri.startswith("/") for uri in uris)
