"""Turns evaluated ARM resource instances into the model, linking subnets, NSGs, routes and identities.

ARM spells the same thing several ways (a subnet inline in its VNet or as a child resource; NSG rules
inline or as `securityRules` resources; role assignments as extension resources, legacy
`providers/roleAssignments` names or with `properties.scope`). Each spelling is folded here into one
object per resource ID, so the rules see one shape.
"""
from __future__ import annotations

from functools import partial

from byocni_lint.evaluate.deployment import Evaluation, ResourceInstance, extension_scope
from byocni_lint.model.ids import normalize_id, provider_path
from byocni_lint.model.values import Unknown
from byocni_lint.findings import Location
from byocni_lint.model.positions import node_span
from byocni_lint.model import (ArmResource, AgentPool, Cluster, Field, ManagedIdentity, Model, NetworkSecurityGroup, PermissionBlock, Resource,
                               RoleAssignment, RoleDefinition, Route, RouteTable, SecurityRule, Subnet,
                               VirtualNetwork, field_at, get, id_of)

CLUSTER = "microsoft.containerservice/managedclusters"
AGENT_POOL = "microsoft.containerservice/managedclusters/agentpools"
VNET = "microsoft.network/virtualnetworks"
SUBNET = "microsoft.network/virtualnetworks/subnets"
NSG = "microsoft.network/networksecuritygroups"
NSG_RULE = "microsoft.network/networksecuritygroups/securityrules"
ROUTE_TABLE = "microsoft.network/routetables"
ROUTE = "microsoft.network/routetables/routes"
NAT_GATEWAY = "microsoft.network/natgateways"
ROLE_DEFINITION = "microsoft.authorization/roledefinitions"
ROLE_ASSIGNMENT = "microsoft.authorization/roleassignments"
IDENTITY = "microsoft.managedidentity/userassignedidentities"


def build_model(evaluation: Evaluation, source: str, parameters_source: str | None = None) -> Model:
    model = Model(source=source, parameters_source=parameters_source)
    builder = _Builder(model)
    deployed = [i for i in evaluation.instances if not i.existing]
    # Containers first, then their children, so children can attach to what they belong to.
    for instance in deployed:
        builder.first_pass(instance)
        model.resources.append(ArmResource(instance.type, Resource(**builder._base(instance)),
                                           partial(_body_of, instance)))
    for instance in deployed:
        builder.second_pass(instance)
    builder.link()
    for resource, instance in zip(model.resources, deployed):
        if instance.evaluated:
            # Read now, at no cost: the model then holds the body, not the instance, whose deployment,
            # scopes and parse tree reference each other in cycles that only the cyclic collector frees.
            resource.body  # noqa: B018 - evaluated for its effect
    return model


def _body_of(instance: ResourceInstance) -> object:
    return instance.body


def _where(instance: ResourceInstance) -> Location:
    span = node_span(instance.raw)
    return Location(instance.raw.source.path if span else instance.deployment.source.path, span)  # type: ignore[attr-defined]


def _leaf_name(instance: ResourceInstance) -> str:
    """The resource's own name for messages; an unresolved name is shown as written."""
    if isinstance(instance.name, str):
        return instance.name.split("/")[-1]
    written = get(instance.raw, "name")
    return str(written) if isinstance(written, str) else "<unnamed>"


def _key(instance: ResourceInstance) -> str:
    """The model's key for a resource: its normalised ID, or a private key when the ID is unknown
    (the resource is still shown to rules, it just cannot be linked by ID)."""
    return instance.id if isinstance(instance.id, str) else f"?{instance.type_lower}/{_leaf_name(instance)}#{id(instance)}"


def _short_type(instance: ResourceInstance) -> str:
    return instance.type.split("/")[-1]


def _list_fields(body: object, paths: tuple[str, ...], where: Location) -> list[Field]:
    """Values of a singular and a plural property (`addressPrefix` / `addressPrefixes`), each once."""
    fields: list[Field] = []
    for path in paths:
        found = field_at(body, path, where)
        if not found.present:
            continue
        if isinstance(found.value, list):
            fields.extend(found.items())
        else:
            fields.append(found)
    return fields


class _Builder:
    def __init__(self, model: Model) -> None:
        self.model = model
        self._bases: dict[int, dict] = {}

    def _base(self, instance: ResourceInstance) -> dict:
        """What every modelled resource has, worked out once per instance: its generic ArmResource and
        its typed object both start from it, and locating it is a walk of the file's line index."""
        base = self._bases.get(id(instance))
        if base is None:
            base = self._bases[id(instance)] = dict(
                id=instance.id if isinstance(instance.id, str) else None,
                name=_leaf_name(instance),
                kind=_short_type(instance),
                location=_where(instance),
                conditional=instance.conditional,
            )
        return base

    def where(self, instance: ResourceInstance) -> Location:
        return self._base(instance)["location"]

    def first_pass(self, instance: ResourceInstance) -> None:
        kind = instance.type_lower
        if kind == CLUSTER:
            self.model.clusters.append(self.cluster(instance))
        elif kind == VNET:
            self.vnet(instance)
        elif kind == NSG:
            self.nsg(instance)
        elif kind == ROUTE_TABLE:
            self.route_table(instance)
        elif kind == NAT_GATEWAY:
            self.model.nat_gateways[_key(instance)] = Resource(**self._base(instance))
        elif kind == IDENTITY:
            self.model.identities[_key(instance)] = ManagedIdentity(**self._base(instance))
        elif kind == ROLE_DEFINITION:
            self.role_definition(instance)

    def second_pass(self, instance: ResourceInstance) -> None:
        kind = instance.type_lower
        if kind == SUBNET:
            self.child_subnet(instance)
        elif kind == NSG_RULE:
            self.child_security_rule(instance)
        elif kind == ROUTE:
            self.child_route(instance)
        elif kind == AGENT_POOL:
            self.child_agent_pool(instance)
        elif kind == ROLE_ASSIGNMENT or kind.endswith("/providers/roleassignments"):
            self.role_assignment(instance)

    # ----- clusters -----
    def cluster(self, instance: ResourceInstance) -> Cluster:
        body, where = instance.body, self.where(instance)
        api = Field(instance.api_version, where, None, "apiVersion")
        api_field = field_at(instance.raw, "apiVersion", where)
        if api_field.present:
            api = Field(instance.api_version, api_field.location, None, "apiVersion")
        net = "properties.networkProfile."
        cluster = Cluster(
            **self._base(instance),
            api_version=api,
            network_profile=field_at(body, "properties.networkProfile", where),
            kubernetes_version=field_at(body, "properties.kubernetesVersion", where),
            support_plan=field_at(body, "properties.supportPlan", where),
            network_plugin=field_at(body, net + "networkPlugin", where),
            network_plugin_mode=field_at(body, net + "networkPluginMode", where),
            network_policy=field_at(body, net + "networkPolicy", where),
            network_dataplane=field_at(body, net + "networkDataplane", where),
            pod_cidr=field_at(body, net + "podCidr", where),
            pod_cidrs=field_at(body, net + "podCidrs", where),
            service_cidr=field_at(body, net + "serviceCidr", where),
            service_cidrs=field_at(body, net + "serviceCidrs", where),
            dns_service_ip=field_at(body, net + "dnsServiceIP", where),
            docker_bridge_cidr=field_at(body, net + "dockerBridgeCidr", where),
            ip_families=field_at(body, net + "ipFamilies", where),
            outbound_type=field_at(body, net + "outboundType", where),
            identity_type=field_at(body, "identity.type", where),
        )
        identities = get(get(body, "identity"), "userAssignedIdentities")
        principals = [field_at(body, "identity.principalId", where)]
        if isinstance(identities, dict):
            cluster.user_assigned_identities = [key for key in (id_of(name) for name in identities) if key]
            principals += [field_at(value, "principalId", where) for value in identities.values()]
        cluster.identity_principals = [principal for principal in principals if principal.present]
        pools = field_at(body, "properties.agentPoolProfiles", where)
        for index, pool in enumerate(pools.items()):
            cluster.pools.append(self.agent_pool(pool.value, pool.location, f"agentPoolProfiles[{index}]"))
        return cluster

    def agent_pool(self, body: object, where: Location, fallback_name: str) -> AgentPool:
        name = get(body, "name")
        return AgentPool(
            name=name if isinstance(name, str) else fallback_name,
            vnet_subnet_id=field_at(body, "vnetSubnetID", where),
            pod_subnet_id=field_at(body, "podSubnetID", where),
            os_type=field_at(body, "osType", where),
            location=where,
        )

    def child_agent_pool(self, instance: ResourceInstance) -> None:
        """`managedClusters/agentPools` resources join the cluster whose ID they extend."""
        if not isinstance(instance.id, str):
            return
        cluster_id = instance.id.rsplit("/agentpools/", 1)[0]
        pool = self.agent_pool(get(instance.body, "properties"), self.where(instance), _leaf_name(instance))
        pool.name = _leaf_name(instance)
        for cluster in self.model.clusters:
            if cluster.id == cluster_id:
                cluster.pools.append(pool)

    # ----- networks -----
    def vnet(self, instance: ResourceInstance) -> None:
        body, where = instance.body, self.where(instance)
        vnet = VirtualNetwork(
            **self._base(instance),
            address_prefixes=_list_fields(body, ("properties.addressSpace.addressPrefixes",), where),
        )
        self.model.vnets.append(vnet)
        for subnet_field in field_at(body, "properties.subnets", where).items():
            name = get(subnet_field.value, "name")
            if not isinstance(name, str):
                continue
            subnet_id = normalize_id(f"{vnet.id}/subnets/{name}") if vnet.id else None
            self.add_subnet(subnet_field.value, subnet_id, name, subnet_field.location, vnet, instance.conditional)

    def add_subnet(self, body: object, subnet_id: str | None, name: str, where: Location,
                   vnet: VirtualNetwork | None, conditional: str | None) -> None:
        properties = get(body, "properties")
        subnet = Subnet(
            id=subnet_id, name=name, kind="subnets", location=where, conditional=conditional,
            address_prefixes=_list_fields(body, ("properties.addressPrefix", "properties.addressPrefixes"), where),
            delegations=_delegations(properties, where),
            unknown_delegations=_unknown_list(properties, "delegations", where),
            nsg_id=field_at(properties, "networkSecurityGroup.id", where),
            route_table_id=field_at(properties, "routeTable.id", where),
            nat_gateway_id=field_at(properties, "natGateway.id", where),
            vnet=vnet,
        )
        existing = self.model.subnets.get(subnet_id) if subnet_id else None
        if existing is not None:
            _merge_subnet(existing, subnet)
            return
        self.model.subnets[subnet_id or f"?{name}#{id(subnet)}"] = subnet
        if vnet is not None:
            vnet.subnets.append(subnet)

    def child_subnet(self, instance: ResourceInstance) -> None:
        vnet_id = instance.id.rsplit("/subnets/", 1)[0] if isinstance(instance.id, str) else None
        vnet = next((v for v in self.model.vnets if v.id and v.id == vnet_id), None)
        self.add_subnet(instance.body, instance.id if isinstance(instance.id, str) else None,
                        _leaf_name(instance), self.where(instance), vnet, instance.conditional)

    def nsg(self, instance: ResourceInstance) -> None:
        body, where = instance.body, self.where(instance)
        group = NetworkSecurityGroup(**self._base(instance))
        listed = field_at(body, "properties.securityRules", where)
        group.unknown_rules = _unknown_list(body, "properties.securityRules", where)
        for rule in listed.items():
            group.rules.append(_security_rule(rule.value, rule.location, instance.conditional))
        self.model.nsgs[_key(instance)] = group

    def child_security_rule(self, instance: ResourceInstance) -> None:
        if not isinstance(instance.id, str):
            return
        group = self.model.nsgs.get(instance.id.rsplit("/securityrules/", 1)[0])
        if group is not None:
            rule = _security_rule(instance.body, self.where(instance), instance.conditional)
            rule.name = _leaf_name(instance)
            group.rules.append(rule)

    def route_table(self, instance: ResourceInstance) -> None:
        body, where = instance.body, self.where(instance)
        table = RouteTable(**self._base(instance))
        for route in field_at(body, "properties.routes", where).items():
            table.routes.append(_route(route.value, route.location))
        self.model.route_tables[_key(instance)] = table

    def child_route(self, instance: ResourceInstance) -> None:
        if not isinstance(instance.id, str):
            return
        table = self.model.route_tables.get(instance.id.rsplit("/routes/", 1)[0])
        if table is not None:
            route = _route(instance.body, self.where(instance))
            route.name = _leaf_name(instance)
            route.conditional = instance.conditional
            table.routes.append(route)

    # ----- identity and access -----
    def role_definition(self, instance: ResourceInstance) -> None:
        body, where = instance.body, self.where(instance)
        definition = RoleDefinition(**self._base(instance), role_name=field_at(body, "properties.roleName", where))
        permissions = field_at(body, "properties.permissions", where)
        if permissions.present and not permissions.known:
            definition.unresolved = permissions
        for block in permissions.items():
            if not block.known:
                definition.unresolved = definition.unresolved or block
                continue
            actions, unknown_actions = _patterns(field_at(block.value, "actions", block.location))
            not_actions, unknown_not_actions = _patterns(field_at(block.value, "notActions", block.location))
            definition.blocks.append(PermissionBlock(actions, not_actions, unknown_actions, unknown_not_actions))
        definition.guid = _leaf_name(instance).lower() if isinstance(instance.name, str) else None
        key = definition.guid or definition.id
        if key:
            self.model.role_definitions[key] = definition

    def role_assignment(self, instance: ResourceInstance) -> None:
        body, where = instance.body, self.where(instance)
        self.model.role_assignments.append(RoleAssignment(
            **self._base(instance),
            scope=_assignment_scope(instance),
            role_definition_id=field_at(body, "properties.roleDefinitionId", where),
            principal_id=field_at(body, "properties.principalId", where),
            principal_type=field_at(body, "properties.principalType", where),
        ))

    # ----- links -----
    def link(self) -> None:
        for cluster in self.model.clusters:
            for pool in cluster.pools:
                pool.subnet = self.model.subnet_for(pool.vnet_subnet_id.value)


def _patterns(written: Field) -> tuple[list[Field], Field | None]:
    """The entries of an Actions/NotActions list, and the first unknown among them (or the list itself)."""
    if written.present and not written.known:
        return [], written
    entries = written.items()
    return entries, next((entry for entry in entries if not entry.known), None)


def _merge_subnet(into: Subnet, other: Subnet) -> None:
    """The same subnet declared twice (inline and as a child resource): keep every fact either gives."""
    into.address_prefixes = into.address_prefixes or other.address_prefixes
    into.delegations = into.delegations or other.delegations
    into.unknown_delegations = into.unknown_delegations or other.unknown_delegations
    for name in ("nsg_id", "route_table_id", "nat_gateway_id"):
        mine = getattr(into, name)
        if mine is None or not mine.present:
            setattr(into, name, getattr(other, name))
    into.vnet = into.vnet or other.vnet


def _delegations(properties: object, where: Location) -> list[Field]:
    listed = field_at(properties, "delegations", where)
    return [field_at(item.value, "properties.serviceName", item.location) for item in listed.items()]


def _unknown_list(container: object, key: str, where: Location) -> Field | None:
    """A list property written as one unresolvable value: what it holds (any delegations? which rules?)
    is unknown, which the rules must say rather than read it as empty."""
    listed = field_at(container, key, where)
    return listed if listed.present and not listed.known else None


def _named_properties(body: object) -> tuple[str, object]:
    """A sub-resource's name and the object holding its settings (`properties`, or the body itself
    for the flattened shape some tools emit)."""
    name = get(body, "name")
    properties = get(body, "properties")
    return (name if isinstance(name, str) else "<unnamed>"), (properties if isinstance(properties, dict) else body)


def _security_rule(body: object, where: Location, conditional: str | None) -> SecurityRule:
    name, props = _named_properties(body)
    return SecurityRule(
        name=name,
        location=where,
        priority=field_at(props, "priority", where),
        direction=field_at(props, "direction", where),
        access=field_at(props, "access", where),
        protocol=field_at(props, "protocol", where),
        source_prefixes=_list_fields(props, ("sourceAddressPrefix", "sourceAddressPrefixes"), where),
        source_ports=_list_fields(props, ("sourcePortRange", "sourcePortRanges"), where),
        destination_prefixes=_list_fields(props, ("destinationAddressPrefix", "destinationAddressPrefixes"), where),
        destination_ports=_list_fields(props, ("destinationPortRange", "destinationPortRanges"), where),
        source_asgs=bool(get(props, "sourceApplicationSecurityGroups")),
        destination_asgs=bool(get(props, "destinationApplicationSecurityGroups")),
        conditional=conditional,
    )


def _route(body: object, where: Location) -> Route:
    name, props = _named_properties(body)
    return Route(
        name=name,
        location=where,
        address_prefix=field_at(props, "addressPrefix", where),
        next_hop_type=field_at(props, "nextHopType", where),
        next_hop_ip=field_at(props, "nextHopIpAddress", where),
    )


def _assignment_scope(instance: ResourceInstance) -> object:
    """Where a role assignment applies, for each way ARM lets a template say it."""
    deployment_scope = instance.deployment.scope_id()
    raw_scope = get(instance.raw, "scope")
    if raw_scope is not None:
        value = extension_scope(instance.scope.evaluate(raw_scope), deployment_scope)
        return normalize_id(value) if isinstance(value, str) else value
    property_scope = get(get(instance.body, "properties"), "scope")
    kind = instance.type_lower
    if kind.endswith("/providers/roleassignments") and kind != ROLE_ASSIGNMENT and isinstance(instance.name, str):
        # Legacy `<type>/providers/roleAssignments` named `<name>/Microsoft.Authorization/<guid>`.
        names = instance.name.split("/")
        parent_type = instance.type.rsplit("/providers/", 1)[0]
        try:
            return normalize_id(f"{deployment_scope}/{provider_path(parent_type, names[:-2])}")
        except ValueError as exc:
            return Unknown(str(exc))
    if isinstance(property_scope, (str, Unknown)):
        return normalize_id(property_scope) if isinstance(property_scope, str) else property_scope
    if kind != ROLE_ASSIGNMENT:
        return Unknown("the role assignment's name, which holds its scope, is unknown")
    return normalize_id(deployment_scope)
