"""CIDR functions, with the examples of the ARM reference ("CIDR functions")."""
from __future__ import annotations

import pytest

from arm_eval import UNSET, evaluate
from byocni_lint.model.values import Unknown


def test_parse_cidr_ipv4_reference_example() -> None:
    assert evaluate("[parseCidr('10.144.0.0/20')]") == {
        "network": "10.144.0.0", "netmask": "255.255.240.0", "broadcast": "10.144.15.255",
        "firstUsable": "10.144.0.1", "lastUsable": "10.144.15.254", "cidr": 20,
    }


def test_parse_cidr_ipv6_reference_example() -> None:
    assert evaluate("[parseCidr('fdad:3236:5555::/48')]") == {
        "network": "fdad:3236:5555::", "netmask": "ffff:ffff:ffff::", "firstUsable": "fdad:3236:5555::",
        "lastUsable": "fdad:3236:5555:ffff:ffff:ffff:ffff:ffff", "cidr": 48,
    }


def test_parse_cidr_reads_the_network_of_a_host_address() -> None:
    assert evaluate("[parseCidr('10.144.3.7/20').network]") == "10.144.0.0"


def test_cidr_subnet_reference_examples() -> None:
    v4 = "[map(range(0, 5), lambda('i', cidrSubnet('10.144.0.0/20', 24, lambdaVariables('i'))))]"
    assert evaluate(v4) == ["10.144.0.0/24", "10.144.1.0/24", "10.144.2.0/24", "10.144.3.0/24", "10.144.4.0/24"]
    v6 = "[map(range(0, 5), lambda('i', cidrSubnet('fdad:3236:5555::/48', 52, lambdaVariables('i'))))]"
    assert evaluate(v6) == ["fdad:3236:5555::/52", "fdad:3236:5555:1000::/52", "fdad:3236:5555:2000::/52",
                            "fdad:3236:5555:3000::/52", "fdad:3236:5555:4000::/52"]


def test_cidr_subnet_of_a_large_split_is_computed_directly() -> None:
    assert evaluate("[cidrSubnet('10.0.0.0/8', 32, 16777215)]") == "10.255.255.255/32"


@pytest.mark.parametrize(
    "expression",
    ["cidrSubnet('10.144.0.0/20', 16, 0)", "cidrSubnet('10.144.0.0/20', 24, 16)", "cidrSubnet('10.144.0.0', 24, 0)",
     "cidrSubnet('not an address/20', 24, 0)", "cidrSubnet('10.144.0.0/20', 33, 0)"],
)
def test_cidr_subnet_rejects_impossible_requests(expression: str) -> None:
    assert isinstance(evaluate(f"[{expression}]"), Unknown)


def test_cidr_host_reference_examples() -> None:
    v4 = "[map(range(0, 5), lambda('i', cidrHost('10.144.3.0/24', lambdaVariables('i'))))]"
    assert evaluate(v4) == ["10.144.3.1", "10.144.3.2", "10.144.3.3", "10.144.3.4", "10.144.3.5"]
    v6 = "[map(range(0, 5), lambda('i', cidrHost('fdad:3236:5555:3000::/52', lambdaVariables('i'))))]"
    assert evaluate(v6) == ["fdad:3236:5555:3000::1", "fdad:3236:5555:3000::2", "fdad:3236:5555:3000::3",
                            "fdad:3236:5555:3000::4", "fdad:3236:5555:3000::5"]


def test_cidr_host_stays_within_the_usable_addresses() -> None:
    assert evaluate("[cidrHost('192.168.1.0/24', 253)]") == "192.168.1.254"
    assert isinstance(evaluate("[cidrHost('192.168.1.0/24', 254)]"), Unknown)
    assert isinstance(evaluate("[cidrHost('192.168.1.0/24', -1)]"), Unknown)


def test_cidr_functions_of_an_unknown_network_are_unknown() -> None:
    result = evaluate("[cidrSubnet(parameters('vnet'), 24, 0)]", {"vnet": UNSET})
    assert isinstance(result, Unknown) and "parameter 'vnet'" in result.reason
