"""Address ranges as sets, not strings: two ranges conflict when they share any address.

`172.16.0.0/12` is not equal to `172.30.0.0/16` but contains it; the AKS restriction is about
overlap (use-byo-cni.md: clusters "may not use" those ranges), so every comparison here is
`ipaddress` overlap within one address family.
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


def overlaps(a: Network, b: Network) -> bool:
    return a.version == b.version and a.overlaps(b)


def overlapping(network: Network, candidates: list[Network]) -> list[Network]:
    """Every candidate sharing an address with `network`, in the order given."""
    return [candidate for candidate in candidates if overlaps(network, candidate)]


def within(inner: Network, outer: Network) -> bool:
    """Whether every address of `inner` lies in `outer` (never across address families)."""
    if isinstance(inner, IPv4Network) and isinstance(outer, IPv4Network):
        return inner.subnet_of(outer)
    if isinstance(inner, IPv6Network) and isinstance(outer, IPv6Network):
        return inner.subnet_of(outer)
    return False
