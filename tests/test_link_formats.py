"""Split deployments across formats: the linker works on models, so an ARM network links to a cluster
created by an `az` script, and an `az network` script to an `az aks create` in another script.
And a Bicep network links to an ARM cluster. (The Terraform front end had not landed on main when
this was written.)"""
from __future__ import annotations

import shutil
from pathlib import Path

from helpers import FIXTURES, lint, of, read_problems
from test_link_split import _copy, _delegate, _network

SCRIPTS = FIXTURES / "link-azcli"
BICEP_NETWORK = FIXTURES / "link-bicep" / "spoke.bicep"


def test_arm_network_and_az_script_cluster(tmp_path: Path) -> None:
    root = _network(_copy(tmp_path), _delegate)
    shutil.rmtree(root / "cluster")
    shutil.copy(SCRIPTS / "create-aks.sh", root / "create-aks.sh")
    run = lint(root / "network", root / "create-aks.sh")
    assert read_problems(run) == [] and run.files_linted == 2 and run.clusters == 1
    found = of(run.findings, "BYO004")
    assert len(found) == 1 and found[0].severity.label == "warning"
    assert found[0].location.path.endswith("network/spoke.json")
    assert [where.path.rsplit("/", 1)[-1] for where in found[0].related] == ["create-aks.sh"]
    assert found[0].related[0].span.line == 5  # the --vnet-subnet-id value
    alone = lint(root / "create-aks.sh")
    assert of(alone.findings, "BYO004") == []


def test_az_network_script_and_az_cluster_script(tmp_path: Path) -> None:
    for name in ("create-vnet.sh", "create-aks-b.sh"):
        shutil.copy(SCRIPTS / name, tmp_path / name)
    run = lint(tmp_path / "create-vnet.sh", tmp_path / "create-aks-b.sh")
    assert read_problems(run) == [] and run.files_linted == 2
    found = of(run.findings, "BYO004")
    assert len(found) == 1 and found[0].location.path.endswith("create-vnet.sh")
    assert found[0].message.startswith("if vnet-b/snet-b in ") and "Microsoft.Web/serverFarms" in found[0].message
    assert [where.path.rsplit("/", 1)[-1] for where in found[0].related] == ["create-aks-b.sh"]


def test_bicep_network_and_arm_cluster(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    shutil.rmtree(root / "network")
    (root / "network").mkdir()
    shutil.copy(BICEP_NETWORK, root / "network" / "spoke.bicep")
    run = lint(root, no_bicep_cli=True)
    assert read_problems(run) == [] and run.files_linted == 3
    found = of(run.findings, "BYO004")
    assert len(found) == 1 and found[0].severity.label == "warning"
    assert found[0].location.path.endswith("network/spoke.bicep")
    line = next(n for n, text in enumerate(BICEP_NETWORK.read_text().splitlines(), 1) if "serviceName" in text)
    assert found[0].location.span.line == line  # the value as the user wrote it in Bicep
    assert found[0].message.startswith("if vnet-spoke/snet-nodes in ")
    assert [where.path.rsplit("/", 1)[-1] for where in found[0].related] == ["aks.parameters.json"]
