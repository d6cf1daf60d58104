"""Pure semantics behind the foundation rules: CIDR overlap, API version channels, Kubernetes minors."""
from __future__ import annotations

from datetime import date
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

import pytest
from hypothesis import given
from hypothesis import strategies as st

from byocni_lint.load.jsonc import parse
from byocni_lint.semantics.apiversion import ApiVersion, at_least, parse_api_version
from byocni_lint.semantics.cidr import overlapping, overlaps, parse_address, parse_network, within
from byocni_lint.semantics.kubernetes import minor_of

RESERVED = [ip_network(text) for text in ("169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24")]

# --- CIDR -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("172.30.0.0/16", "172.30.0.0/16", True),  # equal
        ("172.30.128.0/17", "172.30.0.0/16", True),  # inside
        ("172.16.0.0/12", "172.30.0.0/16", True),  # contains
        ("172.30.255.255/32", "172.30.0.0/16", True),  # last address
        ("172.29.0.0/16", "172.30.0.0/16", False),  # neighbour below
        ("172.32.0.0/16", "172.30.0.0/16", False),  # neighbour above
        ("10.0.0.0/24", "10.0.1.0/24", False),  # adjacent
        ("10.0.0.0/23", "10.0.1.0/24", True),  # partial
        ("fd00::/8", "fd12:3456::/32", True),
        ("fd00::/8", "fe80::/10", False),
    ],
)
def test_overlap_is_about_shared_addresses_not_equality(a: str, b: str, expected: bool) -> None:
    assert overlaps(ip_network(a), ip_network(b)) is expected
    assert overlaps(ip_network(b), ip_network(a)) is expected


@pytest.mark.parametrize(
    ("v4", "v6"),
    [("0.0.0.0/0", "::/0"), ("172.30.0.0/16", "::ffff:172.30.0.0/112"), ("10.0.0.0/8", "::a00:0/104")],
)
def test_ipv4_and_ipv6_never_overlap(v4: str, v6: str) -> None:
    assert overlaps(ip_network(v4), ip_network(v6)) is False
    assert overlaps(ip_network(v6), ip_network(v4)) is False
    assert overlapping(ip_network(v6), RESERVED) == []


def test_overlapping_lists_every_reserved_range_hit_in_order() -> None:
    assert overlapping(ip_network("172.16.0.0/12"), RESERVED) == [ip_network("172.30.0.0/16"), ip_network("172.31.0.0/16")]
    assert overlapping(ip_network("0.0.0.0/0"), RESERVED) == RESERVED
    assert overlapping(ip_network("172.30.128.0/17"), RESERVED) == [ip_network("172.30.0.0/16")]
    assert overlapping(ip_network("192.0.2.128/25"), RESERVED) == [ip_network("192.0.2.0/24")]
    assert overlapping(ip_network("10.0.0.0/8"), RESERVED) == []
    assert overlapping(ip_network("192.0.3.0/24"), RESERVED) == []


def _networks(family: type, max_address: int, prefixes: st.SearchStrategy[int]):
    return st.builds(lambda address, prefix: family((address, prefix), strict=False),
                     st.integers(0, max_address), prefixes)


# Besides any networks, IPv4 and IPv6 ones on the same small integers (0.0.0.0/24 and ::/120):
# only the family tells those apart.
NETWORKS = st.one_of(_networks(IPv4Network, (1 << 32) - 1, st.integers(0, 32)),
                     _networks(IPv6Network, (1 << 128) - 1, st.integers(0, 128)),
                     *(_networks(family, 1 << 12, st.integers(20, 32)) for family in (IPv4Network, IPv6Network)))


@given(NETWORKS, NETWORKS)
def test_overlap_and_containment_agree_with_ipaddress(a, b) -> None:
    """The integer comparisons give ipaddress's own answers, and never across families."""
    same_family = a.version == b.version
    assert overlaps(a, b) is (same_family and a.overlaps(b))
    assert within(a, b) is (same_family and a.subnet_of(b))
    assert overlapping(a, [b, a]) == ([b] if same_family and a.overlaps(b) else []) + [a]


def test_parse_network_tolerates_host_bits_and_whitespace() -> None:
    assert parse_network("10.0.0.5/16") == ip_network("10.0.0.0/16")
    assert parse_network(" 10.0.0.0/8 ") == ip_network("10.0.0.0/8")
    assert parse_network("10.1.2.3") == ip_network("10.1.2.3/32")
    assert parse_network("fd00::1/64") == ip_network("fd00::/64")


@pytest.mark.parametrize("text", ["10.0.0.0/33", "10.0.0/8", "not-a-cidr", "", "[parameters('x')]"])
def test_parse_network_rejects_what_is_not_a_cidr(text: str) -> None:
    assert parse_network(text) is None


@pytest.mark.parametrize("value", [None, 10, ["10.0.0.0/8"], {"cidr": "10.0.0.0/8"}])
def test_parse_network_rejects_non_strings(value: object) -> None:
    assert parse_network(value) is None


def test_parse_address() -> None:
    assert parse_address("10.0.0.10") == ip_address("10.0.0.10")
    assert parse_address(" fd00::a ") == ip_address("fd00::a")
    assert parse_address("10.0.0.0/16") is None
    assert parse_address("10.0.0.256") is None
    assert parse_address(None) is None


def test_parsed_json_strings_work_like_plain_strings() -> None:
    """Values reach the semantics as parser nodes (str subclasses) carrying positions."""
    node = parse('{"cidr": "172.30.128.0/17"}')["cidr"]
    assert overlapping(parse_network(node), RESERVED) == [ip_network("172.30.0.0/16")]


# --- API versions ---------------------------------------------------------------------------------

MIN_STABLE = parse_api_version("2022-06-01")
MIN_PREVIEW = parse_api_version("2022-01-02-preview")


def test_parse_api_version_splits_date_and_channel() -> None:
    stable = parse_api_version("2022-06-01")
    preview = parse_api_version("2022-01-02-preview")
    assert stable == ApiVersion(date(2022, 6, 1), "") and not stable.is_preview
    assert preview == ApiVersion(date(2022, 1, 2), "preview") and preview.is_preview
    assert str(stable) == "2022-06-01" and str(preview) == "2022-01-02-preview"
    assert parse_api_version("2023-10-02-PREVIEW") == ApiVersion(date(2023, 10, 2), "preview")
    assert parse_api_version(" 2024-01-01 ") == ApiVersion(date(2024, 1, 1), "")


@pytest.mark.parametrize("text", ["2022-13-01", "2022-02-30", "22-06-01", "latest", "", "2022-06-01-", None, 20220601])
def test_parse_api_version_rejects_non_versions(text: object) -> None:
    assert parse_api_version(text) is None


@pytest.mark.parametrize(
    ("text", "supported"),
    [
        ("2022-04-01", False),  # stable, and newer than the first preview as a string: must still fail
        ("2022-05-02-preview", True),
        ("2022-01-02-preview", True),
        ("2021-11-01-preview", False),
        ("2022-06-01", True),
        ("2022-05-01", False),
        ("2021-03-01", False),
        ("2024-02-01", True),
        ("2025-07-02-preview", True),
    ],
)
def test_channel_aware_threshold(text: str, supported: bool) -> None:
    assert at_least(parse_api_version(text), MIN_STABLE, MIN_PREVIEW) is supported


def test_string_order_would_be_wrong_for_the_stable_channel() -> None:
    # The reason for channel comparison: as strings, 2022-04-01 sorts after 2022-01-02-preview.
    assert "2022-04-01" > "2022-01-02-preview"
    assert not at_least(parse_api_version("2022-04-01"), MIN_STABLE, MIN_PREVIEW)


# --- Kubernetes versions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "minor"),
    [
        ("1.29", (1, 29)),
        ("1.29.4", (1, 29)),
        ("v1.30.1", (1, 30)),
        (" 1.22 ", (1, 22)),
        ("1.9", (1, 9)),
        ("2.0", (2, 0)),
        (1.31, (1, 31)),
    ],
)
def test_minor_of_versions(value: object, minor: tuple[int, int]) -> None:
    assert minor_of(value) == minor


@pytest.mark.parametrize("value", ["latest", "1", "1.x", "1.29.4.5", "", None, 1, ["1.29"]])
def test_minor_of_non_versions(value: object) -> None:
    assert minor_of(value) is None


def test_minor_of_a_number_written_with_a_trailing_zero() -> None:
    """`kubernetes_version = 1.30` is minor 30, not 3: the number's written text decides."""
    written = parse('{"v": 1.30}')["v"]
    assert minor_of(written) == (1, 30)
