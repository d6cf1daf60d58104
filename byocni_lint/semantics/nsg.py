"""Which part of a flow an Azure network security group lets through.

Azure processes the rules of one direction in ascending priority and stops at the first rule a
packet matches (aks-facts 6.1). A check needs more than a yes/no answer: it must name the rule that
blocks a flow and the part it blocks, and it must never claim a block it cannot prove.

Model
    A flow is a set of packets with five dimensions: source address, destination address,
    protocol, source port and destination port. Every dimension is a set of integer intervals, so
    one small interval algebra serves them all: IPv4 and IPv6 addresses sit on separate stretches
    of one number line (so the families never meet), protocols are numbered, ports are ports. A
    *box* is the product of one interval set per dimension; the still-undecided traffic is a list
    of disjoint boxes. Walking the rules in priority order, an Allow removes what it covers and the
    first Deny that covers an undecided packet makes the verdict "denied" for exactly the packets
    it covers.

Unknowns
    A rule that cannot be matched statically covers a *certain* region (possibly empty) and a
    larger *possible* region. Causes: application security groups, service tags other than
    VirtualNetwork/Internet/AzureLoadBalancer, an unknown VirtualNetwork, unresolved or malformed
    fields, an unknown priority (the rule is then placed before all others), an unknown direction
    (the rule then applies to both), and rules sharing a priority with different access (Azure
    rejects that; their order is unknown). The certain region acts as usual. Undecided packets in
    the possible region are marked *doubtful* and stay undecided; a doubt records whether the rule
    may have denied them (Deny or unknown access) or only allowed them. Later on:

    - a certain Deny reaching doubtful packets makes them unknown (they may already be allowed);
    - a certain Allow reaching packets that may have been denied makes them unknown; packets that
      at worst were allowed earlier are allowed either way;
    - a certain Deny reaching packets without doubt still gives "denied": no earlier rule, known
      or not, can have matched them, so the denial is proven even if other packets are unknown.

    The verdict is "denied" if some packet is proven denied, else "unknown" if any packet is
    unknown (naming a rule that made it so), else "allowed".

Decisions where Azure's documentation is silent
    - Ports exist only for Tcp and Udp. A rule that restricts ports only possibly matches Icmp, Esp
      and Ah (for Icmp, Azure was observed to read the "port" as the ICMP type; MicrosoftDocs
      azure-docs issues #37413 and #51522). A Traffic with protocol "*" and restricted ports means
      Tcp and Udp on those ports only.
    - "*" and "Any" match both families; "0.0.0.0/0" is an IPv4 prefix and matches IPv4 only.
    - Internet = public unicast space (see Tags.internet) minus VirtualNetwork.
    - AzureLoadBalancer = 168.63.129.16/32 (IPv4 only).
    - The platform exemption of 168.63.129.16 and 169.254.169.254 is not modelled; a caller that
      asks about those addresses gets the answer the rules give.
    - evaluate() applies exactly the rules it is given, so pass `(*rules, *default_rules())`.

Speed
    A check asks many flows of one NSG. compile_rules() turns the rules into their regions once
    (integer intervals, no `ipaddress` objects in the loop); what a rule's fields match is cached
    run-wide by the fields' content and the VirtualNetwork tag, and a whole rule list's compiled form
    and its verdicts by the rules' content and the tags, so identical NSGs in many files are
    compiled, and each of their flows decided, once. Evaluation counts interval operations (boxes met times their spans); past
    `max_steps` it raises StepLimit, so
    a hostile 800-rule NSG ends quickly with a located "could not check" instead of running on.
"""
from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

from byocni_lint.semantics.cidr import span

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
PortRange = tuple[int, int]
Spans = tuple[tuple[int, int], ...]
"""Sorted, disjoint, non-adjacent closed intervals."""
Box = tuple[Spans, Spans, Spans, Spans, Spans]
"""(source addresses, destination addresses, protocols, source ports, destination ports)."""

PROTOCOLS = ("Tcp", "Udp", "Icmp", "Esp", "Ah")
ALL_PORTS: tuple[PortRange, ...] = ((0, 65535),)
AZURE_LOAD_BALANCER: tuple[Network, ...] = (ipaddress.IPv4Network("168.63.129.16/32"),)

_V6_BASE = 1 << 33
"""IPv6 address n is n + _V6_BASE on the number line; the gap keeps the families from merging."""
_NOWHERE: Spans = ()
_EVERYWHERE: Spans = ((0, (1 << 32) - 1), (_V6_BASE, _V6_BASE + (1 << 128) - 1))
_ALL_PROTOCOLS: Spans = ((0, len(PROTOCOLS) - 1),)
_PORTED: Spans = ((0, 1),)                       # Tcp, Udp
_PORTLESS: Spans = ((2, len(PROTOCOLS) - 1),)    # Icmp, Esp, Ah


class SecurityRule(NamedTuple):
    """One NSG rule as the model knows it; None in a field means "could not be resolved". (A named
    tuple: a frozen dataclass costs every start-up about 1 ms to build.)"""

    name: str
    priority: int | None
    direction: str | None
    """"Inbound" or "Outbound", any case. None (unknown) applies the rule, as doubtful, to both."""
    access: str | None
    protocol: str | None
    source_prefixes: tuple[str, ...] | None
    """sourceAddressPrefix and sourceAddressPrefixes merged: CIDRs, addresses, "*", service tags."""
    source_ports: tuple[str, ...] | None
    destination_prefixes: tuple[str, ...] | None
    destination_ports: tuple[str, ...] | None
    source_asgs: bool = False
    destination_asgs: bool = False
    ref: object = None
    """Opaque to this module; handed back in verdicts so the caller can locate the rule."""
    default: bool = False


def _hashed_once(value: Tags | Traffic, fields: tuple) -> int:
    """The hash of a Tags or Traffic, worked out on first use and kept on it. Both are keys of the
    compiled-rules and verdict caches at every question a check asks, and hashing an `ipaddress`
    network runs Python code (about 2.5 µs each). Neither ever leaves its process (workers send
    findings), so a kept hash of its strings never meets another process's hash seed."""
    cached = value.__dict__.get("_hash")
    if cached is None:
        cached = hash(fields)
        object.__setattr__(value, "_hash", cached)
    return cached


@dataclass(frozen=True)
class Tags:
    """What the service tags the evaluator understands stand for in one deployment."""

    virtual_network: tuple[Network, ...] | None
    """VNet address space, peered spaces, route-table prefixes (aks-facts 6.3); None if unknown."""

    def __hash__(self) -> int:
        return _hashed_once(self, (self.virtual_network,))

    def internet(self) -> tuple[Network, ...] | None:
        """Public unicast space outside the VirtualNetwork tag; None while that tag is unknown.

        Azure calls Internet "the IP address space that's outside the virtual network and reachable
        by the public internet". Private, shared (100.64/10), loopback, link-local, multicast and
        reserved ranges are not reachable that way, so they are neither VirtualNetwork nor Internet
        and the default rules deny them.
        """
        if self.virtual_network is None:
            return None
        return _networks(_internet(_address_spans(self.virtual_network)))


@dataclass(frozen=True)
class Traffic:
    """A flow to ask about, or a part of one that a rule denied.

    `ports` and `source_ports` constrain Tcp and Udp. With protocol "*" and restricted ports the
    flow is Tcp and Udp on those ports; Icmp, Esp and Ah carry no ports and must keep ALL_PORTS.
    """

    sources: tuple[Network, ...]
    destinations: tuple[Network, ...]
    protocol: str = "*"
    ports: tuple[PortRange, ...] = ALL_PORTS
    direction: str = "Inbound"
    source_ports: tuple[PortRange, ...] = ALL_PORTS

    def __hash__(self) -> int:
        return _hashed_once(self, (self.sources, self.destinations, self.protocol, self.ports, self.direction,
                                   self.source_ports))

    def __post_init__(self) -> None:
        if _protocol_spans(self.protocol) is None:
            raise ValueError(f"unknown protocol {self.protocol!r}")
        if _direction(self.direction) is None:
            raise ValueError(f"unknown direction {self.direction!r}")
        for lo, hi in (*self.ports, *self.source_ports):
            if not 0 <= lo <= hi <= 65535:
                raise ValueError(f"bad port range {lo}-{hi}")
        portless = self.protocol.lower() in ("icmp", "esp", "ah")
        if portless and (_spans(self.ports), _spans(self.source_ports)) != (ALL_PORTS, ALL_PORTS):
            raise ValueError(f"{self.protocol} has no ports")


class Verdict(NamedTuple):
    """The answer for one flow.

    `denied` lists the denied part as disjoint flows with one protocol each, so that a message can
    say exactly what is blocked (a single Traffic cannot hold "Udp 53 and all of Icmp").
    """

    outcome: str
    """"allowed", "denied" or "unknown"."""
    rule: SecurityRule | None = None
    """The deciding Deny, or the rule that made the answer unknown."""
    denied: tuple[Traffic, ...] = ()
    reason: str = ""
    """Why the answer is unknown, naming the rule."""


def default_rules() -> tuple[SecurityRule, ...]:
    """Azure's six built-in rules (aks-facts 6.2); templates never contain them."""
    return _DEFAULT_RULES


def _make_default_rules() -> tuple[SecurityRule, ...]:

    def rule(name: str, priority: int, direction: str, source: str, destination: str,
             access: str) -> SecurityRule:
        return SecurityRule(name=name, priority=priority, direction=direction, access=access,
                            protocol="*", source_prefixes=(source,), source_ports=("*",),
                            destination_prefixes=(destination,), destination_ports=("*",),
                            default=True)

    return (
        rule("AllowVnetInBound", 65000, "Inbound", "VirtualNetwork", "VirtualNetwork", "Allow"),
        rule("AllowAzureLoadBalancerInBound", 65001, "Inbound", "AzureLoadBalancer", "*", "Allow"),
        rule("DenyAllInBound", 65500, "Inbound", "*", "*", "Deny"),
        rule("AllowVnetOutBound", 65000, "Outbound", "VirtualNetwork", "VirtualNetwork", "Allow"),
        rule("AllowInternetOutBound", 65001, "Outbound", "*", "Internet", "Allow"),
        rule("DenyAllOutBound", 65500, "Outbound", "*", "*", "Deny"),
    )


class _Doubt(NamedTuple):
    """Why a rule's match is not certain, and whether the rule may deny what it might match."""

    rule: SecurityRule
    reason: str
    may_deny: bool


class _Region(NamedTuple):
    """What one rule matches: surely `certain`, perhaps anything in `possible` (a superset)."""

    certain: tuple[Box, ...]
    possible: tuple[Box, ...]
    doubt: _Doubt | None


DEFAULT_MAX_STEPS = 1_000_000
"""Interval operations one evaluation may make; real NSGs need a few thousand."""


class StepLimit(Exception):
    """An evaluation needed more than its step budget; `rule` is the rule it had reached."""

    def __init__(self, rule: SecurityRule, max_steps: int) -> None:
        super().__init__(f"evaluating the NSG stopped at rule {rule.name!r} after {max_steps} steps")
        self.rule = rule
        self.max_steps = max_steps


class _Step(NamedTuple):
    """One rule in evaluation order, with its region and access resolved."""

    rule: SecurityRule
    region: _Region
    allows: bool


class CompiledRules:
    """An NSG's rules (include default_rules()) compiled for one Tags, ready to answer many flows."""

    def __init__(self, rules: Sequence[SecurityRule], tags: Tags) -> None:
        self.rules = tuple(rules)
        self.tags = tags
        self._shared = _shared(self.rules, tags)

    def evaluate(self, traffic: Traffic, max_steps: int = DEFAULT_MAX_STEPS,
                 describe_defaults: bool = True) -> Verdict:
        """First-match-wins evaluation for `traffic`; raises StepLimit past `max_steps` steps.

        With `describe_defaults=False` a denial by a default rule comes without its `denied` parts
        (turning boxes back into networks is the costly part, and a caller that stops at the
        defaults does not read them).
        """
        direction = _direction(traffic.direction)
        if direction is None:  # Traffic rejects it; kept for the type checker
            raise ValueError(f"unknown direction {traffic.direction!r}")
        return self._shared.verdict(self.rules, traffic, direction, max_steps, describe_defaults)


class _Shared:
    """The compiled steps and the verdicts of every rule list with the same content and tags.

    Generated and copied templates repeat one NSG many times; its rules are compiled, and each flow
    decided, once per run. Steps and verdicts name detached copies of the first list's rules, so what
    is handed out is mapped to the asking list's rules by position (their `ref` is what callers
    locate by).
    """

    def __init__(self, rules: tuple[SecurityRule, ...], tags: Tags) -> None:
        self.rules = rules
        self.tags = tags
        self.position: dict[int, int] = {}
        for index, rule in enumerate(rules):
            self.position.setdefault(id(rule), index)
        self.steps: dict[str, list[_Step]] = {}
        self.verdicts: dict[tuple, Verdict] = {}

    def verdict(self, rules: tuple[SecurityRule, ...], traffic: Traffic, direction: str, max_steps: int,
                describe_defaults: bool) -> Verdict:
        key = (traffic, direction, max_steps, describe_defaults)
        verdict = self.verdicts.get(key)
        if verdict is None:
            steps = self.steps.get(direction)
            if steps is None:
                steps = self.steps[direction] = _compile(self.rules, direction, self.tags)
            try:
                verdict = self.verdicts[key] = _run(steps, traffic, direction, max_steps, describe_defaults)
            except StepLimit as stopped:
                raise StepLimit(self.mine(stopped.rule, rules), max_steps) from None
        if verdict.rule is None:
            return verdict
        return Verdict(verdict.outcome, self.mine(verdict.rule, rules), verdict.denied, verdict.reason)

    def mine(self, rule: SecurityRule, rules: tuple[SecurityRule, ...]) -> SecurityRule:
        """The rule of `rules` in the place `rule` has among the copies."""
        return rules[self.position[id(rule)]]


_SHARED: dict[tuple, _Shared] = {}
_MAX_SHARED = 4096
"""Rule lists remembered at once; past it the cache starts afresh (memory stays flat)."""


def _shared(rules: tuple[SecurityRule, ...], tags: Tags) -> _Shared:
    """The shared compiled form for this content, stored under the key of its detached copies (the
    same key in plain values)."""
    shared = _SHARED.get(_content_key(rules, tags))
    if shared is None:
        if len(_SHARED) >= _MAX_SHARED:
            _SHARED.clear()
        detached = _detached(rules)
        shared = _SHARED[_content_key(detached, tags)] = _Shared(detached, tags)
    return shared


_CONTENT = itemgetter(*(index for index, name in enumerate(SecurityRule._fields) if name != "ref"))
"""A rule's every field but `ref`, as one tuple: all that compiling it depends on."""


def _content_key(rules: tuple[SecurityRule, ...], tags: Tags) -> tuple:
    """What a rule list compiles from: each rule's content, which places hold one and the same rule
    object (`_shares_priority` tells rules apart by identity), and the tags."""
    places: dict[int, int] = {}
    return tuple((_CONTENT(rule), places.setdefault(id(rule), index)) for index, rule in enumerate(rules)), tags


def _detached(rules: tuple[SecurityRule, ...]) -> tuple[SecurityRule, ...]:
    """The rules with plain values and no `ref`, one copy per distinct rule (identity matters to
    `_shares_priority`): what the run-wide cache keeps must not keep the files the rules came from
    (their values are parse nodes, which hold the whole file) once their models are gone."""
    copies: dict[int, SecurityRule] = {}
    for rule in rules:
        if id(rule) not in copies:
            copies[id(rule)] = SecurityRule._make(map(_plain, rule._replace(ref=None)))
    return tuple(copies[id(rule)] for rule in rules)


def compile_rules(rules: Sequence[SecurityRule], tags: Tags) -> CompiledRules:
    """`rules` compiled for `tags`; each direction is compiled when first asked about."""
    return CompiledRules(rules, tags)


def evaluate(rules: Sequence[SecurityRule], traffic: Traffic, tags: Tags,
             max_steps: int = DEFAULT_MAX_STEPS) -> Verdict:
    """First-match-wins evaluation of `rules` (include default_rules()) for `traffic`."""
    return CompiledRules(rules, tags).evaluate(traffic, max_steps)


def _run(steps: list[_Step], traffic: Traffic, direction: str, max_steps: int,
         describe_defaults: bool = True) -> Verdict:
    pending: list[tuple[Box, tuple[_Doubt, ...]]] = [(box, ()) for box in _traffic_boxes(traffic)]
    first_unknown: _Doubt | None = None
    budget = max_steps
    for step in steps:
        region, allows = step.region, step.allows
        weight = len(region.certain) + (len(region.possible) if region.doubt else 0)
        denied: list[Box] = []
        undecided: list[tuple[Box, tuple[_Doubt, ...]]] = []
        for box, doubts in pending:
            budget -= weight * (len(box[0]) + len(box[1]) + len(box[3]) + len(box[4]))
            if budget < 0:
                raise StepLimit(step.rule, max_steps)
            matched, rest = _cut(box, region.certain)
            undecided += [(part, doubts) for part in rest]
            if not matched:
                continue
            blocking = [d for d in doubts if d.may_deny] if allows else list(doubts)
            if blocking:
                first_unknown = first_unknown or blocking[0]
            elif not allows:
                denied += matched
        if denied:
            if step.rule.default and not describe_defaults:
                return Verdict("denied", step.rule)
            return Verdict("denied", step.rule, _as_traffic(denied, direction.capitalize()))
        pending = _mark_doubtful(undecided, region) if region.doubt else undecided
    if first_unknown:
        return Verdict("unknown", first_unknown.rule, reason=first_unknown.reason)
    if pending:
        doubts = next((doubts for _, doubts in pending if doubts), ())
        if doubts:
            return Verdict("unknown", doubts[0].rule, reason=doubts[0].reason)
        return Verdict("unknown", reason="no rule decides part of the traffic "
                                         "(were the default rules included?)")
    return Verdict("allowed")


def _mark_doubtful(pending: list[tuple[Box, tuple[_Doubt, ...]]],
                   region: _Region) -> list[tuple[Box, tuple[_Doubt, ...]]]:
    """Split off the undecided packets that `region` may match and add its doubt to them."""
    marked: list[tuple[Box, tuple[_Doubt, ...]]] = []
    doubt = region.doubt
    assert doubt is not None  # called only for a region with a doubt
    for box, doubts in pending:
        matched, rest = _cut(box, region.possible)
        marked += [(part, doubts) for part in rest]
        marked += [(part, (*doubts, doubt)) for part in matched]
    return marked


# --- rules -> regions ---------------------------------------------------------------------------

def _compile(rules: tuple[SecurityRule, ...], direction: str, tags: Tags) -> list[_Step]:
    """The rules that may apply in `direction`, by priority (unknown priorities first, in any slot),
    each with its region."""
    applicable = [r for r in rules if _direction(r.direction) in (direction, None)]
    ordered = sorted(applicable, key=lambda r: -1 if r.priority is None else r.priority)
    by_priority: dict[int | None, list[SecurityRule]] = {}
    for rule in rules:
        by_priority.setdefault(rule.priority, []).append(rule)
    space = _address_spans(tags.virtual_network) if tags.virtual_network is not None else None
    return [_Step(rule, _region(rule, space, by_priority[rule.priority]), _access(rule.access) == "allow")
            for rule in ordered]


class _Match(NamedTuple):
    """What a rule's fields match, apart from its priority, direction and access."""

    certain: tuple[Box, ...]
    possible: tuple[Box, ...]
    reasons: tuple[str, ...]


_MATCHES: dict[tuple, _Match] = {}
_MAX_CACHED = 20_000
"""Enough for every distinct rule of a large run; past it the cache starts afresh (memory stays flat)."""


def _region(rule: SecurityRule, space: Spans | None, same_priority: list[SecurityRule]) -> _Region:
    reasons: list[str] = []
    if rule.priority is None:
        reasons.append("has an unknown priority")
    elif _shares_priority(rule, same_priority):
        reasons.append(f"shares priority {rule.priority} with a rule of other access")
    if _direction(rule.direction) is None:
        reasons.append("has an unknown direction")
    if _access(rule.access) is None:
        reasons.append("has an unknown access")
    whole_rule_doubt = bool(reasons)
    match = _match(rule, space)
    reasons += match.reasons
    doubt = _Doubt(rule, f"rule {rule.name!r} " + "; ".join(reasons),
                   may_deny=_access(rule.access) != "allow") if reasons else None
    return _Region(certain=() if whole_rule_doubt else match.certain, possible=match.possible, doubt=doubt)


def _match(rule: SecurityRule, space: Spans | None) -> _Match:
    """What the rule's fields match, cached by the fields and, only for a rule that names VirtualNetwork
    or Internet, the VNet's space: other rules match the same in every VNet of a run."""
    key = (rule.protocol, rule.source_prefixes, rule.source_ports, rule.destination_prefixes,
           rule.destination_ports, rule.source_asgs, rule.destination_asgs, space if _names_space(rule) else None)
    match = _MATCHES.get(key)
    if match is None:
        if len(_MATCHES) >= _MAX_CACHED:
            _MATCHES.clear()
        match = _MATCHES[_plain(key)] = _compute_match(rule, space)
    return match


def _plain(value):
    """A cache key or rule value as builtin types, stored in place of the parse nodes it holds (JStr,
    JInt): a node holds its whole file (text, line index), which must not live as long as a cache.
    Lookups need no copy: a node is equal to, and hashes like, its plain value."""
    if type(value) in _PLAIN_TYPES:  # most values: checked first, as every copy walks every value
        return value
    if isinstance(value, tuple):
        return tuple(map(_plain, value))
    if isinstance(value, int):  # a JInt (bool allows no subclass, so it is plain above)
        return int(value)
    return str(value) if isinstance(value, str) else value


_PLAIN_TYPES = (str, int, bool, type(None))


def _compute_match(rule: SecurityRule, space: Spans | None) -> _Match:
    reasons: list[str] = []
    sources = _addresses(rule.source_prefixes, rule.source_asgs, space, "source", reasons)
    destinations = _addresses(rule.destination_prefixes, rule.destination_asgs, space,
                              "destination", reasons)
    protocols = _protocols(rule.protocol, reasons)
    source_ports = _ports(rule.source_ports, "source", reasons)
    destination_ports = _ports(rule.destination_ports, "destination", reasons)
    certain, possible = zip(sources, destinations, protocols, source_ports, destination_ports)
    portless = _meet(possible[2], _PORTLESS)
    if portless and (possible[3], possible[4]) != (ALL_PORTS, ALL_PORTS):
        reasons.append("restricts ports, which Azure does not define for Icmp, Esp and Ah")
    return _Match(_rule_boxes(certain, surely=True), _rule_boxes(possible, surely=False), tuple(reasons))


def _rule_boxes(dims: tuple[Spans, ...], surely: bool) -> tuple[Box, ...]:
    """A rule's product as a part with ports and a part without (Icmp, Esp, Ah).

    A port restriction surely matches no portless packet, but may match any (see module doc).
    """
    sources, destinations, protocols, source_ports, destination_ports = dims
    boxes = [(sources, destinations, _meet(protocols, _PORTED), source_ports, destination_ports)]
    if not surely or (source_ports, destination_ports) == (ALL_PORTS, ALL_PORTS):
        boxes.append((sources, destinations, _meet(protocols, _PORTLESS), ALL_PORTS, ALL_PORTS))
    return tuple(box for box in boxes if all(box))


def _shares_priority(rule: SecurityRule, same_priority: list[SecurityRule]) -> bool:
    """True if another rule of this direction has the same priority and may differ in access."""
    return any(
        other is not rule
        and _direction(other.direction) in (_direction(rule.direction), None)
        and (_access(other.access) != _access(rule.access) or _access(rule.access) is None)
        for other in same_priority)


def _addresses(entries: tuple[str, ...] | None, asgs: bool, space: Spans | None, side: str,
               reasons: list[str]) -> tuple[Spans, Spans]:
    """(certain, possible) address spans of one side of a rule; appends why they differ."""
    if asgs:
        reasons.append(f"uses application security groups as {side}")
        return _NOWHERE, _EVERYWHERE
    if not entries:
        reasons.append(f"has unknown {side} address prefixes")
        return _NOWHERE, _EVERYWHERE
    certain: list[Spans] = []
    possible: list[Spans] = []
    for entry in entries:
        sure, maybe = _prefix(str(entry), space, reasons)
        certain.append(sure)
        possible.append(maybe)
    return _union(certain), _union(possible)


def _names_space(rule: SecurityRule) -> bool:
    """Whether an address prefix of the rule is a tag that stands for addresses of the VNet's space."""
    return any(_tag(str(entry)) in _SPACE_TAGS
               for entries in (rule.source_prefixes, rule.destination_prefixes) for entry in entries or ())


_SPACE_TAGS = ("virtualnetwork", "internet")


def _tag(entry: str) -> str:
    """A prefix entry as a service tag name compares: any case, underscores ignored."""
    return entry.strip().lower().replace("_", "")


def _prefix(entry: str, space: Spans | None, reasons: list[str]) -> tuple[Spans, Spans]:
    """(certain, possible) spans of one prefix entry; `space` is the VirtualNetwork tag's (None: unknown)."""
    tag = _tag(entry)
    if tag in ("*", "any"):
        return _EVERYWHERE, _EVERYWHERE
    if tag == "azureloadbalancer":
        spans = _address_spans(AZURE_LOAD_BALANCER)
        return spans, spans
    if tag in _SPACE_TAGS:
        if space is None:
            reasons.append(f"uses {entry!r} while the VNet address space is unknown")
            return _NOWHERE, _EVERYWHERE if tag == "virtualnetwork" else _PUBLIC
        spans = space if tag == "virtualnetwork" else _internet(space)
        return spans, spans
    try:
        spans = _address_spans([ipaddress.ip_network(entry.strip(), strict=False)])
    except ValueError:
        reasons.append(f"uses {entry!r}, a service tag or value this linter cannot expand")
        return _NOWHERE, _EVERYWHERE
    return spans, spans


def _protocols(protocol: str | None, reasons: list[str]) -> tuple[Spans, Spans]:
    spans = _protocol_spans(protocol) if protocol is not None else None
    if spans is None:
        reasons.append(f"has an unknown protocol {protocol!r}")
        return _NOWHERE, _ALL_PROTOCOLS
    return spans, spans


def _ports(entries: tuple[str, ...] | None, side: str, reasons: list[str]) -> tuple[Spans, Spans]:
    """Port spans; an entry that is not "*", "N" or "N-M" within 0..65535 is unknown."""
    if not entries:
        reasons.append(f"has unknown {side} ports")
        return _NOWHERE, ALL_PORTS
    ranges: list[tuple[int, int]] = []
    for entry in entries:
        text = str(entry).strip()
        bounds = re.fullmatch(r"(\d+)(?:-(\d+))?", text)
        low, high = (int(bounds[1]), int(bounds[2] or bounds[1])) if bounds else (0, -1)
        if text == "*":
            ranges.append((0, 65535))
        elif 0 <= low <= high <= 65535:
            ranges.append((low, high))
        else:
            reasons.append(f"has unknown {side} port {text!r}")
            return _NOWHERE, ALL_PORTS
    spans = _spans(ranges)
    return spans, spans


def _access(access: str | None) -> str | None:
    value = (access or "").strip().lower()
    return value if value in ("allow", "deny") else None


def _direction(direction: str | None) -> str | None:
    value = (direction or "").strip().lower()
    return value if value in ("inbound", "outbound") else None


def _protocol_spans(protocol: str) -> Spans | None:
    return _PROTOCOL_SPANS.get(protocol.strip().lower())


_PROTOCOL_SPANS: dict[str, Spans] = {"*": _ALL_PROTOCOLS, "any": _ALL_PROTOCOLS,
                                     **{name.lower(): ((number, number),) for number, name in enumerate(PROTOCOLS)}}


# --- traffic <-> boxes --------------------------------------------------------------------------

def _traffic_boxes(traffic: Traffic) -> list[Box]:
    """One box per address family present on both sides, split into ported and portless parts."""
    protocols = _protocol_spans(traffic.protocol)
    assert protocols is not None  # flows are built with a protocol of PROTOCOLS or "*"
    source_ports, ports = _spans(traffic.source_ports), _spans(traffic.ports)
    all_sources, all_destinations = _address_spans(traffic.sources), _address_spans(traffic.destinations)
    boxes: list[Box] = []
    for family in _EVERYWHERE:  # IPv4, then IPv6: each its own stretch of the number line
        sources, destinations = _meet(all_sources, (family,)), _meet(all_destinations, (family,))
        boxes += [(sources, destinations, _meet(protocols, _PORTED), source_ports, ports)]
        if (source_ports, ports) == (ALL_PORTS, ALL_PORTS):
            boxes += [(sources, destinations, _meet(protocols, _PORTLESS), ALL_PORTS, ALL_PORTS)]
    return [box for box in boxes if all(box)]


def _as_traffic(boxes: Iterable[Box], direction: str) -> tuple[Traffic, ...]:
    """Denied boxes as one-protocol flows, merging boxes that differ in one address side only."""
    by_source: dict[tuple, list[Spans]] = {}
    for sources, destinations, protocols, source_ports, ports in boxes:
        for lo, hi in protocols:
            for protocol in range(lo, hi + 1):
                key = (protocol, source_ports, ports, sources)
                by_source.setdefault(key, []).append(destinations)
    by_destination: dict[tuple, list[Spans]] = {}
    for (protocol, source_ports, ports, sources), destination_sets in by_source.items():
        key = (protocol, source_ports, ports, _union(destination_sets))
        by_destination.setdefault(key, []).append(sources)
    return tuple(
        Traffic(sources=_networks(_union(sources)), destinations=_networks(destinations),
                protocol=PROTOCOLS[protocol], ports=ports, direction=direction,
                source_ports=source_ports)
        for (protocol, source_ports, ports, destinations), sources
        in sorted(by_destination.items(), key=lambda item: item[0]))


@lru_cache(maxsize=4096)
def _internet(space: Spans) -> Spans:
    """The Internet tag for a VirtualNetwork tag of `space` (see Tags.internet); cached, as every rule
    naming Internet and every outbound check of one VNet asks for it."""
    return _minus(_PUBLIC, space)


def _address_spans(networks: Iterable[Network]) -> Spans:
    return _spans(map(_network_span, networks))


def _network_span(network: Network) -> tuple[int, int]:
    """Where a network lies on the number line (cidr.span, IPv6 moved past IPv4). Not cached: two int()
    of addresses cost less than hashing the network for a cache lookup."""
    family, first, last = span(network)
    offset = _V6_BASE if family == 6 else 0
    return first + offset, last + offset


@lru_cache(maxsize=4096)
def _networks(spans: Spans) -> tuple[Network, ...]:
    networks: list[Network] = []
    first: ipaddress.IPv4Address | ipaddress.IPv6Address
    last: ipaddress.IPv4Address | ipaddress.IPv6Address
    for lo, hi in spans:
        if hi < _V6_BASE:
            first, last = ipaddress.IPv4Address(lo), ipaddress.IPv4Address(hi)
        else:
            first, last = ipaddress.IPv6Address(lo - _V6_BASE), ipaddress.IPv6Address(hi - _V6_BASE)
        networks += ipaddress.summarize_address_range(first, last)
    return tuple(networks)


# --- interval sets and boxes --------------------------------------------------------------------

def _spans(ranges: Iterable[tuple[int, int]]) -> Spans:
    merged: list[list[int]] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return tuple((lo, hi) for lo, hi in merged)


def _union(many: Iterable[Spans]) -> Spans:
    return _spans(span for spans in many for span in spans)


def _meet(a: Spans, b: Spans) -> Spans:
    if len(a) == 1 and len(b) == 1:  # the common case, without the loop (or calls of max and min)
        (alo, ahi), = a
        (blo, bhi), = b
        lo = alo if alo > blo else blo
        hi = ahi if ahi < bhi else bhi
        return ((lo, hi),) if lo <= hi else ()
    met: list[tuple[int, int]] = []
    i = j = 0
    while i < len(a) and j < len(b):  # both sorted: one merge pass
        (alo, hi), (blo, bhi) = a[i], b[j]
        lo = alo if alo > blo else blo
        top = hi if hi < bhi else bhi
        if lo <= top:
            met.append((lo, top))
        if hi < bhi:
            i += 1
        else:
            j += 1
    return tuple(met)


def _minus(a: Spans, b: Spans) -> Spans:
    result: list[tuple[int, int]] = []
    for lo, hi in a:
        for blo, bhi in b:
            if bhi < lo or blo > hi:
                continue
            if blo > lo:
                result.append((lo, blo - 1))
            lo = bhi + 1
            if lo > hi:
                break
        else:
            result.append((lo, hi))
    return tuple(result)


def _split(box: Box, region: Box) -> tuple[Box | None, list[Box]]:
    """(box ∩ region, disjoint boxes covering box − region).

    Spans are canonical (sorted, disjoint, non-adjacent), so a dimension whose meet equals the
    box's own spans leaves nothing outside, and equal spans need no work at all.
    """
    for mine, spans in zip(box, region):  # most rules miss most packets: told by the bounds alone
        if mine[-1][1] < spans[0][0] or spans[-1][1] < mine[0][0]:
            return None, [box]
    outside: list[Box] = []
    inside = list(box)
    for dim, spans in enumerate(region):
        mine = inside[dim]
        if mine == spans:
            continue
        met = _meet(mine, spans)
        if not met:
            return None, [box]
        if met != mine:
            # the five dimensions of `box`, one replaced: still a Box
            outside.append((*inside[:dim], _minus(mine, spans), *inside[dim + 1:]))  # type: ignore[arg-type]
            inside[dim] = met
    return tuple(inside), outside  # type: ignore[return-value]


def _cut(box: Box, regions: Iterable[Box]) -> tuple[list[Box], list[Box]]:
    """Parts of `box` inside any of `regions`, and the parts outside all of them."""
    inside: list[Box] = []
    outside = [box]
    for region in regions:
        remaining: list[Box] = []
        for part in outside:
            matched, rest = _split(part, region)
            inside += [matched] if matched else []
            remaining += rest
        outside = remaining
    return inside, outside


_PUBLIC: Spans = _minus(_EVERYWHERE, _address_spans(ipaddress.ip_network(text) for text in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4",   # IPv4 not public
    "::/3", "4000::/2", "8000::/1",                                     # IPv6 outside 2000::/3
)))
"""Public unicast space: what the Internet tag covers before the VNet is taken out."""

_DEFAULT_RULES = _make_default_rules()
