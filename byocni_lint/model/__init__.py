"""The typed model every rule reads: clusters, networks, NSGs, routes, roles, assignments.

Whatever the input format, loaders end in these objects, so each rule is written once. Every value is
a `Field`: the value (or `Unknown` with a reason), where the property is written, and where the value
was set when that is elsewhere (a parameter default or a parameters file). Resource IDs are normalised
here, once, so rules compare plain strings and never re-parse IDs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Callable

from byocni_lint.model.ids import normalize_id, provider_suffix
from byocni_lint.model.values import Unknown, property_name
from byocni_lint.findings import Location
from byocni_lint.model.positions import member_span, node_span

if TYPE_CHECKING:
    from byocni_lint.model.link import Link

PLACEHOLDER_MARK = "{"  # deployment placeholders such as {subscriptionid} (see evaluate.scope.DeploymentContext)


class Field:
    """One property value as a rule sees it.

    Where it is written (`location`) and where its value was set (`origin`, when that is elsewhere:
    a parameter default, a parameters file) are worked out only when a finding asks for them: most
    values never need a line number, and computing them all would dominate a bulk run.
    """

    __slots__ = ("value", "property_path", "default", "_location", "_origin", "_resolve")

    def __init__(self, value: object, location: Location | None = None, origin: Location | None = None,
                 property_path: str = "", resolve: Callable[[], tuple[Location, Location | None]] | None = None,
                 default: bool = False):
        self.value = value
        self.property_path = property_path
        self.default = default  # not written: the value the platform applies when the setting is left out
        self._location = location
        self._origin = origin
        self._resolve = resolve

    @property
    def location(self) -> Location:
        if self._resolve is not None:
            self._location, self._origin = self._resolve()
            self._resolve = None
        return self._location  # type: ignore[return-value]

    @property
    def origin(self) -> Location | None:
        return self.location and self._origin

    @property
    def known(self) -> bool:
        return not isinstance(self.value, Unknown)

    @property
    def present(self) -> bool:
        return self.value is not None

    def as_unknown(self, reason: str) -> "Field":
        """This field, at its place, as a value the rules cannot use (e.g. the ID of nothing in the files)."""
        return Field(Unknown(reason), self.location, self.origin, self.property_path)

    def text(self) -> str | None:
        """The value as a string when it is a known string, else None."""
        return str(self.value) if isinstance(self.value, str) else None

    def items(self) -> list["Field"]:
        """Elements of a known list value, each with its own position."""
        if not isinstance(self.value, list):
            return []
        return [_Member(item, f"{self.property_path}[{index}]", self.value, index, self)
                for index, item in enumerate(self.value)]

    def __repr__(self) -> str:
        return f"Field({self.value!r}, {self.property_path!r})"


def get(container: object, key: str) -> object:
    """`container[key]` with ARM's case-insensitive property names; None when absent."""
    if not isinstance(container, dict):
        return None
    if key in container:  # as written in the model's spelling: most reads
        return container[key]
    name = property_name(container, key)
    return container[name] if name is not None else None


class _Member(Field):
    """A Field read from `container[key]` (key None: not written there): where it is written is worked
    out from those on first use. Slots, not a closure: a bulk run keeps hundreds of thousands of fields
    alive, and a closure is six objects for the cyclic collector to walk, a slot none."""

    __slots__ = ("_container", "_key", "_parent")
    _parent: "Field | Location | None"

    def __init__(self, value: object, prop: str, container: object, key: object, parent: "Field | Location") -> None:
        super().__init__(value, property_path=prop)
        self._container, self._key, self._parent = container, key, parent

    @property
    def location(self) -> Location:
        if self._parent is not None:
            self._location, self._origin = _locate(self._container, self._key, self.value, self._parent)
            self._container = self._key = self._parent = None
        return self._location  # type: ignore[return-value]


def _field(container: object, key: object, prop: str, parent: "Field | Location") -> Field:
    """A Field for `container[key]`: located at the written property, with the value's origin if elsewhere."""
    if isinstance(container, Unknown):
        return _Member(container.child(key), prop, container, None, parent)
    if isinstance(container, dict):
        actual = property_name(container, str(key))
        return _Member(container.get(actual) if actual is not None else None, prop, container, actual, parent)
    if isinstance(container, list) and isinstance(key, int) and 0 <= key < len(container):
        return _Member(container[key], prop, container, key, parent)
    return _Member(None, prop, container, None, parent)


def _parent_location(parent: "Field | Location") -> Location:
    return parent.location if isinstance(parent, Field) else parent


def _locate(container: object, key: object, value: object, parent: "Field | Location") -> tuple[Location, Location | None]:
    written = getattr(container, "raw", container)
    location = None
    if key is not None:
        span = member_span(written, key)
        source = getattr(written, "source", None)
        if span is not None and source is not None:
            location = Location(source.path, span)
    location = location or _parent_location(parent)
    origin = None
    value_span = node_span(value)
    if value_span is not None and value_span != location.span:
        candidate = Location(value.source.path, value_span)  # type: ignore[attr-defined]
        if candidate != location and not _inside(candidate, location):
            origin = candidate
    return location, origin


def _inside(inner: Location, outer: Location) -> bool:
    if inner.path != outer.path or inner.span is None or outer.span is None:
        return False
    return (outer.span.line, outer.span.column) <= (inner.span.line, inner.span.column) and \
        (inner.span.end_line, inner.span.end_column) <= (outer.span.end_line, outer.span.end_column)


def field_at(root: object, path: str, fallback: Location) -> Field:
    """Follow a dotted property path (`properties.networkProfile.serviceCidr`) from an evaluated body.

    Only the value is looked up now; the walk that locates it (a Field per step) is made again only if
    the location is asked for, so a field costs one object however deep its path."""
    value: object = root
    for key in _path_keys(path):
        if isinstance(value, dict):
            if key in value:  # spelt as the model asks: most steps, without a call
                value = value[key]
            else:
                actual = property_name(value, key)
                value = value[actual] if actual is not None else None
        elif isinstance(value, Unknown):
            value = value.child(key)
        else:
            value = None
        if value is None:
            break
    return _PathField(value, path, root, fallback)


class _PathField(Field):
    """The Field `field_at` returns: located, on first use, by the step-by-step walk of `_walk`."""

    __slots__ = ("_root", "_fallback")
    _fallback: Location | None

    def __init__(self, value: object, path: str, root: object, fallback: Location) -> None:
        # Field.__init__'s work, written out: the model makes about a hundred of these per resource file.
        self.value, self.property_path, self.default = value, path, False
        self._location = self._origin = self._resolve = None
        self._root, self._fallback = root, fallback

    @property
    def location(self) -> Location:
        if self._fallback is not None:
            walked = _walk(self._root, self.property_path, self._fallback)
            self._location = walked.location
            self._origin = walked.origin if walked.value is not None else None
            self._root = self._fallback = None
        return self._location  # type: ignore[return-value]


def _walk(root: object, path: str, fallback: Location) -> Field:
    """The Field of each step of `path` in turn, each located in its parent; the last one met (the
    first absent, or the end)."""
    current: Field | Location = fallback
    container: object = root
    walked = ""
    for key in _path_keys(path):
        walked = f"{walked}.{key}" if walked else key
        current = _field(container, key, walked, current)
        container = current.value
        if container is None:
            break
    assert isinstance(current, Field)  # a path has at least one key
    return current


@lru_cache(maxsize=512)
def _path_keys(path: str) -> tuple[str, ...]:
    """`path` split at its dots, once per distinct path (the model asks the same few paths of every resource)."""
    return tuple(path.split("."))


def id_of(value: object) -> str | None:
    """A normalised resource ID from a known string value, else None."""
    if isinstance(value, str) and value.strip().startswith("/"):
        return normalize_id(value)
    return None


@dataclass(eq=False, repr=False)
class Resource:
    """What every modelled resource has: identity, where it is declared, and whether it may not deploy."""

    id: str | None
    name: str
    kind: str  # short type for messages, e.g. "managedClusters"
    location: Location
    conditional: str | None = None
    link: "Link | None" = None
    """Set on a copy linked in from another file of the run (model/link.py): how surely, and why."""

    @property
    def display(self) -> str:
        return f"{self.kind}/{self.name}"


@dataclass(eq=False, repr=False)
class AgentPool:
    """A node pool: where its nodes live (`vnetSubnetID`) and what they run."""
    name: str
    vnet_subnet_id: Field
    pod_subnet_id: Field
    os_type: Field
    location: Location
    subnet: "Subnet | None" = None


@dataclass(eq=False, repr=False)
class Cluster(Resource):
    """A deployed `managedClusters` resource with its network profile and node pools."""
    api_version: Field | None = None
    provider_version: Field | None = None  # Terraform: the azurerm pin or constraint (value: (text, is_constraint))
    network_profile: Field | None = None  # the whole profile: where AKS's defaults are reported
    kubernetes_version: Field | None = None
    support_plan: Field | None = None
    network_plugin: Field | None = None
    network_plugin_mode: Field | None = None
    network_policy: Field | None = None
    network_dataplane: Field | None = None
    pod_cidr: Field | None = None
    pod_cidrs: Field | None = None
    service_cidr: Field | None = None
    service_cidrs: Field | None = None
    dns_service_ip: Field | None = None
    docker_bridge_cidr: Field | None = None
    ip_families: Field | None = None
    outbound_type: Field | None = None
    identity_type: Field | None = None
    user_assigned_identities: list[str] = field(default_factory=list)
    identity_principals: list[Field] = field(default_factory=list)
    """Principal IDs written for the control-plane identity (`identity.principalId`, `principalId` under a
    `userAssignedIdentities` key): exported templates carry them, and an assignment may reuse the value."""
    pools: list[AgentPool] = field(default_factory=list)
    cli_version: Field | None = None
    """The Azure CLI version that runs the `az aks create` declaring this cluster (a pin in a workflow,
    image tag or pip install, located there), for BYO002; None when nothing pins it."""

    @property
    def is_byocni(self) -> bool:
        plugin = self.network_plugin.value if self.network_plugin else None
        return isinstance(plugin, str) and plugin.lower() == "none"

    def pod_cidr_fields(self) -> list[Field]:
        return _single_and_plural(self.pod_cidr, self.pod_cidrs)

    @property
    def uses_pod_cidr(self) -> bool:
        """Whether pods take addresses from `podCidr`: not with Azure CNI in VNet mode, where pods get
        VNet addresses and AKS ignores the field (so its value cannot conflict with anything)."""
        plugin = self.network_plugin.value if self.network_plugin else None
        mode = self.network_plugin_mode.value if self.network_plugin_mode else None
        if not isinstance(plugin, str) or plugin.lower() != "azure" or isinstance(mode, Unknown):
            return True  # none, kubenet, or not known: the pod range may be in use
        return isinstance(mode, str) and mode.lower() == "overlay"

    def service_cidr_fields(self) -> list[Field]:
        return _single_and_plural(self.service_cidr, self.service_cidrs)

    def defaulted(self, written: list[Field], default: object, property_path: str) -> list[Field]:
        """`written`, or, when the network profile is known and leaves the setting out, the value AKS
        applies instead, located at the profile (so a rule judges what will really be deployed)."""
        if written:
            return written
        profile = self.network_profile
        if profile is None or not profile.present or not profile.known:
            return []
        return [Field(default, property_path=property_path, resolve=lambda: (profile.location, None), default=True)]

    def node_subnets(self) -> list["Subnet"]:
        seen: dict[int, Subnet] = {}
        for pool in self.pools:
            if pool.subnet is not None:
                seen.setdefault(id(pool.subnet), pool.subnet)
        return list(seen.values())


def _single_and_plural(single: Field | None, plural: Field | None) -> list[Field]:
    """`podCidr` and `podCidrs` may both be set (the API mirrors them); each value is checked once."""
    fields: list[Field] = []
    seen: set[str] = set()
    for candidate in ([single] if single is not None and single.present else []) + (plural.items() if plural else []):
        key = candidate.value if isinstance(candidate.value, str) else None
        if key is not None and key in seen:
            continue
        if key is not None:
            seen.add(key)
        fields.append(candidate)
    if plural is not None and plural.present and not plural.known:
        fields.append(plural)
    return fields


@dataclass(eq=False, repr=False)
class Subnet(Resource):
    """A subnet, however declared (inline in its VNet or as a child resource), merged by ID."""
    address_prefixes: list[Field] = field(default_factory=list)
    delegations: list[Field] = field(default_factory=list)  # each delegation's service name
    unknown_delegations: Field | None = None  # the list as a whole is unknown: whether there are any is too
    nsg_id: Field | None = None
    route_table_id: Field | None = None
    nat_gateway_id: Field | None = None
    vnet: "VirtualNetwork | None" = None


@dataclass(eq=False, repr=False)
class VirtualNetwork(Resource):
    """A VNet with its address space and the subnets declared inline."""
    address_prefixes: list[Field] = field(default_factory=list)
    subnets: list[Subnet] = field(default_factory=list)


@dataclass(eq=False, repr=False)
class SecurityRule:
    """One NSG rule as written (inline `securityRules` or a `securityRules` child resource)."""
    name: str
    location: Location
    priority: Field
    direction: Field
    access: Field
    protocol: Field
    source_prefixes: list[Field]
    source_ports: list[Field]
    destination_prefixes: list[Field]
    destination_ports: list[Field]
    source_asgs: bool = False
    destination_asgs: bool = False
    conditional: str | None = None


@dataclass(eq=False, repr=False)
class NetworkSecurityGroup(Resource):
    """An NSG with every rule that applies to it, from either spelling."""

    unknown_rules: Field | None = None  # `securityRules` as a whole is unknown: the rules are not all here
    rules: list[SecurityRule] = field(default_factory=list)


@dataclass(eq=False, repr=False)
class Route:
    """One route of a route table."""

    name: str
    location: Location
    address_prefix: Field
    next_hop_type: Field
    next_hop_ip: Field
    conditional: str | None = None  # why the route may not be deployed (a route resource's own condition)


@dataclass(eq=False, repr=False)
class RouteTable(Resource):
    """A route table with its routes, from either spelling."""
    routes: list[Route] = field(default_factory=list)


@dataclass(eq=False, repr=False)
class PermissionBlock:
    """One `permissions` block of a role: its NotActions apply to its own Actions only. Entries that
    could not be resolved are not dropped: they make the block's answer unknown where they could matter."""
    actions: list[Field] = field(default_factory=list)
    not_actions: list[Field] = field(default_factory=list)
    unknown_actions: Field | None = None  # the Actions list, or an entry of it, that is unknown
    unknown_not_actions: Field | None = None


@dataclass(eq=False, repr=False)
class RoleDefinition(Resource):
    """A custom role declared in the files (built-in roles are data in semantics/rbac)."""
    role_name: Field | None = None
    blocks: list[PermissionBlock] = field(default_factory=list)
    unresolved: Field | None = None  # `permissions` (or one block) is unknown: what the role grants is unknown
    guid: str | None = None


@dataclass(eq=False, repr=False)
class RoleAssignment(Resource):
    """A role assignment with the scope it applies to, whatever spelling declared it."""
    scope: object = None  # normalised scope ID, or Unknown
    role_definition_id: Field | None = None
    principal_id: Field | None = None
    principal_type: Field | None = None


@dataclass(eq=False, repr=False)
class ManagedIdentity(Resource):
    """A user-assigned identity deployed by the files (a cluster's identity may point at one)."""


class ArmResource:
    """One deployed resource with its evaluated ARM body (evaluated on first use: most runs never ask)."""

    __slots__ = ("type", "resource", "_evaluate", "_body")

    def __init__(self, type_: str, resource: "Resource", body: Callable[[], object]) -> None:
        self.type = type_
        self.resource = resource
        self._evaluate: Callable[[], object] | None = body
        self._body: object = None

    @property
    def body(self) -> object:
        if self._evaluate is not None:
            self._body, self._evaluate = self._evaluate(), None
        return self._body


@dataclass(eq=False, repr=False)
class Model:
    """Everything one evaluation of the input declares, linked by normalised ID."""

    source: str
    clusters: list[Cluster] = field(default_factory=list)
    vnets: list[VirtualNetwork] = field(default_factory=list)
    subnets: dict[str, Subnet] = field(default_factory=dict)
    nsgs: dict[str, NetworkSecurityGroup] = field(default_factory=dict)
    route_tables: dict[str, RouteTable] = field(default_factory=dict)
    nat_gateways: dict[str, Resource] = field(default_factory=dict)
    role_definitions: dict[str, RoleDefinition] = field(default_factory=dict)
    role_assignments: list[RoleAssignment] = field(default_factory=list)
    identities: dict[str, ManagedIdentity] = field(default_factory=dict)
    parameters_source: str | None = None
    format: str = "arm"  # the input format, for spelling settings in messages (model/spellings.py)
    resources: list["ArmResource"] = field(default_factory=list)
    """Every deployed resource as ARM-shaped body, whatever the input format: what custom rules query."""
    links: list[tuple[str, str, "Link"]] = field(default_factory=list)
    """What the run-wide linker added (model/link.py): (table, ID in this view, link)."""

    def find(self, table: dict, value: object):
        """Look up a resource by an ID value: exact match, else the same resource path when the ID names a
        concrete subscription/group and ours are the deployment's placeholders (one match only)."""
        key = id_of(value)
        if key is None:
            return None
        if key in table:
            return table[key]
        suffix = provider_suffix(key)
        if suffix is None or PLACEHOLDER_MARK in key.split("/providers/")[0]:
            return None
        matches = [item for item_id, item in table.items()
                   if PLACEHOLDER_MARK in item_id.split("/providers/")[0] and provider_suffix(item_id) == suffix]
        return matches[0] if len(matches) == 1 else None

    def subnet_for(self, value: object) -> Subnet | None:
        return self.find(self.subnets, value)
