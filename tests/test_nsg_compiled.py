"""The compiled NSG path (issue 14): one compilation answers many flows, identical NSGs share their
compiled rules, and the answers are those of a packet-by-packet reading of the rules.

The oracle here is the packet-by-packet evaluator of tests/test_semantics_nsg.py, run over random
flows inside a universe small enough to enumerate.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from byocni_lint.engine import Options, lint_paths
from byocni_lint.semantics import nsg
from byocni_lint.semantics.nsg import SecurityRule, StepLimit, Traffic, compile_rules, default_rules, evaluate
from test_semantics_nsg import PORT_LIMIT, SMALL_VNET, agrees_with_oracle, known_rules, nets, rule

REPO = Path(__file__).resolve().parents[1]

hosts = st.lists(st.integers(0, 7), min_size=1, max_size=3, unique=True).map(
    lambda numbers: nets(*(f"10.0.0.{n}/32" for n in sorted(numbers))))
port_ranges = st.tuples(st.integers(0, PORT_LIMIT), st.integers(0, PORT_LIMIT)).map(
    lambda pair: ((min(pair), max(pair)),))
flows = st.builds(lambda sources, destinations, protocol, ports, source_ports:
                  Traffic(sources, destinations, protocol, ports, source_ports=source_ports),
                  hosts, hosts, st.sampled_from(["Tcp", "Udp"]), port_ranges, port_ranges)


@settings(max_examples=120, deadline=None)
@given(known_rules(), st.lists(flows, min_size=1, max_size=4))
def test_one_compilation_answers_random_flows_like_the_packet_oracle(rules, traffic_list):
    everything = (*rules, *default_rules())
    compiled = compile_rules(everything, SMALL_VNET)
    for traffic in traffic_list:
        verdict = compiled.evaluate(traffic)
        assert verdict == evaluate(everything, traffic, SMALL_VNET)
        agrees_with_oracle(everything, verdict, traffic)


@settings(max_examples=60, deadline=None)
@given(known_rules(), flows)
def test_identical_nsgs_share_compiled_matches_but_name_their_own_rules(rules, traffic):
    """The run-wide cache is keyed by content: a second NSG with the same rules gets the same answer,
    naming its own rule objects (which locate the finding in its own file)."""
    copies = [r._replace(ref=object()) for r in rules]
    first = evaluate((*rules, *default_rules()), traffic, SMALL_VNET)
    second = evaluate((*copies, *default_rules()), traffic, SMALL_VNET)
    assert (first.outcome, first.denied, first.reason) == (second.outcome, second.denied, second.reason)
    if first.rule is not None and not first.rule.default:
        assert second.rule is copies[rules.index(first.rule)]


def test_without_describing_default_denials_only_the_parts_are_left_out():
    traffic = Traffic(nets("8.8.8.0/24"), nets("10.0.0.0/32"))
    compiled = compile_rules(default_rules(), SMALL_VNET)
    full, short = compiled.evaluate(traffic), compiled.evaluate(traffic, describe_defaults=False)
    assert full.rule is short.rule and full.rule.name == "DenyAllInBound"
    assert full.denied and not short.denied and short.outcome == full.outcome == "denied"


def _port_rules(count: int) -> list[SecurityRule]:
    """`count` rules that each allow one odd port: the undecided traffic fragments at every rule."""
    return [rule(f"allow-{n}", 100 + n, "Allow", protocol="Tcp", dport=(str(2 * n + 1),)) for n in range(count)]


def test_an_800_rule_nsg_stops_at_its_step_bound():
    rules = (*_port_rules(800), *default_rules())
    traffic = Traffic(nets("10.0.0.0/30"), nets("10.0.0.4/30"), "Tcp")
    with pytest.raises(StepLimit) as stopped:
        compile_rules(rules, SMALL_VNET).evaluate(traffic, max_steps=5_000)
    assert stopped.value.rule.name.startswith("allow-") and "5000 steps" in str(stopped.value)
    assert compile_rules(rules, SMALL_VNET).evaluate(traffic).outcome == "denied"  # the default bound suffices


def test_an_nsg_past_the_bound_is_a_located_note_not_a_pass(tmp_path, monkeypatch):
    from byocni_lint import engine
    from byocni_lint.rulebook import load_rulebook

    template = json.loads((REPO / "fixtures" / "network" / "nsg-deny-vnet-udp.json").read_text())
    group = next(r for r in template["resources"] if r["type"] == "Microsoft.Network/networkSecurityGroups")
    group["properties"]["securityRules"] = [
        {"name": f"allow-{n}", "properties": {"priority": 100 + n, "direction": "Inbound", "access": "Allow",
                                              "protocol": "Tcp", "sourceAddressPrefix": "*", "sourcePortRange": "*",
                                              "destinationAddressPrefix": "*", "destinationPortRange": str(2 * n + 1)}}
        for n in range(800)]
    path = tmp_path / "huge-nsg.json"
    path.write_text(json.dumps(template, indent=1))
    rulebook = load_rulebook()
    rulebook["BYO005"] = rulebook["BYO005"]._replace(params={**rulebook["BYO005"].params, "max_nsg_steps": 5_000})
    monkeypatch.setattr(engine, "load_rulebook", lambda: rulebook)
    run = lint_paths([str(path)], Options(select=("BYO005", "BYO901")))
    assert run.files_linted == 1 and not run.internal_errors
    notes = [f for f in run.findings if f.rule_id == "BYO901" and "BYO005" in f.message]
    assert notes and all("steps" in f.message and f.location.span is not None for f in notes), run.findings
    assert not [f for f in run.findings if f.rule_id == "BYO005"]


def test_the_match_cache_stays_bounded(monkeypatch):
    monkeypatch.setattr(nsg, "_MAX_CACHED", 10)
    monkeypatch.setattr(nsg, "_MATCHES", {})
    monkeypatch.setattr(nsg, "_SHARED", {})  # else a rule list met before is not compiled again
    compile_rules((*_port_rules(40), *default_rules()), SMALL_VNET).evaluate(
        Traffic(nets("10.0.0.0/30"), nets("10.0.0.4/30"), "Tcp"))
    assert 0 < len(nsg._MATCHES) <= 10


def test_identical_rule_lists_share_verdicts_but_each_gets_its_own_rules(monkeypatch):
    """Two NSGs with the same rules (two copies of one template) are decided once; the verdict names
    the asking list's rule, whose `ref` is where the caller reports it."""
    monkeypatch.setattr(nsg, "_SHARED", {})
    deny = rule("deny-udp", 200, "Deny", protocol="Udp")
    first = (deny._replace(ref="first"), *default_rules())
    second = (deny._replace(ref="second"), *default_rules())
    traffic = Traffic(nets("10.0.0.0/30"), nets("10.0.0.4/30"))
    one, other = compile_rules(first, SMALL_VNET).evaluate(traffic), compile_rules(second, SMALL_VNET).evaluate(traffic)
    assert len(nsg._SHARED) == 1
    assert one.rule is first[0] and other.rule is second[0] and one.denied == other.denied


def test_a_step_limit_names_the_asking_lists_rule(monkeypatch):
    monkeypatch.setattr(nsg, "_SHARED", {})
    traffic = Traffic(nets("10.0.0.0/30"), nets("10.0.0.4/30"), "Tcp")
    stopped = []
    for ref in ("first", "second"):
        rules = (*[r._replace(ref=ref) for r in _port_rules(800)], *default_rules())
        with pytest.raises(StepLimit) as limit:
            compile_rules(rules, SMALL_VNET).evaluate(traffic, max_steps=5_000)
        stopped.append(limit.value.rule.ref)
    assert stopped == ["first", "second"]


def test_the_shared_cache_stays_bounded(monkeypatch):
    monkeypatch.setattr(nsg, "_MAX_SHARED", 3)
    monkeypatch.setattr(nsg, "_SHARED", {})
    traffic = Traffic(nets("10.0.0.0/30"), nets("10.0.0.4/30"), "Tcp")
    for count in range(1, 8):
        compile_rules((*_port_rules(count), *default_rules()), SMALL_VNET).evaluate(traffic)
    assert 0 < len(nsg._SHARED) <= 3


@given(flows, flows)
def test_flows_and_tags_hash_once_and_as_their_fields(first, second):
    """Traffic and Tags keep their hash (they key the verdict and compiled-rules caches): equal objects
    hash alike before and after either was hashed, find each other as keys, and stay frozen."""
    copy = Traffic(first.sources, first.destinations, first.protocol, first.ports, first.direction,
                   first.source_ports)
    assert hash(first) == hash(copy) == hash(first)
    assert {first: 1}.get(second) == (1 if first == second else None)
    tags, other = nsg.Tags(first.sources), nsg.Tags(second.sources)
    assert hash(tags) == hash(nsg.Tags(tuple(first.sources)))
    assert {tags: 1}.get(other) == (1 if first.sources == second.sources else None)
    with pytest.raises(AttributeError):
        first.protocol = "Udp"  # type: ignore[misc]
