"""Walking a template the way ARM deploys it: parameters files, variables, copy loops, conditions, nested
deployments (inner and outer scope, other resource groups, linked files) and `reference()`.

Each case is a small template in fixtures/evaluate/ whose expected outcome follows from the ARM template
reference ("Parameters", "Resource iteration", "Conditional deployment", "Nested templates",
"Expression evaluation scope in nested templates", "reference"), not from running the linter.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from arm_eval import shipped_budget
from byocni_lint.engine import lint_paths
from byocni_lint.evaluate.deployment import Evaluation, ResourceInstance, TemplateInput, evaluate_template
from byocni_lint.model.values import Unknown
from byocni_lint.findings import Severity
from byocni_lint.frontends.arm.to_model import build_model

from evaluate_fixtures import CONTEXT, FIXTURES, RG, evaluate_fixture, parse_file

def evaluate(name: str, parameters: str | None = None, values: dict | None = None) -> Evaluation:
    return evaluate_fixture(name, parameters, values)


def of_type(evaluation: Evaluation, resource_type: str) -> list[ResourceInstance]:
    return [i for i in evaluation.instances if i.type.lower() == resource_type.lower()]


def named(evaluation: Evaluation, name: str) -> ResourceInstance:
    matches = [i for i in evaluation.instances if i.name == name]
    assert len(matches) == 1, (name, [i.name for i in evaluation.instances])
    return matches[0]


def dig(value: object, path: str) -> object:
    """Follow `a.b.c` through evaluated JSON, property names case-insensitive as in ARM."""
    for key in path.split("."):
        assert isinstance(value, dict), (path, key, value)
        matches = [v for k, v in value.items() if k.lower() == key.lower()]
        value = matches[0] if matches else None
    return value


def network_profile(instance: ResourceInstance) -> dict:
    profile = dig(instance.body, "properties.networkProfile")
    assert isinstance(profile, dict), profile
    return {key: value for key, value in profile.items()}


def line_of(path: Path, needle: str) -> int:
    """1-based line of the only occurrence of `needle`, found by plain text search."""
    text = path.read_text(encoding="utf-8")
    assert text.count(needle) == 1, needle
    return text[: text.index(needle)].count("\n") + 1


# ----- parameters and variables ---------------------------------------------------------------------------


def test_parameters_file_overrides_defaults_and_names_are_case_insensitive() -> None:
    defaults = network_profile(named(evaluate("parameters-override.json"), "aks-override"))
    assert (defaults["serviceCidr"], defaults["dnsServiceIP"], defaults["podCidr"]) == (
        "10.0.0.0/16", "10.0.0.10", "192.168.0.0/16")
    given = network_profile(named(evaluate("parameters-override.json", "parameters-override.parameters.json"),
                                  "aks-override"))
    # serviceCidr and DNSSERVICEIP come from the file; podCidr keeps its default.
    assert (given["serviceCidr"], given["dnsServiceIP"], given["podCidr"]) == ("10.1.0.0/16", "10.1.0.10",
                                                                              "192.168.0.0/16")


def test_variable_built_with_union_and_if() -> None:
    profile = network_profile(named(evaluate("union-if-variable.json"), "aks-union"))
    assert profile == {"networkPlugin": "none", "serviceCidr": "10.0.0.0/16", "dnsServiceIP": "10.0.0.10",
                       "podCidr": "192.168.0.0/16"}
    other = network_profile(named(evaluate("union-if-variable.json", values={"withPodCidr": False, "overlay": True}),
                                  "aks-union"))
    assert other == {"networkPlugin": "none", "serviceCidr": "10.0.0.0/16", "dnsServiceIP": "10.0.0.10",
                     "networkPluginMode": "overlay"}


def test_variable_with_an_unknown_branch_is_unknown_not_guessed() -> None:
    # withPodCidr comes from a Key Vault reference: union() cannot know which object it builds.
    path = FIXTURES / "union-if-variable.json"
    key_vault = {"reference": {"keyVault": {"id": "/subscriptions/x/resourceGroups/y/providers/Microsoft.KeyVault/vaults/z"},
                               "secretName": "withPodCidr"}}
    evaluation = evaluate_template(TemplateInput(parse_file(str(path)), str(path), {"withPodCidr": key_vault}), shipped_budget())
    profile = dig(named(evaluation, "aks-union").body, "properties.networkProfile")
    assert isinstance(profile, Unknown) and "withPodCidr" in profile.reason


# ----- copy loops --------------------------------------------------------------------------------------------


def test_resource_copy_with_copy_index_offset() -> None:
    evaluation = evaluate("copy-loops.json")
    assert [i.name for i in of_type(evaluation, "Microsoft.Network/routeTables")] == ["rt-1", "rt-2", "rt-3"]
    assert [i.id for i in of_type(evaluation, "Microsoft.Network/routeTables")] == [
        f"{RG}/providers/microsoft.network/routetables/rt-{n}" for n in (1, 2, 3)]


def test_resource_copy_with_unknown_count_gives_one_unknown_instance() -> None:
    groups = of_type(evaluate("copy-loops.json"), "Microsoft.Network/networkSecurityGroups")
    assert len(groups) == 1  # never zero: that would hide findings on the resource
    [group] = groups
    assert isinstance(group.name, Unknown) and "groupCount" in group.name.reason
    assert isinstance(group.id, Unknown)
    known = of_type(evaluate("copy-loops.json", values={"groupCount": 2}), "Microsoft.Network/networkSecurityGroups")
    assert [g.name for g in known] == ["nsg-0", "nsg-1"]


def test_property_copy_inside_a_resource_copy_sees_both_indices() -> None:
    vnets = of_type(evaluate("copy-loops.json"), "Microsoft.Network/virtualNetworks")
    assert [v.name for v in vnets] == ["vnet-0", "vnet-1"]
    subnets = [[(s["name"], s["properties"]["addressPrefix"]) for s in dig(v.body, "properties.subnets")] for v in vnets]
    assert subnets == [[("snet-0-0", "10.0.0.0/24"), ("snet-0-1", "10.0.1.0/24")],
                       [("snet-1-0", "10.1.0.0/24"), ("snet-1-1", "10.1.1.0/24")]]
    assert dig(vnets[1].body, "properties.addressSpace.addressPrefixes") == ["10.1.0.0/16"]


# ----- nested deployments ----------------------------------------------------------------------------------------


def test_inner_scope_module_uses_passed_values_not_its_own_defaults() -> None:
    evaluation = evaluate("nested-inner-scope.json")
    cluster = named(evaluation, "aks-inner")  # the inner variable, not the outer one of the same name
    assert cluster.deployment.depth == 1
    profile = network_profile(cluster)
    assert profile["podCidr"] == "10.244.0.0/16"  # outer parameter passed in; inner default is 192.168.0.0/16
    assert profile["serviceCidr"] == "10.0.0.0/16"  # outer variable passed in; inner default is 10.99.0.0/16
    assert profile["dnsServiceIP"] == "10.0.0.10"  # not passed: the inner default applies
    overridden = network_profile(named(evaluate("nested-inner-scope.json", values={"podCidr": "10.100.0.0/16"}),
                                       "aks-inner"))
    assert overridden["podCidr"] == "10.100.0.0/16"


def test_outer_scope_module_sees_the_parent_parameters_and_variables() -> None:
    evaluation = evaluate("nested-outer-scope.json", values={"serviceCidr": "10.3.0.0/16"})
    cluster = named(evaluation, "aks-outer-scope")
    assert cluster.deployment.depth == 1
    profile = network_profile(cluster)
    assert (profile["serviceCidr"], profile["podCidr"]) == ("10.3.0.0/16", "192.168.0.0/16")
    vnet = named(evaluation, "aks-outer-scope-vnet")  # "scope": "Outer" spelled explicitly, any case
    assert dig(vnet.body, "properties.addressSpace.addressPrefixes") == ["10.3.0.0/16"]


def test_resource_group_and_subscription_of_a_module_move_what_it_deploys() -> None:
    evaluation = evaluate("nested-resource-group.json")
    network_group = "/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-network"
    assert named(evaluation, "vnet-hub").id == f"{network_group}/providers/microsoft.network/virtualnetworks/vnet-hub"
    security = f"/subscriptions/{CONTEXT.subscription_id}/resourcegroups/rg-security".lower()
    assert named(evaluation, "nsg-nodes").id == f"{security}/providers/microsoft.network/networksecuritygroups/nsg-nodes"
    assert named(evaluation, "aks-spoke").id == f"{RG}/providers/microsoft.containerservice/managedclusters/aks-spoke"
    outputs = named(evaluation, "network").nested.outputs()
    assert str(outputs["groupId"]["value"]).lower() == network_group  # resourceGroup() inside the module
    assert str(outputs["subnetId"]["value"]).lower() == f"{network_group}/providers/microsoft.network/virtualnetworks/vnet-hub/subnets/nodes"


def test_reference_outputs_chain_across_two_modules() -> None:
    evaluation = evaluate("module-outputs-chain.json", values={"vnetName": "vnet-42"})
    subnet_id = f"/subscriptions/{CONTEXT.subscription_id}/resourceGroups/{CONTEXT.resource_group}/providers/" \
                "Microsoft.Network/virtualNetworks/vnet-42/subnets/nodes"
    [pool] = dig(named(evaluation, "aks-chain").body, "properties.agentPoolProfiles")
    assert pool["vnetSubnetID"] == subnet_id
    # ...and back out: reference('cluster') by name from the root template.
    assert evaluation.root.outputs()["clusterSubnet"]["value"] == subnet_id


def test_symbolic_name_reference_to_module_outputs_and_declared_properties() -> None:
    evaluation = evaluate("symbolic-reference.json")
    cluster = named(evaluation, "aks-symbolic")
    assert cluster.symbolic == "cluster"
    [pool] = dig(cluster.body, "properties.agentPoolProfiles")
    assert str(pool["vnetSubnetID"]).lower() == f"{RG}/providers/microsoft.network/virtualnetworks/vnet-symbolic/subnets/nodes"
    # reference('vnet') inside the module reads what the template declares for that VNet.
    assert network_profile(cluster)["serviceCidr"] == "10.30.0.0/22"


def test_linked_template_beside_the_file_is_deployed_and_a_remote_one_is_unknown() -> None:
    evaluation = evaluate("linked-template.json")
    vnet = named(evaluation, "vnet-linked")  # the passed value, not the linked file's default
    assert vnet.deployment.depth == 1
    assert dig(vnet.body, "properties.addressSpace.addressPrefixes") == ["10.40.0.0/16"]
    assert named(evaluation, "remote-network").nested is None
    system, user = dig(named(evaluation, "aks-linked").body, "properties.agentPoolProfiles")
    assert str(system["vnetSubnetID"]).lower() == f"{RG}/providers/microsoft.network/virtualnetworks/vnet-linked/subnets/nodes"
    assert isinstance(user["vnetSubnetID"], Unknown)
    run = lint_paths([str(FIXTURES / "linked-template.json")])
    assert [f for f in run.findings if f.rule_id in ("BYO900", "BYO903")] == []


# ----- conditions ---------------------------------------------------------------------------------------------------


def test_false_condition_removes_the_resource_and_everything_a_module_holds() -> None:
    evaluation = evaluate("condition-false.json")
    assert [i.name for i in evaluation.instances] == ["aks-dev"]
    assert named(evaluation, "aks-dev").conditional is None  # a condition that is true is not "if deployed"
    run = lint_paths([str(FIXTURES / "condition-false.json")])
    # aks-prod (serviceCidr 172.30.0.0/16) and aks-disabled (podCidr 172.31.0.0/16) are not deployed.
    assert [f for f in run.findings if f.rule_id == "BYO003"] == []


def test_unknown_condition_keeps_the_resource_and_reports_if_deployed_as_a_warning() -> None:
    evaluation = evaluate("condition-unknown.json")
    for name in ("aks-maybe", "aks-maybe-inner"):
        conditional = named(evaluation, name).conditional
        assert conditional is not None and "deployCluster" in conditional
    run = lint_paths([str(FIXTURES / "condition-unknown.json")])
    reserved = [f for f in run.findings if f.rule_id == "BYO003"]
    assert sorted(f.resource for f in reserved) == ["managedClusters/aks-maybe", "managedClusters/aks-maybe-inner"]
    for finding in reserved:
        assert finding.message.startswith("if deployed"), finding.message
        assert finding.severity <= Severity.WARNING


# ----- reference() to runtime values -------------------------------------------------------------------------------


def test_runtime_principal_ids_stay_unknown_but_name_their_resource() -> None:
    model = build_model(evaluate("runtime-reference.json"), "runtime-reference.json")
    cluster_id = f"{RG}/providers/microsoft.containerservice/managedclusters/aks-identity"
    identity_id = f"{RG}/providers/microsoft.managedidentity/userassignedidentities/uami-control-plane"
    principals = [a.principal_id.value for a in model.role_assignments]
    assert all(isinstance(p, Unknown) for p in principals), principals
    assert [(p.ref, p.path) for p in principals] == [
        (cluster_id, ("identity", "principalid")),
        (cluster_id, ("identityprofile", "kubeletidentity", "objectid")),  # reference() by name only
        (identity_id, ("principalid",)),
    ]
    assert "principalId" in principals[0].reason
    subnet_scope = f"{RG}/providers/microsoft.network/virtualnetworks/vnet-identity/subnets/nodes"
    assert [a.scope for a in model.role_assignments] == [subnet_scope, subnet_scope, RG]


# ----- locations survive evaluation ------------------------------------------------------------------------------


def test_finding_on_a_parameter_value_points_at_the_property_and_names_where_it_was_set() -> None:
    template, parameters = FIXTURES / "locations.json", FIXTURES / "locations.parameters.json"
    run = lint_paths([str(template)])  # locations.parameters.json is paired by name
    reserved = {f.property: f for f in run.findings if f.rule_id == "BYO003"}
    assert set(reserved) == {"properties.networkProfile.serviceCidr", "properties.networkProfile.podCidr"}

    service = reserved["properties.networkProfile.serviceCidr"]
    assert Path(service.location.path).name == "locations.json"
    assert service.location.span.line == line_of(template, "\"serviceCidr\": \"[parameters('serviceCidr')]\"")
    default_line = line_of(template, '"defaultValue": "172.30.0.0/16"')
    assert re.search(rf"locations\.json:{default_line}\b", service.message), service.message

    pod = reserved["properties.networkProfile.podCidr"]
    assert Path(pod.location.path).name == "locations.json"
    assert pod.location.span.line == line_of(template, "\"podCidr\": \"[parameters('podCidr')]\"")
    file_line = line_of(parameters, '"value": "172.31.0.0/16"')
    assert re.search(rf"locations\.parameters\.json:{file_line}\b", pod.message), pod.message


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.json") if ".parameters." not in p.name))
def test_every_walk_fixture_lints_without_input_errors(name: str) -> None:
    run = lint_paths([str(FIXTURES / name)])
    assert [f for f in run.findings if f.rule_id in ("BYO900", "BYO903")] == []
