"""azurerm and azapi resources as ARM-shaped resource nodes, shared by the plan reader and the
configuration evaluator.

Why ARM-shaped: the ARM evaluator and model already link subnets, NSGs, routes and role assignments
by resource ID, and every rule reads that model; Terraform gets all of it by saying what each azurerm
resource is in ARM terms. Attribute names follow the azurerm provider documentation
(registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/<name>); an absent attribute
is left absent, which means what it means in ARM: the AKS default (azurerm's own defaults for the
attributes the rules read, e.g. `network_profile` absent -> kubenet, `outbound_type` loadBalancer, are
the AKS API defaults).

Input is a `TfResource`: its attribute values (blocks as lists of objects, as in plan JSON), where each
attribute is written, and, for values not known before apply, what the configuration says they refer
to (`vnet_subnet_id = azurerm_subnet.nodes.id`). Such a reference is a linking identity: the referenced
resource's ID (or, for a principal ID, an unknown that names whose identity it is), never a value.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

from byocni_lint.guids import url_uuid5
from byocni_lint.load.jsonc import JDict, JList, Source
from byocni_lint.load.nodes import located, located_dict, located_list, set_member
from byocni_lint.model.values import Unknown

AFTER_APPLY = "known after apply"
SUBSCRIPTION = "{subscriptionId}"  # the evaluator's placeholder, so computed IDs link like ARM's
NOMINAL_AKS_API = "2024-02-01"  # azurerm chooses the API version; BYO001 judges the provider version instead
Position = tuple  # (Source, start, end)


@dataclass
class Link:
    """What an unknown attribute refers to: a resource address and the attribute read from it."""
    address: str
    attribute: str  # "id", "identity.0.principal_id", ...


@dataclass
class TfResource:
    address: str  # module.net.azurerm_subnet.nodes["a"]
    type: str
    mode: str  # "managed" or "data"
    values: dict
    where: Callable[[tuple], Position]  # position of an attribute path (the resource block for ())
    link: Callable[[tuple], Link | None]  # configuration reference of an attribute path


MAPPED = frozenset({
    "azurerm_kubernetes_cluster", "azurerm_kubernetes_cluster_node_pool", "azurerm_virtual_network",
    "azurerm_subnet", "azurerm_subnet_network_security_group_association", "azurerm_network_security_group",
    "azurerm_network_security_rule", "azurerm_route_table", "azurerm_route", "azurerm_subnet_route_table_association",
    "azurerm_subnet_nat_gateway_association", "azurerm_nat_gateway", "azurerm_role_definition",
    "azurerm_role_assignment", "azurerm_user_assigned_identity", "azurerm_resource_group", "azapi_resource",
})
# ARM type and the attributes naming the resource's parents, for IDs computed before apply.
_ID_SHAPES = {
    "azurerm_kubernetes_cluster": ("Microsoft.ContainerService/managedClusters", ()),
    "azurerm_virtual_network": ("Microsoft.Network/virtualNetworks", ()),
    "azurerm_subnet": ("Microsoft.Network/virtualNetworks/subnets", ("virtual_network_name",)),
    "azurerm_network_security_group": ("Microsoft.Network/networkSecurityGroups", ()),
    "azurerm_network_security_rule": ("Microsoft.Network/networkSecurityGroups/securityRules",
                                      ("network_security_group_name",)),
    "azurerm_route_table": ("Microsoft.Network/routeTables", ()),
    "azurerm_route": ("Microsoft.Network/routeTables/routes", ("route_table_name",)),
    "azurerm_nat_gateway": ("Microsoft.Network/natGateways", ()),
    "azurerm_user_assigned_identity": ("Microsoft.ManagedIdentity/userAssignedIdentities", ()),
}
_ASSOCIATIONS = {
    "azurerm_subnet_network_security_group_association": ("network_security_group_id", "networkSecurityGroup"),
    "azurerm_subnet_route_table_association": ("route_table_id", "routeTable"),
    "azurerm_subnet_nat_gateway_association": ("nat_gateway_id", "natGateway"),
}


def _at(values: object, path: tuple) -> object:
    for key in path:
        if isinstance(values, dict):
            values = values.get(key)
        elif isinstance(values, list) and isinstance(key, int) and key < len(values):
            values = values[key]
        else:
            return None
    return values


def _first_block(values: dict, name: str) -> dict | None:
    block = values.get(name)
    if isinstance(block, list) and block and isinstance(block[0], dict):
        return block[0]
    return block if isinstance(block, dict) else None


def stand_in(address: str) -> str:
    """A name known only after apply, shown and linked as the resource's Terraform address."""
    return address


def synthetic_name(address: str) -> str:
    """A stable stand-in for a name or GUID known only after apply: the resource's identity for linking."""
    return url_uuid5(f"terraform:{address}")


class Mapping:
    """All resources of one deployment: IDs first (references need them), then ARM resources."""

    def __init__(self, resources: list[TfResource]) -> None:
        self.resources = [r for r in resources if r.type in MAPPED]
        self.by_address = {r.address: r for r in self.resources}
        self.ids: dict[str, object] = {}
        for resource in self.resources:
            self.ids[resource.address] = self._compute_id(resource)
        self.notes: list[tuple[str, Position]] = []

    # ----- identities -----
    def _known(self, resource: TfResource, key: str) -> str | None:
        value = resource.values.get(key)
        return value if isinstance(value, str) and value else None

    def _compute_id(self, resource: TfResource) -> object:
        known = self._known(resource, "id")
        if known and known.startswith("/"):
            return known
        kind = resource.type
        if kind == "azurerm_resource_group":
            name = self._known(resource, "name") or stand_in(resource.address)
            return f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{name}"
        if kind == "azurerm_kubernetes_cluster_node_pool":
            cluster = self.reference_id(resource, ("kubernetes_cluster_id",))
            name = self._known(resource, "name") or stand_in(resource.address)
            return f"{cluster}/agentPools/{name}" if isinstance(cluster, str) else Unknown(AFTER_APPLY)
        if kind == "azurerm_role_definition":
            guid = self._known(resource, "role_definition_id") or synthetic_name(resource.address)
            return f"/providers/Microsoft.Authorization/roleDefinitions/{guid}"
        if kind == "azurerm_role_assignment":
            return f"/providers/Microsoft.Authorization/roleAssignments/{self._known(resource, 'name') or synthetic_name(resource.address)}"
        if kind == "azapi_resource":
            parent = self.reference_id(resource, ("parent_id",))
            arm_type = str(resource.values.get("type", "")).split("@", 1)[0]
            name = self._known(resource, "name") or stand_in(resource.address)
            if isinstance(parent, str) and "/" in arm_type:
                return f"{parent.rstrip('/')}/providers/{arm_type}/{name}"
            return Unknown(AFTER_APPLY)
        shape = _ID_SHAPES.get(kind)
        if shape is None:
            return Unknown(AFTER_APPLY)
        arm_type, parents = shape
        group = self._known(resource, "resource_group_name") or stand_in(resource.address + ".resource_group_name")
        names = [self._known(resource, p) or stand_in(f"{resource.address}.{p}") for p in parents]
        names.append(self._known(resource, "name") or stand_in(resource.address))
        namespace, *types = arm_type.split("/")
        path = "/".join(f"{t}/{n}" for t, n in zip(types, names))
        return f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{group}/providers/{namespace}/{path}"

    def reference_id(self, resource: TfResource, path: tuple) -> object:
        """The value at `path` as a resource ID: the known string, or the ID of the resource it refers to."""
        value = _at(resource.values, path)
        if isinstance(value, str) and value:
            return value
        linked = self.linked_value(resource, path)
        return linked if linked is not None else (value if value is None else Unknown(AFTER_APPLY))

    def linked_value(self, resource: TfResource, path: tuple) -> object:
        """What an unknown attribute stands for, from the configuration's reference; None if it names nothing we map."""
        link = resource.link(path)
        if link is None:
            return None
        target = self.by_address.get(link.address)
        if target is None:
            return None
        target_id = self.ids.get(target.address)
        attribute = link.attribute
        if attribute in ("id", "role_definition_resource_id", "kubernetes_cluster_id"):
            if target.type == "azurerm_role_definition" and attribute == "id":
                return target_id  # azurerm's id is "<id>|<scope>"; the GUID is what links
            return target_id
        if not isinstance(target_id, str):
            return Unknown(AFTER_APPLY)
        if attribute in ("identity.0.principal_id", "identity[0].principal_id"):
            return Unknown(AFTER_APPLY, target_id.lower(), ("identity", "principalid"), True)
        if attribute.startswith("kubelet_identity"):
            return Unknown(AFTER_APPLY, target_id.lower(), ("properties", "identityprofile", "kubeletidentity", "objectid"), True)
        if attribute == "principal_id" and target.type == "azurerm_user_assigned_identity":
            return Unknown(AFTER_APPLY, target_id.lower(), ("principalid",), False)
        if attribute == "name":
            name = target.values.get("name")
            return name if isinstance(name, str) else None
        return Unknown(AFTER_APPLY)

    # ----- the template -----
    def template(self, source: Source) -> JDict:
        """The root template: one nested deployment per (subscription, resource group) so every resource
        gets the ID Azure will give it."""
        groups: dict[tuple, list] = {}
        extra: dict[str, list] = {}
        for resource in self.resources:
            if resource.mode != "managed":
                continue
            for arm in self._arm_resources(resource, extra):
                groups.setdefault(_group_of(arm.pop("__id__", None)), []).append(arm)
        self._attach_associations(groups, extra)
        deployments = []
        for index, ((subscription, group), resources) in enumerate(sorted(groups.items(), key=lambda g: str(g[0]))):
            where = _where_of(resources[0])
            deployment = {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
                          "name": f"terraform-{index}",
                          "properties": {"mode": "Incremental", "expressionEvaluationOptions": {"scope": "inner"},
                                         "template": {"$schema": _SCHEMA, "contentVersion": "1.0.0.0",
                                                      "resources": located_list(resources, *where)}}}
            if group is not None:
                deployment["resourceGroup"] = group
            if subscription is not None and subscription != SUBSCRIPTION:
                deployment["subscriptionId"] = subscription
            deployments.append(_deep_locate(deployment, where))
        return located_dict({"$schema": _SCHEMA, "contentVersion": "1.0.0.0",
                             "resources": located_list(deployments, source, 0, 0)}, source, 0, 0)

    def _arm_resources(self, resource: TfResource, extra: dict) -> list[JDict]:
        builder = _ResourceBuilder(self, resource)
        return builder.build(extra)

    def _attach_associations(self, groups: dict, extra: dict) -> None:
        """Association resources set the subnet's networkSecurityGroup/routeTable/natGateway (the subnet
        resource in ARM); a NIC's NSG association is not a subnet's and is not read."""
        subnets = {}
        for resources in groups.values():
            for arm in resources:
                if str(arm.get("type", "")).lower() == "microsoft.network/virtualnetworks/subnets":
                    subnets[str(arm.pop("__key__", "")).lower()] = arm
                else:
                    arm.pop("__key__", None)
        for subnet_id, property_name, value, where in extra.get("associations", []):
            subnet = subnets.get(subnet_id.lower()) if isinstance(subnet_id, str) else None
            if subnet is None:
                continue
            properties = subnet.setdefault("properties", located_dict({}, *where))
            reference = located_dict({}, *where)
            set_member(reference, "id", located(value, *where), where[1], where[2])
            properties[property_name] = reference


_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"


def _group_of(resource_id: object) -> tuple:
    if not isinstance(resource_id, str):
        return (None, None)
    parts = resource_id.split("/")
    lowered = [p.lower() for p in parts]
    subscription = parts[lowered.index("subscriptions") + 1] if "subscriptions" in lowered else None
    group = parts[lowered.index("resourcegroups") + 1] if "resourcegroups" in lowered else None
    return (subscription, group)


def _where_of(node: object) -> Position:
    return (node.source, node.start, node.end)  # type: ignore[attr-defined]


def _deep_locate(value: object, where: Position) -> object:
    """Plain containers built here as nodes at `where` (nodes already located keep their place)."""
    if isinstance(value, (JDict, JList)):
        return value
    if isinstance(value, dict):
        node = located_dict({}, *where)
        for key, item in value.items():
            set_member(node, key, _deep_locate(item, where), where[1], where[2])
        return node
    if isinstance(value, list):
        items = located_list([], *where)
        for index, item in enumerate(value):
            set_member(items, index, _deep_locate(item, where), where[1], where[2])
        return items
    if isinstance(value, (str, int, float)) and not isinstance(value, bool) and not hasattr(value, "source"):
        return located(value, *where)
    return value


class _ResourceBuilder:
    """One Terraform resource as ARM resource nodes, every value at its attribute."""

    def __init__(self, mapping: Mapping, resource: TfResource) -> None:
        self.mapping, self.resource = mapping, resource
        self.values = resource.values
        self.block = resource.where(())

    def value(self, path: tuple, default: object = None) -> object:
        """The attribute's value as a node at its position; unknown -> what its reference stands for, else unknown."""
        raw = _at(self.values, path)
        where = self.resource.where(path)
        if isinstance(raw, Unknown) or (raw is None and self.resource.link(path) is not None):
            linked = self.mapping.linked_value(self.resource, path)
            raw = linked if linked is not None else (raw if isinstance(raw, Unknown) else Unknown(AFTER_APPLY))
        if raw is None:
            return default
        return self._node(raw, path, where)

    def _node(self, raw: object, path: tuple, where: Position) -> object:
        if isinstance(raw, dict):
            node = located_dict({}, *where)
            for key, item in raw.items():
                inner = self.resource.where(path + (key,))
                set_member(node, key, self._node(item, path + (key,), inner), inner[1], inner[2])
            return node
        if isinstance(raw, list):
            items = located_list([], *where)
            for index, item in enumerate(raw):
                inner = self.resource.where(path + (index,))
                set_member(items, index, self._node(item, path + (index,), inner), inner[1], inner[2])
            return items
        if isinstance(raw, Unknown) or isinstance(raw, bool) or raw is None:
            return raw
        return located(raw, *where) if not hasattr(raw, "source") or raw.source is not where[0] else raw

    def obj(self, members: dict, where: Position | None = None) -> JDict:
        """An object of the members whose value is present (None means absent: the default applies)."""
        where = where or self.block
        node = located_dict({}, *where)
        for key, (value, at) in members.items():
            if value is None:
                continue
            set_member(node, key, value, at[1], at[2])
        return node

    def member(self, path: tuple, default: object = None) -> tuple:
        return self.value(path, default), self.resource.where(path)

    def resource_node(self, arm_type: str, name: object, body: dict, api: str, **top) -> JDict:
        members = {"type": (located(arm_type, *self.block), self.block),
                   "apiVersion": (located(api, *self.block), self.block),
                   "name": (name, self.resource.where(("name",)))}
        members.update(top)
        node = self.obj(members)
        for key, value in body.items():
            node[key] = value
        node["__id__"] = self.mapping.ids.get(self.resource.address)
        return node

    def arm_name(self) -> object:
        resource_id = self.mapping.ids.get(self.resource.address)
        if not isinstance(resource_id, str):
            return self.value(("name",), Unknown(AFTER_APPLY))
        provider = resource_id.split("/providers/", 1)[-1].split("/")[1:]
        names = provider[1::2]
        where = self.resource.where(("name",))
        return located("/".join(names), *where)

    def build(self, extra: dict) -> list[JDict]:
        method = getattr(self, "_" + self.resource.type, None)
        return method(extra) if method is not None else []

    # ----- containers -----
    def _azurerm_kubernetes_cluster(self, extra) -> list:
        profile = ("network_profile", 0)
        net = {arm: self.member(profile + (tf,)) for arm, tf in (
            ("networkPlugin", "network_plugin"), ("networkPluginMode", "network_plugin_mode"),
            ("networkPolicy", "network_policy"), ("networkDataplane", "network_data_plane"),
            ("podCidr", "pod_cidr"), ("podCidrs", "pod_cidrs"), ("serviceCidr", "service_cidr"),
            ("serviceCidrs", "service_cidrs"), ("dnsServiceIP", "dns_service_ip"), ("ipFamilies", "ip_versions"),
            ("outboundType", "outbound_type"), ("dockerBridgeCidr", "docker_bridge_cidr"))}
        if net["networkDataplane"][0] is None and _at(self.values, profile + ("ebpf_data_plane",)) is not None:
            net["networkDataplane"] = self.member(profile + ("ebpf_data_plane",))  # azurerm 3.x spelling
        pool_path = ("default_node_pool", 0)
        pool = self.obj({"name": self.member(pool_path + ("name",)),
                         "mode": (located("System", *self.resource.where(pool_path)), self.block),
                         "vnetSubnetID": self.member(pool_path + ("vnet_subnet_id",)),
                         "podSubnetID": self.member(pool_path + ("pod_subnet_id",)),
                         "osType": (located("Linux", *self.resource.where(pool_path)), self.block)},
                        self.resource.where(pool_path))
        properties = self.obj({
            "kubernetesVersion": self.member(("kubernetes_version",)),
            "networkProfile": (self.obj(net, self.resource.where(profile)) if _at(self.values, profile) is not None
                               or isinstance(_at(self.values, ("network_profile",)), Unknown) else None,
                               self.resource.where(profile)),
            "agentPoolProfiles": (located_list([pool], *self.resource.where(("default_node_pool",))), self.block),
        })
        if isinstance(_at(self.values, ("network_profile",)), Unknown):
            properties["networkProfile"] = Unknown(AFTER_APPLY)
            properties.scalar_spans["networkProfile"] = self.block[1:]
        body = {"properties": properties}
        identity = self._identity(("identity", 0))
        if identity is not None:
            body["identity"] = identity
        return [self.resource_node("Microsoft.ContainerService/managedClusters", self.arm_name(), body, NOMINAL_AKS_API)]

    def _identity(self, path: tuple) -> JDict | None:
        if _at(self.values, path) is None:
            return None
        where = self.resource.where(path)
        members = {"type": self.member(path + ("type",))}
        ids = _at(self.values, path + ("identity_ids",))
        if isinstance(ids, list):
            assigned = located_dict({}, *self.resource.where(path + ("identity_ids",)))
            for index in range(len(ids)):
                key = self.mapping.reference_id(self.resource, path + ("identity_ids", index))
                if isinstance(key, str):
                    assigned[key] = located_dict({}, *self.resource.where(path + ("identity_ids", index)))
            members["userAssignedIdentities"] = (assigned, where)
        return self.obj(members, where)

    def _azurerm_kubernetes_cluster_node_pool(self, extra) -> list:
        os_type = self.member(("os_type",))
        if os_type[0] is None:  # azurerm: os_type defaults to Linux
            os_type = (located("Linux", *self.block), self.block)
        properties = self.obj({"vnetSubnetID": self.member(("vnet_subnet_id",)),
                               "podSubnetID": self.member(("pod_subnet_id",)), "osType": os_type,
                               "mode": self.member(("mode",))})
        return [self.resource_node("Microsoft.ContainerService/managedClusters/agentPools", self.arm_name(),
                                   {"properties": properties}, NOMINAL_AKS_API)]

    def _azurerm_virtual_network(self, extra) -> list:
        space = self.obj({"addressPrefixes": self.member(("address_space",))}, self.resource.where(("address_space",)))
        members: dict[str, tuple[object, Position]] = {"addressSpace": (space, self.block)}
        inline = _at(self.values, ("subnet",))
        if isinstance(inline, list) and inline:
            subnets = located_list([], *self.resource.where(("subnet",)))
            for index, item in enumerate(inline):
                path = ("subnet", index)
                prefixes = "address_prefixes" if isinstance(item, dict) and item.get("address_prefixes") else "address_prefix"
                props = self.obj({("addressPrefixes" if prefixes == "address_prefixes" else "addressPrefix"):
                                  self.member(path + (prefixes,)),
                                  "networkSecurityGroup": (self._reference(path + ("security_group",)),
                                                           self.resource.where(path + ("security_group",)))},
                                 self.resource.where(path))
                subnets.append(self.obj({"name": self.member(path + ("name",)), "properties": (props, self.block)},
                                        self.resource.where(path)))
            members["subnets"] = (subnets, self.block)
        return [self.resource_node("Microsoft.Network/virtualNetworks", self.arm_name(),
                                   {"properties": self.obj(members)}, "2023-09-01")]

    def _reference(self, path: tuple) -> JDict | None:
        """`{"id": ...}` for an attribute holding another resource's ID."""
        if _at(self.values, path) is None and self.resource.link(path) is None:
            return None
        where = self.resource.where(path)
        value = self.mapping.reference_id(self.resource, path)
        return self.obj({"id": (self._node(value, path, where) if not isinstance(value, Unknown) else value, where)}, where)

    def _azurerm_subnet(self, extra) -> list:
        written = located_list([], *self.resource.where(("delegation",)))
        listed = _at(self.values, ("delegation",))
        for index in range(len(listed) if isinstance(listed, list) else 0):
            path = ("delegation", index)
            service = self.member(path + ("service_delegation", 0, "name"))
            props = self.obj({"serviceName": service}, self.resource.where(path))
            written.append(self.obj({"name": self.member(path + ("name",)), "properties": (props, self.block)},
                                    self.resource.where(path)))
        delegations: JList | Unknown = listed if isinstance(listed, Unknown) else written
        properties = self.obj({"addressPrefixes": self.member(("address_prefixes",)),
                               "delegations": (delegations, self.resource.where(("delegation",)))})
        node = self.resource_node("Microsoft.Network/virtualNetworks/subnets", self.arm_name(),
                                  {"properties": properties}, "2023-09-01")
        node["__key__"] = self.mapping.ids.get(self.resource.address)
        return [node]

    def _association(self, extra) -> list:
        attribute, property_name = _ASSOCIATIONS[self.resource.type]
        subnet_id = self.mapping.reference_id(self.resource, ("subnet_id",))
        value = self.mapping.reference_id(self.resource, (attribute,))
        extra.setdefault("associations", []).append((subnet_id, property_name, value, self.resource.where((attribute,))))
        return []

    _azurerm_subnet_network_security_group_association = _association
    _azurerm_subnet_route_table_association = _association
    _azurerm_subnet_nat_gateway_association = _association

    def _rule_properties(self, path: tuple) -> dict:
        members = {}
        for arm, tf in (("priority", "priority"), ("direction", "direction"), ("access", "access"),
                        ("protocol", "protocol"), ("sourceAddressPrefix", "source_address_prefix"),
                        ("sourceAddressPrefixes", "source_address_prefixes"), ("sourcePortRange", "source_port_range"),
                        ("sourcePortRanges", "source_port_ranges"),
                        ("destinationAddressPrefix", "destination_address_prefix"),
                        ("destinationAddressPrefixes", "destination_address_prefixes"),
                        ("destinationPortRange", "destination_port_range"),
                        ("destinationPortRanges", "destination_port_ranges")):
            value = self.member(path + (tf,))
            if isinstance(value[0], list) and not value[0]:
                continue  # azurerm writes both forms; an empty list is "not set"
            if isinstance(value[0], str) and value[0] == "" and arm.endswith(("Prefix", "Range")):
                continue
            members[arm] = value
        for arm, tf in (("sourceApplicationSecurityGroups", "source_application_security_group_ids"),
                        ("destinationApplicationSecurityGroups", "destination_application_security_group_ids")):
            if _at(self.values, path + (tf,)):
                members[arm] = self.member(path + (tf,))
        return members

    def _azurerm_network_security_group(self, extra) -> list:
        members = {}
        listed = _at(self.values, ("security_rule",))
        if isinstance(listed, list) and listed:
            rules = located_list([], *self.resource.where(("security_rule",)))
            for index in range(len(listed)):
                path = ("security_rule", index)
                rules.append(self.obj({"name": self.member(path + ("name",)),
                                       "properties": (self.obj(self._rule_properties(path), self.resource.where(path)),
                                                      self.block)}, self.resource.where(path)))
            members["securityRules"] = (rules, self.block)
        return [self.resource_node("Microsoft.Network/networkSecurityGroups", self.arm_name(),
                                   {"properties": self.obj(members)}, "2023-09-01")]

    def _azurerm_network_security_rule(self, extra) -> list:
        return [self.resource_node("Microsoft.Network/networkSecurityGroups/securityRules", self.arm_name(),
                                   {"properties": self.obj(self._rule_properties(()))}, "2023-09-01")]

    def _route_members(self, path: tuple) -> dict:
        return {"addressPrefix": self.member(path + ("address_prefix",)),
                "nextHopType": self.member(path + ("next_hop_type",)),
                "nextHopIpAddress": self.member(path + ("next_hop_in_ip_address",))}

    def _azurerm_route_table(self, extra) -> list:
        members = {}
        listed = _at(self.values, ("route",))
        if isinstance(listed, list) and listed:
            routes = located_list([], *self.resource.where(("route",)))
            for index in range(len(listed)):
                path = ("route", index)
                routes.append(self.obj({"name": self.member(path + ("name",)),
                                        "properties": (self.obj(self._route_members(path), self.resource.where(path)),
                                                       self.block)}, self.resource.where(path)))
            members["routes"] = (routes, self.block)
        return [self.resource_node("Microsoft.Network/routeTables", self.arm_name(),
                                   {"properties": self.obj(members)}, "2023-09-01")]

    def _azurerm_route(self, extra) -> list:
        return [self.resource_node("Microsoft.Network/routeTables/routes", self.arm_name(),
                                   {"properties": self.obj(self._route_members(()))}, "2023-09-01")]

    def _azurerm_nat_gateway(self, extra) -> list:
        return [self.resource_node("Microsoft.Network/natGateways", self.arm_name(), {}, "2023-09-01")]

    def _azurerm_user_assigned_identity(self, extra) -> list:
        return [self.resource_node("Microsoft.ManagedIdentity/userAssignedIdentities", self.arm_name(), {}, "2023-01-31")]

    # ----- access -----
    def _azurerm_role_definition(self, extra) -> list:
        permissions = located_list([], *self.resource.where(("permissions",)))
        listed = _at(self.values, ("permissions",))
        for index in range(len(listed) if isinstance(listed, list) else 0):
            path = ("permissions", index)
            permissions.append(self.obj({"actions": self.member(path + ("actions",)),
                                         "notActions": self.member(path + ("not_actions",))}, self.resource.where(path)))
        guid = str(self.mapping.ids[self.resource.address]).rsplit("/", 1)[-1]
        properties = self.obj({"roleName": self.member(("name",)), "permissions": (permissions, self.block)})
        return [self.resource_node("Microsoft.Authorization/roleDefinitions", located(guid, *self.block),
                                   {"properties": properties}, "2022-04-01")]

    def _azurerm_role_assignment(self, extra) -> list:
        from byocni_lint.semantics.rbac import builtin_role_by_name

        role = self.member(("role_definition_id",))
        if role[0] is None:
            name = _at(self.values, ("role_definition_name",))
            where = self.resource.where(("role_definition_name",))
            if isinstance(name, str):
                builtin = builtin_role_by_name(name)
                value = (f"/providers/Microsoft.Authorization/roleDefinitions/{builtin.id}" if builtin is not None
                         else Unknown(f"'{name}' is not a built-in role the linter knows"))
                role = (located(value, *where), where)
            elif name is not None:
                role = self.member(("role_definition_name",))
        elif isinstance(role[0], str) and "|" in role[0]:
            role = (located(role[0].split("|", 1)[0], *role[1]), role[1])
        scope_path = ("scope",)
        scope = self.mapping.reference_id(self.resource, scope_path)
        scope_node = self._node(scope, scope_path, self.resource.where(scope_path)) if scope is not None else None
        properties = self.obj({"roleDefinitionId": role, "principalId": self.member(("principal_id",)),
                               "principalType": self.member(("principal_type",))})
        guid = str(self.mapping.ids[self.resource.address]).rsplit("/", 1)[-1]
        return [self.resource_node("Microsoft.Authorization/roleAssignments", located(guid, *self.block),
                                   {"properties": properties}, "2022-04-01",
                                   scope=(scope_node, self.resource.where(scope_path)))]

    # ----- azapi: the body is already ARM -----
    def _azapi_resource(self, extra) -> list:
        written = _at(self.values, ("type",))
        if not isinstance(written, str) or "@" not in written:
            return []
        arm_type, api = written.split("@", 1)
        if not arm_type.lower().startswith(("microsoft.containerservice/", "microsoft.network/", "microsoft.authorization/",
                                            "microsoft.managedidentity/")):
            return []
        body = self.value(("body",))
        if isinstance(body, str):
            where = self.resource.where(("body",))
            try:
                body = _deep_locate(json.loads(body), where)
            except ValueError:
                self.mapping.notes.append(("azapi body is not JSON", where))
                return []
        node = self.resource_node(arm_type, self.arm_name(), {}, api)
        if isinstance(body, dict):
            for key, value in body.items():
                if str(key).lower() not in ("type", "apiversion", "name"):
                    node[key] = value
        elif isinstance(body, Unknown):
            node["properties"] = body
        return [node]
