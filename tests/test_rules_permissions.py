"""BYO006 missing-subnet-permissions end to end: role assignments, roles, scopes and principals.

Each fixture in fixtures/permissions is a small template with a BYOCNI cluster whose pool names
`vnet1/nodes`, the VNet declaring that subnet (and `other`), and the role assignments under test.
Expected verdicts come from Azure's RBAC rules (aks-facts 7): Network Contributor, Contributor and
a `subnets/*` custom role grant both actions; Reader grants only `subnets/read`; NotActions cancel
within their own role only. Positions are computed from the fixture text.
"""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from byocni_lint.engine import Options, lint_paths
from byocni_lint.findings import Finding, Severity
from byocni_lint.report import RunResult, render
from shared_corpus import CORPUS as SHARED_CORPUS, corpus_file

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures" / "permissions"
CORPUS = SHARED_CORPUS / "arm"
TODAY = date(2026, 11, 28)
JOIN = "Microsoft.Network/virtualNetworks/subnets/join/action"
READ = "Microsoft.Network/virtualNetworks/subnets/read"
ASSIGN = "Microsoft.Authorization/roleAssignments/write"
NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"


def lint(path: Path | str, parameters: Path | None = None) -> list[Finding]:
    options = Options(select=("BYO006", "BYO901"), today=TODAY, parameters=str(parameters) if parameters else None)
    return lint_paths([str(path)], options).findings


def byo006(findings: list[Finding]) -> list[Finding]:
    """BYO006's own findings and the BYO901 notes it raised."""
    return [f for f in findings if f.rule_id == "BYO006" or (f.rule_id == "BYO901" and "BYO006" in f.message)]


def the_one(findings: list[Finding]) -> Finding:
    mine = byo006(findings)
    assert len(mine) == 1, [(f.rule_id, f.severity, f.message) for f in mine]
    return mine[0]


def position(path: Path, needle: str, value: str) -> tuple[int, int]:
    """Line and column of `value` inside the one occurrence of `needle` in the file."""
    text = path.read_text(encoding="utf-8")
    assert text.count(needle) == 1, f"{needle!r} occurs {text.count(needle)} times in {path.name}"
    index = text.index(needle) + needle.index(value)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def at(finding: Finding) -> tuple[int, int]:
    span = finding.location.span
    assert span is not None
    return span.line, span.column


def variant(tmp_path: Path, fixture: str, edit) -> Path:
    """A copy of a fixture changed by `edit(template)`, for cases that differ in one property."""
    template = json.loads((FIXTURES / fixture).read_text())
    edit(template)
    path = tmp_path / fixture
    path.write_text(json.dumps(template, indent=2))
    return path


def resources(template: dict, kind: str) -> list[dict]:
    return [r for r in template["resources"] if r["type"].lower() == kind.lower()]


def cluster_of(template: dict) -> dict:
    (cluster,) = resources(template, "Microsoft.ContainerService/managedClusters")
    return cluster


# ----- passing -----

@pytest.mark.parametrize("fixture", [
    "nc_guid_subnet_scope.json",  # Network Contributor by GUID, scope: the subnet (relative format())
    "contributor_rg_scope.json",  # Contributor, properties.scope: resourceGroup().id, roleDefinitionId by concat()
    "system_identity_full_reference.json",  # reference(cluster, api, 'full').identity.principalId, full subnet ID
    "user_assigned_identity.json",  # reference(uami).principalId, uami the cluster's userAssignedIdentities key
    "legacy_vnet_providers_role_assignment.json",  # virtualNetworks/providers/roleAssignments named vnet1/...
    "exported_literal_principal.json",  # the principal ID written in the cluster's identity, reused literally
    "managed_vnet_no_assignment.json",  # no vnetSubnetID: AKS manages the VNet, no grant needed
])
def test_granted_or_not_needed(fixture: str) -> None:
    assert byo006(lint(FIXTURES / fixture)) == []


@pytest.mark.parametrize("fixture", [
    "custom_subnets_wildcard_vnet_scope.json",  # custom Microsoft.Network/virtualNetworks/subnets/* at VNet scope
    "union_of_two_roles.json",  # a custom join-only role and Reader (subnets/read): the union grants both
])
def test_custom_role_grants_and_gets_the_advisory_note(fixture: str) -> None:
    path = FIXTURES / fixture
    finding = the_one(lint(path))
    assert (finding.rule_id, finding.severity) == ("BYO006", Severity.NOTE)
    assert ASSIGN in finding.message and "custom role" in finding.message
    assert at(finding) == position(path, '"roleDefinitionId": "[resourceId(', '"[')


def test_a_custom_role_with_roleassignments_write_gets_no_advisory_note(tmp_path: Path) -> None:
    def add_write(template: dict) -> None:
        (role,) = resources(template, "Microsoft.Authorization/roleDefinitions")
        role["properties"]["permissions"][0]["actions"].append(ASSIGN)

    assert byo006(lint(variant(tmp_path, "custom_subnets_wildcard_vnet_scope.json", add_write))) == []


# ----- failing -----

def missing_in(message: str) -> str:
    match = re.search(r"does not grant (.*?)$", message) or re.search(r"lacks (.*?) there", message)
    assert match, message
    return match.group(1)


@pytest.mark.parametrize(("fixture", "role", "missing"), [
    ("custom_network_star_notactions.json", "network-but-no-join", JOIN),  # Microsoft.Network/* minus join
    ("reader_only.json", "Reader", JOIN),  # Reader's */read does grant subnets/read
])
def test_wrong_role_on_the_subnet_is_an_error_at_its_roledefinitionid(fixture: str, role: str, missing: str) -> None:
    path = FIXTURES / fixture
    finding = the_one(lint(path))
    assert (finding.rule_id, finding.severity) == ("BYO006", Severity.ERROR)
    assert f"holds {role} on a scope covering node subnet vnet1/nodes" in finding.message
    assert missing_in(finding.message) == missing
    assert NETWORK_CONTRIBUTOR in finding.fix
    assert finding.property == "properties.roleDefinitionId"
    needle = '"roleDefinitionId": "[subscriptionResourceId(' if role == "Reader" else '"roleDefinitionId": "[resourceId('
    assert at(finding) == position(path, needle, '"[')


def test_network_contributor_on_another_subnet_is_an_error_at_the_cluster_identity() -> None:
    path = FIXTURES / "nc_other_subnet.json"
    finding = the_one(lint(path))
    assert (finding.rule_id, finding.severity) == ("BYO006", Severity.ERROR)
    assert "Network Contributor on microsoft.network/virtualnetworks/vnet1/subnets/other" in finding.message
    assert missing_in(finding.message) == f"{JOIN} and {READ}"
    assert at(finding) == position(path, '"type": "SystemAssigned"', '"SystemAssigned"')


def test_notactions_do_not_cancel_another_roles_grant(tmp_path: Path) -> None:
    def add_network_contributor(template: dict) -> None:
        (assignment,) = resources(template, "Microsoft.Authorization/roleAssignments")
        second = json.loads(json.dumps(assignment))
        second["name"] = "[guid(resourceGroup().id, 'aks1', 'network-contributor')]"
        second["properties"]["roleDefinitionId"] = \
            f"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{NETWORK_CONTRIBUTOR}')]"
        template["resources"].append(second)

    assert byo006(lint(variant(tmp_path, "custom_network_star_notactions.json", add_network_contributor))) == []


def test_a_conditional_cluster_caps_the_error_at_warning(tmp_path: Path) -> None:
    def conditional_cluster(template: dict) -> None:
        template["parameters"]["deployCluster"] = {"type": "bool"}
        cluster_of(template)["condition"] = "[parameters('deployCluster')]"

    finding = the_one(lint(variant(tmp_path, "nc_other_subnet.json", conditional_cluster)))
    assert finding.severity is Severity.WARNING and finding.message.startswith("if deployed,")


# ----- warnings: nothing in the files for the cluster identity -----

@pytest.mark.parametrize("fixture", [
    "nc_other_principal.json",  # Network Contributor to another user-assigned identity
    "kubelet_identity_only.json",  # to identityProfile.kubeletidentity.objectId: not the cluster identity
])
def test_no_assignment_for_the_cluster_identity_warns_with_the_fix(fixture: str) -> None:
    path = FIXTURES / fixture
    finding = the_one(lint(path))
    assert (finding.rule_id, finding.severity) == ("BYO006", Severity.WARNING)
    assert "assign no role to the system-assigned identity of managedClusters/aks1" in finding.message
    assert "may be granted outside these files" in finding.message
    assert f"Network Contributor ({NETWORK_CONTRIBUTOR}) on the subnet" in finding.fix
    assert ".identity.principalId" in finding.fix
    assert finding.property == "identity.type"
    assert at(finding) == position(path, '"type": "SystemAssigned"', '"SystemAssigned"')


def test_unrelated_roles_of_the_cluster_identity_warn_rather_than_fail(tmp_path: Path) -> None:
    def acr_pull_on_the_group(template: dict) -> None:
        (assignment,) = resources(template, "Microsoft.Authorization/roleAssignments")
        assignment["properties"]["roleDefinitionId"] = \
            "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')]"
        assignment["scope"] = "[format('Microsoft.ContainerRegistry/registries/{0}', 'acr1')]"

    finding = the_one(lint(variant(tmp_path, "nc_guid_subnet_scope.json", acr_pull_on_the_group)))
    assert finding.severity is Severity.WARNING
    assert "give the system-assigned identity of managedClusters/aks1 only AcrPull, which does not grant" \
        in finding.message


def test_a_user_assigned_cluster_names_its_identity_in_the_fix(tmp_path: Path) -> None:
    def to_the_kubelet(template: dict) -> None:
        (assignment,) = resources(template, "Microsoft.Authorization/roleAssignments")
        assignment["properties"]["principalId"] = (
            "[reference(resourceId('Microsoft.ContainerService/managedClusters', variables('clusterName')), "
            "'2025-10-01').identityProfile.kubeletidentity.objectId]")

    finding = the_one(lint(variant(tmp_path, "user_assigned_identity.json", to_the_kubelet)))
    assert finding.severity is Severity.WARNING
    assert "user-assigned identity aks1-identity of managedClusters/aks1" in finding.message
    assert "reference(<identity>).principalId" in finding.fix


def test_a_cluster_without_a_subnet_grant_in_a_non_byocni_cluster_is_not_checked(tmp_path: Path) -> None:
    def azure_cni(template: dict) -> None:
        cluster_of(template)["properties"]["networkProfile"]["networkPlugin"] = "azure"

    assert byo006(lint(variant(tmp_path, "reader_only.json", azure_cni))) == []


# ----- unknown: BYO901 notes, never errors -----

@pytest.mark.parametrize(("fixture", "part", "reason"), [
    ("conditional_assignment.json", "condition", "parameter 'grantSubnetRole' has no default"),
    ("principal_parameter.json", "principalId", "parameter 'clusterPrincipalId' has no default"),
    ("unknown_role_guid.json", "role", "is not a built-in role byocni-lint knows"),
])
def test_an_unknown_that_decides_is_a_note(fixture: str, part: str, reason: str) -> None:
    finding = the_one(lint(FIXTURES / fixture))
    assert (finding.rule_id, finding.severity) == ("BYO901", Severity.NOTE)
    assert finding.message.startswith("BYO006 could not check whether node subnet vnet1/nodes is granted")
    assert f"by the {part} of roleAssignments/" in finding.message and reason in finding.message


def test_an_unknown_that_does_not_decide_is_not_reported(tmp_path: Path) -> None:
    def add_unknown_reader(template: dict) -> None:
        template["parameters"]["someone"] = {"type": "string"}
        template["resources"].append({
            "type": "Microsoft.Authorization/roleAssignments", "apiVersion": "2022-04-01",
            "name": "[guid(resourceGroup().id, 'someone')]",
            "properties": {"principalId": "[parameters('someone')]", "roleDefinitionId":
                           "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')]"},
        })

    # Reader to an unknown principal cannot supply join/action, so the verdict stays an error.
    finding = the_one(lint(variant(tmp_path, "reader_only.json", add_unknown_reader)))
    assert (finding.rule_id, finding.severity) == ("BYO006", Severity.ERROR)


def test_a_placeholder_against_a_concrete_scope_is_unknown(tmp_path: Path) -> None:
    def concrete_scope(template: dict) -> None:
        (assignment,) = resources(template, "Microsoft.Authorization/roleAssignments")
        assignment["scope"] = ("/subscriptions/82e70289-bf40-45f9-8476-eab93d2031f4/resourceGroups/aks-rg/providers/"
                               "Microsoft.Network/virtualNetworks/vnet1/subnets/nodes")

    finding = the_one(lint(variant(tmp_path, "nc_guid_subnet_scope.json", concrete_scope)))
    assert finding.rule_id == "BYO901" and "by the scope of" in finding.message


def test_an_unknown_subnet_id_is_a_note(tmp_path: Path) -> None:
    def subnet_parameter(template: dict) -> None:
        template["parameters"]["subnetId"] = {"type": "string"}
        cluster_of(template)["properties"]["agentPoolProfiles"][0]["vnetSubnetID"] = "[parameters('subnetId')]"

    finding = the_one(lint(variant(tmp_path, "reader_only.json", subnet_parameter)))
    assert finding.rule_id == "BYO901" and "vnetSubnetID of pool system" in finding.message


def test_a_subnet_outside_the_files_is_matched_by_its_id(tmp_path: Path) -> None:
    """No VNet in the files: the pool's vnetSubnetID string is compared with the scopes."""
    def external_subnet(template: dict) -> None:
        template["resources"] = [r for r in template["resources"] if r["type"] != "Microsoft.Network/virtualNetworks"]
        del cluster_of(template)["dependsOn"]

    assert byo006(lint(variant(tmp_path, "nc_guid_subnet_scope.json", external_subnet))) == []
    finding = the_one(lint(variant(tmp_path, "reader_only.json", external_subnet)))
    assert finding.severity is Severity.ERROR and "node subnet vnet1/nodes" in finding.message


# ----- reports -----

def test_sarif_of_a_failing_run_is_valid(assert_valid_sarif) -> None:
    run = lint_paths([str(FIXTURES / "reader_only.json")], Options(select=("BYO006",), today=TODAY))
    log = assert_valid_sarif(render("sarif", RunResult(run.findings, run.rules, run.files_linted), base_dir=REPO))
    (result,) = log["runs"][0]["results"]
    assert (result["ruleId"], result["level"]) == ("BYO006", "error")
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == \
        position(FIXTURES / "reader_only.json", '"roleDefinitionId": "[subscriptionResourceId(', '"[')[0]


def test_the_cli_exits_non_zero_on_the_error() -> None:
    from run_cli import invoke

    result = invoke([FIXTURES / "reader_only.json", "--today", "2026-11-28", "--select", "BYO006"])
    assert result.exit_code != 0 and "BYO006" in result.output


# ----- real templates (../shared/corpus), skipped when absent -----

LZA = "Azure__AKS-Landing-Zone-Accelerator__Scenarios__AKS-Secure-Baseline-PrivateCluster__ARM__AKS-Deployment__aks-eslz-aks"


def corpus(name: str) -> Path:
    return corpus_file(f"arm/{name}")


def as_byocni(tmp_path: Path, parameters: Path | None, plugin_parameter: str) -> Path:
    """The template's own parameters file, with the network plugin set to `none`."""
    data = json.loads(parameters.read_text()) if parameters else {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
        "contentVersion": "1.0.0.0", "parameters": {}}
    data["parameters"][plugin_parameter] = {"value": "none"}
    data["parameters"].pop("networkPolicy", None)
    path = tmp_path / "byocni.parameters.json"
    path.write_text(json.dumps(data))
    return path


def test_corpus_lza_as_written_is_not_byocni_so_nothing_is_reported() -> None:
    template = corpus(f"{LZA}.template.json")
    assert byo006(lint(template, corpus(f"{LZA}.parameters.json"))) == []


def test_corpus_lza_as_byocni_does_not_fail(tmp_path: Path) -> None:
    """LZA grants Network Contributor to `reference(cluster, api, 'Full').identity.principalId` on the
    VNet through the legacy `virtualNetworks/providers/roleAssignments` form, in a nested deployment to
    `resourceGroup().name`, while the subnet ID comes with a concrete subscription and group: whether
    that group is the subnet's is not in the files, so the verdict is a note, never a failure."""
    template = corpus(f"{LZA}.template.json")
    findings = byo006(lint(template, as_byocni(tmp_path, corpus(f"{LZA}.parameters.json"), "networkPlugin")))
    assert [(f.rule_id, f.severity) for f in findings] == [("BYO901", Severity.NOTE)]
    assert "system-assigned identity of managedClusters/aks-eslz1" in findings[0].message
    text = template.read_text()
    written = text.index('"type": "Microsoft.Network/virtualNetworks/providers/roleAssignments"')
    assert at(findings[0])[0] == text.count("\n", 0, written)  # the resource's `{`, the line above its type


def test_corpus_networkforbyo_declares_no_cluster_so_nothing_is_reported() -> None:
    assert byo006(lint(corpus("Azure__AKS-Construction__samples__networkforbyo.json"))) == []


@pytest.mark.parametrize(("name", "parameters"), [
    ("paolosalvatori__aks-agic__templates__azuredeploy", "azuredeploy.parameters.json"),
    ("paolosalvatori__aks-nat-agic__templates__azuredeploy", "azuredeploy.public.parameters.json"),
])
def test_corpus_contributor_on_the_group_for_the_user_assigned_identity_passes(tmp_path: Path, name: str,
                                                                               parameters: str) -> None:
    """paolosalvatori's templates give the cluster's user-assigned identity (an expression as the
    `userAssignedIdentities` key) Contributor with `properties.scope: resourceGroup().id`."""
    template = corpus(f"{name}.json")
    own = corpus(name.replace("azuredeploy", parameters.removesuffix(".json")) + ".json")
    byocni = as_byocni(tmp_path, own, "aksClusterNetworkPlugin")
    assert byo006(lint(template, byocni)) == []
    # The pass comes from that grant: without it the same run warns (the file's other assignments go to
    # the kubelet identity, the AGIC add-on's identity and a pod identity).
    stripped = json.loads(template.read_text())
    stripped["resources"] = [r for r in stripped["resources"]
                             if "aksClusterUserDefinedManagedIdentityName" not in json.dumps(r.get("properties", {}))
                             or r["type"] != "Microsoft.Authorization/roleAssignments"]
    assert len(stripped["resources"]) == len(json.loads(template.read_text())["resources"]) - 1
    copy = tmp_path / "stripped.json"
    copy.write_text(json.dumps(stripped))
    finding = the_one(lint(copy, byocni))
    assert finding.severity is Severity.WARNING and "user-assigned identity" in finding.message


def test_corpus_private_cluster_without_grants_warns(tmp_path: Path) -> None:
    """The quickstart's private cluster uses its own VNet and assigns no role: as BYOCNI it warns."""
    name = "Azure__azure-quickstart-templates__demos__private-aks-cluster__azuredeploy"
    template = corpus(f"{name}.json")
    finding = the_one(lint(template, as_byocni(tmp_path, corpus(f"{name}.parameters.json"),
                                                "aksClusterNetworkPlugin")))
    assert (finding.rule_id, finding.severity) == ("BYO006", Severity.WARNING)
    assert "no role to the system-assigned identity" in finding.message


def test_no_corpus_template_fails_byo006() -> None:
    if not CORPUS.exists():
        pytest.skip(f"{CORPUS} is not available")
    run = lint_paths([str(CORPUS.parent)], Options(select=("BYO006",), today=TODAY))
    assert [f for f in run.findings if f.severity is Severity.ERROR] == []
