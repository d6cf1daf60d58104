"""Split deployments: the network in one ARM template, the cluster in another with the node subnet's ID
written literally in its parameters file (fixtures/link). The run-wide linker (model/link.py) must
find the subnet across files, so BYO004/005/006/007/009 fire where they would within one file, at most
as warnings while the link rests on an assumption (the network template does not know its resource
group), located where the user must change something, naming the other file.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from helpers import FIXTURES, lint, lints_clean, of, read_problems

SPLIT = FIXTURES / "link"
SUBNET_ID = ("/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-spoke/providers/"
             "Microsoft.Network/virtualNetworks/vnet-spoke/subnets/snet-nodes")


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(SPLIT, root)
    return root


def _edit(path: Path, change) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")


def _resource(document: dict, kind: str) -> dict:
    return next(r for r in document["resources"] if r["type"] == kind)


def _subnet(document: dict) -> dict:
    return _resource(document, "Microsoft.Network/virtualNetworks")["properties"]["subnets"][0]


def _above_notes(run) -> list:
    return [f for f in run.findings if f.severity.label != "note"]


def _network(root: Path, change) -> Path:
    _edit(root / "network" / "spoke.json", change)
    return root


def _parameter(root: Path, name: str, value: str) -> None:
    _edit(root / "cluster" / "aks.parameters.json",
          lambda document: document["parameters"].__setitem__(name, {"value": value}))


def _only(run, rule_id: str):
    found = of(run.findings, rule_id)
    assert len(found) == 1, [f.message for f in run.findings]
    return found[0]


def _assumes_the_link(finding) -> None:
    """A finding resting on a maybe-link: at most a warning, naming the assumption and the other file."""
    assert finding.severity.label == "warning"
    assert finding.message.startswith("if vnet-spoke/snet-nodes in ")
    assert "is the subnet this cluster uses" in finding.message
    assert "aks.parameters.json" in finding.message


# --- clean -------------------------------------------------------------------------------------------

def test_clean_split_is_clean_and_linked(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    lints_clean(root, files=3)
    run = lint(root, keep_models=True)
    cluster_view = next(m for m in run.models if m.clusters)
    subnet = cluster_view.clusters[0].pools[0].subnet
    assert subnet is not None and subnet.name == "snet-nodes"
    assert subnet.link.strength == "maybe"
    assert subnet.location.path.endswith("spoke.json")
    assert [(table, link.strength) for table, _, link in cluster_view.links] == \
        [("subnets", "maybe"), ("nsgs", "maybe"), ("route_tables", "maybe")]


def test_alone_the_cluster_file_cannot_see_its_subnet(tmp_path: Path) -> None:
    # The control for the clean split: the grant lives in the network file, so without it BYO006 warns.
    root = _copy(tmp_path)
    run = lint(root / "cluster")
    assert read_problems(run) == []
    assert [f.rule_id for f in _above_notes(run)] == ["BYO006"]
    assert any("do not declare" in f.message for f in of(run.findings, "BYO901"))


# --- each failure found across files ----------------------------------------------------------------

def test_delegated_node_subnet_in_the_network_file(tmp_path: Path) -> None:
    root = _network(_copy(tmp_path), lambda d: _subnet(d)["properties"].__setitem__(
        "delegations", [{"name": "aci", "properties": {"serviceName": "Microsoft.ContainerInstance/containerGroups"}}]))
    finding = _only(lint(root), "BYO004")
    _assumes_the_link(finding)
    assert finding.location.path.endswith("network/spoke.json")
    assert [where.path.rsplit("/", 1)[-1] for where in finding.related] == ["aks.parameters.json"]
    assert finding.related[0].span.line == 6  # the vnetSubnetID value the cluster's parameters file sets


def test_nsg_denying_node_traffic_in_the_network_file(tmp_path: Path) -> None:
    deny = {"name": "deny-all-in", "properties": {
        "priority": 200, "direction": "Inbound", "access": "Deny", "protocol": "*", "sourceAddressPrefix": "*",
        "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "*"}}
    root = _network(_copy(tmp_path), lambda d: _resource(d, "Microsoft.Network/networkSecurityGroups")
                    ["properties"]["securityRules"].append(deny))
    run = lint(root)
    finding = next(f for f in of(run.findings, "BYO005") if "deny-all-in" in f.message and "nodes of subnet" in f.message)
    _assumes_the_link(finding)
    assert finding.location.path.endswith("network/spoke.json")


def test_route_table_without_a_default_route(tmp_path: Path) -> None:
    root = _network(_copy(tmp_path), lambda d: _resource(d, "Microsoft.Network/routeTables")["properties"].__setitem__(
        "routes", [{"name": "to-hub", "properties": {"addressPrefix": "10.0.0.0/16", "nextHopType": "VnetLocal"}}]))
    finding = _only(lint(root), "BYO007")
    _assumes_the_link(finding)
    assert "route table rt-nodes on node subnet snet-nodes has no 0.0.0.0/0 route" in finding.message


def test_missing_role_assignment(tmp_path: Path) -> None:
    root = _network(_copy(tmp_path), lambda d: d["resources"].remove(
        _resource(d, "Microsoft.Authorization/roleAssignments")))
    finding = _only(lint(root), "BYO006")
    _assumes_the_link(finding)
    assert "assign no role to user-assigned identity id-aks" in finding.message
    assert finding.related and finding.related[0].path.endswith("network/spoke.json")


def test_service_range_overlapping_the_linked_vnet(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _parameter(root, "serviceCidr", "10.20.128.0/17")
    _parameter(root, "dnsServiceIP", "10.20.128.10")
    finding = _only(lint(root), "BYO009")
    _assumes_the_link(finding)
    assert "overlaps the address space of VNet vnet-spoke (10.20.0.0/16)" in finding.message
    assert finding.location.path.endswith("cluster/aks.json")  # the setting, with where its value is set
    assert "value set in aks.parameters.json" in finding.message
    assert [where.path.rsplit("/", 1)[-1] for where in finding.related] == ["spoke.json", "aks.parameters.json"]


# --- how surely two IDs match -------------------------------------------------------------------------

def _subscription_scope(resource_group: str):
    """The network as a subscription-scope template deploying into a named group: known segments."""
    def change(document: dict) -> None:
        inner = dict(document)
        document.clear()
        document.update({
            "$schema": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
            "contentVersion": "1.0.0.0",
            "resources": [{
                "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "network",
                "subscriptionId": "00000000-0000-0000-0000-000000000001", "resourceGroup": resource_group,
                "properties": {"mode": "Incremental", "expressionEvaluationOptions": {"scope": "inner"},
                               "template": inner},
            }],
        })
    return change


def _delegate(document: dict) -> None:
    _subnet(document)["properties"]["delegations"] = [
        {"name": "aci", "properties": {"serviceName": "Microsoft.ContainerInstance/containerGroups"}}]


def _nested_subnet(document: dict) -> dict:
    return _subnet(document["resources"][0]["properties"]["template"])


def test_every_segment_known_is_the_same_resource(tmp_path: Path) -> None:
    root = _network(_copy(tmp_path), lambda d: (_delegate(d), _subscription_scope("rg-spoke")(d)))
    run = lint(root, keep_models=True)
    finding = _only(run, "BYO004")
    assert finding.severity.label == "error"  # as strong as within one file
    assert not finding.message.startswith("if ")
    assert "(referenced at " in finding.message and "aks.parameters.json:6" in finding.message
    view = next(m for m in run.models if m.clusters)
    assert view.clusters[0].pools[0].subnet.link.strength == "same"


def test_a_known_segment_that_differs_is_not_the_same(tmp_path: Path) -> None:
    root = _network(_copy(tmp_path), lambda d: (_delegate(d), _subscription_scope("rg-other")(d)))
    run = lint(root)
    assert read_problems(run) == []
    assert of(run.findings, "BYO004") == []
    assert any("do not declare" in f.message for f in of(run.findings, "BYO901"))


def test_two_candidates_give_no_finding_but_a_note_naming_them(tmp_path: Path) -> None:
    root = _network(_copy(tmp_path), _delegate)
    shutil.copytree(root / "network", root / "network-dr")
    run = lint(root)
    assert read_problems(run) == [] and run.files_linted == 4
    assert [f.rule_id for f in _above_notes(run)] == []
    notes = [f for f in of(run.findings, "BYO901") if "cannot tell which" in f.message]
    assert len(notes) == 1, [f.message for f in run.findings]
    assert "network/spoke.json" in notes[0].message and "network-dr/spoke.json" in notes[0].message


# --- reports ----------------------------------------------------------------------------------------

def test_sarif_related_locations_and_model_links(tmp_path: Path) -> None:
    from helpers import cli

    _network(_copy(tmp_path), _delegate)
    sarif = json.loads(cli("--format", "sarif", "repo", cwd=tmp_path).stdout)
    result = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "BYO004")
    related = result["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"] == "repo/cluster/aks.parameters.json"
    assert related["region"]["startLine"] == 6
    shown = json.loads(cli("--format", "model", "repo", cwd=tmp_path).stdout)
    links = [link for model in shown["models"] for link in model.get("links", [])]
    assert [(link["table"], link["strength"]) for link in links] == \
        [("subnets", "maybe"), ("nsgs", "maybe"), ("route_tables", "maybe")]
    assert links[0]["declared"].startswith("repo/network/spoke.json:")
    assert links[0]["reference"] == "repo/cluster/aks.parameters.json:6:16"
    assert links[0]["assumption"].startswith("if vnet-spoke/snet-nodes in repo/network/spoke.json")


def test_same_names_in_two_resource_groups_and_a_cluster_not_knowing_its_group(tmp_path: Path) -> None:
    # Both networks know their groups (rg-a, rg-b); the cluster names its subnet with resourceId() in its
    # own, unknown group: either may be it, so neither is linked and the note names both.
    root = _network(_copy(tmp_path), lambda d: (_delegate(d), _subscription_scope("rg-a")(d)))
    shutil.copytree(root / "network", root / "network-b")
    _edit(root / "network-b" / "spoke.json", lambda d: d["resources"][0].__setitem__("resourceGroup", "rg-b"))
    _edit(root / "cluster" / "aks.parameters.json", lambda d: d["parameters"].pop("vnetSubnetID"))
    _edit(root / "cluster" / "aks.json", lambda d: d["parameters"]["vnetSubnetID"].__setitem__(
        "defaultValue", "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-spoke', 'snet-nodes')]"))
    run = lint(root)
    assert read_problems(run) == [] and run.files_linted == 4
    assert of(run.findings, "BYO004") == []
    notes = [f for f in of(run.findings, "BYO901") if "cannot tell which" in f.message]
    assert len(notes) == 1 and "network/spoke.json" in notes[0].message and "network-b/spoke.json" in notes[0].message
    assert {"BYO004", "BYO006"} <= set(notes[0].rules)


def test_compare_is_three_valued() -> None:
    from byocni_lint.model.link import bind, compare

    literal = SUBNET_ID.lower()
    placeholder = ("/subscriptions/{subscriptionid}/resourcegroups/{resourcegroupname}/providers/"
                   "microsoft.network/virtualnetworks/vnet-spoke/subnets/snet-nodes")
    assert compare(literal, literal) == (True, {})
    certain, binding = compare(literal, placeholder)
    assert not certain and bind(placeholder, binding) == literal
    assert compare(literal, placeholder.replace("snet-nodes", "snet-other")) is None
    assert compare(literal, literal.replace("rg-spoke", "rg-other")) is None
    assert compare(placeholder, placeholder) == (False, {"{subscriptionid}": "{subscriptionid}",
                                                        "{resourcegroupname}": "{resourcegroupname}"})
    vnet_scope = placeholder.rsplit("/subnets/", 1)[0]
    assert compare(literal, vnet_scope, prefix=True)[0] is False
    assert compare(literal, vnet_scope) is None  # a scope is not the subnet itself


def test_nsg_in_a_third_file_is_linked_through_the_subnet(tmp_path: Path) -> None:
    deny = {"name": "deny-all-in", "properties": {
        "priority": 200, "direction": "Inbound", "access": "Deny", "protocol": "*", "sourceAddressPrefix": "*",
        "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "*"}}
    root = _copy(tmp_path)
    network = json.loads((root / "network" / "spoke.json").read_text(encoding="utf-8"))
    group = _resource(network, "Microsoft.Network/networkSecurityGroups")
    group["properties"]["securityRules"].append(deny)
    network["resources"].remove(group)
    (root / "network" / "spoke.json").write_text(json.dumps(network, indent=2), encoding="utf-8")
    (root / "security").mkdir()
    (root / "security" / "nsg.json").write_text(json.dumps({**network, "resources": [group]}, indent=2),
                                                encoding="utf-8")
    run = lint(root)
    assert read_problems(run) == [] and run.files_linted == 4
    finding = next(f for f in of(run.findings, "BYO005") if "nodes of subnet" in f.message)
    _assumes_the_link(finding)
    assert finding.location.path.endswith("security/nsg.json")
    assert "and nsg-nodes in " in finding.message and "is the networkSecurityGroups it names" in finding.message


def test_files_read_again_for_linking_are_not_scanned_again(tmp_path: Path, monkeypatch) -> None:
    """Linking builds the split's models a second time; a malformed expression is still reported once,
    from the first reading, and the scan of every string (only there to report) runs once per template."""
    from byocni_lint.frontends.arm import reader

    root = _network(_copy(tmp_path), lambda d: d.setdefault("variables", {}).__setitem__("broken", "[concat('a']"))
    scans: list[str] = []
    scan = reader.report_malformed_expressions
    monkeypatch.setattr(reader, "report_malformed_expressions", lambda run, root, path: scans.append(path) or scan(run, root, path))
    run = lint(root)
    assert sorted(Path(path).name for path in scans) == ["aks.json", "spoke.json"]
    assert [(f.rule_id, Path(f.location.path).name) for f in of(run.findings, "BYO900")] == [("BYO900", "spoke.json")]
    assert "malformed expression" in of(run.findings, "BYO900")[0].message
    assert run.clusters == 1 and not of(run.findings, "BYO006")  # linked: the grant in the network file counts


def test_each_folder_is_listed_and_each_file_resolved_once_per_run(tmp_path: Path, monkeypatch) -> None:
    """Linking reads the split's files a second time with new readers: the folder listings (for pairing
    parameters files) and real paths of the first reading serve them (Run.kept, Run.real_path), and
    discovery's real paths serve the first reading."""
    from byocni_lint import discover
    from byocni_lint.frontends import run as run_module
    from byocni_lint.frontends.arm import pairing

    root = _copy(tmp_path)
    listings: list[str] = []
    monkeypatch.setattr(pairing.FolderIndex, "__init__",
                        lambda self: listings.append("index") or self.__dict__.update(_names={}, _by_stem={}, _keys={}))
    resolves: list[str] = []
    resolved = run_module.resolved
    for module in (run_module, discover):  # discovery's real paths serve the run (ClaimedFile.real)
        monkeypatch.setattr(module, "resolved", lambda path: resolves.append(str(path)) or resolved(path))
    run = lint(root)
    assert run.clusters == 1 and not of(run.findings, "BYO006")  # linked: both files were read, twice
    assert listings == ["index"]
    assert sorted(Path(path).name for path in resolves) == ["cluster", "network"]  # each folder once, no file
