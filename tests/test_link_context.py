"""`--context PATH`: files read for linking but reported on only when given (a pre-commit run sees only
the changed files, and the network file that did not change must still be linked)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import REPO, cli, lint, of, read_problems
from test_link_split import _copy, _delegate, _network


def _delegated_split(tmp_path: Path) -> Path:
    return _network(_copy(tmp_path), _delegate)


def test_context_links_without_being_linted(tmp_path: Path) -> None:
    root = _delegated_split(tmp_path)
    (root / "network" / "broken.json").write_text('{"$schema": "https://schema.management.azure.com/schemas/'
                                                  '2019-04-01/deploymentTemplate.json#", ', encoding="utf-8")
    changed = root / "cluster" / "aks.parameters.json"
    run = lint(changed, context=(str(root),))
    assert read_problems(run) == []  # the broken context file is not among the paths given
    assert run.files_linted == 2 and run.context_files == 1  # the network template; the cluster pair is given
    found = of(run.findings, "BYO004")
    assert len(found) == 1 and found[0].location.path.endswith("network/spoke.json")
    assert not [f for f in run.findings if "cannot tell which" in f.message]  # read once, not twice
    alone = lint(changed)
    assert of(alone.findings, "BYO004") == []


def test_context_models_are_not_checked(tmp_path: Path) -> None:
    root = _delegated_split(tmp_path)
    run = lint(root / "network", context=(str(root / "cluster"),))
    assert read_problems(run) == [] and run.files_linted == 1
    assert [f.rule_id for f in run.findings] == []  # the cluster is context: its findings are not asked for


def _manifest_files_pattern() -> str:
    return yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]["files"]


def _git(repo: Path, *args: str, env: dict) -> None:
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, timeout=60)


def test_pre_commit_run_on_a_changed_parameters_file_finds_the_unchanged_network(tmp_path: Path) -> None:
    pre_commit = Path(sys.executable).with_name("pre-commit")
    if not pre_commit.exists() or shutil.which("git") is None:
        pytest.skip("pre-commit or git is not installed")
    repo = _delegated_split(tmp_path)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    config = {"repos": [{"repo": "local", "hooks": [{
        "id": "byocni-lint", "name": "byocni-lint", "language": "system",
        "entry": f"{sys.executable} -m byocni_lint", "files": _manifest_files_pattern(),
        "args": ["--today", "2026-11-28", "--fail-on", "warning", "--context", "network"]}]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    _git(repo, "init", "-q", env=env)
    _git(repo, "add", "-A", env=env)
    _git(repo, "commit", "-qm", "base", env=env)
    parameters = repo / "cluster" / "aks.parameters.json"
    parameters.write_text(parameters.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    _git(repo, "add", "cluster/aks.parameters.json", env=env)
    result = subprocess.run([str(pre_commit), "run"], cwd=repo, env=env, capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert re.search(r"network/spoke\.json:\d+:\d+: BYO004 ", output), output
    assert "Linted 2 files" in output  # only the changed parameters file and its template were linted


def test_the_context_settings_key_links_like_the_flag(tmp_path: Path) -> None:
    """`context = [...]` in the settings file does what `--context` does, relative to the settings file."""
    root = _delegated_split(tmp_path)
    (root / ".byocni-lint.toml").write_text('context = ["network"]\n', encoding="utf-8")
    changed = root / "cluster" / "aks.parameters.json"
    result = cli(changed, "--format", "json", cwd=root)
    document = json.loads(result.stdout)
    found = [f for f in document["findings"] if f["rule"] == "BYO004"]
    assert len(found) == 1 and found[0]["path"].endswith("network/spoke.json"), result.stdout
    isolated = json.loads(cli(changed, "--format", "json", "--isolated", cwd=root).stdout)
    assert [f for f in isolated["findings"] if f["rule"] == "BYO004"] == []
