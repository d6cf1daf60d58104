"""The AKS Landing Zone Accelerator's ARM pair (../shared/corpus/arm): a spoke template declaring
vnet_spoke_arm with aksClusterSubnet (10.240.0.0/22 in 10.240.0.0/16, route table
default_to_firewall_arm with 0.0.0.0/0 to the hub firewall), and an AKS template whose parameters file
names that subnet by a literal ID in subscription 82e70289-... group aks-eslz-arm. The spoke template
is resource-group scoped, so it does not know that group: a `maybe` link.

Judgements, written after reading both files: the cluster uses Azure CNI (parameters: networkPlugin
azure), so the BYOCNI subnet rules do not apply, but its serviceCidr 10.240.5.0/26 lies inside the
spoke VNet's 10.240.0.0/16 (outside every subnet): BYO009 warns, naming the assumption. Made BYOCNI
(networkPlugin none), the linked subnet is judged: not delegated and without an NSG (BYO004/005
silent), its route table has a VirtualAppliance default route whose next hop (the firewall's private
IP, a reference()) is present though unknown (BYO007 silent), and the template's own role assignment
is scoped to `resourceGroup().id/.../vnet_spoke_arm`, a group the AKS template does not know: BYO006
cannot decide (a note), never a warning that no role is assigned.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from helpers import lint, of, read_problems
from shared_corpus import corpus_file

LZA = "arm/Azure__AKS-Landing-Zone-Accelerator__Scenarios__AKS-Secure-Baseline-PrivateCluster__ARM__"
FILES = {
    "aks/aks-eslz-aks.template.json": "AKS-Deployment__aks-eslz-aks.template.json",
    "aks/aks-eslz-aks.parameters.json": "AKS-Deployment__aks-eslz-aks.parameters.json",
    "spoke/aks-eslz-spoke.template.json": "Infrastructure-Deployment__Spoke__Templates__aks-eslz-spoke.template.json",
    "spoke/aks-eslz-spoke.parameters.json": "Infrastructure-Deployment__Spoke__Parameters__aks-eslz-spoke.parameters.json",
}


def _pair(tmp_path: Path) -> Path:
    """The pair laid out as the repository's folders pair them (template beside its parameters)."""
    for target, name in FILES.items():
        (tmp_path / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(corpus_file(LZA + name), tmp_path / target)
    return tmp_path


def test_landing_zone_pair_is_linked(tmp_path: Path) -> None:
    root = _pair(tmp_path)
    run = lint(root, keep_models=True)
    assert read_problems(run) == [] and run.files_linted == 4
    view = next(model for model in run.models if model.clusters)
    subnets = {pool.name: pool.subnet for pool in view.clusters[0].pools}
    assert set(subnets) == {"systempool", "userpool"}
    for subnet in subnets.values():
        assert (subnet.vnet.name, subnet.name) == ("vnet_spoke_arm", "aksClusterSubnet")
        assert subnet.link.strength == "maybe"
        assert subnet.location.path.endswith("spoke/aks-eslz-spoke.template.json")
    assert [(table, key.rsplit("/", 1)[-1], link.strength) for table, key, link in view.links] == \
        [("subnets", "aksclustersubnet", "maybe"), ("route_tables", "default_to_firewall_arm", "maybe")]
    overlap = of(run.findings, "BYO009")
    assert [(f.severity.label, f.location.path.rsplit("/", 1)[-1]) for f in overlap] == \
        [("warning", "aks-eslz-aks.template.json")]
    assert overlap[0].message.startswith("if vnet_spoke_arm/aksClusterSubnet in ")
    assert "serviceCidr 10.240.5.0/26 overlaps the address space of VNet vnet_spoke_arm (10.240.0.0/16)" \
        in overlap[0].message
    for rule in ("BYO004", "BYO005", "BYO006", "BYO007"):
        assert of(run.findings, rule) == []


def test_landing_zone_pair_made_byocni_judges_the_linked_subnet(tmp_path: Path) -> None:
    root = _pair(tmp_path)
    parameters = root / "aks" / "aks-eslz-aks.parameters.json"
    document = json.loads(parameters.read_text(encoding="utf-8"))
    document["parameters"]["networkPlugin"] = {"value": "none"}
    parameters.write_text(json.dumps(document, indent=2), encoding="utf-8")
    run = lint(root)
    assert read_problems(run) == []
    for rule in ("BYO004", "BYO005", "BYO007"):
        assert of(run.findings, rule) == [], rule
    assert of(run.findings, "BYO006") == []
    undecided = [f for f in of(run.findings, "BYO901") if "BYO006" in f.rules]
    assert undecided and "vnet_spoke_arm/aksClusterSubnet" in undecided[0].message
    assert [f.severity.label for f in of(run.findings, "BYO009")] == ["warning"]
