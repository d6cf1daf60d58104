"""Network prerequisites of a BYOCNI node subnet: not delegated (BYO004), NSGs that let nodes and pods
talk (BYO005), and a way out to the internet (BYO007).

All three start from the subnets a cluster's node pools are placed in. A pool without `vnetSubnetID`
lives in a VNet that AKS creates and manages, so there is nothing to check; a `vnetSubnetID` that does
not lead to a subnet in the linted files is unknown (a BYO901 note), never a violation.

NSG questions go to `semantics.nsg`; this module only decides which flows to ask about, what the
`VirtualNetwork` service tag holds here, and how to word the answer. Only rules written in the
template are reported: a flow that reaches Azure's default rules is decided the same way on every
NSG in Azure, and AKS asks for allow rules only when "the subnet NSG contains deny rules" of its own.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, TypeVar
from weakref import WeakKeyDictionary

from byocni_lint.checks import check
from byocni_lint.checks.context import CheckContext, CheckLimitExceeded, and_list, reported as _reported
from byocni_lint.model.values import Unknown
from byocni_lint.findings import Location, Severity
from byocni_lint.model import Cluster, Field, Model, NetworkSecurityGroup, Resource, RouteTable, SecurityRule, Subnet
from byocni_lint.lazy_imports import lazy_module
from byocni_lint.semantics.cidr import Network, parse_network

if TYPE_CHECKING:
    from byocni_lint.semantics import nsg
else:
    nsg = lazy_module("byocni_lint.semantics.nsg")  # only clusters with an NSG on a node subnet need it

_DIRECTIONS = ("Inbound", "Outbound")
_ACCEPTED_NEXT_HOPS = ("virtualappliance", "virtualnetworkgateway")
_ISOLATED_OUTBOUND = ("none", "block")
_MAX_LISTED = 4

L = TypeVar("L")


# --- node subnets ---------------------------------------------------------------------------------

def _byocni_clusters(model: Model, ctx: CheckContext) -> Iterator[tuple[Cluster, list[Subnet]]]:
    """Each BYOCNI cluster with its node subnets found in the files; pools whose subnet is not there
    become notes."""
    for cluster in model.clusters:
        if not cluster.is_byocni:
            continue
        for pool in cluster.pools:
            subnet_id = pool.vnet_subnet_id
            if pool.subnet is not None or not subnet_id.present or subnet_id.value == "":
                continue
            if subnet_id.known:
                subnet_id = subnet_id.as_unknown("it names a subnet that the linted files do not declare")
            ctx.unknown(subnet_id, cluster, f"vnetSubnetID of pool {pool.name}")
        yield cluster, cluster.node_subnets()


def _note(ctx: CheckContext, location: Location, prop: str, reason: str, resource: Resource | None,
          what: str) -> None:
    """A BYO901 note for something the files leave open that is not a single unknown value."""
    ctx.unknown(Field(Unknown(reason), location, None, prop), resource, what)


def _linked(ctx: CheckContext, model: Model, table: dict[str, L], reference: Field | None, subnet: Subnet,
            cluster: Cluster, what: str) -> L | None:
    """The resource a subnet property (`networkSecurityGroup.id`, `routeTable.id`) points at, or None
    when it is not set; a note when it is set but not found in the files."""
    if reference is None or not reference.present:
        return None
    if reference.known:
        found = model.find(table, reference.value)
        if found is not None:
            return found
        reference = reference.as_unknown(f"the linted files do not declare {reference.value}")
    ctx.unknown(reference, _reported(subnet, cluster), what)
    return None


def _prefixes(ctx: CheckContext, subnet: Subnet, cluster: Cluster) -> tuple[Network, ...] | None:
    """The node subnet's address prefixes, or None (with a note) when any of them is not known."""
    networks = []
    for prefix in subnet.address_prefixes:
        network = parse_network(prefix.value) if prefix.known else None
        if network is None:
            if prefix.known:
                prefix = prefix.as_unknown(f"{prefix.value!r} is not an address range")
            ctx.unknown(prefix, _reported(subnet, cluster), f"address prefix of node subnet {subnet.name}")
            return None
        networks.append(network)
    if not networks:
        _note(ctx, subnet.location, "properties.addressPrefix", "the subnet declares no address prefix",
              _reported(subnet, cluster), f"node subnet {subnet.name}")
        return None
    return tuple(networks)


def _virtual_network(model: Model, subnet: Subnet, nodes: tuple[Network, ...]) -> tuple[Network, ...] | None:
    """The `VirtualNetwork` service tag as far as the files tell, or None when a part they declare is unknown.

    Azure's tag is the VNet's address space, peered and on-premises spaces, and the prefixes of
    user-defined routes (aks-facts 6.3). Here it is the VNet's space, the node prefixes (inside it by
    definition) and the non-default routes of the subnet's route table: peerings are not in the
    files, so the tag can only come out smaller than Azure's. That never matters for traffic between
    node addresses, which are in the tag either way; for pod traffic it is one reason that finding is
    a warning. A `0.0.0.0/0` route is left out, or `AllowVnetInBound` would read "allow everything".
    """
    vnet = subnet.vnet
    if vnet is None or not vnet.address_prefixes:
        return None
    space = [parse_network(prefix.value) for prefix in vnet.address_prefixes]
    reference = subnet.route_table_id
    if reference is not None and reference.present:
        table = model.find(model.route_tables, reference.value)
        if table is None:
            return None
        space += [parse_network(route.address_prefix.value) for route in table.routes]
    known = [network for network in space if network is not None]
    if len(known) != len(space):
        return None
    return tuple(n for n in (*known, *nodes) if n.prefixlen > 0)


# --- BYO004 ---------------------------------------------------------------------------------------

@check("BYO004")
def delegated_node_subnet(model: Model, ctx: CheckContext) -> None:
    for cluster, subnets in _byocni_clusters(model, ctx):
        for subnet in subnets:
            if subnet.unknown_delegations is not None:
                ctx.unknown(subnet.unknown_delegations, _reported(subnet, cluster), "delegations")
            for delegation in subnet.delegations:
                if delegation.text():
                    service = delegation.text()
                elif delegation.present and not delegation.known and isinstance(delegation.value, Unknown):
                    service = f"a service whose name is unknown ({delegation.value.reason})"
                else:
                    service = "a service it does not name"
                ctx.fail(delegation, f"node subnet {subnet.name} is delegated to {service}; a BYOCNI node pool's "
                                     "subnet can't be delegated",
                         _reported(subnet, cluster), key=f"delegation|{delegation.text() or ''}",
                         fix="remove the delegation (API Server VNet Integration needs a separate delegated subnet)")


# --- NSG evaluation -------------------------------------------------------------------------------

@dataclass
class _Denial:
    """What one custom rule denies of the flows asked about."""

    rule: nsg.SecurityRule
    parts: list[nsg.Traffic] = field(default_factory=list)


@dataclass
class _Outcome:
    """What evaluating an NSG against the flows asked about found: denials, and verdicts left unknown."""

    denials: list[_Denial] = field(default_factory=list)
    unknown: list[nsg.Verdict] = field(default_factory=list)


def _node_subnet_nsg(ctx: CheckContext, model: Model, subnet: Subnet, cluster: Cluster) -> NetworkSecurityGroup | None:
    """The NSG on a node subnet when its rules can be evaluated; a note when it is not in the files or
    its rule list as a whole is unknown (evaluating only Azure's defaults would be a guess)."""
    group = _linked(ctx, model, model.nsgs, subnet.nsg_id, subnet, cluster, f"NSG of node subnet {subnet.name}")
    if group is not None and group.unknown_rules is not None:
        ctx.unknown(group.unknown_rules, _reported(group, subnet, cluster), "securityRules")
        return None
    return group


class _Evaluator:
    """An NSG as the evaluator takes it: its rules, the Allow copies `_decide` puts in place of reported
    Denies, and every list of them compiled so far. BYO005 and BYO007 ask up to nine flows of the NSG
    of each node subnet; one evaluator per NSG serves them all (see `_evaluator`)."""

    def __init__(self, rules: list[nsg.SecurityRule]) -> None:
        self.rules = rules
        self._as_allow: dict[int, nsg.SecurityRule] = {}
        self._compiled: dict[tuple, nsg.CompiledRules] = {}

    def as_allow(self, rule: nsg.SecurityRule) -> nsg.SecurityRule:
        """`rule` as an Allow of the same match, the same object each time it is asked for."""
        if id(rule) not in self._as_allow:
            self._as_allow[id(rule)] = rule._replace(access="Allow")
        return self._as_allow[id(rule)]

    def compiled(self, rules: list[nsg.SecurityRule], tags: nsg.Tags) -> nsg.CompiledRules:
        """`rules` (of `self.rules` and their Allow copies, which this object keeps alive, so their ids
        name them) with Azure's defaults, compiled for `tags`."""
        key = (tuple(map(id, rules)), tags)
        if key not in self._compiled:
            self._compiled[key] = nsg.compile_rules((*rules, *nsg.default_rules()), tags)
        return self._compiled[key]


_EVALUATORS: WeakKeyDictionary[NetworkSecurityGroup, _Evaluator] = WeakKeyDictionary()
"""One evaluator per NSG, gone with the model it belongs to (it holds the NSG's rules, not the NSG)."""


def _evaluator(group: NetworkSecurityGroup) -> _Evaluator:
    evaluator = _EVALUATORS.get(group)
    if evaluator is None:
        evaluator = _EVALUATORS[group] = _Evaluator(_evaluator_rules(group))
    return evaluator


def _evaluator_rules(group: NetworkSecurityGroup) -> list[nsg.SecurityRule]:
    """The NSG's rules for the evaluator, each carrying the model rule as `ref`.

    A rule resource behind an unknown condition of its own may be missing: as an Allow it can then
    only be a possible match (access unknown); as a Deny it is kept, and what it denies is reported
    "if deployed".
    """
    rules = []
    for rule in group.rules:
        access = _text(rule.access)
        if _maybe_absent(rule, group) and (access or "").lower() != "deny":
            access = None
        rules.append(nsg.SecurityRule(
            name=rule.name, priority=_integer(rule.priority), direction=_text(rule.direction), access=access,
            protocol=_text(rule.protocol),
            source_prefixes=_texts(rule.source_prefixes), source_ports=_texts(rule.source_ports),
            destination_prefixes=_texts(rule.destination_prefixes),
            destination_ports=_texts(rule.destination_ports),
            source_asgs=rule.source_asgs, destination_asgs=rule.destination_asgs, ref=rule))
    return rules


def _maybe_absent(rule: SecurityRule, group: NetworkSecurityGroup) -> bool:
    return bool(rule.conditional) and rule.conditional != group.conditional


def _text(value: Field) -> str | None:
    return value.value if isinstance(value.value, str) else None


def _integer(value: Field) -> int | None:
    if isinstance(value.value, bool):
        return None
    if isinstance(value.value, int):
        return int(value.value)
    text = _text(value)
    return int(text) if text is not None and text.strip().isdigit() else None


def _texts(values: list[Field]) -> tuple[str, ...] | None:
    """Merged singular and plural properties; None when empty or when any entry is not known."""
    texts = tuple(str(v.value) for v in values if isinstance(v.value, (str, int)) and not isinstance(v.value, bool))
    return texts if texts and len(texts) == len(values) else None


def _decide(ctx: CheckContext, evaluator: _Evaluator, flows: Iterable[nsg.Traffic], tags: nsg.Tags,
            group: NetworkSecurityGroup) -> _Outcome:
    """Every custom rule that denies part of `flows`, and the verdicts a custom rule leaves unknown.

    The evaluator names the first deciding Deny. To name the later ones too, a reported Deny is
    replaced by an Allow of the same match, so its packets count as decided and the rest meets the
    later rules as in Azure; a Deny that may not be deployed is dropped instead, since without it
    later rules decide its packets. Each rule list met on the way is compiled once for all flows
    and every later question to this NSG (`_Evaluator`). An evaluation past the rule's
    `max_nsg_steps` leaves its flow unknown (a note), never passed.
    """
    max_steps = int(ctx.params["max_nsg_steps"])
    outcome = _Outcome()
    by_rule: dict[int, _Denial] = {}
    work, budget = 0, int(ctx.limits["max_nsg_rule_evaluations"])
    for traffic in flows:
        remaining = list(evaluator.rules)
        while True:
            work += len(remaining) + 1  # each evaluation may visit every rule
            if work > budget:
                raise CheckLimitExceeded(f"{ctx.spec.id} stopped: NSG {group.name} needs more than {budget} rule "
                                         "evaluations (BYO903 max_nsg_rule_evaluations), so it was not checked completely",
                                         group.location)
            try:
                verdict = evaluator.compiled(remaining, tags).evaluate(traffic, max_steps, describe_defaults=False)
            except nsg.StepLimit as stopped:
                outcome.unknown.append(nsg.Verdict("unknown", stopped.rule, reason=str(stopped)))
                break
            if verdict.outcome == "allowed" or verdict.rule is None or verdict.rule.default:
                break
            if verdict.outcome == "unknown":
                outcome.unknown.append(verdict)
                break
            if id(verdict.rule.ref) not in by_rule:
                by_rule[id(verdict.rule.ref)] = _Denial(verdict.rule)
                outcome.denials.append(by_rule[id(verdict.rule.ref)])
            by_rule[id(verdict.rule.ref)].parts += verdict.denied
            index = next(i for i, rule in enumerate(remaining) if rule is verdict.rule)
            written = verdict.rule.ref
            assert isinstance(written, SecurityRule)  # a custom (not default) rule carries its model rule
            if _maybe_absent(written, group):
                del remaining[index]
            else:
                remaining[index] = evaluator.as_allow(verdict.rule)
    return outcome

def _describe(parts: Sequence[nsg.Traffic], names: dict[tuple[Network, ...], str] | None = None) -> str:
    """Denied flows in words: `UDP from 10.10.1.0/24 to 10.10.1.0/24 inbound`, `all traffic from ...`."""
    groups: dict[tuple, list[str]] = {}
    for part in parts:
        key = (part.sources, part.destinations, part.ports, part.source_ports, part.direction)
        groups.setdefault(key, []).append(part.protocol)
    phrases = []
    for (sources, destinations, ports, source_ports, direction), protocols in groups.items():
        unrestricted = (ports, source_ports) == (nsg.ALL_PORTS, nsg.ALL_PORTS)
        if unrestricted and len(set(protocols)) == len(nsg.PROTOCOLS):
            what = "all traffic"
        else:
            what = and_list([p.upper() for p in protocols]) + _ports_text(ports, "port")
            what += _ports_text(source_ports, "from source port")
        phrase = f"{what} from {_addresses(sources, names)} to {_addresses(destinations, names)} {direction.lower()}"
        if phrase not in phrases:
            phrases.append(phrase)
    return and_list(phrases)


def _ports_text(ports: tuple[nsg.PortRange, ...], label: str) -> str:
    if ports == nsg.ALL_PORTS:
        return ""
    listed = [str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in ports]
    plural = "s" if len(listed) > 1 or "-" in listed[0] else ""
    return f" {label}{plural} {', '.join(listed)}"


def _addresses(networks: tuple[Network, ...], names: dict[tuple[Network, ...], str] | None) -> str:
    """A set of addresses by name when it is exactly a named one (the node subnet, the Internet) in the
    address families it has (denied parts come one family at a time), else listed."""
    versions = {n.version for n in networks}
    for whole, name in (names or {}).items():
        if _canonical(n for n in whole if n.version in versions) == _canonical(networks):
            return name
    shown = [str(n) for n in networks[:_MAX_LISTED]]
    more = len(networks) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


def _canonical(networks: Iterable[Network]) -> frozenset[Network]:
    networks = tuple(networks)
    # collapse_addresses wants one address family at a time: IPv4 and IPv6 collapsed separately
    v4 = ipaddress.collapse_addresses(x for x in networks if isinstance(x, ipaddress.IPv4Network))
    v6 = ipaddress.collapse_addresses(x for x in networks if isinstance(x, ipaddress.IPv6Network))
    return frozenset((*v4, *v6))


def _rule_words(rule: nsg.SecurityRule) -> str:
    return f"rule {rule.name} (priority {rule.priority})"


def _rule_location(rule: nsg.SecurityRule, group: NetworkSecurityGroup) -> Location:
    """Custom rules carry the model rule, which knows where it is written."""
    return rule.ref.location if isinstance(rule.ref, SecurityRule) else group.location


def _report_unknown(ctx: CheckContext, verdicts: list[nsg.Verdict], group: NetworkSecurityGroup,
                    what: str) -> None:
    """One note per rule that left a verdict open."""
    seen: set[int] = set()
    for verdict in verdicts:
        rule = verdict.rule
        assert rule is not None  # the default rules end in DenyAll, so an open verdict names its rule
        if id(rule.ref) in seen:
            continue
        seen.add(id(rule.ref))
        _note(ctx, _rule_location(rule, group), f"securityRules/{rule.name}", verdict.reason,
              group, what)


# --- BYO005 ---------------------------------------------------------------------------------------

class _ExtraFlow(NamedTuple):
    """A CNI-specific flow between nodes from the rule's `extra_flows` parameter."""

    protocol: str
    ports: tuple[nsg.PortRange, ...]
    description: str

    @classmethod
    def parse(cls, item: dict) -> "_ExtraFlow":
        return cls(*_flow_parameter(item), str(item.get("description", "")))

    def hit_by(self, part: nsg.Traffic) -> bool:
        """True if the denied `part` of node-to-node traffic blocks some of this flow."""
        if self.protocol not in ("*", "Any") and self.protocol.lower() != part.protocol.lower():
            return False
        return any(lo <= part_hi and part_lo <= hi for lo, hi in self.ports for part_lo, part_hi in part.ports)

    def words(self) -> str:
        name = "all protocols" if self.protocol in ("*", "Any") else self.protocol.upper()
        label = f"{name}{_ports_text(self.ports, 'port')}"
        return f"{label} ({self.description})" if self.description else label


def _flow_parameter(item: dict) -> tuple[str, tuple[nsg.PortRange, ...]]:
    """Protocol and ports of a flow written in a rule's params: `{protocol: Udp, ports: "8472"}`, `port: 443`."""
    protocol = str(item.get("protocol", "*"))
    ports = _port_ranges(item.get("ports", item.get("port", "*")))
    nsg.Traffic((), (), protocol, ports)  # raises ValueError for what the evaluator can't ask about
    return protocol, ports


def _port_ranges(value: object) -> tuple[nsg.PortRange, ...]:
    """`"8472"`, `"4240-4245"`, `8472`, `"*"` or a list of those, as the evaluator's port ranges."""
    items = value if isinstance(value, list) else [value]
    ranges = []
    for item in items:
        text = str(item).strip()
        if text in ("*", "Any"):
            return nsg.ALL_PORTS
        low, _, high = text.partition("-")
        if not low.isdigit() or (high and not high.isdigit()):
            raise ValueError(f"bad port {item!r} in a network rule parameter")
        ranges.append((int(low), int(high or low)))
    return tuple(ranges)


def _node_flow_params(params: dict) -> tuple[Severity, list[_ExtraFlow]]:
    return Severity.parse(str(params["pod_flow_severity"])), [_ExtraFlow.parse(item) for item in params["extra_flows"]]


@check("BYO005")
def nsg_blocks_node_traffic(model: Model, ctx: CheckContext) -> None:
    pod_severity, extra_flows = ctx.prepared(_node_flow_params)
    for cluster, subnets in _byocni_clusters(model, ctx):
        pods = tuple(n for n in (parse_network(f.value) for f in cluster.pod_cidr_fields() if f.known) if n)
        for subnet in subnets:
            group = _node_subnet_nsg(ctx, model, subnet, cluster)
            nodes = _prefixes(ctx, subnet, cluster) if group is not None else None
            if group is None or nodes is None:
                continue
            evaluator = _evaluator(group)
            space = _virtual_network(model, subnet, nodes)
            _check_node_flows(ctx, cluster, subnet, group, evaluator, nodes, space, extra_flows)
            if pods:
                _check_pod_flows(ctx, cluster, subnet, group, evaluator, nodes, pods, space, pod_severity)


def _check_node_flows(ctx: CheckContext, cluster: Cluster, subnet: Subnet, group: NetworkSecurityGroup,
                      evaluator: _Evaluator, nodes: tuple[Network, ...],
                      space: tuple[Network, ...] | None, extra_flows: list[_ExtraFlow]) -> None:
    """Node range to node range, both directions, every protocol and port. Whether a tag holds node
    addresses is certain even when the rest of the VNet is not, so the node prefixes stand in for an
    unknown VNet space: the answer for these flows is the same."""
    flows = [nsg.Traffic(nodes, nodes, direction=direction) for direction in _DIRECTIONS]
    outcome = _decide(ctx, evaluator, flows, nsg.Tags(space or nodes), group)
    for denial in outcome.denials:
        hit = [flow.words() for flow in extra_flows if any(flow.hit_by(part) for part in denial.parts)]
        blocks = f" (this blocks {and_list(hit)})" if hit else ""
        ctx.fail(_rule_location(denial.rule, group),
                 f"{_rule_words(denial.rule)} denies {_describe(denial.parts)}{blocks}; nodes of subnet "
                 f"{subnet.name} must reach each other on every protocol and port: allow the node range before "
                 "this rule", _reported(group, denial.rule.ref, subnet, cluster), key=f"node|{denial.rule.name}")
    _report_unknown(ctx, outcome.unknown, group, f"traffic between the nodes of subnet {subnet.name}")


def _check_pod_flows(ctx: CheckContext, cluster: Cluster, subnet: Subnet, group: NetworkSecurityGroup,
                     evaluator: _Evaluator, nodes: tuple[Network, ...], pods: tuple[Network, ...],
                     space: tuple[Network, ...] | None, severity: Severity) -> None:
    """Node to pod, pod to pod and pod to node (the AKS NSG table); whether pod addresses reach the NSG
    at all depends on how the CNI routes them, hence the lower severity."""
    flows = [nsg.Traffic(source, destination, direction=direction)
             for source, destination in ((nodes, pods), (pods, pods), (pods, nodes)) for direction in _DIRECTIONS]
    outcome = _decide(ctx, evaluator, flows, nsg.Tags(space), group)
    names = {nodes: f"node subnet {subnet.name}", pods: "the pod CIDR"}
    for denial in outcome.denials:
        ctx.fail(_rule_location(denial.rule, group),
                 f"{_rule_words(denial.rule)} denies {_describe(denial.parts, names)}; if your CNI puts pod "
                 "addresses on the wire (no encapsulation), pods and nodes can't reach each other: allow the pod "
                 f"CIDR {', '.join(map(str, pods))} before this rule",
                 _reported(group, denial.rule.ref, subnet, cluster), severity, key=f"pod|{denial.rule.name}")
    _report_unknown(ctx, outcome.unknown, group, f"pod traffic on node subnet {subnet.name}")


# --- BYO007 ---------------------------------------------------------------------------------------

def _outbound_params(params: dict) -> list[tuple[str, tuple[nsg.PortRange, ...]]]:
    return [_flow_parameter(item) for item in params["required_outbound"]]


@check("BYO007")
def no_outbound_connectivity(model: Model, ctx: CheckContext) -> None:
    required = ctx.prepared(_outbound_params)
    for cluster, subnets in _byocni_clusters(model, ctx):
        outbound = cluster.outbound_type
        kind = "loadbalancer"
        if outbound is not None and outbound.present:
            if not outbound.known:
                ctx.unknown(outbound, cluster, "outboundType")
                kind = ""
            else:
                kind = str(outbound.value).lower()
        if outbound is not None and kind in _ISOLATED_OUTBOUND:
            ctx.fail(outbound, f"outboundType '{outbound.value}' gives the cluster no internet egress, but the BYOCNI "
                               "prerequisites require outbound internet connectivity (these types are for network-"
                               "isolated clusters); make sure your CNI and nodes need nothing from the internet, or "
                               "use loadBalancer, managedNATGateway, userAssignedNATGateway or userDefinedRouting",
                     cluster, Severity.WARNING, key="isolated")
            continue
        for subnet in subnets:
            if kind == "userdefinedrouting":
                _check_default_route(ctx, model, cluster, subnet)
            elif kind == "userassignednatgateway" and not (subnet.nat_gateway_id and subnet.nat_gateway_id.present):
                ctx.fail(subnet.location, f"outboundType userAssignedNATGateway needs a NAT gateway on node subnet "
                                          f"{subnet.name}, which has none: set properties.natGateway.id",
                         _reported(subnet, cluster), key="no-nat-gateway")
            _check_required_outbound(ctx, model, cluster, subnet, required)


def _check_default_route(ctx: CheckContext, model: Model, cluster: Cluster, subnet: Subnet) -> None:
    reference = subnet.route_table_id
    if reference is None or not reference.present:
        ctx.fail(subnet.location, f"outboundType userDefinedRouting needs a route table on node subnet {subnet.name} "
                                  "with a 0.0.0.0/0 route to a firewall or gateway; the subnet has no route table: "
                                  "set properties.routeTable.id", _reported(subnet, cluster), key="no-route-table")
        return
    table: RouteTable | None = _linked(ctx, model, model.route_tables, reference, subnet, cluster,
                                       f"route table of node subnet {subnet.name}")
    if table is None:
        return
    subject = _reported(table, subnet, cluster)
    defaults = [r for r in table.routes if _is_default_route(r.address_prefix)]
    if not defaults:
        unknown = next((r.address_prefix for r in table.routes if not r.address_prefix.known), None)
        if unknown is not None:
            ctx.unknown(unknown, subject, f"addressPrefix of a route in {table.name}")
            return
        ctx.fail(table.location, f"route table {table.name} on node subnet {subnet.name} has no 0.0.0.0/0 route; "
                                 "outboundType userDefinedRouting needs one whose nextHopType is VirtualAppliance "
                                 "(with nextHopIpAddress) or VirtualNetworkGateway", subject, key="no-default-route")
        return
    usable = []
    for route in defaults:
        hop = route.next_hop_type
        if not hop.known:
            ctx.unknown(hop, subject, f"nextHopType of route {route.name}")
            continue
        name = str(hop.value) if hop.present else ""
        where = hop if hop.present else route.location
        problem = None
        if name.lower() == "virtualappliance" and not route.next_hop_ip.present:
            problem = "has nextHopType VirtualAppliance but no nextHopIpAddress"
        elif name.lower() == "internet":
            problem = "has nextHopType Internet, which AKS rejects with userDefinedRouting (for direct egress " \
                      "use outboundType loadBalancer)"
        elif name.lower() == "none":
            problem = "has nextHopType None, which drops all outbound traffic"
        elif name.lower() not in _ACCEPTED_NEXT_HOPS:
            problem = f"has nextHopType '{name}'" if name else "has no nextHopType"
        if problem:
            ctx.fail(where, f"default route '{route.name}' in route table {table.name} {problem}; outboundType "
                            "userDefinedRouting needs 0.0.0.0/0 to go to a VirtualAppliance (with nextHopIpAddress) "
                            "or a VirtualNetworkGateway", _reported(subject, route), key=f"route|{route.name}")
        else:
            usable.append(route)
    if usable and all(route.conditional for route in usable):
        # The only good default route may not be deployed: whether there is a way out is unknown.
        route = usable[0]
        _note(ctx, route.location, "properties.addressPrefix", f"route {route.name} may not be deployed: "
              f"{route.conditional}", subject, "its default route")


def _is_default_route(prefix: Field) -> bool:
    network = parse_network(prefix.value) if prefix.known else None
    return network is not None and network.version == 4 and network.prefixlen == 0


def _check_required_outbound(ctx: CheckContext, model: Model, cluster: Cluster, subnet: Subnet,
                             required: list[tuple[str, tuple[nsg.PortRange, ...]]]) -> None:
    """An NSG on the node subnet must not deny what nodes need from the internet (TCP 443: the API
    server, images) before the default AllowInternetOutBound lets it out."""
    group = _node_subnet_nsg(ctx, model, subnet, cluster)
    nodes = _prefixes(ctx, subnet, cluster) if group is not None and required else None
    if group is None or nodes is None:
        return
    tags = nsg.Tags(_virtual_network(model, subnet, nodes))
    internet = tags.internet()
    if internet is None:
        _note(ctx, subnet.location, "VirtualNetwork", "the Internet tag is what lies outside the VirtualNetwork tag, "
              "and the VNet's address space or the subnet's routes are not known", group,
              f"outbound internet traffic of subnet {subnet.name}")
        return
    versions = {node.version for node in nodes}
    internet = tuple(n for n in internet if n.version in versions)
    flows = [nsg.Traffic(nodes, internet, protocol, ports, "Outbound") for protocol, ports in required]
    outcome = _decide(ctx, _evaluator(group), flows, tags, group)
    for denial in outcome.denials:
        ctx.fail(_rule_location(denial.rule, group),
                 f"{_rule_words(denial.rule)} denies {_describe(denial.parts, {internet: 'the Internet'})}; nodes "
                 "need outbound internet access (the AKS API server, container images): allow it before this rule",
                 _reported(group, denial.rule.ref, subnet, cluster), key=f"outbound|{denial.rule.name}")
    _report_unknown(ctx, outcome.unknown, group, f"outbound internet traffic of subnet {subnet.name}")
