"""The Terraform plan front end: hand-written plans (format 1.2) beside the .tf they come from.

The valid BYOCNI deployment lints clean; each failing variant changes the .tf and the plan the same
way (a plan is what `terraform plan` would make of the changed .tf) and must give its rule on the
.tf line, in Terraform's words. Without the .tf the same finding points into the plan JSON.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from helpers import FIXTURES, lint, lints_clean, of, read_problems
from shared_corpus import CORPUS

VALID = FIXTURES / "terraform" / "byocni"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "byocni"
    shutil.copytree(VALID, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


def _plan(folder: Path) -> dict:
    return json.loads((folder / "plan.json").read_text())


def _save(folder: Path, plan: dict) -> None:
    (folder / "plan.json").write_text(json.dumps(plan, indent=2))


def _resource(plan: dict, address: str) -> dict:
    def walk(module):
        for resource in module.get("resources", []):
            if resource["address"] == address:
                return resource
        for child in module.get("child_modules", []):
            found = walk(child)
            if found:
                return found
    return walk(plan["planned_values"]["root_module"])


def _set(folder: Path, address: str, path: tuple, value, tf_old: str, tf_new: str, tf_file: str = "main.tf") -> None:
    """Change one attribute in the .tf and in the plan's planned values, after and configuration."""
    _edit(folder / tf_file, tf_old, tf_new)
    plan = _plan(folder)
    change = next(c for c in plan["resource_changes"] if c["address"] == address)
    for values in (_resource(plan, address)["values"], change["change"]["after"]):
        target = values
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    unknown = change["change"]["after_unknown"]
    for key in path[:-1]:
        unknown = unknown[key] if isinstance(unknown, (dict, list)) and (isinstance(unknown, list) or key in unknown) else {}
    if isinstance(unknown, dict):
        unknown.pop(path[-1], None)
    expressions = _config_resource(plan, address)["expressions"]
    for key in path[:-1]:
        expressions = expressions[key]
    if value is None:
        expressions.pop(path[-1], None)
    else:
        expressions[path[-1]] = {"constant_value": value}
    _save(folder, plan)


def _config_resource(plan: dict, address: str) -> dict:
    module = plan["configuration"]["root_module"]
    parts = address.split(".")
    local = ".".join(parts[-2:])
    for name in parts[1:-2:2]:  # module.<name>.module.<name>...
        module = module["module_calls"][name]["module"]
    return next(r for r in module["resources"] if r["address"] == local)


def _cluster_profile(folder: Path, key: str, value, tf_line: str) -> None:
    _set(folder, "azurerm_kubernetes_cluster.aks", ("network_profile", 0, key), value,
         '    network_plugin = "none"\n', f'    network_plugin = "none"\n    {tf_line}\n')


def test_valid_byocni_plan_lints_clean_and_is_read():
    run = lints_clean(VALID / "plan.json")
    assert run.findings == []


def test_model_links_subnet_through_module_output():
    from helpers import model_values_of

    models = model_values_of(VALID / "plan.json")
    text = json.dumps(models)
    assert "snet-nodes" in text and "nsg-nodes" in text
    cluster = models[0]["clusters"][0]
    assert "snet-nodes" in json.dumps(cluster)


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_delegated_subnet_found_through_module_output(tmp_path):
    folder = _copy(tmp_path)
    module = folder / "modules" / "network" / "main.tf"
    _edit(module, '  address_prefixes     = ["10.0.1.0/24"]\n',
          '  address_prefixes     = ["10.0.1.0/24"]\n  delegation {\n    name = "aci"\n    service_delegation {\n'
          '      name = "Microsoft.ContainerInstance/containerGroups"\n    }\n  }\n')
    plan = _plan(folder)
    delegation = [{"name": "aci", "service_delegation": [{"name": "Microsoft.ContainerInstance/containerGroups", "actions": None}]}]
    _resource(plan, "module.network.azurerm_subnet.nodes")["values"]["delegation"] = delegation
    _save(folder, plan)
    findings = of(lint(folder / "plan.json").findings, "BYO004")
    assert len(findings) == 1
    assert findings[0].location.path.endswith("modules/network/main.tf")


def test_nsg_rule_blocking_nodes_found_through_association(tmp_path):
    folder = _copy(tmp_path)
    module = folder / "modules" / "network" / "main.tf"
    rule = {"name": "deny-all", "priority": 100, "direction": "Inbound", "access": "Deny", "protocol": "*",
            "source_address_prefix": "*", "source_port_range": "*", "destination_address_prefix": "*",
            "destination_port_range": "*", "description": "", "source_address_prefixes": [],
            "destination_address_prefixes": [], "source_port_ranges": [], "destination_port_ranges": [],
            "source_application_security_group_ids": [], "destination_application_security_group_ids": []}
    _edit(module, '  resource_group_name = var.resource_group_name\n}\n\nresource "azurerm_subnet_network',
          '  resource_group_name = var.resource_group_name\n  security_rule {\n    name = "deny-all"\n    priority = 100\n'
          '    direction = "Inbound"\n    access = "Deny"\n    protocol = "*"\n    source_address_prefix = "*"\n'
          '    source_port_range = "*"\n    destination_address_prefix = "*"\n    destination_port_range = "*"\n  }\n}\n\n'
          'resource "azurerm_subnet_network')
    plan = _plan(folder)
    _resource(plan, "module.network.azurerm_network_security_group.nodes")["values"]["security_rule"] = [rule]
    for change in plan["resource_changes"]:
        if change["address"] == "module.network.azurerm_network_security_group.nodes":
            change["change"]["after_unknown"].pop("security_rule")
    for resource in plan["configuration"]["root_module"]["module_calls"]["network"]["module"]["resources"]:
        if resource["address"] == "azurerm_network_security_group.nodes":
            resource["expressions"]["security_rule"] = {"constant_value": [rule]}
    _save(folder, plan)
    findings = of(lint(folder / "plan.json").findings, "BYO005")
    assert findings and all(f.location.path.endswith("modules/network/main.tf") for f in findings)


def test_role_without_join_action_fails_byo006(tmp_path):
    folder = _copy(tmp_path)
    _set(folder, "azurerm_role_assignment.subnet", ("role_definition_name",), "Reader",
         'role_definition_name = "Network Contributor"', 'role_definition_name = "Reader"')
    findings = of(lint(folder / "plan.json").findings, "BYO006")
    assert len(findings) == 1 and findings[0].severity.label == "error"


def test_missing_assignment_fails_byo006(tmp_path):
    folder = _copy(tmp_path)
    text = (folder / "main.tf").read_text()
    (folder / "main.tf").write_text(text[:text.index('resource "azurerm_role_assignment"')])
    plan = _plan(folder)
    plan["planned_values"]["root_module"]["resources"] = [
        r for r in plan["planned_values"]["root_module"]["resources"] if r["type"] != "azurerm_role_assignment"]
    plan["resource_changes"] = [c for c in plan["resource_changes"] if c["type"] != "azurerm_role_assignment"]
    plan["configuration"]["root_module"]["resources"] = [
        r for r in plan["configuration"]["root_module"]["resources"] if r["type"] != "azurerm_role_assignment"]
    _save(folder, plan)
    assert of(lint(folder / "plan.json").findings, "BYO006")


@pytest.mark.parametrize("rule, key, value, tf_line", [
    ("BYO003", "service_cidr", "169.254.0.0/16", None),
    ("BYO008", "network_policy", "calico", 'network_policy = "calico"'),
    ("BYO012", "docker_bridge_cidr", "172.17.0.1/16", 'docker_bridge_cidr = "172.17.0.1/16"'),
    ("BYO007", "outbound_type", "userDefinedRouting", 'outbound_type = "userDefinedRouting"'),
])
def test_network_profile_variants(tmp_path, rule, key, value, tf_line):
    folder = _copy(tmp_path)
    if tf_line is None:
        _set(folder, "azurerm_kubernetes_cluster.aks", ("network_profile", 0, key), value,
             'service_cidr   = "10.100.0.0/16"', f'service_cidr   = "{value}"')
        _set(folder, "azurerm_kubernetes_cluster.aks", ("network_profile", 0, "dns_service_ip"), "169.254.0.10",
             'dns_service_ip = "10.100.0.10"', 'dns_service_ip = "169.254.0.10"')
    else:
        _cluster_profile(folder, key, value, tf_line)
    findings = of(lint(folder / "plan.json").findings, rule)
    assert findings, rule
    assert all(f.location.path.endswith(".tf") for f in findings)
    if rule != "BYO007":  # BYO007 points at the subnet that lacks a route table
        line = _line_of(folder / "main.tf", value)
        assert any(f.location.path.endswith("main.tf") and f.location.span.line == line for f in findings)
    assert read_problems(lint(folder / "plan.json")) == []


def test_messages_use_terraform_names(tmp_path):
    folder = _copy(tmp_path)
    _cluster_profile(folder, "network_policy", "calico", 'network_policy = "calico"')
    _set(folder, "azurerm_kubernetes_cluster.aks", ("network_profile", 0, "dns_service_ip"), "10.200.0.10",
         'dns_service_ip = "10.100.0.10"', 'dns_service_ip = "10.200.0.10"')
    (finding,) = of(lint(folder / "plan.json").findings, "BYO009")
    assert "network_profile.dns_service_ip" in finding.message and "network_profile.service_cidr" in finding.message


def test_pod_cidr_missing_byo010(tmp_path):
    folder = _copy(tmp_path)
    _set(folder, "azurerm_kubernetes_cluster.aks", ("network_profile", 0, "pod_cidr"), None,
         '    pod_cidr       = "192.168.0.0/16"\n', '')
    assert of(lint(folder / "plan.json").findings, "BYO010")


def test_kubernetes_version_end_of_life_byo011(tmp_path):
    folder = _copy(tmp_path)
    _set(folder, "azurerm_kubernetes_cluster.aks", ("kubernetes_version",), "1.27",
         'kubernetes_version  = "1.35"', 'kubernetes_version  = "1.27"')
    (finding,) = of(lint(folder / "plan.json").findings, "BYO011")
    assert finding.location.span.line == _line_of(folder / "main.tf", '"1.27"')


def test_subnet_overlapping_service_range_byo009(tmp_path):
    folder = _copy(tmp_path)
    module = folder / "modules" / "network" / "main.tf"
    _edit(folder / "main.tf", 'address_space       = ["10.0.0.0/16"]', 'address_space       = ["10.0.0.0/16", "10.100.0.0/16"]')
    _edit(module, '["10.0.1.0/24"]', '["10.100.1.0/24"]')
    plan = _plan(folder)
    _resource(plan, "module.network.azurerm_subnet.nodes")["values"]["address_prefixes"] = ["10.100.1.0/24"]
    _resource(plan, "azurerm_virtual_network.vnet")["values"]["address_space"] = ["10.0.0.0/16", "10.100.0.0/16"]
    _save(folder, plan)
    findings = of(lint(folder / "plan.json").findings, "BYO009")
    assert findings and all(f.location.path.endswith(".tf") for f in findings)
    assert any("network_profile.service_cidr" in f.message for f in findings)


def test_provider_too_old_byo001_at_lock_file(tmp_path):
    folder = _copy(tmp_path)
    (folder / ".terraform.lock.hcl").write_text(
        '# This file is maintained automatically by "terraform init".\n\n'
        'provider "registry.terraform.io/hashicorp/azurerm" {\n  version     = "3.5.0"\n  constraints = ">= 3.0.0"\n'
        '  hashes = [\n    "h1:0000",\n  ]\n}\n')
    (finding,) = of(lint(folder / "plan.json").findings, "BYO001")
    assert finding.location.path.endswith(".terraform.lock.hcl") and finding.location.span.line == 4
    assert "3.6.0" in finding.message


def test_required_providers_allowing_only_older_byo001(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder / "main.tf", 'version = ">= 3.6.0"', 'version = "~> 3.5.0"')
    (finding,) = of(lint(folder / "plan.json").findings, "BYO001")
    assert finding.location.span.line == _line_of(folder / "main.tf", "~> 3.5.0")


def test_without_tf_files_findings_point_into_the_plan(tmp_path):
    folder = _copy(tmp_path)
    _cluster_profile(folder, "network_policy", "calico", 'network_policy = "calico"')
    plan_only = tmp_path / "only"
    plan_only.mkdir()
    shutil.copy(folder / "plan.json", plan_only / "plan.json")
    (finding,) = of(lint(plan_only / "plan.json").findings, "BYO008")
    assert finding.location.path.endswith("plan.json")
    text = (plan_only / "plan.json").read_text().splitlines()
    assert '"calico"' in text[finding.location.span.line - 1]


def test_known_after_apply_is_at_most_a_note(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder / "main.tf", 'pod_cidr       = "192.168.0.0/16"', 'pod_cidr       = random_pet.cidr.id')
    plan = _plan(folder)
    for change in plan["resource_changes"]:
        if change["address"] == "azurerm_kubernetes_cluster.aks":
            change["change"]["after"]["network_profile"][0].pop("pod_cidr")
            change["change"]["after_unknown"]["network_profile"][0]["pod_cidr"] = True
    _resource(plan, "azurerm_kubernetes_cluster.aks")["values"]["network_profile"][0].pop("pod_cidr")
    plan["configuration"]["root_module"]["resources"][2]["expressions"]["network_profile"][0]["pod_cidr"] = {
        "references": ["random_pet.cidr.id", "random_pet.cidr"]}
    _save(folder, plan)
    run = lint(folder / "plan.json")
    assert read_problems(run) == []
    assert all(f.severity.label == "note" for f in run.findings)
    assert any("known after apply" in f.message for f in run.findings)


def test_deleted_resources_are_ignored(tmp_path):
    folder = _copy(tmp_path)
    plan = _plan(folder)
    for change in plan["resource_changes"]:
        if change["address"] == "azurerm_role_assignment.subnet":
            change["change"]["actions"] = ["delete"]
    _save(folder, plan)
    assert of(lint(folder / "plan.json").findings, "BYO006")


def test_plan_matches_its_tf_sources():
    """Every planned resource address has its block in the .tf the plan claims to come from."""
    from byocni_lint.frontends.terraform.hcl import parse

    plan = _plan(VALID)
    declared = set()
    for path in VALID.rglob("*.tf"):
        module = "" if path.parent == VALID else "module.network."
        for block in parse(path.read_text(), str(path)).body.blocks:
            if block.type == "resource":
                declared.add(module + ".".join(block.labels))
    planned = {re.sub(r"\[[^\]]*\]", "", c["address"]) for c in plan["resource_changes"]}
    assert planned == declared


def test_corpus_plans_load_clean():
    folder = CORPUS / "tfplan"
    if not folder.is_dir():
        pytest.skip("../shared/corpus/tfplan is not available")
    plans = sorted(folder.glob("*.json"))
    run = lint(*plans)
    assert read_problems(run) == [] and run.internal_errors == []
    assert run.files_linted == len(plans) == 2
    assert run.findings == []


def test_broken_plan_is_a_finding(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text('{"format_version": "1.2", "terraform_version": "1.6.0", "planned_values": {')
    run = lint(path)
    assert [f.rule_id for f in run.findings] == ["BYO900"] and run.internal_errors == []


def _comparable(models: list[dict]) -> list[dict]:
    """Model values minus what only the format decides: the provider pin (Terraform only), role assignment
    names (a GUID from `guid()` in ARM, a stand-in in a plan) and the wording of unknown principals."""
    for model in models:
        for cluster in model["clusters"]:
            cluster.pop("provider_version", None)
            cluster.pop("api_version", None)
        for assignment in model["role_assignments"]:
            assignment.pop("id"), assignment.pop("name")
            assignment["principal_id"] = "unknown" if "unknown" in assignment["principal_id"] else assignment["principal_id"]
    return json.loads(json.dumps(models).lower())


def test_plan_and_arm_give_the_same_model():
    from helpers import model_values_of

    arm = model_values_of(FIXTURES / "terraform" / "equivalence" / "byocni.arm.json")
    plan = model_values_of(VALID / "plan.json")
    assert arm[0]["clusters"] and arm[0]["subnets"] and arm[0]["role_assignments"]
    assert _comparable(plan) == _comparable(arm)


def test_indexed_instances_link_by_their_key(tmp_path):
    """`azurerm_subnet.nodes[1].id` in the configuration links the pool to that instance only."""
    def subnet(index, delegated):
        return {"address": f"azurerm_subnet.nodes[{index}]", "mode": "managed", "type": "azurerm_subnet", "name": "nodes",
                "index": index, "values": {"name": f"snet-{index}", "resource_group_name": "rg", "virtual_network_name": "vnet",
                                           "address_prefixes": [f"10.0.{index}.0/24"],
                                           "delegation": [{"name": "d", "service_delegation": [{"name": "Microsoft.Web/serverFarms"}]}] if delegated else []}}
    cluster = {"address": "azurerm_kubernetes_cluster.aks", "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "aks",
               "values": {"name": "aks", "resource_group_name": "rg", "default_node_pool": [{"name": "system"}],
                          "network_profile": [{"network_plugin": "none", "pod_cidr": "192.168.0.0/16"}]}}
    changes = [{"address": r["address"], "type": r["type"], "change": {"actions": ["create"], "after": r["values"],
                "after_unknown": {"id": True, **({"default_node_pool": [{"vnet_subnet_id": True}]} if r is cluster else {})}}}
               for r in (subnet(0, True), subnet(1, False), cluster)]
    config = {"root_module": {"resources": [
        {"address": "azurerm_subnet.nodes", "type": "azurerm_subnet", "name": "nodes", "count_expression": {"constant_value": 2},
         "expressions": {"name": {"references": ["count.index"]}}},
        {"address": "azurerm_kubernetes_cluster.aks", "type": "azurerm_kubernetes_cluster", "name": "aks",
         "expressions": {"default_node_pool": [{"vnet_subnet_id": {"references": ["azurerm_subnet.nodes[1].id", "azurerm_subnet.nodes[1]", "azurerm_subnet.nodes"]}}]}}]}}
    plan = {"format_version": "1.2", "terraform_version": "1.6.6",
            "planned_values": {"root_module": {"resources": [subnet(0, True), subnet(1, False), cluster]}},
            "resource_changes": changes, "configuration": config}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan, indent=1))
    from helpers import model_values_of

    (model,) = model_values_of(path)
    assert model["clusters"][0]["pools"][0]["subnet"].endswith("/subnets/snet-1")
    assert of(lint(path).findings, "BYO004") == []
    config["root_module"]["resources"][1]["expressions"]["default_node_pool"][0]["vnet_subnet_id"]["references"][0] = "azurerm_subnet.nodes[0].id"
    path.write_text(json.dumps(plan, indent=1))
    assert of(lint(path).findings, "BYO004")
