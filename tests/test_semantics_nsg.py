"""NSG evaluation: priority order, first match, partial denials, tags, unknowns, both families.

The property tests compare the box algebra with a packet-by-packet evaluator written here from the
documented rules, over a universe small enough to enumerate.
"""
from __future__ import annotations

import ipaddress
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from byocni_lint.semantics.nsg import (
    ALL_PORTS,
    SecurityRule,
    Tags,
    Traffic,
    default_rules,
    evaluate,
)


def nets(*texts: str) -> tuple:
    return tuple(ipaddress.ip_network(text) for text in texts)


def rule(name: str, priority: int | None, access: str | None, *, direction: str | None = "Inbound",
         protocol: str | None = "*", src=("*",), dst=("*",), sport=("*",), dport=("*",),
         **extra) -> SecurityRule:
    return SecurityRule(name=name, priority=priority, direction=direction, access=access,
                        protocol=protocol, source_prefixes=src, source_ports=sport,
                        destination_prefixes=dst, destination_ports=dport, **extra)


VNET = Tags(nets("10.0.0.0/16", "fd00:10::/48"))
NODES = nets("10.0.1.0/24")
PODS = nets("10.0.2.0/24")
WEB = nets("8.8.8.0/24")


def run(rules, traffic: Traffic, tags: Tags = VNET):
    return evaluate((*rules, *default_rules()), traffic, tags)


def protocols(verdict) -> set[str]:
    return {part.protocol for part in verdict.denied}


# --- default rules ------------------------------------------------------------------------------

def test_default_rules_match_the_documented_table():
    table = {(r.name, r.direction, r.priority, r.source_prefixes, r.destination_prefixes, r.access)
             for r in default_rules()}
    assert table == {
        ("AllowVnetInBound", "Inbound", 65000, ("VirtualNetwork",), ("VirtualNetwork",), "Allow"),
        ("AllowAzureLoadBalancerInBound", "Inbound", 65001, ("AzureLoadBalancer",), ("*",), "Allow"),
        ("DenyAllInBound", "Inbound", 65500, ("*",), ("*",), "Deny"),
        ("AllowVnetOutBound", "Outbound", 65000, ("VirtualNetwork",), ("VirtualNetwork",), "Allow"),
        ("AllowInternetOutBound", "Outbound", 65001, ("*",), ("Internet",), "Allow"),
        ("DenyAllOutBound", "Outbound", 65500, ("*",), ("*",), "Deny"),
    }
    assert all(r.default and r.protocol == "*" and r.source_ports == r.destination_ports == ("*",)
               for r in default_rules())


@pytest.mark.parametrize("direction", ["Inbound", "Outbound"])
def test_defaults_allow_intra_vnet_traffic_on_every_protocol(direction):
    assert run([], Traffic(NODES, PODS, direction=direction)).outcome == "allowed"


def test_defaults_deny_inbound_from_the_internet_with_deny_all_inbound():
    verdict = run([], Traffic(WEB, NODES))
    assert verdict.outcome == "denied"
    assert verdict.rule.name == "DenyAllInBound"
    assert protocols(verdict) == {"Tcp", "Udp", "Icmp", "Esp", "Ah"}
    assert {(p.sources, p.destinations, p.ports) for p in verdict.denied} == {(WEB, NODES, ALL_PORTS)}


def test_defaults_allow_outbound_to_the_internet():
    assert run([], Traffic(NODES, WEB, "Tcp", ((443, 443),), "Outbound")).outcome == "allowed"


def test_defaults_deny_outbound_to_private_space_outside_the_vnet():
    """A BYOCNI pod CIDR that is not in the VNet is neither VirtualNetwork nor Internet."""
    pods = nets("192.168.0.0/16")
    verdict = run([], Traffic(NODES, pods, direction="Outbound"))
    assert verdict.outcome == "denied"
    assert verdict.rule.name == "DenyAllOutBound"
    assert {p.destinations for p in verdict.denied} == {pods}


def test_defaults_allow_the_load_balancer_probe_but_not_its_neighbour():
    assert run([], Traffic(nets("168.63.129.16/32"), NODES)).outcome == "allowed"
    assert run([], Traffic(nets("168.63.129.17/32"), NODES)).outcome == "denied"


def test_platform_address_counts_as_vnet_only_when_the_caller_adds_it():
    outside = run([], Traffic(NODES, nets("168.63.129.16/32"), direction="Outbound"))
    assert outside.outcome == "allowed"                 # public address: AllowInternetOutBound
    assert outside == run([], Traffic(NODES, nets("168.63.129.16/32"), direction="Outbound"),
                          Tags(nets("10.0.0.0/16", "168.63.129.16/32")))


# --- order --------------------------------------------------------------------------------------

def test_priority_decides_not_list_order():
    deny = rule("deny-ssh", 200, "Deny", protocol="Tcp", dport=("22",))
    allow = rule("allow-ssh", 100, "Allow", protocol="Tcp", dport=("22",))
    traffic = Traffic(WEB, NODES, "Tcp", ((22, 22),))
    assert run([deny, allow], traffic).outcome == "allowed"
    swapped = [rule("deny-ssh", 100, "Deny", protocol="Tcp", dport=("22",)),
               rule("allow-ssh", 200, "Allow", protocol="Tcp", dport=("22",))]
    verdict = run(swapped[::-1], traffic)
    assert (verdict.outcome, verdict.rule.name) == ("denied", "deny-ssh")


def test_first_matching_deny_decides_and_reports_only_its_part():
    wide = rule("deny-24", 300, "Deny", src=("10.0.1.0/24",))
    narrow = rule("deny-25", 200, "Deny", src=("10.0.1.128/25",))
    verdict = run([wide, narrow], Traffic(NODES, PODS))
    assert verdict.rule is narrow
    assert {p.sources for p in verdict.denied} == {nets("10.0.1.128/25")}


def test_deny_all_below_an_allow_for_the_vnet_leaves_vnet_traffic_allowed():
    rules = [rule("deny-all", 4000, "Deny"),
             rule("allow-vnet", 100, "Allow", src=("VirtualNetwork",), dst=("VirtualNetwork",))]
    assert run(rules, Traffic(NODES, PODS)).outcome == "allowed"
    verdict = run(rules, Traffic(WEB, PODS))
    assert (verdict.outcome, verdict.rule.name) == ("denied", "deny-all")


def test_rules_of_the_other_direction_are_ignored():
    deny_out = rule("deny-out", 100, "Deny", direction="Outbound")
    assert run([deny_out], Traffic(NODES, PODS)).outcome == "allowed"
    assert run([deny_out], Traffic(NODES, PODS, direction="outbound")).rule is deny_out


# --- partial denials ----------------------------------------------------------------------------

def test_deny_of_one_protocol_reports_that_protocol():
    verdict = run([rule("deny-udp", 100, "Deny", protocol="udp")], Traffic(NODES, PODS))
    assert verdict.outcome == "denied"
    assert protocols(verdict) == {"Udp"}
    assert verdict.denied[0].ports == ALL_PORTS


def test_deny_of_a_port_range_reports_the_overlap_only():
    deny = rule("deny-high", 100, "Deny", protocol="Tcp", dport=("1500-3000", "5000"))
    verdict = run([deny], Traffic(NODES, PODS, "Tcp", ((1000, 2000), (4000, 6000))))
    assert [(p.protocol, p.ports) for p in verdict.denied] == [("Tcp", ((1500, 2000), (5000, 5000)))]


def test_deny_of_a_sub_prefix_reports_exactly_that_prefix():
    deny = rule("deny-half", 100, "Deny", src=("10.0.1.128/25",))
    verdict = run([deny], Traffic(NODES, PODS))
    assert {p.sources for p in verdict.denied} == {nets("10.0.1.128/25")}
    assert {p.destinations for p in verdict.denied} == {PODS}


def test_allow_of_one_port_leaves_the_rest_to_the_defaults():
    allow = rule("allow-https", 100, "Allow", protocol="Tcp", dport=("443",))
    verdict = run([allow], Traffic(WEB, NODES, "Tcp", ((440, 450),)))
    assert verdict.rule.name == "DenyAllInBound"
    assert [p.ports for p in verdict.denied] == [((440, 442), (444, 450))]


def test_source_port_restriction_matches_only_part_of_the_traffic():
    allow = rule("allow-from-80", 100, "Allow", sport=("80",))
    verdict = run([allow], Traffic(WEB, NODES, "Tcp"))
    assert [p.source_ports for p in verdict.denied] == [((0, 79), (81, 65535))]
    deny = rule("deny-from-high", 100, "Deny", sport=("1000-2000",))
    verdict = run([deny], Traffic(NODES, PODS))
    assert verdict.rule is deny
    assert {(p.protocol, p.source_ports) for p in verdict.denied} == {
        ("Tcp", ((1000, 2000),)), ("Udp", ((1000, 2000),))}


def test_prefix_lists_are_unions():
    allow = rule("allow-halves", 100, "Allow", src=("10.0.1.0/25", "10.0.1.128/25"),
                 dst=("10.0.2.0/24",))
    deny = rule("deny-rest", 200, "Deny")
    assert run([allow, deny], Traffic(NODES, PODS)).outcome == "allowed"
    deny_quarters = rule("deny-q", 100, "Deny", src=("10.0.1.0/26", "10.0.1.192", "10.0.1.193/32"))
    verdict = run([deny_quarters], Traffic(NODES, PODS))
    assert {p.sources for p in verdict.denied} == {nets("10.0.1.0/26", "10.0.1.192/31")}


# --- service tags -------------------------------------------------------------------------------

def test_internet_only_ssh_deny_leaves_vnet_traffic_alone():
    deny = rule("deny-ssh-internet", 100, "Deny", protocol="Tcp", src=("Internet",), dport=("22",))
    assert run([deny], Traffic(NODES, PODS, "Tcp", ((22, 22),))).outcome == "allowed"
    verdict = run([deny], Traffic(WEB, PODS))
    assert verdict.rule is deny
    assert [(p.protocol, p.ports) for p in verdict.denied] == [("Tcp", ((22, 22),))]


def test_internet_tag_excludes_public_space_used_by_the_vnet():
    tags = Tags(nets("20.0.0.0/16"))
    deny = rule("deny-internet", 100, "Deny", src=("Internet",))
    assert run([deny], Traffic(nets("20.0.5.0/24"), nets("20.0.6.0/24")), tags).outcome == "allowed"
    internet = tags.internet()
    assert not any(n.overlaps(ipaddress.ip_network("20.0.0.0/16")) for n in internet)
    assert not any(n.overlaps(ipaddress.ip_network("10.0.0.0/8")) for n in internet)
    assert any(ipaddress.ip_network("20.1.0.0/16").subnet_of(n) for n in internet if n.version == 4)
    assert Tags(None).internet() is None


def test_classic_tag_spellings_are_accepted():
    deny = rule("deny-classic", 100, "Deny", src=("INTERNET",))
    assert run([deny], Traffic(WEB, NODES)).rule is deny


def test_unknown_vnet_makes_vnet_tag_rules_unknown():
    verdict = run([], Traffic(NODES, PODS), Tags(None))
    assert verdict.outcome == "unknown"
    assert verdict.rule.name == "AllowVnetInBound"
    assert "VNet address space is unknown" in verdict.reason


@pytest.mark.parametrize("tag", ["Storage", "AzureCloud.westeurope", "[parameters('x')]"])
def test_other_service_tags_are_unknown_matches(tag):
    deny = rule("deny-tag", 100, "Deny", dst=(tag,))
    verdict = run([deny], Traffic(NODES, PODS))
    assert (verdict.outcome, verdict.rule) == ("unknown", deny)
    assert tag in verdict.reason and "'deny-tag'" in verdict.reason


def test_possible_allow_makes_a_later_deny_unknown():
    allow = rule("allow-cloud", 100, "Allow", src=("AzureCloud",))
    verdict = run([allow], Traffic(WEB, NODES))
    assert (verdict.outcome, verdict.rule) == ("unknown", allow)


def test_possible_allow_followed_by_a_certain_allow_is_allowed():
    allow = rule("allow-cloud", 100, "Allow", src=("AzureCloud",))
    assert run([allow], Traffic(NODES, PODS)).outcome == "allowed"


def test_denial_outside_the_doubtful_part_is_still_proven():
    maybe = rule("allow-storage-tcp", 100, "Allow", protocol="Tcp", src=("Storage",))
    verdict = run([maybe], Traffic(WEB, NODES))
    assert verdict.outcome == "denied"
    assert verdict.rule.name == "DenyAllInBound"
    assert protocols(verdict) == {"Udp", "Icmp", "Esp", "Ah"}


# --- application security groups and unknown fields ---------------------------------------------

def test_asg_deny_is_unknown():
    deny = rule("deny-asg", 100, "Deny", dst=None, destination_asgs=True, ref=("nsg", 0))
    verdict = run([deny], Traffic(NODES, PODS))
    assert (verdict.outcome, verdict.rule.ref) == ("unknown", ("nsg", 0))
    assert "application security groups" in verdict.reason


def test_asg_deny_after_a_full_allow_does_not_matter():
    rules = [rule("allow-all", 100, "Allow"), rule("deny-asg", 200, "Deny", source_asgs=True)]
    assert run(rules, Traffic(WEB, NODES)).outcome == "allowed"


def test_possible_deny_then_certain_allow_is_unknown():
    rules = [rule("deny-asg", 100, "Deny", source_asgs=True), rule("allow-all", 200, "Allow")]
    assert run(rules, Traffic(WEB, NODES)).outcome == "unknown"


@pytest.mark.parametrize("broken, words", [
    (dict(priority=None), "unknown priority"),
    (dict(access=None), "unknown access"),
    (dict(access="Maybe"), "unknown access"),
    (dict(direction=None), "unknown direction"),
    (dict(protocol=None), "unknown protocol"),
    (dict(protocol="Gre"), "unknown protocol"),
    (dict(src=None), "unknown source address prefixes"),
    (dict(dst=()), "unknown destination address prefixes"),
    (dict(dport=None), "unknown destination ports"),
    (dict(dport=("80-",)), "unknown destination port"),
    (dict(sport=("70000",)), "unknown source port"),
    (dict(src=("10.0.1.0/33",)), "10.0.1.0/33"),
])
def test_unknown_fields_give_unknown_never_denied(broken, words):
    fields = dict(priority=100, access="Deny") | broken
    suspect = rule("suspect", **fields)
    verdict = run([suspect, rule("allow-all", 200, "Allow")], Traffic(NODES, PODS))
    assert (verdict.outcome, verdict.rule) == ("unknown", suspect)
    assert words in verdict.reason


def test_unknown_priority_is_assumed_to_come_first():
    rules = [rule("deny-all", 100, "Deny"), rule("allow-unordered", None, "Allow")]
    verdict = run(rules, Traffic(NODES, PODS))
    assert (verdict.outcome, verdict.rule.name) == ("unknown", "allow-unordered")


def test_shared_priority_with_different_access_is_unknown_and_same_access_is_not():
    clash = [rule("a", 100, "Allow"), rule("b", 100, "Deny")]
    assert run(clash, Traffic(NODES, PODS)).outcome == "unknown"
    same = [rule("a", 100, "Deny", protocol="Tcp"), rule("b", 100, "Deny", protocol="Udp")]
    assert run(same, Traffic(NODES, PODS)).outcome == "denied"


def test_without_the_default_rules_undecided_traffic_is_unknown():
    verdict = evaluate([rule("allow-tcp", 100, "Allow", protocol="Tcp")], Traffic(NODES, PODS), VNET)
    assert verdict.outcome == "unknown" and "default rules" in verdict.reason
    assert evaluate([rule("allow-all", 100, "Allow")], Traffic(NODES, PODS), VNET).outcome == "allowed"


# --- protocols without ports --------------------------------------------------------------------

def test_port_restricted_rule_only_possibly_matches_icmp():
    deny = rule("deny-22", 100, "Deny", dport=("22",))
    verdict = run([deny], Traffic(NODES, PODS, "Icmp"))
    assert (verdict.outcome, verdict.rule) == ("unknown", deny)
    assert "Icmp" in verdict.reason


def test_star_traffic_with_ports_means_tcp_and_udp():
    deny = rule("deny-icmp", 100, "Deny", protocol="Icmp")
    assert run([deny], Traffic(NODES, PODS, "*", ((53, 53),))).outcome == "allowed"
    verdict = run([rule("deny-53", 100, "Deny", dport=("53",))], Traffic(NODES, PODS, "*", ((53, 53),)))
    assert protocols(verdict) == {"Tcp", "Udp"}


@pytest.mark.parametrize("bad", [
    dict(protocol="Icmp", ports=((22, 22),)),
    dict(protocol="Gre"),
    dict(direction="Sideways"),
    dict(ports=((5, 2),)),
])
def test_traffic_rejects_impossible_flows(bad):
    with pytest.raises(ValueError):
        Traffic(NODES, PODS, **bad)


# --- IPv6 ---------------------------------------------------------------------------------------

def test_ipv6_intra_vnet_allowed_and_from_internet_denied():
    inside = nets("fd00:10:0:1::/64")
    assert run([], Traffic(inside, nets("fd00:10:0:2::/64"))).outcome == "allowed"
    internet = nets("2001:db8::/32")
    verdict = run([], Traffic(internet, inside))
    assert verdict.rule.name == "DenyAllInBound"
    assert {(p.sources, p.destinations) for p in verdict.denied} == {(internet, inside)}


def test_families_never_mix():
    deny_v4_all = rule("deny-v4", 100, "Deny", src=("0.0.0.0/0",))
    dual = Traffic(NODES + nets("fd00:10:0:1::/64"), PODS + nets("fd00:10:0:2::/64"))
    verdict = run([deny_v4_all], dual)
    assert verdict.rule is deny_v4_all
    assert all(n.version == 4 for p in verdict.denied for n in (*p.sources, *p.destinations))
    only_v6 = Traffic(nets("fd00:10:0:1::/64"), nets("fd00:10:0:2::/64"))
    assert run([deny_v4_all], only_v6).outcome == "allowed"
    assert run([], Traffic(NODES, nets("fd00:10:0:2::/64"))).outcome == "allowed"  # no flow at all


def test_ipv6_sub_prefix_denial():
    deny = rule("deny-v6-half", 100, "Deny", dst=("fd00:10:0:2::/65",))
    verdict = run([deny], Traffic(nets("fd00:10:0:1::/64"), nets("fd00:10:0:2::/64")))
    assert {p.destinations for p in verdict.denied} == {nets("fd00:10:0:2::/65")}


# --- properties ---------------------------------------------------------------------------------

SMALL_VNET = Tags(nets("10.0.0.0/30", "10.0.0.6/31"))
SMALL_SOURCES, SMALL_DESTINATIONS = nets("10.0.0.0/30"), nets("10.0.0.4/30")
PORT_LIMIT = 3
SMALL_TRAFFIC = Traffic(SMALL_SOURCES, SMALL_DESTINATIONS, "*", ((0, PORT_LIMIT),),
                        source_ports=((0, PORT_LIMIT),))

prefixes = st.one_of(
    st.sampled_from(["*", "VirtualNetwork", "Internet", "AzureLoadBalancer"]),
    st.builds(lambda host, length: str(ipaddress.ip_network(f"10.0.0.{host}/{length}", strict=False)),
              st.integers(0, 7), st.integers(29, 32)),
)
ports = st.one_of(
    st.just("*"),
    st.builds(lambda lo, span: f"{lo}-{lo + span}" if span else str(lo),
              st.integers(0, PORT_LIMIT + 2), st.integers(0, 3)),
)


@st.composite
def known_rules(draw, accesses=("Allow", "Deny")):
    priorities = draw(st.lists(st.integers(100, 4096), min_size=0, max_size=6, unique=True))
    return [rule(f"r{p}", p, draw(st.sampled_from(accesses)),
                 protocol=draw(st.sampled_from(["*", "Tcp", "Udp", "Icmp"])),
                 src=tuple(draw(st.lists(prefixes, min_size=1, max_size=2))),
                 dst=tuple(draw(st.lists(prefixes, min_size=1, max_size=2))),
                 sport=tuple(draw(st.lists(ports, min_size=1, max_size=2))),
                 dport=tuple(draw(st.lists(ports, min_size=1, max_size=2))))
            for p in priorities]


def _in_prefixes(address, entries, tags: Tags) -> bool:
    """Independent, per-address reading of a prefix list (private test addresses only)."""
    for entry in entries:
        if entry == "*":
            return True
        if entry == "VirtualNetwork" and any(address in n for n in tags.virtual_network):
            return True
        if "/" in entry and address in ipaddress.ip_network(entry):
            return True
    return False


def _in_ports(port: int, entries) -> bool:
    for entry in entries:
        low, _, high = entry.partition("-")
        if entry == "*" or int(low) <= port <= int(high or low):
            return True
    return False


def _first_match(rules, packet, tags: Tags) -> SecurityRule:
    source, destination, protocol, source_port, port = packet
    for candidate in sorted(rules, key=lambda r: r.priority):
        if (candidate.direction == "Inbound"
                and candidate.protocol in ("*", protocol)
                and _in_prefixes(source, candidate.source_prefixes, tags)
                and _in_prefixes(destination, candidate.destination_prefixes, tags)
                and _in_ports(source_port, candidate.source_ports)
                and _in_ports(port, candidate.destination_ports)):
            return candidate
    raise AssertionError("the default rules match every packet")


def _packets(traffic: Traffic):
    def hosts(networks):
        return [a for n in networks for a in (n if n.num_addresses > 1 else [n.network_address])]
    return itertools.product(hosts(traffic.sources), hosts(traffic.destinations), ["Tcp", "Udp"],
                             range(PORT_LIMIT + 1), range(PORT_LIMIT + 1))


def _covers(parts, packet) -> bool:
    source, destination, protocol, source_port, port = packet
    return any(p.protocol == protocol
               and any(source in n for n in p.sources)
               and any(destination in n for n in p.destinations)
               and any(lo <= source_port <= hi for lo, hi in p.source_ports)
               and any(lo <= port <= hi for lo, hi in p.ports)
               for p in parts)


@settings(max_examples=150, deadline=None)
@given(known_rules())
def test_matches_packet_by_packet_evaluation(rules):
    everything = (*rules, *default_rules())
    agrees_with_oracle(everything, evaluate(everything, SMALL_TRAFFIC, SMALL_VNET), SMALL_TRAFFIC)


def agrees_with_oracle(everything, verdict, traffic) -> None:
    """`verdict` for `traffic` is what first-match evaluation of every packet of it gives."""
    first = {packet: _first_match(everything, packet, SMALL_VNET) for packet in _packets(traffic)
             if traffic.protocol in ("*", packet[2])
             and any(lo <= packet[3] <= hi for lo, hi in traffic.source_ports)
             and any(lo <= packet[4] <= hi for lo, hi in traffic.ports)}
    denied = {packet for packet, match in first.items() if match.access == "Deny"}
    assert verdict.outcome in ("allowed", "denied")
    if verdict.outcome == "allowed":
        assert not denied
        return
    assert verdict.rule.priority == min(first[packet].priority for packet in denied)
    assert {packet for packet in first if _covers(verdict.denied, packet)} == {
        packet for packet, match in first.items() if match is verdict.rule}


@settings(max_examples=100, deadline=None)
@given(known_rules(), st.integers(0, 5), st.sampled_from(["source", "destination"]))
def test_an_asg_rule_never_yields_a_false_answer(rules, which, side):
    """Whatever the ASG turns out to hold (everything or nothing), a definite verdict stays true."""
    if not rules:
        return
    target = rules[which % len(rules)]
    unknown = target._replace(**{f"{side}_asgs": True})
    verdict = evaluate([unknown if r is target else r for r in rules] + list(default_rules()),
                       SMALL_TRAFFIC, SMALL_VNET)
    prefixes_field = f"{side}_prefixes"
    for stand_in in (("*",), ("192.0.2.1/32",)):
        concrete = [r._replace(**{prefixes_field: stand_in}) if r is target else r
                    for r in rules] + list(default_rules())
        first = {packet: _first_match(concrete, packet, SMALL_VNET)
                 for packet in _packets(SMALL_TRAFFIC)}
        if verdict.outcome == "allowed":
            assert all(match.access == "Allow" for match in first.values())
        if verdict.outcome == "denied":
            covered = [packet for packet in first if _covers(verdict.denied, packet)]
            assert covered and all(first[packet].name == verdict.rule.name for packet in covered)


@settings(max_examples=100, deadline=None)
@given(known_rules(accesses=("Allow",)), st.booleans())
def test_allow_only_nsgs_never_deny_intra_vnet_traffic(rules, blur):
    """Also with unknown parts: a possible Allow never turns into a denial of VNet traffic."""
    if blur and rules:
        rules[0] = rules[0]._replace(source_asgs=True, protocol=None)
    traffic = Traffic(nets("10.0.0.0/31"), nets("10.0.0.6/31"))
    assert evaluate((*rules, *default_rules()), traffic, SMALL_VNET).outcome == "allowed"


@settings(max_examples=100, deadline=None)
@given(known_rules(), known_rules())
def test_rules_after_a_full_cover_allow_change_nothing(before, after):
    before = [r for r in before if r.priority < 2000]
    after = [r._replace(name=f"late-{r.name}", priority=r.priority + 3000)
             for r in after if r.priority < 1000]
    cover = rule("allow-everything", 2500, "Allow")
    baseline = evaluate((*before, cover, *default_rules()), SMALL_TRAFFIC, SMALL_VNET)
    assert evaluate((*before, cover, *after, *default_rules()), SMALL_TRAFFIC, SMALL_VNET) == baseline
