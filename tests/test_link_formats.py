"""Split deployments across formats: the linker works on models, so an ARM network links to a cluster
created by an `az` script, and an `az network` script to an `az aks create` in another script.
A Bicep network links to an ARM cluster, and a Terraform network root to a Terraform cluster root that
names the node subnet by a literal ID."""
from __future__ import annotations

import shutil
from pathlib import Path

from helpers import FIXTURES, lint, of, read_problems
from test_link_split import _copy, _delegate, _network

SCRIPTS = FIXTURES / "link-azcli"
BICEP_NETWORK = FIXTURES / "link-bicep" / "spoke.bicep"
TERRAFORM = FIXTURES / "link-terraform"


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


def test_terraform_network_root_and_terraform_cluster_root(tmp_path: Path) -> None:
    """The cluster root names the subnet by a literal ID whose subscription the network root does not
    know: a link that may be wrong, so the delegation is a warning located in the network root."""
    root = tmp_path / "infra"
    shutil.copytree(TERRAFORM, root)
    run = lint(root / "network", root / "cluster")
    assert read_problems(run) == [] and run.files_linted == 2 and run.clusters == 1
    (found,) = of(run.findings, "BYO004")
    assert found.severity.label == "warning" and found.location.path.endswith("network/main.tf")
    text = (root / "network" / "main.tf").read_text().splitlines()
    assert found.location.span.line == next(i for i, line in enumerate(text, 1) if "service_delegation" in line) + 1
    assert found.message.startswith("if vnet-spoke/snet-nodes in ")
    assert [where.path.rsplit("/", 2)[-2:] for where in found.related] == [["cluster", "main.tf"]]
    alone = lint(root / "cluster")
    assert of(alone.findings, "BYO004") == [] and alone.files_linted == 1
