"""action.yml is what `uses: byocni-lint/byocni-lint@ref` runs: loaded, checked, and its lint script run.

The script step is run for real with bash against a fixture (as the runner would, with GITHUB_OUTPUT),
so a wrong option name or quoting mistake fails here, not in a user's workflow.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from run_cli import REPO

ACTION = REPO / "action.yml"
EXAMPLE = REPO / "docs" / "examples" / "byocni-lint.yml"
README = REPO / "README.md"
ERROR = REPO / "fixtures" / "foundation" / "rules" / "byo003-service-cidr-17.json"


def _action() -> dict:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def _step(name: str) -> dict:
    (step,) = [step for step in _action()["runs"]["steps"] if step.get("name") == name]
    return step


def test_action_is_composite_with_documented_inputs():
    action = _action()
    assert action["name"] == "byocni-lint" and action["description"]
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    assert set(inputs) == {"paths", "args", "fail-on", "sarif-file", "category", "upload-sarif", "annotations",
                           "python-version"}
    assert all(spec.get("description") and "default" in spec for spec in inputs.values())
    assert inputs["fail-on"]["default"] in ("error", "warning", "note", "never")
    assert set(action["outputs"]) == {"exit-code", "sarif-file"}


def test_action_steps_set_up_python_install_this_ref_lint_and_upload():
    steps = _action()["runs"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    assert uses[0] == "actions/setup-python"
    assert "github/codeql-action/upload-sarif" in uses
    install = steps[1]
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}" and '"$ACTION_PATH"' in install["run"]
    upload = [step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif")][0]
    assert upload["with"] == {"sarif_file": "${{ inputs.sarif-file }}", "category": "${{ inputs.category }}"}
    assert "always()" in upload["if"]
    for step in steps:
        if "run" in step:
            assert step["shell"] == "bash", "a composite action's run step must name its shell"
            assert "${{" not in step["run"], "inputs reach scripts through env only (script injection)"


def _run_lint_step(tmp_path: Path, **inputs: str) -> tuple[int, dict[str, str], str]:
    """Run the action's lint script with bash, as the runner does, with the venv's byocni-lint on PATH."""
    if shutil.which("bash") is None:
        pytest.skip("bash is not available")
    step = _step("Run byocni-lint")
    defaults = {name: str(spec["default"]) for name, spec in _action()["inputs"].items()}
    values = {**defaults, **inputs}
    env_map = {key: re.sub(r"\$\{\{ inputs\.([a-z-]+) \}\}", lambda m: values[m.group(1)], value)
               for key, value in step["env"].items()}
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    launcher = bin_dir / "byocni-lint"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m byocni_lint --today 2026-11-28 "$@"\n')
    launcher.chmod(0o755)
    output = tmp_path / "github_output"
    output.touch()
    env = {**os.environ, **env_map, "GITHUB_OUTPUT": str(output), "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": str(REPO)}
    done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return done.returncode, outputs, done.stdout


def test_lint_step_writes_sarif_and_reports_the_exit_code(tmp_path, assert_valid_sarif):
    shutil.copy(ERROR, tmp_path / "aks.json")
    code, outputs, stdout = _run_lint_step(tmp_path, paths="aks.json", category="prod", annotations="true")
    assert code == 0, "the script records the exit code; a later step fails the job"
    assert outputs == {"exit-code": "1", "sarif-written": "true"}
    log = assert_valid_sarif((tmp_path / "byocni-lint.sarif").read_text())
    assert log["runs"][0]["automationDetails"] == {"id": "prod/"}
    assert "::error file=aks.json,line=" in stdout


def test_lint_step_without_annotations_prints_nothing(tmp_path):
    shutil.copy(ERROR, tmp_path / "aks.json")
    code, outputs, stdout = _run_lint_step(tmp_path, paths="aks.json", args="--select BYO001")
    assert (code, outputs["exit-code"], stdout) == (0, "0", "")


def test_example_workflow_uses_the_action_with_inputs_it_has():
    workflow = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["lint"]["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@")
    (ours,) = [step for step in steps if step.get("uses", "").startswith("byocni-lint/byocni-lint@")]
    assert set(ours["with"]) <= set(_action()["inputs"])
    body = "".join(line for line in EXAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
                   if not line.startswith("#"))
    assert f"```yaml\n{body}```" in README.read_text(encoding="utf-8"), "the README shows the tested example"


def test_readme_pre_commit_rev_is_a_commit_of_this_repository():
    text = README.read_text(encoding="utf-8")
    (rev,) = re.findall(r"repo: https://github.com/byocni-lint/byocni-lint\n\s+rev: (\S+)", text)
    assert re.fullmatch(r"[0-9a-f]{40}|v\d+\.\d+\.\d+", rev)
    if not (REPO / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    done = subprocess.run(["git", "-C", str(REPO), "cat-file", "-e", f"{rev}^{{commit}}"], capture_output=True)
    assert done.returncode == 0, f"{rev} is not a commit or tag of this repository"
