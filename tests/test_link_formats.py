"""Split deployments across formats: the linker works on models, so an ARM network links to a cluster
created by an `az` script, and an `az network` script to an `az aks create` in another script.
(Bicep and Terraform front ends had not landed on main when this was written.)"""
from __future__ import annotations

import shutil
from pathlib import Path

from helpers import FIXTURES, lint, of, read_problems
from test_link_split import _copy, _delegate, _network

SCRIPTS = FIXTURES / "link-azcli"


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
