"""The pre-commit manifest is what users' `.pre-commit-config.yaml` points at: a broken one fails for them, not us."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
MANIFEST = REPO / ".pre-commit-hooks.yaml"


def _hook() -> dict:
    hooks = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(hooks, list) and len(hooks) == 1, hooks
    return hooks[0]


def test_pre_commit_accepts_the_manifest() -> None:
    # The executable next to the interpreter: the venv's own pre-commit, not whatever is on PATH.
    pre_commit = Path(sys.executable).with_name("pre-commit")
    if not pre_commit.exists():
        pytest.skip(f"pre-commit is not installed next to {sys.executable}")
    result = subprocess.run(
        [str(pre_commit), "validate-manifest", str(MANIFEST)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hook_runs_the_console_script_as_text() -> None:
    hook = _hook()
    assert hook["id"] == "byocni-lint"
    assert hook["language"] == "python"
    assert hook["entry"] == "byocni-lint"
    # Hooks run in parallel batches: a report file per run would be overwritten, so no --format/--output.
    assert "--format" not in hook["entry"] and "--format" not in " ".join(hook.get("args", []))


def test_hook_entry_is_a_declared_console_script() -> None:
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert _hook()["entry"].split()[0] in project["scripts"]


@pytest.mark.parametrize("name", ["a.json", "b.bicep", "c.bicepparam", "d.jsonc", "infra/aks/main.bicep",
                                  "deploy.sh", "x/create.bash", "aks.ps1", "Makefile", "hack/aks/Makefile",
                                  "deploy.mk", "Dockerfile", "build/Dockerfile.cli", ".github/workflows/aks.yml",
                                  "azure-pipelines.yml", "ci/azure-pipelines-aks.yaml",
                                  "e.tf", "terraform.tfvars", "env/prod.auto.tfvars"])
def test_files_pattern_selects_lintable_inputs(name: str) -> None:
    # pre-commit applies `files` with re.search on the repo-relative path.
    assert re.search(_hook()["files"], name)


@pytest.mark.parametrize("name", ["e.tf.bak", "f.yaml", "g.json.bak", "h.bicep.md", "README.md", "k8s/deploy.yaml",
                                  "Makefile.md", "docs/Dockerfile.md/x"])
def test_files_pattern_skips_other_files(name: str) -> None:
    assert not re.search(_hook()["files"], name)
