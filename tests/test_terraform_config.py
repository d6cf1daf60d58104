"""Terraform configurations without a plan: the .tf folder evaluated statically, same rules, same model.

Parity: each plan variant of test_terraform_plan, linted from its .tf alone, gives the same findings
(rule, file, line). No exceptions are listed: no variant depends on a value known only after apply.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import lint, lints_clean, model_values_of, of, read_problems
from shared_corpus import CORPUS
import test_terraform_plan as plans


def _config_only(folder: Path) -> Path:
    (folder / "plan.json").unlink()
    return folder / "main.tf"


def _judgements(run) -> set:
    return {(f.rule_id, Path(f.location.path).name, f.location.span.line if f.location.span else None)
            for f in run.findings if f.rule_id != "BYO901"}


def test_valid_configuration_lints_clean_and_links_the_module_subnet(tmp_path):
    main = _config_only(plans._copy(tmp_path))
    run = lints_clean(main)
    assert run.findings == []
    (model,) = model_values_of(main)
    (cluster,) = model["clusters"]
    assert cluster["pools"][0]["subnet"].endswith("/subnets/snet-nodes")
    assert model["role_assignments"] and model["subnets"][0]["nsg_id"]


def _policy(folder):
    plans._cluster_profile(folder, "network_policy", "calico", 'network_policy = "calico"')


def _reader(folder):
    plans._set(folder, "azurerm_role_assignment.subnet", ("role_definition_name",), "Reader",
               'role_definition_name = "Network Contributor"', 'role_definition_name = "Reader"')


def _old_kubernetes(folder):
    plans._set(folder, "azurerm_kubernetes_cluster.aks", ("kubernetes_version",), "1.27",
               'kubernetes_version  = "1.35"', 'kubernetes_version  = "1.27"')


def _old_provider(folder):
    plans._edit(folder / "main.tf", 'version = ">= 3.6.0"', 'version = "~> 3.5.0"')


def _docker_bridge(folder):
    plans._cluster_profile(folder, "docker_bridge_cidr", "172.17.0.1/16", 'docker_bridge_cidr = "172.17.0.1/16"')


def _no_pod_cidr(folder):
    plans._set(folder, "azurerm_kubernetes_cluster.aks", ("network_profile", 0, "pod_cidr"), None,
               '    pod_cidr       = "192.168.0.0/16"\n', '')


@pytest.mark.parametrize("variant", [_policy, _reader, _old_kubernetes, _old_provider, _docker_bridge, _no_pod_cidr])
def test_configuration_alone_judges_like_the_plan(tmp_path, variant):
    folder = plans._copy(tmp_path)
    variant(folder)
    from_plan = _judgements(lint(folder / "plan.json"))
    assert from_plan
    from_config = _judgements(lint(_config_only(folder)))
    assert from_config == from_plan


def _write(folder: Path, text: str, name: str = "main.tf") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)
    return folder / name


CLUSTER = '''
resource "azurerm_kubernetes_cluster" "aks" {
  name                = "aks"
  location            = "westeurope"
  resource_group_name = "rg"
  dns_prefix          = "aks"
  default_node_pool {
    name           = "system"
    vm_size        = "Standard_D4s_v5"
    vnet_subnet_id = SUBNET
  }
  identity {
    type = "SystemAssigned"
  }
  network_profile {
    network_plugin = "none"
    pod_cidr       = POD
  }
}
'''


def test_for_each_subnets_one_delegated(tmp_path):
    text = '''
variable "subnets" {
  default = {
    nodes = { prefix = "10.0.1.0/24", delegated = true }
    other = { prefix = "10.0.2.0/24", delegated = false }
  }
}
resource "azurerm_subnet" "s" {
  for_each             = var.subnets
  name                 = each.key
  resource_group_name  = "rg"
  virtual_network_name = "vnet"
  address_prefixes     = [each.value.prefix]
  dynamic "delegation" {
    for_each = each.value.delegated ? ["aci"] : []
    content {
      name = delegation.value
      service_delegation {
        name = "Microsoft.ContainerInstance/containerGroups"
      }
    }
  }
}
''' + CLUSTER.replace("SUBNET", 'azurerm_subnet.s["nodes"].id').replace("POD", '"192.168.0.0/16"')
    main = _write(tmp_path / "cfg", text)
    (finding,) = of(lint(main).findings, "BYO004")
    assert finding.location.path == str(main)


def test_cidrsubnet_building_a_reserved_range(tmp_path):
    text = CLUSTER.replace("SUBNET", '"/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s"') \
        .replace("POD", 'cidrsubnet("169.254.0.0/16", 0, 0)')
    (finding,) = of(lint(_write(tmp_path / "cfg", text)).findings, "BYO003")
    assert "169.254.0.0/16" in finding.message


def test_tfvars_override(tmp_path):
    text = 'variable "pod_cidr" {\n  default = "192.168.0.0/16"\n}\n' + CLUSTER.replace(
        "SUBNET", '"/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s"').replace("POD", "var.pod_cidr")
    main = _write(tmp_path / "cfg", text)
    assert not of(lint(main).findings, "BYO003")
    (tmp_path / "cfg" / "terraform.tfvars").write_text('pod_cidr = "172.30.0.0/16"\n')
    assert of(lint(main).findings, "BYO003")


def test_known_after_apply_attribute_is_at_most_a_note(tmp_path):
    text = 'resource "random_pet" "p" {}\n' + CLUSTER.replace(
        "SUBNET", '"/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s"').replace("POD", "random_pet.p.id")
    run = lint(_write(tmp_path / "cfg", text))
    assert read_problems(run) == []
    assert {f.severity.label for f in run.findings if f.rule_id != "BYO006"} <= {"note"}
    assert any("known after apply" in f.message for f in run.findings)


def test_azapi_cluster_goes_through_the_arm_path(tmp_path):
    text = '''
resource "azapi_resource" "aks" {
  type      = "Microsoft.ContainerService/managedClusters@2022-04-01"
  name      = "aks"
  parent_id = "/subscriptions/0/resourceGroups/rg"
  body = jsonencode({
    properties = {
      networkProfile = { networkPlugin = "none", podCidr = "192.168.0.0/16" }
    }
  })
}
'''
    (finding,) = of(lint(_write(tmp_path / "cfg", text)).findings, "BYO001")
    assert "2022-04-01" in finding.message


def test_unreachable_module_is_a_located_note(tmp_path):
    main = _write(tmp_path / "cfg", 'module "aks" {\n  source = "Azure/aks/azurerm"\n}\n')
    (note,) = lint(main).findings
    assert note.rule_id == "BYO901" and note.location.span.line == 2


def test_syntax_error_is_a_finding(tmp_path):
    run = lint(_write(tmp_path / "cfg", 'resource "x" "y" {\n  a = \n'))
    assert [f.rule_id for f in run.findings] == ["BYO900"] and run.internal_errors == []


# What a reader of each corpus file expects when it is linted alone (copied into a folder of its own).
CORPUS_EXPECTATIONS = {
    # Landing zone: not BYOCNI; kubernetes 1.30 is past end of life; its registry modules are not read.
    "Azure__AKS-Landing-Zone-Accelerator__Scenarios__AKS-Secure-Baseline-PrivateCluster__Terraform__06-AKS-Cluster__main.tf":
        {("BYO011", 107)},
    # BYOCNI dual stack: old kubernetes, no role assignment for the subnet, dual stack warning.
    "amitmavgupta__azure-terraform__BYOCNI__Dual_Stack__main.tf": {("BYO011", 21), ("BYO006", 31), ("BYO008", 36)},
    # BYOCNI IPv4: old kubernetes, no role assignment.
    "amitmavgupta__azure-terraform__BYOCNI__IPv4__main.tf": {("BYO011", 27), ("BYO006", 36)},
    # Cluster behind registry modules: nothing to judge, only notes.
    "isovalent__terraform-azure-aks__example__aks.tf": set(),
    "isovalent__terraform-azure-aks__example__variables.tf": set(),
    "isovalent__terraform-azure-aks__main.tf": set(),
    # BYOCNI dual stack with values from var.spec (declared in a file not in the corpus): dual stack warning.
    "mdmsua__aks-byocni__terraform__cluster.tf": {("BYO008", 29)},
    "mdmsua__aks-byocni__terraform__identity.tf": set(),
    "mdmsua__aks-byocni__terraform__network.tf": set(),
}


@pytest.mark.parametrize("name", sorted(CORPUS_EXPECTATIONS))
def test_corpus_configurations(tmp_path, name):
    source = CORPUS / "tf" / name
    if not source.is_file():
        pytest.skip(f"corpus file {name} is not available")
    folder = tmp_path / "cfg"
    folder.mkdir()
    shutil.copy(source, folder / "main.tf")
    run = lint(folder / "main.tf")
    assert read_problems(run) == [] and run.internal_errors == [] and run.files_linted == 1
    assert {(f.rule_id, f.location.span.line) for f in run.findings if f.rule_id != "BYO901"} == CORPUS_EXPECTATIONS[name]


def test_tf_var_flag_and_var_file(tmp_path):
    from helpers import cli

    text = 'variable "pod_cidr" {}\n' + CLUSTER.replace(
        "SUBNET", '"/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s"').replace("POD", "var.pod_cidr")
    main = _write(tmp_path / "cfg", text)
    unset = lint(main)
    assert any("variable pod_cidr has no value" in f.message for f in unset.findings)
    assert of(lint(main, tf_vars=("pod_cidr=169.254.0.0/16",)).findings, "BYO003")
    (tmp_path / "prod.tfvars").write_text('pod_cidr = "172.31.0.0/16"\n')
    assert of(lint(main, tf_var_files=(str(tmp_path / "prod.tfvars"),)).findings, "BYO003")
    done = cli(main, "--tf-var", "pod_cidr=172.30.0.0/16")
    assert done.returncode == 1 and "BYO003" in done.stdout


def test_registry_module_installed_by_terraform_init_is_evaluated(tmp_path):
    root = tmp_path / "cfg"
    _write(root, 'module "aks" {\n  source  = "example/aks/azurerm"\n  version = "1.0.0"\n  pod_cidr = "172.30.0.0/16"\n}\n')
    installed = root / ".terraform" / "modules" / "aks"
    _write(installed, 'variable "pod_cidr" {}\n' + CLUSTER.replace(
        "SUBNET", '"/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s"').replace("POD", "var.pod_cidr"))
    (root / ".terraform" / "modules" / "modules.json").write_text(
        '{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"aks","Source":"registry.terraform.io/example/aks/azurerm","Version":"1.0.0","Dir":".terraform/modules/aks"}]}')
    (finding,) = of(lint(root).findings, "BYO003")
    assert finding.location.path.endswith(".terraform/modules/aks/main.tf")


def test_plan_and_configuration_together_judge_once(tmp_path):
    folder = plans._copy(tmp_path)
    _policy(folder)
    run = lint(folder)
    findings = of(run.findings, "BYO008")
    assert len(findings) == 1 and findings[0].location.path.endswith("main.tf")


def test_a_tf_file_named_alone_lints_its_folder_and_reports_in_it(tmp_path):
    folder = plans._copy(tmp_path)
    _policy(folder)
    _reader(folder)
    (folder / "plan.json").unlink()
    network = folder / "modules" / "network"
    shutil.copytree(network, folder / "net")
    named = lint(folder / "main.tf")
    assert {f.rule_id for f in named.findings if f.rule_id != "BYO901"} == {"BYO006", "BYO008"}
    other = folder / "variables.tf"
    other.write_text('variable "unused" {\n  default = 1\n}\n')
    only_other = lint(other)
    assert read_problems(only_other) == [] and of(only_other.findings, "BYO008") == []
    assert of(lint(folder).findings, "BYO008")


NODE_SUBNET = '''
resource "azurerm_subnet" "nodes" {
  name                 = "nodes"
  resource_group_name  = "rg"
  virtual_network_name = "vnet"
  address_prefixes     = ["10.0.1.0/24"]
}
resource "azurerm_network_security_group" "deny" {
  name                = "deny"
  location            = "westeurope"
  resource_group_name = "rg"
  security_rule {
    name                       = "deny-all"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_address_prefix      = "*"
    source_port_range          = "*"
    destination_address_prefix = "*"
    destination_port_range     = "*"
  }
}
'''


def test_nic_nsg_association_is_not_a_subnet_nsg(tmp_path):
    text = NODE_SUBNET + '''
resource "azurerm_network_interface_security_group_association" "nic" {
  network_interface_id      = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic"
  network_security_group_id = azurerm_network_security_group.deny.id
}
''' + CLUSTER.replace("SUBNET", "azurerm_subnet.nodes.id").replace("POD", '"192.168.0.0/16"')
    main = _write(tmp_path / "cfg", text)
    assert of(lint(main).findings, "BYO005") == []
    (tmp_path / "cfg" / "assoc.tf").write_text('''
resource "azurerm_subnet_network_security_group_association" "nodes" {
  subnet_id                 = azurerm_subnet.nodes.id
  network_security_group_id = azurerm_network_security_group.deny.id
}
''')
    assert of(lint(tmp_path / "cfg").findings, "BYO005")


def test_data_source_subnet_is_existing_not_deployed(tmp_path):
    text = '''
data "azurerm_subnet" "nodes" {
  name                 = "nodes"
  resource_group_name  = "rg"
  virtual_network_name = "vnet"
}
''' + CLUSTER.replace("SUBNET", "data.azurerm_subnet.nodes.id").replace("POD", '"192.168.0.0/16"')
    run = lint(_write(tmp_path / "cfg", text))
    (model,) = model_values_of(tmp_path / "cfg" / "main.tf")
    assert model["subnets"] == [] and model["clusters"]
    assert "/subnets/nodes" in str(model["clusters"][0]["pools"][0]["vnet_subnet_id"])
    assert {f.severity.label for f in run.findings if f.rule_id != "BYO006"} <= {"note"}


def test_local_module_folder_is_not_linted_as_a_root(tmp_path):
    main = _config_only(plans._copy(tmp_path))
    run = lint(main.parent)
    assert run.files_linted == 2 and read_problems(run) == []
    assert not any("has no value" in f.message for f in run.findings)


def test_benchmark_terraform_tree_is_a_clean_byocni_configuration(tmp_path):
    from byocni_lint import bench

    ((label, timing, findings),) = bench._terraform_tree(tmp_path / "tf", 1)
    assert findings == "0 findings" and timing.endswith(" ms")
    run = lints_clean(tmp_path / "tf", files=2)
    assert run.clusters == 1


def test_lock_file_pinning_old_azurerm_without_a_plan(tmp_path):
    main = _config_only(plans._copy(tmp_path))
    (main.parent / ".terraform.lock.hcl").write_text(
        'provider "registry.terraform.io/hashicorp/azurerm" {\n  version     = "3.5.0"\n  constraints = ">= 3.0.0"\n}\n')
    (finding,) = of(lint(main).findings, "BYO001")
    assert finding.location.path.endswith(".terraform.lock.hcl") and finding.location.span.line == 2
