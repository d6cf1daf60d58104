"""The real templates of ../shared/corpus, evaluated and modelled: what a reader of each file sees.

Every expectation below was written by reading the file (and, where one is named, its parameters
file), not by running the linter. Values ARM itself only knows at deployment time (a parameter with no
default, `reference()` to a runtime property) are expected *unknown*, with the reason a user would need.
Deployment placeholders (`{subscriptionid}`, `{resourcegroupname}`) stand for the subscription and
group the template is deployed to; hashes from `uniqueString()` are not Azure's, so names built from
them are checked by shape only.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from arm_eval import shipped_budget
from byocni_lint.evaluate.expressions import malformed_expressions
from byocni_lint.engine import lint_paths
from byocni_lint.evaluate.deployment import Evaluation, TemplateInput, evaluate_template
from byocni_lint.evaluate.scope import DeploymentContext
from byocni_lint.model.values import Unknown
from byocni_lint.frontends.arm.documents import ARM_TEMPLATE, classify
from byocni_lint.load.jsonc import parse
from byocni_lint.model import Cluster, Field, Model, Subnet
from byocni_lint.frontends.arm.to_model import build_model
from shared_corpus import CORPUS, corpus_file

ARM = "arm/"
PAIRS = "bicep-pairs/"

_CONTEXT = DeploymentContext()
SUB = f"/subscriptions/{_CONTEXT.subscription_id}".lower()
RG = f"{SUB}/resourcegroups/{_CONTEXT.resource_group}".lower()

NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d"


# ----- reading the corpus ---------------------------------------------------------------------------


def corpus_path(relative: str) -> Path:
    return corpus_file(relative)


def _parse_file(path: str) -> object:
    return parse(Path(path).read_text(encoding="utf-8-sig"), path)


def evaluate(relative: str, parameters: str | None = None, values: dict | None = None) -> Evaluation:
    """Evaluate a corpus template, with a corpus parameters file and/or values a reader would supply."""
    path = corpus_path(relative)
    supplied: dict = {}
    if parameters is not None:
        supplied.update(_parse_file(str(corpus_path(parameters)))["parameters"])
    supplied.update({name: {"value": value} for name, value in (values or {}).items()})
    source = TemplateInput(_parse_file(str(path)), str(path), supplied or None,
                           lambda relative: _parse_file(str(path.parent / relative))
                           if (path.parent / relative).is_file() else None)
    evaluation = evaluate_template(source, shipped_budget())
    assert evaluation.limit is None, evaluation.limit
    return evaluation


def model_of(relative: str, parameters: str | None = None, values: dict | None = None) -> Model:
    return build_model(evaluate(relative, parameters, values), str(corpus_path(relative)))


def corpus_templates() -> list:
    """Every compiled Bicep `main.json` and every ARM template (not parameters file) in the corpus."""
    if not CORPUS.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason="../shared/corpus is absent"))]
    found = sorted((CORPUS / "bicep-pairs").glob("*/main.json"))
    found += [p for p in sorted((CORPUS / "arm").glob("*.json")) if classify(_parse_file(str(p))) == ARM_TEMPLATE]
    return [pytest.param(path, id=str(path.relative_to(CORPUS))) for path in found]


# ----- describing expectations ------------------------------------------------------------------------


@dataclass(frozen=True)
class Unresolved:
    """Expect an unknown value whose reason mentions `because`."""

    because: str = ""


def unknown(because: str = "") -> Unresolved:
    return Unresolved(because)


def check(subject: object, **expected: object) -> None:
    """Compare attributes (Field values or plain values) with expectations; report every mismatch at once."""
    problems = []
    for name, want in expected.items():
        got = getattr(subject, name)
        if isinstance(got, Field):
            got = got.value
        if isinstance(want, Unresolved):
            ok = isinstance(got, Unknown) and want.because.lower() in got.reason.lower()
        else:
            ok = not isinstance(got, Unknown) and got == want
        if not ok:
            problems.append(f"{name}: expected {want!r}, got {got!r}")
    assert not problems, f"{getattr(subject, 'name', subject)}:\n  " + "\n  ".join(problems)


def all_subnets(model: Model) -> list[Subnet]:
    """Subnets the model holds by ID or inside a VNet (an unknown VNet name leaves its subnets without ID)."""
    found = {id(subnet): subnet for subnet in model.subnets.values()}
    for vnet in model.vnets:
        for subnet in vnet.subnets:
            found.setdefault(id(subnet), subnet)
    return list(found.values())


def inventory(model: Model) -> dict[str, int]:
    return {
        "clusters": len(model.clusters),
        "vnets": len(model.vnets),
        "subnets": len(all_subnets(model)),
        "nsgs": len(model.nsgs),
        "route_tables": len(model.route_tables),
        "role_assignments": len(model.role_assignments),
    }


def expect_inventory(model: Model, clusters=0, vnets=0, subnets=0, nsgs=0, route_tables=0, role_assignments=0) -> None:
    assert inventory(model) == dict(clusters=clusters, vnets=vnets, subnets=subnets, nsgs=nsgs,
                                    route_tables=route_tables, role_assignments=role_assignments)


def only_cluster(model: Model) -> Cluster:
    assert len(model.clusters) == 1, [c.name for c in model.clusters]
    return model.clusters[0]


def subnet_named(model: Model, name: str) -> Subnet:
    matches = [s for s in all_subnets(model) if s.name == name]
    assert len(matches) == 1, (name, [s.name for s in all_subnets(model)])
    return matches[0]


def prefixes(fields: list[Field]) -> list[object]:
    return [f.value for f in fields]


def delegations(subnet: Subnet) -> list[object]:
    return [f.value for f in subnet.delegations]


NO_NETWORK_PROFILE = dict(network_plugin=None, network_plugin_mode=None, network_policy=None, pod_cidr=None,
                          service_cidr=None, dns_service_ip=None, docker_bridge_cidr=None, outbound_type=None)


def unique_string_name(value: object, prefix: str, suffix: str = "") -> str:
    """A name built as `prefix + uniqueString(...) + suffix`: 13 lower-case letters and digits in between."""
    assert isinstance(value, str) and value.startswith(prefix) and value.endswith(suffix), value
    middle = value[len(prefix): len(value) - len(suffix)]
    assert len(middle) == 13 and middle.isalnum() and middle == middle.lower(), value
    return value


# ----- every file: loads, evaluates, lints without BYO900/BYO903 -----------------------------------------


@pytest.mark.parametrize("path", corpus_templates())
def test_every_corpus_template_evaluates_and_lints_without_input_errors(path: Path) -> None:
    relative = str(path.relative_to(CORPUS))
    evaluation = evaluate(relative)
    assert list(malformed_expressions(evaluation.root.template)) == []
    build_model(evaluation, str(path))
    run = lint_paths([str(path)])
    input_problems = [f for f in run.findings if f.rule_id in ("BYO900", "BYO903")]
    assert input_problems == []


# ----- compiled Bicep (bicep-pairs/*/main.json) ----------------------------------------------------------


def test_bicep_dependencies_only_fake_types() -> None:
    evaluation = evaluate(PAIRS + "bicep__baselines-Dependencies_LF/main.json")
    assert sorted(i.type for i in evaluation.instances) == ["My.Rp/myResourceType"] * 3 + ["My.Rp/myResourceType/childType"] * 2
    expect_inventory(build_model(evaluation, "main.json"))


def test_bicep_functions_user_defined_functions_and_lambdas() -> None:
    evaluation = evaluate(PAIRS + "bicep__baselines-Functions_LF/main.json")
    assert evaluation.instances == []
    outputs = evaluation.root.outputs()
    assert outputs["foo"]["value"] == "https://google.com/search"  # buildUrl(true, 'google.com', 'search')
    assert outputs["hellos"]["value"] == ["Hi Evie!", "Hi Casper!"]  # map over a user function
    assert outputs["fooValue"]["value"] == ["Hello abc!", "Hello def!"]  # function calling a function


def test_bicep_imports_copy_variables_and_imported_function() -> None:
    evaluation = evaluate(PAIRS + "bicep__baselines-Imports_LF/main.json")
    assert evaluation.instances == []
    outputs = evaluation.root.outputs()
    # refersToCopyVariable[3].value = notExported[3 mod 2] from a variable copy loop
    assert outputs["magicWord"]["value"] == "abracadabra"
    assert outputs["greeting"]["value"] == "Hi, friend!"  # __bicep.greet uses parameters('name')
    assert evaluation.root.scope.variable("aliasedFoo") == "quux"  # foo -> _1.bar -> _1.baz


def test_bicep_variables_escapes_interpolation_and_copy() -> None:
    evaluation = evaluate(PAIRS + "bicep__baselines-Variables_LF/main.json")
    assert evaluation.instances == []
    variable = evaluation.root.scope.variable
    assert variable("interp1") == "abc123def"
    assert variable("doubleInterp") == "abcdef123_456789"
    assert variable("curliesWithNoInterp") == "}{1}{"
    assert variable("bracketAtBeginning") == "[test"  # no closing bracket: a literal, not an expression
    assert variable("enclosingBrackets") == "[test]"  # `[[` escapes the bracket
    assert variable("emptyJsonArray") == "[]"
    assert variable("nestedBrackets") == "[test[]test2]"
    assert variable("interpolatedBrackets") == "[42]"
    assert variable("bracketStringInExpression") == "['test']"
    assert variable("intIndexer") == "s"
    assert variable("namedPropertyIndexer") == "s"
    assert variable("functionOnIndexer1") == "ss"
    assert variable("myObj")["list"][2] == 3
    assert variable("myObj")["d"] is False
    assert variable("incrementingNumbers") == list(range(10))
    assert variable("arrayOfStringsViaLoop") == ["prefix-0-one", "prefix-1-two"]


def test_bicep_loops_two_vnets_from_a_copy_over_a_variable() -> None:
    model = model_of(PAIRS + "bicep__baselines-Loops_LF/main.json")
    expect_inventory(model, vnets=2)
    assert [v.name for v in model.vnets] == ["one", "two"]
    assert [v.id for v in model.vnets] == [f"{RG}/providers/microsoft.network/virtualnetworks/one",
                                           f"{RG}/providers/microsoft.network/virtualnetworks/two"]


def test_bicep_modules_no_network_resources() -> None:
    evaluation = evaluate(PAIRS + "bicep__baselines-Modules_CRLF/main.json")
    assert any(i.type == "Mock.Rp/mockResource" for i in evaluation.instances)
    expect_inventory(build_model(evaluation, "main.json"))


def test_bicep_nested_resources_three_levels_of_fake_children() -> None:
    evaluation = evaluate(PAIRS + "bicep__baselines-NestedResources_LF/main.json")
    types = {i.type for i in evaluation.instances}
    assert types == {"My.Rp/parentType", "My.Rp/parentType/childType", "My.Rp/parentType/childType/grandchildType"}
    expect_inventory(build_model(evaluation, "main.json"))


def test_bicep_101_aks_minimal_cluster() -> None:
    model = model_of(PAIRS + "bicep__user_submitted-101-aks/main.json")
    expect_inventory(model, clusters=1)
    cluster = only_cluster(model)
    check(cluster, name="aks101cluster", id=f"{RG}/providers/microsoft.containerservice/managedclusters/aks101cluster",
          api_version="2020-09-01", identity_type=None, kubernetes_version=None, **NO_NETWORK_PROFILE)
    assert [p.name for p in cluster.pools] == ["agentpool"]
    check(cluster.pools[0], vnet_subnet_id=None, os_type="Linux", subnet=None)


def test_bicep_101_aks_vmss_subnet_id_built_by_format_links_to_inline_subnet() -> None:
    model = model_of(PAIRS + "bicep__user_submitted-101-aks-vmss-systemassigned-identity/main.json")
    expect_inventory(model, clusters=1, vnets=1, subnets=1)  # the NSG is inline (no NSG resource)
    cluster = only_cluster(model)
    check(cluster, name="aks101", api_version="2020-09-01", identity_type="SystemAssigned",
          **{**NO_NETWORK_PROFILE, "network_plugin": "azure"})
    subnet = subnet_named(model, "Subnet01")
    assert subnet.id == f"{RG}/providers/microsoft.network/virtualnetworks/myvnet01/subnets/subnet01"
    assert prefixes(subnet.address_prefixes) == ["20.0.0.0/24"]
    assert prefixes(model.vnets[0].address_prefixes) == ["20.0.0.0/16"]
    [pool] = cluster.pools
    assert pool.name == "agentpool01"
    assert pool.subnet is subnet and subnet.vnet is model.vnets[0]


def test_bicep_app_service_delegated_subnet() -> None:
    model = model_of(PAIRS + "bicep__user_submitted-101-app-service-regional-vnet-integration/main.json")
    expect_inventory(model, vnets=1, subnets=1)
    [vnet] = model.vnets
    app_name = unique_string_name(vnet.name, "", "vnet")[: -len("vnet")]
    [subnet] = vnet.subnets
    assert subnet.name == f"{app_name}sn"
    assert prefixes(vnet.address_prefixes) == ["10.0.0.0/16"]
    assert prefixes(subnet.address_prefixes) == ["10.0.0.0/24"]
    assert delegations(subnet) == ["Microsoft.Web/serverFarms"]


def test_bicep_managed_identity_role_assignment_at_the_resource_group() -> None:
    model = model_of(PAIRS + "bicep__user_submitted-101-create-managedidentity-rbac/main.json")
    expect_inventory(model, role_assignments=1)
    [assignment] = model.role_assignments
    assert assignment.scope == RG
    check(assignment, role_definition_id=f"/subscriptions/{_CONTEXT.subscription_id}/providers/"
                                         f"Microsoft.Authorization/roleDefinitions/{CONTRIBUTOR}",
          principal_id=unknown("managedIdentityName"), principal_type="ServicePrincipal")


def test_bicep_lock_and_role_assignment_in_a_new_resource_group() -> None:
    model = model_of(PAIRS + "bicep__user_submitted-101-create-rg-lock-role-assignment/main.json")
    expect_inventory(model, role_assignments=1)
    [assignment] = model.role_assignments
    check(assignment, principal_id=unknown("principalId"))
    # The module deploys into resource group `rgName` (no default): not the group of the deployment.
    scope = assignment.scope
    assert isinstance(scope, Unknown) or (isinstance(scope, str) and not scope.startswith(RG)), scope


def test_bicep_custom_role_definition_assigned_at_subscription_scope() -> None:
    model = model_of(PAIRS + "bicep__user_submitted-101-custom-role-definition-assignment/main.json")
    expect_inventory(model, role_assignments=1)
    [definition] = model.role_definitions.values()
    check(definition, role_name="Bicep Custom Role demo")
    [block] = definition.blocks
    assert prefixes(block.actions) == ["*/read"] and block.unknown_actions is None
    [assignment] = model.role_assignments
    assert assignment.scope == SUB  # targetScope = 'subscription'
    assert str(assignment.role_definition_id.value).lower().endswith(f"/roledefinitions/{definition.guid}")
    check(assignment, principal_id=unknown("principalId"))


def test_bicep_databricks_two_delegated_subnets_with_one_nsg() -> None:
    model = model_of(PAIRS + "bicep__user_submitted-101-databricks-all-in-one-template-for-vnet-injection/main.json")
    expect_inventory(model, vnets=1, subnets=2, nsgs=1)
    nsg_id = f"{RG}/providers/microsoft.network/networksecuritygroups/databricks-nsg"
    assert len(model.nsgs[nsg_id].rules) == 6
    [vnet] = model.vnets
    assert vnet.name == "databricks-vnet" and prefixes(vnet.address_prefixes) == ["10.179.0.0/16"]
    for name, prefix in (("public-subnet", "10.179.64.0/18"), ("private-subnet", "10.179.0.0/18")):
        subnet = subnet_named(model, name)
        assert prefixes(subnet.address_prefixes) == [prefix]
        assert delegations(subnet) == ["Microsoft.Databricks/workspaces"]
        assert model.find(model.nsgs, subnet.nsg_id.value) is model.nsgs[nsg_id]


def test_bicep_hub_and_spoke_modules_in_two_resource_groups() -> None:
    model = model_of(PAIRS + "bicep__user_submitted-101-hub-and-spoke/main.json")
    expect_inventory(model, vnets=2, subnets=2, route_tables=1)
    hub_group = f"{SUB}/resourcegroups/hub-rg"
    spoke_group = f"{SUB}/resourcegroups/spoke-rg"
    hub = next(v for v in model.vnets if v.name == "hub-rg")
    spoke = next(v for v in model.vnets if v.name == "spoke-rg")
    assert hub.id == f"{hub_group}/providers/microsoft.network/virtualnetworks/hub-rg"
    assert spoke.id == f"{spoke_group}/providers/microsoft.network/virtualnetworks/spoke-rg"
    assert prefixes(hub.address_prefixes) == ["192.168.0.0/24"]
    assert prefixes(spoke.address_prefixes) == ["192.168.1.0/24", "10.0.0.0/23"]
    firewall_subnet = subnet_named(model, "AzureFirewallSubnet")
    assert firewall_subnet.vnet is hub and prefixes(firewall_subnet.address_prefixes) == ["192.168.0.0/25"]
    spoke_subnet = subnet_named(model, "spoke-vnet")
    assert spoke_subnet.vnet is spoke and prefixes(spoke_subnet.address_prefixes) == ["10.0.0.0/24"]
    # routeTable.id comes from the `route` module's output (reference(...).outputs.id.value)
    route_table_id = f"{spoke_group}/providers/microsoft.network/routetables/spoke-rot"
    assert model.find(model.route_tables, spoke_subnet.route_table_id.value) is model.route_tables[route_table_id]
    [route] = model.route_tables[route_table_id].routes
    check(route, address_prefix="0.0.0.0/0", next_hop_type="VirtualAppliance",
          next_hop_ip=unknown("reference()"))  # the firewall's private IP is known only once deployed


def test_bicep_sql_managed_instance_network() -> None:
    model = model_of(PAIRS + "bicep__user_submitted-101-sqlmi-new-vnet/main.json")
    # NSG and route table are named after managedInstanceName (no default); the subnet resource has a
    # one-segment name, so its ID is unknown too. A reader still sees all of them.
    expect_inventory(model, vnets=1, subnets=1, nsgs=1, route_tables=1)
    [vnet] = model.vnets
    assert vnet.name == "vnet-01" and prefixes(vnet.address_prefixes) == ["10.0.0.0/16"]
    [nsg] = model.nsgs.values()
    assert [r.name for r in nsg.rules] == ["allow_tds_inbound", "allow_redirect_inbound", "deny_all_inbound",
                                           "deny_all_outbound"]
    subnet = subnet_named(model, "subnet-01")
    assert prefixes(subnet.address_prefixes) == ["10.0.0.0/24"]
    assert delegations(subnet) == ["Microsoft.Sql/managedInstances"]
    check(subnet, nsg_id=unknown("managedInstanceName"), route_table_id=unknown("managedInstanceName"))


def test_bicep_cloud_shell_subnets_in_an_existing_vnet() -> None:
    model = model_of(PAIRS + "bicep__user_submitted-201-cloud-shell-vnet/main.json")
    # Three child subnets of an `existing` VNet whose name is a parameter without default.
    expect_inventory(model, subnets=3, role_assignments=2)
    # The names are unknown (the VNet name has no default), so the model shows them as written.
    written = "[format('{0}/{1}', parameters('existingVNETName'), parameters('%s'))]"
    container = subnet_named(model, written % "containerSubnetName")
    assert delegations(container) == ["Microsoft.ContainerInstance/containerGroups"]
    check(container, id=None)
    check(container.address_prefixes[0], value=unknown("containerSubnetAddressPrefix"))
    for name in ("relaySubnetName", "storageSubnetName"):
        assert delegations(subnet_named(model, written % name)) == []
    for assignment in model.role_assignments:
        check(assignment, principal_id=unknown("azureContainerInstanceOID"))
    role_ids = sorted(str(a.role_definition_id.value).lower().rsplit("/", 1)[-1] for a in model.role_assignments)
    assert role_ids == sorted([NETWORK_CONTRIBUTOR, CONTRIBUTOR])


def test_bicep_private_aks_cluster_modules_chain_the_vnet_id() -> None:
    model = model_of(PAIRS + "bicep__user_submitted-201-private-aks-cluster/main.json")
    expect_inventory(model, clusters=1, vnets=1, subnets=3, nsgs=2)
    cluster = only_cluster(model)
    unique_string_name(cluster.name, "aks-")
    check(cluster, api_version="2021-02-01", kubernetes_version="1.19.7", identity_type="SystemAssigned",
          network_plugin="azure", network_policy="azure", network_plugin_mode=None, pod_cidr="10.244.0.0/16",
          service_cidr="10.2.0.0/16", dns_service_ip="10.2.0.10", docker_bridge_cidr="172.17.0.1/16",
          outbound_type=None)
    [vnet] = model.vnets
    assert vnet.name == f"{cluster.name}Vnet" and prefixes(vnet.address_prefixes) == ["10.0.0.0/8"]
    aks_subnet = subnet_named(model, "AksSubnet")
    assert prefixes(aks_subnet.address_prefixes) == ["10.0.0.0/16"]
    [pool] = cluster.pools
    assert pool.name == "nodepool1"
    # vnet module output -> aks module parameter -> last(split(...)) -> resourceId(subnets, ...)
    assert pool.subnet is aks_subnet
    vm_subnet, bastion_subnet = subnet_named(model, "VmSubnet"), subnet_named(model, "AzureBastionSubnet")
    assert prefixes(vm_subnet.address_prefixes) == ["10.1.0.0/24"]
    assert prefixes(bastion_subnet.address_prefixes) == ["10.1.1.0/26"]
    assert model.find(model.nsgs, vm_subnet.nsg_id.value).name == "VmSubnetNsg"
    assert len(model.find(model.nsgs, bastion_subnet.nsg_id.value).rules) == 7


def test_bicep_vm_new_or_existing_conditions_true_by_default() -> None:
    model = model_of(PAIRS + "bicep__user_submitted-201-vm-new-or-existing-conditions/main.json")
    expect_inventory(model, vnets=1, subnets=1, nsgs=1)
    [vnet] = model.vnets
    assert vnet.name == "VirtualNetwork" and vnet.conditional is None
    subnet = subnet_named(model, "default")
    assert subnet.vnet is vnet and subnet in vnet.subnets
    assert prefixes(subnet.address_prefixes) == ["10.0.0.0/24"]
    nsg = model.find(model.nsgs, subnet.nsg_id.value)
    assert nsg.name == "default-NSG" and [r.name for r in nsg.rules] == ["default-allow-22"]


def test_bicep_extensibility_aks_cluster_in_a_new_resource_group() -> None:
    model = model_of(PAIRS + "bicep__user_submitted-extensibility-aks/main.json")
    expect_inventory(model, clusters=1)
    cluster = only_cluster(model)
    check(cluster, name="[parameters('baseName')]", id=None, api_version="2020-09-01",
          identity_type="SystemAssigned", **NO_NETWORK_PROFILE)
    assert [p.name for p in cluster.pools] == ["agentpool"]
    check(cluster.pools[0], vnet_subnet_id=None)


# ----- hand-written and compiled ARM (arm/) ---------------------------------------------------------------

BYO = ARM + "Azure__AKS-Construction__samples__networkforbyo.json"
LZA_AKS = ARM + "Azure__AKS-Landing-Zone-Accelerator__Scenarios__AKS-Secure-Baseline-PrivateCluster__ARM__AKS-Deployment__aks-eslz-aks.template.json"
LZA_AKS_PARAMETERS = ARM + "Azure__AKS-Landing-Zone-Accelerator__Scenarios__AKS-Secure-Baseline-PrivateCluster__ARM__AKS-Deployment__aks-eslz-aks.parameters.json"
LZA_SPOKE = ARM + "Azure__AKS-Landing-Zone-Accelerator__Scenarios__AKS-Secure-Baseline-PrivateCluster__ARM__Infrastructure-Deployment__Spoke__Templates__aks-eslz-spoke.template.json"
LZA_SPOKE_PARAMETERS = ARM + "Azure__AKS-Landing-Zone-Accelerator__Scenarios__AKS-Secure-Baseline-PrivateCluster__ARM__Infrastructure-Deployment__Spoke__Parameters__aks-eslz-spoke.parameters.json"
PRIVATE_AKS = ARM + "Azure__azure-quickstart-templates__demos__private-aks-cluster__azuredeploy.json"
PRIVATE_AKS_PARAMETERS = ARM + "Azure__azure-quickstart-templates__demos__private-aks-cluster__azuredeploy.parameters.json"
OS_GUARD = ARM + "Azure__azure-quickstart-templates__quickstarts__microsoft.kubernetes__aks-azure-linux-os-guard__azuredeploy.json"
OS_GUARD_PARAMETERS = ARM + "Azure__azure-quickstart-templates__quickstarts__microsoft.kubernetes__aks-azure-linux-os-guard__azuredeploy.parameters.json"
QUICKSTART = ARM + "Azure__azure-quickstart-templates__quickstarts__microsoft.kubernetes__aks__azuredeploy.json"
QUICKSTART_PARAMETERS_OLD = ARM + "Azure__azure-quickstart-templates__quickstarts__microsoft.kubernetes__aks__azuredeploy.parameters@6bca69f.json"
AVM_PTN = ARM + "Azure__bicep-registry-modules__avm__ptn__azd__aks-automatic-cluster__main.json"
AVM_RES = ARM + "Azure__bicep-registry-modules__avm__res__container-service__managed-cluster__main.json"
CHECKOV = ARM + "bridgecrewio__checkov__tests__arm__checks__resource__example_AKSLoggingEnabled__aksLoggingEnabled-FAILED3.json"
AGIC = ARM + "paolosalvatori__aks-agic__templates__azuredeploy.json"
AGIC_PARAMETERS = ARM + "paolosalvatori__aks-agic__templates__azuredeploy.parameters.json"
NAT_AGIC = ARM + "paolosalvatori__aks-nat-agic__templates__azuredeploy.json"


def test_networkforbyo_without_a_resource_name() -> None:
    evaluation = evaluate(BYO)
    # CreateNsgFlowLogs defaults to false, so FlowLogStorageAccountId is '' and no flow log is deployed.
    assert not [i for i in evaluation.instances if i.type.lower().startswith("microsoft.network/networkwatchers")]
    model = build_model(evaluation, BYO)
    # vnet-<resourceName>: the name is unknown, so IDs are; the union() of subnets is still evaluated.
    expect_inventory(model, vnets=1, subnets=3, nsgs=3)
    [vnet] = model.vnets
    assert vnet.id is None and prefixes(vnet.address_prefixes) == ["10.240.0.0/16"]
    assert [s.name for s in vnet.subnets] == ["aks-sn", "privatelinks-sn", "appgw-sn"]
    assert [prefixes(s.address_prefixes) for s in vnet.subnets] == [["10.240.0.0/22"], ["10.240.4.192/26"],
                                                                    ["10.240.4.0/26"]]
    for subnet in vnet.subnets:
        check(subnet, nsg_id=unknown("resourceName"))


def test_networkforbyo_with_a_resource_name_links_subnets_to_module_nsgs() -> None:
    model = model_of(BYO, values={"resourceName": "byo"})
    expect_inventory(model, vnets=1, subnets=3, nsgs=3)
    [vnet] = model.vnets
    assert vnet.id == f"{RG}/providers/microsoft.network/virtualnetworks/vnet-byo"
    rules = {}
    for subnet in vnet.subnets:
        assert subnet.id == f"{vnet.id}/subnets/{subnet.name}"
        nsg = model.find(model.nsgs, subnet.nsg_id.value)
        assert nsg is not None and nsg.name == f"nsg-{subnet.name}-byo"
        rules[subnet.name] = sorted(r.name for r in nsg.rules)
    assert rules == {
        "aks-sn": ["Allow_Internet_Http", "Allow_Internet_Https", "DenySshInbound"],
        "privatelinks-sn": [],
        "appgw-sn": ["Allow_AppGatewayManagement", "Allow_AzureLoadBalancer", "Deny_AllInboundInternet"],
    }


def test_lza_aks_with_its_parameters_file() -> None:
    model = model_of(LZA_AKS, LZA_AKS_PARAMETERS)
    expect_inventory(model, clusters=1, role_assignments=3)
    cluster = only_cluster(model)
    cluster_id = f"{RG}/providers/microsoft.containerservice/managedclusters/aks-eslz1"
    check(cluster, name="aks-eslz1", id=cluster_id, api_version="2021-02-01", kubernetes_version="1.19.11",
          identity_type="SystemAssigned", network_plugin="azure", network_policy="azure", network_plugin_mode=None,
          pod_cidr=None, service_cidr="10.240.5.0/26", dns_service_ip="10.240.5.10",
          docker_bridge_cidr="172.17.0.1/16", outbound_type="userDefinedRouting")
    literal = ("/subscriptions/82e70289-bf40-45f9-8476-eab93d2031f4/resourceGroups/aks-eslz-arm/providers/"
               "Microsoft.Network/virtualNetworks/vnet_spoke_arm/subnets/aksClusterSubnet")
    assert [(p.name, p.vnet_subnet_id.value, p.subnet) for p in cluster.pools] == [
        ("systempool", literal, None), ("userpool", literal, None)]  # the VNet is in another template
    # Nested deployments without expressionEvaluationOptions (outer scope) see the outer parameters.
    network = next(a for a in model.role_assignments if str(a.role_definition_id.value).endswith(NETWORK_CONTRIBUTOR))
    assert network.scope == f"{RG}/providers/microsoft.network/virtualnetworks/vnet_spoke_arm"
    principal = network.principal_id.value
    assert isinstance(principal, Unknown) and principal.ref == cluster_id
    assert principal.path == ("identity", "principalid")
    monitoring = next(a for a in model.role_assignments if str(a.role_definition_id.value).endswith("3913510d-42f4-4e42-8a64-420c390055eb"))
    assert monitoring.scope == cluster_id
    acr = next(a for a in model.role_assignments if str(a.role_definition_id.value).endswith(CONTRIBUTOR))
    assert acr.scope == f"{SUB}/resourcegroups/aks-eslz-arm/providers/microsoft.containerregistry/registries/acreslz1"
    assert acr.principal_id.value.ref == cluster_id


def test_lza_aks_without_parameters_file() -> None:
    model = model_of(LZA_AKS)
    expect_inventory(model, clusters=1, role_assignments=3)
    cluster = only_cluster(model)
    check(cluster, name="[parameters('resourceName')]", id=None, kubernetes_version="1.19.11",
          network_plugin=unknown("networkPlugin"), service_cidr=unknown("serviceCidr"),
          dns_service_ip=unknown("dnsServiceIP"), outbound_type="userDefinedRouting")
    for pool in cluster.pools:
        check(pool, vnet_subnet_id=unknown("parameter 'vnetSubnetID' has no default"))


def test_lza_spoke_with_its_parameters_file() -> None:
    model = model_of(LZA_SPOKE, LZA_SPOKE_PARAMETERS)
    expect_inventory(model, vnets=1, subnets=3, route_tables=1)
    [vnet] = model.vnets
    assert vnet.id == f"{RG}/providers/microsoft.network/virtualnetworks/vnet_spoke_arm"
    assert prefixes(vnet.address_prefixes) == ["10.240.0.0/16"]
    assert [(s.name, prefixes(s.address_prefixes)) for s in vnet.subnets] == [
        ("aksClusterSubnet", ["10.240.0.0/22"]), ("privateEndpointSubnet", ["10.240.4.0/28"]),
        ("applicationGatewaySubnet", ["10.240.4.16/28"])]
    table_id = f"{RG}/providers/microsoft.network/routetables/default_to_firewall_arm"
    cluster_subnet = subnet_named(model, "aksClusterSubnet")
    assert model.find(model.route_tables, cluster_subnet.route_table_id.value) is model.route_tables[table_id]
    [route] = model.route_tables[table_id].routes
    check(route, address_prefix="0.0.0.0/0", next_hop_type="VirtualAppliance", next_hop_ip=unknown("reference()"))


def test_lza_spoke_without_parameters_file() -> None:
    model = model_of(LZA_SPOKE)
    expect_inventory(model, vnets=1, subnets=3, route_tables=1)
    [vnet] = model.vnets
    check(vnet.address_prefixes[0], value=unknown("spokeVnetAddressSpace"))
    check(subnet_named(model, "aksClusterSubnet").address_prefixes[0], value=unknown("clusterSubnetPrefix"))


@pytest.mark.parametrize("parameters", [None, PRIVATE_AKS_PARAMETERS])
def test_private_aks_demo_inner_modules_use_outer_values(parameters: str | None) -> None:
    model = model_of(PRIVATE_AKS, parameters)
    expect_inventory(model, clusters=1, vnets=1, subnets=3, nsgs=2)
    cluster = only_cluster(model)
    unique_string_name(cluster.name, "aks-")
    # The outer default 1.21.* is passed in; the inner module's own default 1.19.7 must not be used.
    check(cluster, api_version="2021-02-01", kubernetes_version="1.21.*", network_plugin="azure",
          network_policy="azure", pod_cidr="10.244.0.0/16", service_cidr="10.2.0.0/16",
          dns_service_ip="10.2.0.10", docker_bridge_cidr="172.17.0.1/16", outbound_type=None)
    [vnet] = model.vnets
    assert vnet.name == f"{cluster.name}Vnet"
    [pool] = cluster.pools
    assert pool.name == "nodepool1"
    assert pool.subnet is subnet_named(model, "AksSubnet")
    assert prefixes(pool.subnet.address_prefixes) == ["10.0.0.0/16"]
    assert pool.subnet.nsg_id is None or not pool.subnet.nsg_id.present
    assert model.find(model.nsgs, subnet_named(model, "VmSubnet").nsg_id.value).name == "VmSubnetNsg"


@pytest.mark.parametrize(("parameters", "name"), [(None, "osguardakscluster"), (OS_GUARD_PARAMETERS, "GEN-UNIQUE")])
def test_os_guard_quickstart(parameters: str | None, name: str) -> None:
    model = model_of(OS_GUARD, parameters)
    expect_inventory(model, clusters=1)
    cluster = only_cluster(model)
    check(cluster, name=name, api_version="2025-05-01", identity_type="SystemAssigned", **NO_NETWORK_PROFILE)
    assert [p.name for p in cluster.pools] == ["agentpool"]
    check(cluster.pools[0], vnet_subnet_id=None, os_type="Linux")


@pytest.mark.parametrize(("parameters", "name"), [(None, "aks101cluster"), (QUICKSTART_PARAMETERS_OLD, "GEN-UNIQUE")])
def test_aks_quickstart(parameters: str | None, name: str) -> None:
    # The old parameters file also sets authorizedIPRange, which the template does not declare.
    model = model_of(QUICKSTART, parameters)
    expect_inventory(model, clusters=1)
    cluster = only_cluster(model)
    check(cluster, name=name, api_version="2021-11-01-preview", identity_type="SystemAssigned", **NO_NETWORK_PROFILE)
    assert [p.name for p in cluster.pools] == ["agentpool"]
    check(cluster.pools[0], vnet_subnet_id=None)


def test_avm_ptn_aks_automatic_cluster() -> None:
    model = model_of(AVM_PTN)
    # The DNS-zone role assignments need dnsZoneResourceId (nullable, unset): both conditions are false.
    expect_inventory(model, clusters=1)
    cluster = only_cluster(model)
    check(cluster, name="[parameters('name')]", id=None, api_version="2025-05-02-preview", kubernetes_version="1.33",
          identity_type="SystemAssigned", network_plugin=None, network_plugin_mode=None, network_policy=None,
          pod_cidr=None, service_cidr=None, dns_service_ip=None, outbound_type="managedNATGateway")
    assert [p.name for p in cluster.pools] == ["systempool"]
    check(cluster.pools[0], vnet_subnet_id=None, os_type="Linux")


def test_avm_res_managed_cluster() -> None:
    model = model_of(AVM_RES)
    # Existing clusters in the agent-pool and extension modules are not deployed; roleAssignments and
    # agentPools are nullable and unset, so their copy loops run zero times.
    expect_inventory(model, clusters=1)
    cluster = only_cluster(model)
    check(cluster, name="[parameters('name')]", id=None, api_version="2025-10-01", network_plugin=None,
          network_plugin_mode=None, network_policy=None, pod_cidr=None, service_cidr=None, dns_service_ip=None,
          outbound_type="loadBalancer", kubernetes_version=None)
    assert cluster.pools == []  # primaryAgentPoolProfiles is required and not given


def test_checkov_cluster_with_required_parameters() -> None:
    model = model_of(CHECKOV)
    expect_inventory(model, clusters=1)
    cluster = only_cluster(model)
    # The template declares dnsServiceIp and serviceCIDR and reads dnsServiceIP: names are case-insensitive.
    check(cluster, name="[parameters('aksClusterName')]", api_version="2018-03-31", kubernetes_version="1.13.10",
          network_plugin="azure", service_cidr=unknown("serviceCIDR"), dns_service_ip="172.17.0.10",
          docker_bridge_cidr=unknown("dockerBridgeCIDR"), pod_cidr=None)
    [pool] = cluster.pools
    check(pool, vnet_subnet_id=unknown("vNetId"), os_type="Linux")


def test_aks_agic_with_its_parameters_file() -> None:
    model = model_of(AGIC, AGIC_PARAMETERS)
    expect_inventory(model, clusters=1, vnets=1, subnets=4, nsgs=2, role_assignments=4)
    cluster = only_cluster(model)
    unique_string_name(cluster.name, "aks-")
    cluster_id = f"{RG}/providers/microsoft.containerservice/managedclusters/{cluster.name.lower()}"
    check(cluster, id=cluster_id, api_version="2020-12-01", kubernetes_version="1.20.2", identity_type="UserAssigned",
          network_plugin="azure", network_policy="azure", pod_cidr="10.244.0.0/16", service_cidr="10.3.0.0/16",
          dns_service_ip="10.3.0.10", docker_bridge_cidr="172.17.0.1/16", outbound_type="loadBalancer")
    identity_id = f"{RG}/providers/microsoft.managedidentity/userassignedidentities/{cluster.name.lower()}managedidentity"
    assert cluster.user_assigned_identities == [identity_id]
    aks_subnet = subnet_named(model, "AksSubnet")
    assert [(p.name, p.subnet) for p in cluster.pools] == [("system", aks_subnet), ("user", aks_subnet)]
    assert prefixes(aks_subnet.address_prefixes) == ["10.0.0.0/16"]
    assert {s.name: prefixes(s.address_prefixes) for s in model.vnets[0].subnets} == {
        "AksSubnet": ["10.0.0.0/16"], "VmSubnet": ["10.1.0.0/16"], "AppGatewaySubnet": ["10.2.0.0/24"],
        "AzureBastionSubnet": ["10.2.1.0/24"]}
    assert model.find(model.nsgs, subnet_named(model, "AzureBastionSubnet").nsg_id.value).name == f"{cluster.name}BastionNsg"
    scopes = sorted(str(a.scope) for a in model.role_assignments)
    acr_id = unique_string_name(next(s for s in scopes if "/registries/" in s).rsplit("/", 1)[-1], "acr")
    vault_id = unique_string_name(next(s for s in scopes if "/vaults/" in s).rsplit("/", 1)[-1], "keyvault-")
    assert scopes == sorted([RG, RG, f"{RG}/providers/microsoft.containerregistry/registries/{acr_id}",
                             f"{RG}/providers/microsoft.keyvault/vaults/{vault_id}"])
    contributor = [a for a in model.role_assignments if a.scope == RG]
    principals = sorted((a.principal_id.value.ref, a.principal_id.value.path) for a in contributor)
    # The App Gateway assignment reads the cluster's ingressApplicationGateway.identity.objectId, which
    # the cluster itself declares as reference(<App Gateway identity>).principalId.
    gateway_identity_id = identity_id.replace(f"/{cluster.name.lower()}", f"/appgw-{cluster.name[4:].lower()}")
    assert principals == sorted([(identity_id, ("principalid",)), (gateway_identity_id, ("principalid",))])
    acr_pull = next(a for a in model.role_assignments if "/registries/" in str(a.scope))
    assert acr_pull.principal_id.value.ref == cluster_id  # the kubelet identity: a runtime property


def test_aks_nat_agic_defaults() -> None:
    model = model_of(NAT_AGIC)
    expect_inventory(model, clusters=1, vnets=1, subnets=5, nsgs=1, role_assignments=4)
    cluster = only_cluster(model)
    unique_string_name(cluster.name, "aks-")
    check(cluster, api_version="2022-09-02-preview", kubernetes_version="1.25.2", identity_type="UserAssigned",
          network_plugin="azure", network_policy="azure", pod_cidr="192.168.0.0/16", service_cidr="172.16.0.0/16",
          dns_service_ip="172.16.0.10", docker_bridge_cidr="172.17.0.1/16", outbound_type="userAssignedNATGateway")
    node_subnet, pod_subnet = subnet_named(model, "AksSystemSubnet"), subnet_named(model, "PodSubnet")
    assert [(p.name, p.subnet) for p in cluster.pools] == [("system", node_subnet), ("user", node_subnet)]
    assert all(model.subnet_for(p.pod_subnet_id.value) is pod_subnet for p in cluster.pools)
    nat_id = f"{RG}/providers/microsoft.network/natgateways/{cluster.name.lower()}natgateway"
    assert nat_id in model.nat_gateways
    assert [model.find(model.nat_gateways, s.nat_gateway_id.value) is not None for s in model.vnets[0].subnets] == [
        True, True, True, False, False]
    assert {s.name: prefixes(s.address_prefixes) for s in model.vnets[0].subnets} == {
        "AksSystemSubnet": ["10.0.0.0/16"], "PodSubnet": ["10.1.0.0/16"], "VmSubnet": ["10.2.0.0/24"],
        "ApplicationGatewaySubnet": ["10.2.2.0/24"], "AzureBastionSubnet": ["10.2.1.0/24"]}
    assert all(a.scope == RG for a in model.role_assignments)
