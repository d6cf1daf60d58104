"""Address ranges as sets, not strings: two ranges conflict when they share any address.

`172.16.0.0/12` is not equal to `172.30.0.0/16` but contains it; the AKS restriction is about
overlap (use-byo-cni.md: clusters "may not use" those ranges), so every comparison here is
overlap within one address family. Networks are parsed by `ipaddress`; the comparisons themselves
are on each network's first and last address as integers (`span`), which gives `ipaddress`'s own
answer (tests/test_semantics_cidr_apiversion.py checks that) at a fraction of its cost: the address
rules compare every range of every cluster with every reserved range, file after file.
"""
from __future__ import annotations

import ipaddress
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

Network = IPv4Network | IPv6Network
Address = IPv4Address | IPv6Address


def parse_network(text: object) -> Network | None:
    """A CIDR (or a single address as /32, /128); host bits set are tolerated as Azure tolerates them."""
    return _parse_network(str(text)) if isinstance(text, str) else None


@lru_cache(maxsize=4096)
def _parse_network(text: str) -> Network | None:
    """Cached by text: the checks of one template ask for the same few ranges about twenty times, and a
    network parsed once also keeps the addresses `ipaddress` works out on first use. The key is a plain
    str (`str()` of a parse node), so the cache never holds a parsed file."""
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def parse_address(text: object) -> Address | None:
    if not isinstance(text, str):
        return None
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


Span = tuple[int, int, int]
"""(address family, first address, last address) of a network, addresses as integers."""


def span(network: Network) -> Span:
    return network.version, int(network.network_address), int(network.broadcast_address)


def spans_overlap(a: Span, b: Span) -> bool:
    """Whether two spans share an address: same family, and neither ends before the other starts."""
    return a[0] == b[0] and a[1] <= b[2] and b[1] <= a[2]


def overlaps(a: Network, b: Network) -> bool:
    return spans_overlap(span(a), span(b))


def overlapping(network: Network, candidates: list[Network]) -> list[Network]:
    """Every candidate sharing an address with `network`, in the order given."""
    mine = span(network)
    return [candidate for candidate in candidates if spans_overlap(mine, span(candidate))]


def within(inner: Network, outer: Network) -> bool:
    """Whether every address of `inner` lies in `outer` (never across address families)."""
    (family, first, last), (outer_family, outer_first, outer_last) = span(inner), span(outer)
    return family == outer_family and outer_first <= first and last <= outer_last
