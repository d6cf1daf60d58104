"""Every rule on Bicep, with no compiler: a valid BYOCNI cluster (module output as node subnet, a
filtered loop building subnets, nested and `parent:` child subnets, an existing VNet with `::`, a role
assignment scoped to a subnet) lints clean, and one edit per rule makes that rule fire, located in the
`.bicep` text the user edits."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import lint, model_values_of

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bicep"
CLUSTER = FIXTURES / "cluster"


def _variant(tmp_path: Path, file: str, old: str, new: str) -> Path:
    folder = tmp_path / "cluster"
    shutil.copytree(CLUSTER, folder)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder / "main.bicep"


def _line(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_the_valid_cluster_lints_clean_and_was_read():
    run = lint(CLUSTER / "main.bicep", no_bicep_cli=True)
    assert [f for f in run.findings] == []
    assert run.files_linted == 1 and run.clusters == 1
    (model,) = model_values_of(CLUSTER / "main.bicep", no_bicep_cli=True)
    subnets = sorted(s["name"] for s in model["subnets"])
    assert subnets == ["apiserver", "extra", "nodes"]  # the filtered loop left 'unused' out
    assert model["role_assignments"] and model["clusters"][0]["pools"][0]["subnet"].endswith("/subnets/nodes")


CASES = [
    # rule, file, old text, new text, text on the line the finding must point at
    ("BYO001", "main.bicep", "managedClusters@2024-02-01", "managedClusters@2021-05-01", "managedClusters@2021-05-01"),
    ("BYO003", "main.bicep", "serviceCidr: '10.0.0.0/16'", "serviceCidr: '172.30.0.0/16'", "serviceCidr"),
    ("BYO004", "network.bicep", "        addressPrefix: s.prefix\n",
     "        addressPrefix: s.prefix\n        delegations: [{ name: 'd', properties: { serviceName: 'Microsoft.Web/serverFarms' } }]\n",
     "delegations"),  # inside a filtered loop body: still located at the value
    ("BYO005", "network.bicep", "access: 'Allow'", "access: 'Deny'", None),
    ("BYO006", "main.bicep", "scope: vnet::nodes", "scope: identity", None),
    ("BYO007", "main.bicep", "outboundType: 'loadBalancer'", "outboundType: 'userDefinedRouting'", None),
    ("BYO008", "main.bicep", "networkPlugin: 'none'", "networkPlugin: 'none'\n      networkPolicy: 'calico'", "networkPolicy"),
    ("BYO009", "main.bicep", "serviceCidr: '10.0.0.0/16'", "serviceCidr: '10.240.0.0/16'", "serviceCidr"),
    ("BYO010", "main.bicep", "      podCidr: '192.168.0.0/16'\n", "", None),
    ("BYO011", "main.bicep", "'1.35.1'", "'1.22.4'", "kubernetesVersion: kubernetesVersion"),
    ("BYO012", "main.bicep", "podCidr: '192.168.0.0/16'", "podCidr: '192.168.0.0/16'\n      dockerBridgeCidr: '172.17.0.1/16'",
     "dockerBridgeCidr"),
]


@pytest.mark.parametrize(("rule", "file", "old", "new", "at"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_fires_on_bicep(tmp_path, rule, file, old, new, at):
    main = _variant(tmp_path, file, old, new)
    run = lint(main, no_bicep_cli=True)
    fired = [f for f in run.findings if f.rule_id == rule]
    assert fired, [(f.rule_id, f.message) for f in run.findings]
    assert all(f.location.path.endswith(".bicep") for f in fired)
    if at is not None:
        edited = main.parent / file
        assert any(f.location.span and f.location.span.line == _line(edited, at) for f in fired), \
            [(f.location, f.message) for f in fired]


def test_api_version_is_located_at_the_type_string(tmp_path):
    main = _variant(tmp_path, "main.bicep", "managedClusters@2024-02-01", "managedClusters@2021-05-01")
    (finding,) = [f for f in lint(main, no_bicep_cli=True).findings if f.rule_id == "BYO001"]
    line = _line(main, "managedClusters@2021-05-01")
    assert (finding.location.span.line, finding.location.span.column) == (line, main.read_text().splitlines()[line - 1].index("'") + 1)


def test_a_bicepparam_override_is_linted_and_located_in_it():
    run = lint(FIXTURES / "prod" / "prod.bicepparam", no_bicep_cli=True)
    (finding,) = [f for f in run.findings if f.rule_id == "BYO011"]
    assert finding.location.path.endswith("main.bicep")
    assert "value set in prod.bicepparam:5" in finding.message
    (model,) = model_values_of(FIXTURES / "prod" / "prod.bicepparam", no_bicep_cli=True)
    assert model["clusters"][0]["name"] == "prod-byocni"  # `var prefix` and interpolation in the parameters file


def test_seed_bicep_gives_the_seed_template_findings():
    seed = Path(__file__).resolve().parents[1] / "fixtures" / "seed"
    ours = lint(seed / "main.bicep", no_bicep_cli=True)
    arm = lint(seed / "azuredeploy.json")
    assert sorted((f.rule_id, f.severity) for f in ours.findings) == sorted((f.rule_id, f.severity) for f in arm.findings)
    assert all(f.location.path.endswith("main.bicep") for f in ours.findings)
    (version,) = [f for f in ours.findings if f.rule_id == "BYO011"]
    assert "value set in main.bicep:3" in version.message


def test_a_bicep_only_commit_is_checked_by_the_hook(tmp_path):
    """What pre-commit does: pass the changed files its `files` pattern selects to the hook's entry."""
    import re

    import yaml

    from helpers import REPO, cli

    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    bad = _variant(tmp_path, "main.bicep", "managedClusters@2024-02-01", "managedClusters@2021-05-01")
    changed = [str(bad.relative_to(tmp_path)), "README.md"]
    selected = [name for name in changed if re.search(hook["files"], name)]
    assert selected == ["cluster/main.bicep"]
    done = cli(*selected, cwd=tmp_path)
    assert done.returncode == 1 and "cluster/main.bicep" in done.stdout and "BYO001" in done.stdout
    clean = tmp_path / "clean"
    shutil.copytree(CLUSTER, clean)
    done = cli("main.bicep", cwd=clean)
    assert done.returncode == 0 and "Linted 1 file (1 Bicep file)" in done.stdout, done.stdout + done.stderr


def test_a_bicepparam_object_with_a_computed_member_is_evaluated_and_located(tmp_path):
    folder = _variant(tmp_path, "main.bicep", "podCidr: '192.168.0.0/16'", "podCidr: podCidr").parent
    main = folder / "main.bicep"
    main.write_text("param podCidr string\n" + main.read_text())
    (folder / "main.bicepparam").write_text("using 'main.bicep'\nvar reserved = '172.30.0.0/16'\nparam podCidr = reserved\n")
    (finding,) = [f for f in lint(main, no_bicep_cli=True).findings if f.rule_id == "BYO003"]
    assert "172.30.0.0/16" in finding.message
