"""`az` commands as ARM resources: each flag value becomes a literal located at the flag's value.

Why ARM-shaped: the ARM evaluator and model builder already link subnets, NSGs, routes and role
assignments by resource ID, so a script gets every rule for free. The resources of one resource group
(`--resource-group` as written) go into one nested deployment targeted at that group, so a
`$(az network vnet subnet show -g rg ... --query id -o tsv)` in another group links like ARM does.

Defaults the CLI applies when a flag is absent, where they differ from the API's own default
(source: Azure CLI reference, https://learn.microsoft.com/cli/azure/aks#az-aks-create and
https://learn.microsoft.com/cli/azure/network/nsg/rule#az-network-nsg-rule-create):
`--enable-managed-identity` defaults to true (system-assigned identity), `--nodepool-name` to
`nodepool1`, `--node-count` to 3, `--os-type` to Linux; an NSG rule's `--direction` is Inbound,
`--access` Allow, `--protocol` `*`, address prefixes and `--source-port-ranges` `*`, and
`--destination-port-ranges` 80.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from byocni_lint.frontends.azcli.words import Command, Piece, Word

CLUSTER = "Microsoft.ContainerService/managedClusters"
POOL = "Microsoft.ContainerService/managedClusters/agentPools"
VNET = "Microsoft.Network/virtualNetworks"
SUBNET = "Microsoft.Network/virtualNetworks/subnets"
NSG = "Microsoft.Network/networkSecurityGroups"
NSG_RULE = "Microsoft.Network/networkSecurityGroups/securityRules"
ROUTE_TABLE = "Microsoft.Network/routeTables"
ROUTE = "Microsoft.Network/routeTables/routes"
NAT = "Microsoft.Network/natGateways"
IDENTITY = "Microsoft.ManagedIdentity/userAssignedIdentities"
RESOURCE_GROUP = "Microsoft.Resources/resourceGroups"
ROLE_ASSIGNMENT = "Microsoft.Authorization/roleAssignments"
API = {CLUSTER: "2024-02-01", IDENTITY: "2023-01-31"}

ALIASES = {"-g": "--resource-group", "-n": "--name", "-l": "--location", "-k": "--kubernetes-version",
           "-c": "--node-count", "-s": "--subscription", "-o": "--output", "--address-prefix": "--address-prefixes",
           "--subnet-prefix": "--subnet-prefixes", "--nsg": "--network-security-group",
           "--source-address-prefix": "--source-address-prefixes",
           "--destination-address-prefix": "--destination-address-prefixes",
           "--source-port-range": "--source-port-ranges", "--destination-port-range": "--destination-port-ranges",
           "--delegation": "--delegations", "-p": "--priority"}
RUNNERS = {"sudo", "env", "exec", "command", "nohup", "time", "docker", "podman"}
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")


@dataclass(frozen=True)
class Ref:
    """A resource a script names by creating or showing it (`$(az ... --query id -o tsv)`)."""

    type: str
    names: tuple[str, ...]
    group: str | None  # the resource group as written (`-g` value), None when absent
    group_known: bool
    query: str = "id"  # id | principalId | identity.principalId
    subscription: str | None = None  # `--subscription` of the command that names it, if given


@dataclass(eq=False)
class Lit:
    """A value for the template: literal text located in the script, an ARM expression, or unknown."""

    value: object
    start: int
    end: int
    unknown: str | None = None
    expression: bool = False


@dataclass
class AzCall:
    """One `az` invocation: command path (`aks create`), flags with their value words, and position."""

    path: tuple[str, ...]
    flags: dict[str, list[Word]]
    start: int
    end: int
    image: Word | None = None  # container image the command runs in (`docker run IMAGE az ...`)
    flag_words: dict[str, Word] = field(default_factory=dict)  # where each flag itself is written

    def one(self, name: str) -> Word | None:
        values = self.flags.get(name)
        return values[0] if values else None

    def has(self, name: str) -> bool:
        return name in self.flags


def az_call(command: Command) -> AzCall | None:
    """The `az` invocation a command runs, directly or through `sudo`/`docker run IMAGE az`."""
    words = command.words
    index = None
    image = None
    for position, word in enumerate(words):
        text = word.text or ""
        if text.rsplit("/", 1)[-1] == "az":
            index = position
            break
        if position == 0 and text.rsplit("/", 1)[-1] not in RUNNERS:
            return None
    if index is None:
        return None
    if index > 0 and (words[0].text or "").endswith(("docker", "podman")):
        image = words[index - 1]
    path: list[str] = []
    rest = words[index + 1:]
    while rest and rest[0].text and not rest[0].text.startswith("-"):
        path.append(rest[0].text)
        rest = rest[1:]
    flags: dict[str, list[Word]] = {}
    flag_words: dict[str, Word] = {}
    current: str | None = None
    for word in rest:
        text = word.text
        if text is not None and text.startswith("-") and len(text) > 1 and not _is_number(text):
            name, _, value = text.partition("=")
            current = ALIASES.get(name, name)
            flags.setdefault(current, [])
            flag_words.setdefault(current, word)
            if value:
                cut = len(name) + 1
                piece = word.pieces[0]
                flags[current].append(Word([Piece(value, piece.start + cut, word.end)], value))
        elif current is not None:
            flags[current].append(word)
    return AzCall(tuple(path), flags, command.start, command.end, image, flag_words)


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"-[0-9.]+", text))


def query_ref(call: AzCall, primary_subscription: object = None) -> Ref | None:
    """What `az <group> show|create ... --query X -o tsv` prints: a resource ID or a principal ID."""
    query = call.one("--query")
    if query is None or query.text is None or not call.path or call.path[-1] not in ("show", "create", "list"):
        return None
    wanted = query.text.strip().strip("[]0").lstrip(".")
    target = _target(call)
    if target is None or wanted not in ("id", "principalId", "identity.principalId"):
        return None
    type_, names = target
    if any(name is None for name in names):
        return None
    group = call.one("--resource-group")
    return Ref(type_, tuple(names), group.text if group and group.text else (group.raw if group else None),
               bool(group and group.text), wanted, _text(call.one("--subscription")))  # type: ignore[arg-type]


def _target(call: AzCall) -> tuple[str, list[str | None]] | None:
    name = _text(call.one("--name"))
    groups = {("group",): (RESOURCE_GROUP, [name]), ("aks",): (CLUSTER, [name]), ("identity",): (IDENTITY, [name]),
              ("network", "vnet"): (VNET, [name]), ("network", "nsg"): (NSG, [name]),
              ("network", "route-table"): (ROUTE_TABLE, [name]), ("network", "nat", "gateway"): (NAT, [name]),
              ("network", "vnet", "subnet"): (SUBNET, [_text(call.one("--vnet-name")), name])}
    return groups.get(call.path[:-1])


def _text(word: Word | None) -> str | None:
    return word.text if word is not None else None


# ----- building the template -----

@dataclass
class Group:
    """The resources of one resource group, as written in the script."""

    key: str | None
    known: bool
    subscription: str | None = None  # literal subscription (`--subscription`, `az account set`), else unknown
    resources: list[dict] = field(default_factory=list)


class TemplateBuilder:
    """Collects resources from `az` calls in script order; updates merge into what the script created."""

    def __init__(self) -> None:
        self.groups: dict[tuple, Group] = {}
        self.subscription: str | None = None  # set by `az account set --subscription X` (a literal)
        self.created: dict[tuple, dict] = {}
        self.notes: list[tuple[str, int, int]] = []
        self.clusters: list[tuple[dict, AzCall]] = []

    # -- values --
    def lit(self, word: Word | None, cast=str) -> Lit | None:
        if word is None:
            return None
        if word.ref is not None:
            return self.ref_value(word.ref, word.start, word.end)
        if word.unknown:
            return Lit(None, word.start, word.end, unknown=word.unknown)
        text = word.text or ""
        if cast is int:
            try:
                return Lit(int(text), word.start, word.end)
            except ValueError:
                return Lit(text, word.start, word.end)
        return Lit(text, word.start, word.end)

    def ref_value(self, ref: Ref, start: int, end: int) -> Lit:
        names = ", ".join(_quote(n) for n in ref.names)
        subscription = ref.subscription or self.subscription
        if ref.type == RESOURCE_GROUP:
            sub = _quote(subscription) if subscription else "subscription().subscriptionId"
            return Lit(f"[format('/subscriptions/{{0}}/resourceGroups/{{1}}', {sub}, {names})]",
                       start, end, expression=True)
        if ref.group_known:
            sub = f"{_quote(subscription)}, " if subscription else ""
            target = f"resourceId({sub}{_quote(ref.group or '')}, {_quote(ref.type)}, {names})"
        else:
            target = f"resourceId({_quote(ref.type)}, {names})"
        if ref.query == "id":
            return Lit(f"[{target}]", start, end, expression=True)
        api = API.get(ref.type, "2023-01-31")
        if ref.query == "principalId":
            return Lit(f"[reference({target}, '{api}').principalId]", start, end, expression=True)
        return Lit(f"[reference({target}, '{api}', 'Full').identity.principalId]", start, end, expression=True)

    def id_value(self, word: Word | None, type_: str, group: Word | None, call: AzCall) -> Lit | None:
        """A flag that takes a resource name or ID (`--network-security-group nsg1`): names resolve in
        the command's own resource group, as the CLI does."""
        if word is None:
            return None
        text = word.text
        if text is not None and not text.startswith("/") and word.ref is None:
            return self.ref_value(_ref(type_, (text,), group, _text(call.one("--subscription"))), word.start, word.end)
        return self.lit(word)

    def values(self, call: AzCall, flag: str, split_commas: bool = False) -> list[Lit]:
        out: list[Lit] = []
        for word in call.flags.get(flag, []):
            text = word.text
            if split_commas and text is not None and "," in text:
                out += [Lit(part, word.start, word.end) for part in text.split(",") if part]
            else:
                lit = self.lit(word)
                if lit is not None:
                    out.append(lit)
        return out

    # -- resources --
    def group(self, call: AzCall) -> Group:
        word = call.one("--resource-group")
        key = (word.text or word.raw) if word else None
        known = bool(word and word.text)
        subscription = _text(call.one("--subscription")) or self.subscription
        if (subscription, key) not in self.groups:
            self.groups[(subscription, key)] = Group(key, known, subscription if known else None)
        return self.groups[(subscription, key)]

    def name(self, words: list[Word | None], call: AzCall) -> Lit:
        if any(w is None for w in words):
            return Lit(None, call.start, call.end, unknown="the command names no resource")
        unknown = next((w.unknown for w in words if w.unknown), None)  # type: ignore[union-attr]
        if unknown:
            return Lit(None, words[-1].start, words[-1].end, unknown=unknown)  # type: ignore[union-attr]
        return Lit("/".join(w.text for w in words), words[-1].start, words[-1].end)  # type: ignore[union-attr]

    def add(self, call: AzCall, type_: str, names: list[Word | None], properties: dict, extra: dict | None = None) -> dict:
        key = (type_, self.group(call).key, tuple((w.text or w.raw) if w else None for w in names))
        existing = self.created.get(key)
        if existing is not None and call.path[-1] == "update":
            _merge(existing["properties"], properties)
            return existing
        resource = {"type": type_, "name": self.name(names, call), "properties": properties, **(extra or {})}
        resource["__span"] = (call.start, call.end)
        if type_ in API:
            resource["apiVersion"] = API[type_]
        self.group(call).resources.append(resource)
        self.created[key] = resource
        return resource

    def updatable(self, call: AzCall, type_: str, names: list[Word | None]) -> bool:
        """An `update` of a resource the script did not create changes settings the linter cannot see."""
        key = (type_, self.group(call).key, tuple((w.text or w.raw) if w else None for w in names))
        if call.path[-1] != "update" or key in self.created:
            return True
        self.notes.append((f"az {' '.join(call.path)} changes a resource this script does not create; "
                           "its other settings are not known, so it is not checked", call.start, call.end))
        return False

    def apply(self, call: AzCall) -> None:
        if call.path == ("account", "set"):
            self.subscription = _text(call.one("--subscription") or call.one("--name"))
            return
        handler = _HANDLERS.get(call.path)
        if handler is not None:
            handler(self, call)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ref(type_: str, names: tuple[str, ...], group: Word | None, subscription: str | None = None) -> Ref:
    return Ref(type_, names, (group.text or group.raw) if group else None, bool(group and group.text),
               subscription=subscription)


def _merge(into: dict, other: dict) -> None:
    for key, value in other.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def _put(target: dict, key: str, value: object) -> None:
    if value is not None and value != []:
        target[key] = value


def _default(value: object, call: AzCall) -> Lit:
    """A CLI default, located at the command (no flag in the file carries it)."""
    return Lit(value, call.start, call.end)


# ----- command handlers -----

def _aks(builder: TemplateBuilder, call: AzCall) -> None:
    names = [call.one("--name")]
    if not builder.updatable(call, CLUSTER, names):
        return
    lit = builder.lit
    network: dict = {}
    for flag, prop in (("--network-plugin", "networkPlugin"), ("--network-plugin-mode", "networkPluginMode"),
                       ("--network-policy", "networkPolicy"), ("--network-dataplane", "networkDataplane"),
                       ("--pod-cidr", "podCidr"), ("--service-cidr", "serviceCidr"),
                       ("--dns-service-ip", "dnsServiceIP"), ("--docker-bridge-address", "dockerBridgeCidr"),
                       ("--outbound-type", "outboundType")):
        _put(network, prop, lit(call.one(flag)))
    cilium = call.flag_words.get("--enable-cilium-dataplane")  # the older spelling of --network-dataplane cilium
    if cilium is not None and "networkDataplane" not in network:
        network["networkDataplane"] = Lit("cilium", cilium.start, cilium.end)
    for flag, prop in (("--pod-cidrs", "podCidrs"), ("--service-cidrs", "serviceCidrs"), ("--ip-families", "ipFamilies")):
        _put(network, prop, builder.values(call, flag, split_commas=True))
    properties: dict = {}
    _put(properties, "kubernetesVersion", lit(call.one("--kubernetes-version")))
    _put(properties, "networkProfile", network or None)
    extra: dict = {}
    if call.path[-1] == "create":
        pool: dict = {"name": lit(call.one("--nodepool-name")) or _default("nodepool1", call),
                      "mode": _default("System", call),
                      "osType": _default("Linux", call),
                      "count": lit(call.one("--node-count"), int) or _default(3, call)}
        _put(pool, "vnetSubnetID", lit(call.one("--vnet-subnet-id")))
        _put(pool, "podSubnetID", lit(call.one("--pod-subnet-id")))
        properties["agentPoolProfiles"] = [pool]
        extra["identity"] = _identity(builder, call)
    resource = builder.add(call, CLUSTER, names, properties, extra)
    if call.path[-1] == "create":
        builder.clusters.append((resource, call))


def _identity(builder: TemplateBuilder, call: AzCall) -> dict | None:
    assigned = call.one("--assign-identity")
    if assigned is not None:
        key = builder.id_value(assigned, IDENTITY, call.one("--resource-group"), call)
        return {"type": Lit("UserAssigned", assigned.start, assigned.end), "userAssignedIdentities": {key: {}}}
    if call.has("--service-principal"):
        return None
    word = call.flag_words.get("--enable-managed-identity")
    return {"type": Lit("SystemAssigned", word.start, word.end) if word else _default("SystemAssigned", call)}


def _nodepool_add(builder: TemplateBuilder, call: AzCall) -> None:
    lit = builder.lit
    properties: dict = {"osType": lit(call.one("--os-type")) or _default("Linux", call)}
    _put(properties, "vnetSubnetID", lit(call.one("--vnet-subnet-id")))
    _put(properties, "podSubnetID", lit(call.one("--pod-subnet-id")))
    builder.add(call, POOL, [call.one("--cluster-name"), call.one("--name")], properties)


def _vnet(builder: TemplateBuilder, call: AzCall) -> None:
    names = [call.one("--name")]
    if not builder.updatable(call, VNET, names):
        return
    properties: dict = {}
    prefixes = builder.values(call, "--address-prefixes")
    if prefixes:
        properties["addressSpace"] = {"addressPrefixes": prefixes}
    subnet = call.one("--subnet-name")
    if subnet is not None:
        inline: dict = {}
        _put(inline, "addressPrefixes", builder.values(call, "--subnet-prefixes"))
        properties["subnets"] = [{"name": builder.lit(subnet), "properties": inline}]
    builder.add(call, VNET, names, properties)


def _subnet(builder: TemplateBuilder, call: AzCall) -> None:
    names = [call.one("--vnet-name"), call.one("--name")]
    if not builder.updatable(call, SUBNET, names):
        return
    group = call.one("--resource-group")
    properties: dict = {}
    _put(properties, "addressPrefixes", builder.values(call, "--address-prefixes"))
    if call.has("--delegations"):
        properties["delegations"] = [
            {"name": Lit(f"delegation{index}", lit.start, lit.end), "properties": {"serviceName": lit}}
            for index, lit in enumerate(builder.values(call, "--delegations")) if lit.value != ""]
    for flag, prop, type_ in (("--network-security-group", "networkSecurityGroup", NSG),
                              ("--route-table", "routeTable", ROUTE_TABLE), ("--nat-gateway", "natGateway", NAT)):
        value = builder.id_value(call.one(flag), type_, group, call)
        if value is not None and value.value != "":
            properties[prop] = {"id": value}
    builder.add(call, SUBNET, names, properties)


def _named(type_: str):
    def handler(builder: TemplateBuilder, call: AzCall) -> None:
        builder.add(call, type_, [call.one("--name")], {})
    return handler


def _nsg_rule(builder: TemplateBuilder, call: AzCall) -> None:
    lit = builder.lit
    d = lambda v: _default(v, call)  # noqa: E731
    properties = {
        "priority": lit(call.one("--priority"), int) or Lit(None, call.start, call.end, unknown="no --priority"),
        "direction": lit(call.one("--direction")) or d("Inbound"),
        "access": lit(call.one("--access")) or d("Allow"),
        "protocol": lit(call.one("--protocol")) or d("*"),
        "sourceAddressPrefixes": builder.values(call, "--source-address-prefixes") or [d("*")],
        "sourcePortRanges": builder.values(call, "--source-port-ranges") or [d("*")],
        "destinationAddressPrefixes": builder.values(call, "--destination-address-prefixes") or [d("*")],
        "destinationPortRanges": builder.values(call, "--destination-port-ranges") or [d("80")],
    }
    builder.add(call, NSG_RULE, [call.one("--nsg-name"), call.one("--name")], properties)


def _route(builder: TemplateBuilder, call: AzCall) -> None:
    properties: dict = {}
    _put(properties, "addressPrefix", builder.lit(call.one("--address-prefixes")))
    _put(properties, "nextHopType", builder.lit(call.one("--next-hop-type")))
    _put(properties, "nextHopIpAddress", builder.lit(call.one("--next-hop-ip-address")))
    builder.add(call, ROUTE, [call.one("--route-table-name"), call.one("--name")], properties)


def _role_assignment(builder: TemplateBuilder, call: AzCall) -> None:
    role = call.one("--role")
    principal = call.one("--assignee-object-id") or call.one("--assignee")
    scope = call.one("--scope")
    properties: dict = {}
    _put(properties, "roleDefinitionId", _role_id(builder, role, call))
    if principal is not None:
        value = builder.lit(principal)
        if value is not None and value.unknown is None and not value.expression and not _GUID.match(str(value.value)):
            value = Lit(None, principal.start, principal.end,
                        unknown=f"--assignee {principal.text} is resolved by Microsoft Entra ID at run time")
        properties["principalId"] = value
    _put(properties, "principalType", builder.lit(call.one("--assignee-principal-type")))
    extra = {}
    if scope is not None:
        extra["scope"] = builder.lit(scope)
    start = principal or role or scope
    name = Lit(f"[guid('{start.start if start else call.start}')]", call.start, call.end, expression=True)
    resource = {"type": ROLE_ASSIGNMENT, "name": name, "properties": properties, "__span": (call.start, call.end),
                **extra}
    builder.groups.setdefault((None, None), Group(None, False)).resources.append(resource)


def _role_id(builder: TemplateBuilder, role: Word | None, call: AzCall) -> Lit | None:
    """`--role` by GUID, ID or built-in role name; a custom role name the script does not define is unknown."""
    if role is None:
        return None
    text = role.text
    if text is None or text.startswith("/"):
        return builder.lit(role)
    guid = text if _GUID.match(text) else None
    if guid is None:
        from byocni_lint.semantics.rbac import builtin_role_by_name

        found = builtin_role_by_name(text)
        guid = found.id if found is not None else None
    if guid is None:
        return Lit(None, role.start, role.end, unknown=f"--role {text!r} is not a built-in role name")
    return Lit(f"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{guid}')]",
               role.start, role.end, expression=True)


_HANDLERS = {
    ("aks", "create"): _aks, ("aks", "update"): _aks, ("aks", "nodepool", "add"): _nodepool_add,
    ("network", "vnet", "create"): _vnet, ("network", "vnet", "update"): _vnet,
    ("network", "vnet", "subnet", "create"): _subnet, ("network", "vnet", "subnet", "update"): _subnet,
    ("network", "nsg", "create"): _named(NSG), ("network", "nsg", "rule", "create"): _nsg_rule,
    ("network", "route-table", "create"): _named(ROUTE_TABLE), ("network", "route-table", "route", "create"): _route,
    ("network", "nat", "gateway", "create"): _named(NAT),
    ("identity", "create"): _named(IDENTITY), ("role", "assignment", "create"): _role_assignment,
}
