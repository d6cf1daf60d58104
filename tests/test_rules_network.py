"""BYO004 (delegated node subnet), BYO005 (NSG blocks node traffic), BYO007 (no outbound connectivity).

Every case is a small ARM template in fixtures/network/ run through the whole pipeline, so a break
anywhere between the subnet link and the message shows up here. Variations that differ from a fixture
in one property are written to tmp_path from that fixture.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from byocni_lint import engine
from byocni_lint.engine import Options, lint_paths
from byocni_lint.findings import Finding, Severity
from byocni_lint.model import Cluster
from byocni_lint.report import RunResult, render
from byocni_lint.rulebook import load_rulebook
from shared_corpus import CORPUS

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures" / "network"
TODAY = date(2026, 11, 28)
RULES = ("BYO004", "BYO005", "BYO007")


def lint(*paths: Path, rules: tuple[str, ...] = RULES) -> list[Finding]:
    """Findings of `rules` and their BYO901 notes (notes of other rules are not selected)."""
    return lint_paths([str(p) for p in paths], Options(select=(*rules, "BYO901"), today=TODAY)).findings


def of(findings: list[Finding], rule_id: str, severity: Severity | None = None) -> list[Finding]:
    return [f for f in findings if f.rule_id == rule_id and (severity is None or f.severity == severity)]


def above_note(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity > Severity.NOTE]


def line_of(path: Path, text: str) -> int:
    """1-based line of the only occurrence of `text` in a fixture."""
    lines = [n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line]
    assert len(lines) == 1, f"{text!r} occurs {len(lines)} times in {path.name}"
    return lines[0]


def covers(finding: Finding, line: int) -> bool:
    span = finding.location.span
    return span is not None and span.line <= line <= span.end_line


def variant(tmp_path: Path, name: str, edit) -> Path:
    """A copy of fixture `name` with `edit(template)` applied."""
    template = json.loads((FIXTURES / name).read_text())
    edit(template)
    path = tmp_path / name
    path.write_text(json.dumps(template, indent=2))
    return path


def resource(template: dict, type_name: str) -> dict:
    return next(r for r in template["resources"] if r["type"].lower() == type_name.lower())


@pytest.fixture
def params(monkeypatch):
    """`params("BYO005", extra_flows=[...])` runs the linter with those rule parameters."""
    rulebook = load_rulebook()

    def override(rule_id: str, **values) -> None:
        spec = rulebook[rule_id]
        rulebook[rule_id] = spec._replace(params={**spec.params, **values})
        monkeypatch.setattr(engine, "load_rulebook", lambda: rulebook)

    return override


# --- subnet linking ---------------------------------------------------------------------------------

def test_pool_without_vnet_subnet_id_uses_a_managed_vnet_and_is_not_checked():
    seed = REPO / "fixtures" / "seed" / "azuredeploy.json"
    assert lint(seed) == []


def test_unresolvable_node_subnets_give_only_notes():
    path = FIXTURES / "unresolved-subnet.json"
    findings = lint(path)
    assert above_note(findings) == []
    notes = of(findings, "BYO901")
    for rule_id in RULES:  # one note per value, naming every rule that needed it
        mine = [f for f in notes if rule_id in f.message.split(" could not check ")[0]
                and " could not check vnetSubnetID" in f.message]
        assert {f.location.span.line for f in mine} == {line_of(path, "parameters('nodeSubnetId')"),
                                                         line_of(path, "/subnets/nodes")}
    assert any("has no default" in f.message for f in notes)
    assert any("do not declare" in f.message for f in notes)


def test_rules_ignore_clusters_with_a_managed_cni(tmp_path):
    def azure_cni(template):
        resource(template, "Microsoft.ContainerService/managedClusters")["properties"]["networkProfile"] = \
            {"networkPlugin": "azure"}

    for name in ("delegated-child-subnet.json", "nsg-deny-vnet-udp.json", "udr-internet-next-hop.json"):
        assert lint(FIXTURES / name) != []
        assert lint(variant(tmp_path, name, azure_cni)) == []


# --- BYO004 -----------------------------------------------------------------------------------------

def test_delegated_child_resource_subnets_fail_for_profile_and_agent_pool_resource():
    path = FIXTURES / "delegated-child-subnet.json"
    findings = lint(path)
    errors = of(findings, "BYO004", Severity.ERROR)
    assert {(f.location.span.line, f.message.split(";")[0]) for f in errors} == {
        (line_of(path, "Microsoft.Sql/managedInstances"),
         "node subnet nodes is delegated to Microsoft.Sql/managedInstances"),
        (line_of(path, "Microsoft.Web/serverFarms"),
         "node subnet user-nodes is delegated to Microsoft.Web/serverFarms"),
    }
    assert findings == errors


def test_delegated_inline_subnet_referenced_through_concat_fails():
    path = FIXTURES / "delegated-inline-concat.json"
    (error,) = lint(path)
    assert error.rule_id == "BYO004" and error.severity == Severity.ERROR
    assert "snet-nodes is delegated to Microsoft.ContainerService/managedClusters" in error.message
    assert error.location.span.line == line_of(path, '"serviceName": "Microsoft.ContainerService')


def test_delegated_api_server_subnet_is_fine():
    # No finding and no note: the node subnet was found (else a note) and is not delegated.
    assert lint(FIXTURES / "delegated-apiserver-subnet.json") == []


def test_delegation_under_an_unknown_condition_is_reported_if_deployed(tmp_path):
    def conditional_subnet(template):
        template["parameters"] = {"useSql": {"type": "bool"}}
        resource(template, "Microsoft.Network/virtualNetworks/subnets")["condition"] = "[parameters('useSql')]"

    findings = of(lint(variant(tmp_path, "delegated-child-subnet.json", conditional_subnet)), "BYO004")
    sql = next(f for f in findings if "Microsoft.Sql" in f.message)
    assert sql.severity == Severity.WARNING and sql.message.startswith("if deployed, node subnet nodes")


# --- BYO005 -----------------------------------------------------------------------------------------

def test_deny_of_udp_inside_virtual_network_fails_at_the_rule():
    path = FIXTURES / "nsg-deny-vnet-udp.json"
    (error,) = lint(path)
    assert error.rule_id == "BYO005" and error.severity == Severity.ERROR
    assert error.message.startswith(
        "rule deny-vnet-udp (priority 200) denies UDP from 10.10.1.0/24 to 10.10.1.0/24 inbound;")
    assert covers(error, line_of(path, '"name": "deny-vnet-udp"'))
    assert error.resource == "networkSecurityGroups/nsg-nodes"


def test_every_deny_rule_is_named_with_the_part_it_decides():
    path = FIXTURES / "nsg-two-denies.json"
    udp, rest = sorted(of(lint(path), "BYO005", Severity.ERROR), key=lambda f: f.location.span.line)
    assert udp.message.startswith("rule deny-vnet-udp (priority 200) denies UDP from")
    # UDP was already decided at 200, so the deny-all at 4000 blocks the other protocols.
    assert rest.message.startswith("rule deny-all-in (priority 4000) denies TCP, ICMP, ESP and AH from 10.10.1.0/24")
    assert covers(rest, line_of(path, '"name": "deny-all-in"'))


def test_deny_of_ssh_from_internet_only_passes():
    assert lint(FIXTURES / "nsg-deny-ssh-internet.json") == []


def test_deny_all_inbound_after_an_allow_of_virtual_network_passes():
    assert lint(FIXTURES / "nsg-deny-all-after-allow-vnet.json") == []


def test_separate_security_rule_resource_denying_outbound_to_the_node_prefix_fails():
    path = FIXTURES / "nsg-rule-resource-outbound.json"
    (error,) = lint(path)
    assert error.rule_id == "BYO005" and error.severity == Severity.ERROR
    assert error.message.startswith(
        "rule deny-to-nodes-out (priority 300) denies all traffic from 10.10.1.0/24 to 10.10.1.0/24 outbound;")
    assert covers(error, line_of(path, '"name": "nsg-nodes/deny-to-nodes-out"'))


def test_node_traffic_is_judged_even_when_the_vnet_space_is_unknown(tmp_path):
    def unknown_space(template):
        template["parameters"] = {"vnetSpace": {"type": "array"}}
        vnet = resource(template, "Microsoft.Network/virtualNetworks")
        vnet["properties"]["addressSpace"]["addressPrefixes"] = "[parameters('vnetSpace')]"

    (error,) = of(lint(variant(tmp_path, "nsg-deny-vnet-udp.json", unknown_space)), "BYO005")
    assert error.severity == Severity.ERROR
    assert "denies UDP from 10.10.1.0/24 to 10.10.1.0/24 inbound" in error.message


def test_rule_of_unknown_priority_leaves_only_its_part_unknown(tmp_path):
    def unknown_priority(template):
        template["parameters"] = {"udpPriority": {"type": "int"}}
        rule = resource(template, "Microsoft.Network/networkSecurityGroups")["properties"]["securityRules"][0]
        rule["properties"]["priority"] = "[parameters('udpPriority')]"

    findings = lint(variant(tmp_path, "nsg-two-denies.json", unknown_priority))
    (note,) = of(findings, "BYO901")
    assert "'deny-vnet-udp' has an unknown priority" in note.message
    # The UDP rule may come first, so only what it can't match is proven denied at 4000.
    (error,) = of(findings, "BYO005")
    assert error.message.startswith("rule deny-all-in (priority 4000) denies TCP, ICMP, ESP and AH from")


def test_dual_stack_denials_name_both_families(tmp_path):
    def dual_stack(template):
        vnet = resource(template, "Microsoft.Network/virtualNetworks")
        vnet["properties"]["addressSpace"]["addressPrefixes"].append("fd00:10::/48")
        subnet = vnet["properties"]["subnets"][0]["properties"]
        subnet["addressPrefixes"] = [subnet.pop("addressPrefix"), "fd00:10:0:1::/64"]
        profile = resource(template, "Microsoft.ContainerService/managedClusters")["properties"]["networkProfile"]
        profile["podCidrs"] = [profile["podCidr"], "fd00:99::/64"]

    (warning,) = lint(variant(tmp_path, "nsg-pod-cidr-denied.json", dual_stack))
    assert warning.severity == Severity.WARNING
    assert warning.message.startswith(
        "rule deny-all-in (priority 4000) denies all traffic from node subnet nodes to the pod CIDR inbound, "
        "all traffic from the pod CIDR to the pod CIDR inbound and all traffic from the pod CIDR to node subnet "
        "nodes inbound;")
    assert "allow the pod CIDR 192.168.0.0/16, fd00:99::/64" in warning.message


def test_rule_with_an_application_security_group_is_unknown_not_an_error():
    path = FIXTURES / "nsg-asg-rule.json"
    (note,) = lint(path)
    assert note.rule_id == "BYO901" and note.severity == Severity.NOTE
    assert note.message.startswith("BYO005 could not check traffic between the nodes of subnet nodes")
    assert "'deny-to-web-asg' uses application security groups" in note.message
    assert covers(note, line_of(path, '"name": "deny-to-web-asg"'))


def test_deny_rule_behind_an_unknown_condition_is_a_warning_if_deployed():
    path = FIXTURES / "nsg-conditional-deny.json"
    (finding,) = lint(path)
    assert finding.rule_id == "BYO005" and finding.severity == Severity.WARNING
    assert finding.message.startswith("if deployed, rule lock-down-in (priority 4000) denies all traffic")


def test_allow_rule_behind_an_unknown_condition_only_possibly_allows(tmp_path):
    def conditional_allow(template):
        group = resource(template, "Microsoft.Network/networkSecurityGroups")
        rules = group["properties"].pop("securityRules")
        template["parameters"] = {"allowVnet": {"type": "bool"}}
        for rule in rules:
            child = {"type": "Microsoft.Network/networkSecurityGroups/securityRules", "apiVersion": "2024-05-01",
                     "name": f"nsg-nodes/{rule['name']}", "dependsOn": ["nsg-nodes"],
                     "properties": rule["properties"]}
            if rule["properties"]["access"] == "Allow":
                child["condition"] = "[parameters('allowVnet')]"
            template["resources"].append(child)

    findings = lint(variant(tmp_path, "nsg-deny-all-after-allow-vnet.json", conditional_allow))
    assert above_note(findings) == []
    (note,) = findings
    assert "'allow-vnet-in'" in note.message and note.message.startswith("BYO005 could not check")


def test_pod_flows_denied_by_a_custom_rule_are_warnings():
    path = FIXTURES / "nsg-pod-cidr-denied.json"
    (warning,) = lint(path)
    assert warning.rule_id == "BYO005" and warning.severity == Severity.WARNING
    assert warning.message.startswith(
        "rule deny-all-in (priority 4000) denies all traffic from node subnet nodes to the pod CIDR inbound, "
        "all traffic from the pod CIDR to the pod CIDR inbound and all traffic from the pod CIDR to node subnet "
        "nodes inbound;")
    assert "allow the pod CIDR 192.168.0.0/16" in warning.message
    assert covers(warning, line_of(path, '"name": "deny-all-in"'))


def test_pod_flows_allowed_before_the_deny_pass():
    assert lint(FIXTURES / "nsg-pod-cidr-allowed.json") == []


def test_pod_flow_severity_comes_from_the_rule_parameters(params):
    params("BYO005", pod_flow_severity="error")
    (finding,) = lint(FIXTURES / "nsg-pod-cidr-denied.json")
    assert finding.severity == Severity.ERROR and "the pod CIDR" in finding.message


def test_extra_flows_are_named_when_a_node_traffic_deny_blocks_them(params):
    params("BYO005", extra_flows=[{"protocol": "Udp", "ports": "8472", "description": "VXLAN"},
                                  {"protocol": "Tcp", "ports": "4240-4245", "description": "health checks"}])
    (udp,) = lint(FIXTURES / "nsg-deny-vnet-udp.json")
    assert "(this blocks UDP port 8472 (VXLAN))" in udp.message
    assert "health checks" not in udp.message
    udp, rest = sorted(lint(FIXTURES / "nsg-two-denies.json"), key=lambda f: f.location.span.line)
    assert "VXLAN" in udp.message and "health checks" not in udp.message
    assert "(this blocks TCP ports 4240-4245 (health checks))" in rest.message and "VXLAN" not in rest.message


def test_bad_extra_flow_parameter_is_rejected(params):
    """A rule parameter the evaluator cannot ask about is a configuration error: the run records it
    (the CLI exits 2) instead of guessing; with debug on it is raised."""
    params("BYO005", extra_flows=[{"protocol": "Sctp", "ports": "9"}])
    path = str(FIXTURES / "nsg-deny-vnet-udp.json")
    run = lint_paths([path], Options(select=RULES, today=TODAY))
    assert len(run.internal_errors) == 1
    assert "BYO005 failed: ValueError" in run.internal_errors[0]
    with pytest.raises(ValueError):
        lint_paths([path], Options(select=RULES, today=TODAY, debug=True))


# --- BYO007 -----------------------------------------------------------------------------------------

def test_udr_route_table_without_a_default_route_fails():
    path = FIXTURES / "udr-no-default-route.json"
    (error,) = lint(path)
    assert error.rule_id == "BYO007" and error.severity == Severity.ERROR
    assert error.message.startswith("route table rt-nodes on node subnet nodes has no 0.0.0.0/0 route")
    assert covers(error, line_of(path, '"name": "rt-nodes"'))


def test_udr_default_route_to_a_virtual_appliance_passes():
    assert lint(FIXTURES / "udr-virtual-appliance.json") == []


def test_udr_default_route_to_a_virtual_appliance_needs_its_address(tmp_path):
    def no_address(template):
        route = resource(template, "Microsoft.Network/routeTables/routes")
        del route["properties"]["nextHopIpAddress"]

    (error,) = lint(variant(tmp_path, "udr-virtual-appliance.json", no_address))
    assert error.rule_id == "BYO007" and "VirtualAppliance but no nextHopIpAddress" in error.message


def test_udr_default_route_to_the_internet_fails():
    path = FIXTURES / "udr-internet-next-hop.json"
    (error,) = lint(path)
    assert error.rule_id == "BYO007" and error.severity == Severity.ERROR
    assert error.message.startswith("default route 'default' in route table rt-nodes has nextHopType Internet, "
                                    "which AKS rejects")
    assert error.location.span.line == line_of(path, '"nextHopType": "Internet"')


@pytest.mark.parametrize("hop, verdict", [("None", "drops all outbound traffic"), ("VnetLocal", "'VnetLocal'"),
                                          ("VirtualNetworkGateway", None)])
def test_udr_default_route_next_hop_types(tmp_path, hop, verdict):
    def next_hop(template):
        route = resource(template, "Microsoft.Network/routeTables")["properties"]["routes"][0]
        route["properties"]["nextHopType"] = hop

    findings = lint(variant(tmp_path, "udr-internet-next-hop.json", next_hop))
    if verdict is None:
        assert findings == []
    else:
        (error,) = findings
        assert error.severity == Severity.ERROR and verdict in error.message


def test_udr_without_a_route_table_fails():
    path = FIXTURES / "udr-no-route-table.json"
    (error,) = lint(path)
    assert error.rule_id == "BYO007" and error.severity == Severity.ERROR
    assert "the subnet has no route table" in error.message
    assert covers(error, line_of(path, '"addressPrefix": "10.10.1.0/24"'))


def test_udr_route_table_outside_the_files_is_unknown(tmp_path):
    def external_table(template):
        template["resources"] = [r for r in template["resources"] if r["type"] != "Microsoft.Network/routeTables"]

    (note,) = lint(variant(tmp_path, "udr-no-default-route.json", external_table))
    assert note.rule_id == "BYO901" and note.message.startswith("BYO007 could not check route table of node subnet")


def test_missing_nat_gateway_fails_and_an_associated_one_passes():
    path = FIXTURES / "nat-gateway-missing.json"
    (error,) = lint(path)
    assert error.rule_id == "BYO007" and error.severity == Severity.ERROR
    assert "userAssignedNATGateway needs a NAT gateway on node subnet nodes" in error.message
    assert lint(FIXTURES / "nat-gateway-present.json") == []


def test_nsg_denying_outbound_https_to_the_internet_fails():
    path = FIXTURES / "outbound-443-denied.json"
    (error,) = lint(path)
    assert error.rule_id == "BYO007" and error.severity == Severity.ERROR
    assert error.message.startswith("rule deny-internet-https-out (priority 200) denies TCP port 443 from "
                                    "10.10.1.0/24 to the Internet outbound;")
    assert covers(error, line_of(path, '"name": "deny-internet-https-out"'))


def test_outbound_type_none_is_a_warning():
    path = FIXTURES / "outbound-none.json"
    (warning,) = lint(path)
    assert warning.rule_id == "BYO007" and warning.severity == Severity.WARNING
    assert warning.message.startswith("outboundType 'none' gives the cluster no internet egress")
    assert warning.location.span.line == line_of(path, '"outboundType": "none"')


# --- reports ----------------------------------------------------------------------------------------

def test_failing_fixtures_render_valid_sarif(assert_valid_sarif):
    run = lint_paths([str(FIXTURES)], Options(select=(*RULES, "BYO901"), today=TODAY))
    assert {f.rule_id for f in run.findings} == {*RULES, "BYO901"}
    log = assert_valid_sarif(render("sarif", RunResult(run.findings, run.rules, run.files_linted), base_dir=REPO))
    results = log["runs"][0]["results"]
    assert len(results) == len(run.findings)
    assert {r["ruleId"] for r in results} == {*RULES, "BYO901"}


# --- corpus -----------------------------------------------------------------------------------------

@pytest.fixture
def corpus() -> Path:
    path = CORPUS
    if not path.is_dir():
        pytest.skip("../shared/corpus is not available")
    return path


def test_corpus_gives_at_most_notes(corpus):
    assert above_note(lint(corpus)) == []


def test_corpus_gives_at_most_notes_even_if_every_cluster_were_byocni(corpus, monkeypatch):
    """Few corpus clusters use networkPlugin none; read every cluster as BYOCNI so that real subnet,
    NSG, route and NAT shapes (NSGs on VM and Bastion subnets, a NAT gateway on the node subnet,
    subnet IDs from parameters files) go through the rules. None of them has one of these problems."""
    monkeypatch.setattr(Cluster, "is_byocni", property(lambda self: True))
    findings = lint(corpus)
    assert above_note(findings) == []
    assert of(findings, "BYO901")  # the rules did run: pools whose subnet is not in the corpus are notes


def test_unknown_rule_and_delegation_lists_give_notes_not_silence():
    """`securityRules` or `delegations` written as one unresolvable expression: whether the NSG denies
    node traffic or the subnet is delegated is unknown, so each rule says so in a note (evaluating
    only Azure's default rules, or seeing no delegation, would be a guess)."""
    path = FIXTURES / "unknown-rules-and-delegations.json"
    findings = lint(path)
    assert above_note(findings) == []
    rules_note = [f for f in findings if "could not check securityRules" in f.message]
    assert len(rules_note) == 1 and rules_note[0].message.startswith("BYO005, BYO007 ")
    assert "parameter 'nodeRules' has no default" in rules_note[0].message
    assert rules_note[0].location.span.line == line_of(path, "parameters('nodeRules')")
    delegation_note = [f for f in findings if "could not check delegations" in f.message]
    assert len(delegation_note) == 1 and delegation_note[0].message.startswith("BYO004 ")
    assert delegation_note[0].location.span.line == line_of(path, "parameters('nodeDelegations')")


def test_a_default_route_behind_an_unknown_condition_is_a_note():
    """The only 0.0.0.0/0 route is a route resource whose condition is unknown: the way out may not be
    deployed, so neither a pass nor an error is honest."""
    path = FIXTURES / "udr-conditional-default-route.json"
    findings = lint(path)
    assert above_note(findings) == []
    [note] = [f for f in findings if "default route" in f.message]
    assert note.message.startswith("BYO007 could not check its default route of routeTables/rt-nodes")
    assert "parameter 'useFirewall' has no default" in note.message
    assert note.location.span.line == line_of(path, '"name": "rt-nodes/default-via-firewall"') - 3  # its resource
