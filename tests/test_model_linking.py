"""Linking the model: a node pool's `vnetSubnetID`, however the template spells it, is the one Subnet the
template declares, whichever way it declares it.

ARM spells a subnet ID as `resourceId(...)`, `concat(resourceId(vnet), '/subnets/', name)`, a literal from a
parameters file or a module output, and declares the subnet inline in its VNet, as a top-level child
resource or as a nested child. All of these name one resource (ARM "Resource ID" and "Child resources"),
so the model must hold one Subnet object and the pool must point at it.
"""
from __future__ import annotations

from pathlib import Path

from byocni_lint.model.values import Unknown
from byocni_lint.model import Model, Subnet
from byocni_lint.frontends.arm.to_model import build_model

from evaluate_fixtures import CONTEXT, FIXTURES, RG, evaluate_fixture

def model_of(name: str, parameters: str | None = None, values: dict | None = None) -> Model:
    return build_model(evaluate_fixture(name, parameters, values), str(FIXTURES / name))


def subnet_id(vnet: str, subnet: str, group: str = RG) -> str:
    return f"{group}/providers/microsoft.network/virtualnetworks/{vnet}/subnets/{subnet}"


def pool_subnets(model: Model) -> list[Subnet | None]:
    [cluster] = model.clusters
    return [pool.subnet for pool in cluster.pools]


def prefixes(subnet: Subnet) -> list[object]:
    return [f.value for f in subnet.address_prefixes]


def test_concat_of_vnet_resource_id_and_subnet_name_links_to_the_inline_subnet() -> None:
    model = model_of("subnet-concat.json")
    nodes = model.subnets[subnet_id("vnet-concat", "nodes")]
    # concat(resourceId(vnet), '/subnets/', name) and resourceId(..., 'VNET-CONCAT', 'Nodes'): IDs ignore case.
    assert pool_subnets(model) == [nodes, nodes]
    assert all(s is nodes for s in pool_subnets(model))
    assert model.subnet_for(model.clusters[0].pools[0].vnet_subnet_id.value) is nodes
    assert nodes.vnet is model.vnets[0] and prefixes(nodes) == ["10.60.0.0/22"]


def test_subnet_inline_and_as_top_level_child_resource_is_one_subnet() -> None:
    model = model_of("subnet-top-level-child.json")
    [vnet] = model.vnets
    assert sorted(model.subnets) == [subnet_id("vnet-child", "nodes"), subnet_id("vnet-child", "pods")]
    nodes = model.subnets[subnet_id("vnet-child", "nodes")]
    assert [s.name for s in vnet.subnets] == ["nodes", "pods"]  # declared twice, listed once
    assert vnet.subnets[0] is nodes and nodes.vnet is vnet
    assert prefixes(nodes) == ["10.70.0.0/22"]
    # The NSG is only on the child resource; the one Subnet carries it.
    nsg = model.find(model.nsgs, nodes.nsg_id.value)
    assert nsg is not None and nsg.name == "nsg-nodes"
    assert pool_subnets(model) == [nodes] and pool_subnets(model)[0] is nodes
    pods = model.subnets[subnet_id("vnet-child", "pods")]
    assert pods.vnet is vnet and prefixes(pods) == ["10.70.8.0/22"]


def test_subnet_inline_and_as_nested_child_resource_is_one_subnet() -> None:
    model = model_of("subnet-nested-child.json")
    [vnet] = model.vnets
    assert sorted(model.subnets) == [subnet_id("vnet-nested", "nodes"), subnet_id("vnet-nested", "pods")]
    nodes = model.subnets[subnet_id("vnet-nested", "nodes")]
    assert [s.name for s in vnet.subnets] == ["nodes", "pods"]
    assert vnet.subnets[0] is nodes
    table = model.find(model.route_tables, nodes.route_table_id.value)
    assert table is not None and table.name == "rt-nodes"
    assert pool_subnets(model)[0] is nodes


def test_literal_subnet_id_from_a_parameters_file_links_to_the_declared_subnet() -> None:
    model = model_of("subnet-literal-id.json", "subnet-literal-id.parameters.json")
    # The file names a concrete subscription and group; the template deploys to "its" group, whatever
    # that is, so the same provider path is the same subnet (and not its sibling 'other').
    assert pool_subnets(model)[0] is model.subnets[subnet_id("vnet-literal", "nodes")]
    origin = model.clusters[0].pools[0].vnet_subnet_id.origin
    assert origin is not None and Path(origin.path).name == "subnet-literal-id.parameters.json"


def test_literal_subnet_id_of_another_vnet_does_not_link() -> None:
    elsewhere = ("/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-aks/providers/"
                 "Microsoft.Network/virtualNetworks/vnet-elsewhere/subnets/nodes")
    assert pool_subnets(model_of("subnet-literal-id.json", values={"vnetSubnetID": elsewhere})) == [None]


def test_subnet_id_without_a_value_stays_unknown_and_unlinked() -> None:
    model = model_of("subnet-literal-id.json")
    [pool] = model.clusters[0].pools
    assert pool.subnet is None
    assert isinstance(pool.vnet_subnet_id.value, Unknown) and "vnetSubnetID" in pool.vnet_subnet_id.value.reason


def test_property_copy_builds_subnets_from_an_array_parameter() -> None:
    model = model_of("subnet-property-copy.json")
    [vnet] = model.vnets
    assert [(s.name, prefixes(s)) for s in vnet.subnets] == [
        ("apiserver", ["10.100.4.0/28"]), ("nodes", ["10.100.0.0/22"]), ("pods", ["10.100.8.0/21"])]
    assert [[f.value for f in s.delegations] for s in vnet.subnets] == [
        ["Microsoft.ContainerService/managedClusters"], [], []]
    assert pool_subnets(model)[0] is model.subnets[subnet_id("vnet-copy", "nodes")]
    moved = model_of("subnet-property-copy.json", values={"nodeSubnetIndex": 2})
    assert pool_subnets(moved)[0] is moved.subnets[subnet_id("vnet-copy", "pods")]
    shorter = model_of("subnet-property-copy.json", values={"subnets": [{"name": "only", "prefix": "10.100.0.0/24",
                                                                         "delegation": ""}],
                                                            "nodeSubnetIndex": 0})
    assert [s.name for s in shorter.vnets[0].subnets] == ["only"]
    assert pool_subnets(shorter)[0] is shorter.subnets[subnet_id("vnet-copy", "only")]


def test_subnet_id_passed_from_one_module_output_to_another_module_links() -> None:
    model = model_of("module-outputs-chain.json")
    nodes = model.subnets[subnet_id("vnet-chain", "nodes")]
    assert prefixes(nodes) == ["10.20.0.0/22"]
    assert pool_subnets(model)[0] is nodes


def test_subnet_id_from_a_symbolic_module_reference_links() -> None:
    model = model_of("symbolic-reference.json")
    assert pool_subnets(model)[0] is model.subnets[subnet_id("vnet-symbolic", "nodes")]


def test_subnet_declared_in_a_linked_template_links_and_a_remote_one_does_not() -> None:
    model = model_of("linked-template.json")
    system, user = model.clusters[0].pools
    assert system.subnet is model.subnets[subnet_id("vnet-linked", "nodes")]
    assert user.subnet is None and isinstance(user.vnet_subnet_id.value, Unknown)


def test_subnet_in_another_subscription_and_group_links_by_full_resource_id() -> None:
    model = model_of("nested-resource-group.json")
    group = "/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-network"
    nodes = model.subnets[subnet_id("vnet-hub", "nodes", group)]
    assert pool_subnets(model)[0] is nodes and prefixes(nodes) == ["10.10.0.0/22"]
    security = f"/subscriptions/{CONTEXT.subscription_id}/resourcegroups/rg-security".lower()
    assert f"{security}/providers/microsoft.network/networksecuritygroups/nsg-nodes" in model.nsgs


def test_role_assignment_scope_and_pool_name_the_same_subnet() -> None:
    model = model_of("runtime-reference.json")
    nodes = model.subnets[subnet_id("vnet-identity", "nodes")]
    assert pool_subnets(model)[0] is nodes
    assert [a.scope for a in model.role_assignments][:2] == [nodes.id, nodes.id]
