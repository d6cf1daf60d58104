"""CIDR functions: parseCidr, cidrSubnet, cidrHost (ARM reference, "CIDR functions":
https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-cidr).

Exact, because templates build subnet prefixes with them (`cidrSubnet(vnetPrefix, 24, i)`) and the
address rules check those prefixes. Behaviour follows the reference's examples:
- parseCidr gives network, netmask, broadcast (IPv4 only), firstUsable, lastUsable and cidr; for IPv6
  the first usable address is the network address itself;
- cidrHost counts usable hosts from the one after the network address (`cidrHost('10.144.3.0/24', 0)`
  is 10.144.3.1, and `::1` in IPv6), so it never returns the network or broadcast address.
"""
from __future__ import annotations

import ipaddress

from byocni_lint.evaluate.functions import arm_function
from byocni_lint.evaluate.functions.comparison import integer
from byocni_lint.model.values import describe


def _network(text: object) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    if not isinstance(text, str) or "/" not in text:
        raise ValueError(f"{describe(text)} is not in CIDR notation")
    return ipaddress.ip_network(text.strip(), strict=False)


@arm_function("parseCidr")
def parse_cidr(scope, text):
    network = _network(text)
    first, last = network.network_address, network.broadcast_address
    if network.version == 4 and network.num_addresses > 2:
        first, last = first + 1, last - 1
    result: dict = {"network": str(network.network_address), "netmask": str(network.netmask)}
    if network.version == 4:
        result["broadcast"] = str(network.broadcast_address)
    result.update({"firstUsable": str(first), "lastUsable": str(last), "cidr": network.prefixlen})
    return result


@arm_function("cidrSubnet")
def cidr_subnet(scope, text, new_prefix, index):
    """The `index`-th subnet of size /new_prefix, computed directly (no list of all subnets)."""
    network = _network(text)
    new_prefix, index = integer(new_prefix, "newCIDR"), integer(index, "subnetIndex")
    if not network.prefixlen <= new_prefix <= network.max_prefixlen:
        raise ValueError(f"newCIDR {new_prefix} must be between {network.prefixlen} and {network.max_prefixlen}")
    count = 1 << (new_prefix - network.prefixlen)
    if not 0 <= index < count:
        raise IndexError(f"subnetIndex {index} is outside 0..{count - 1}")
    size = 1 << (network.max_prefixlen - new_prefix)
    start = int(network.network_address) + index * size
    return str(ipaddress.ip_network((start, new_prefix)))


@arm_function("cidrHost")
def cidr_host(scope, text, index):
    network = _network(text)
    index = integer(index, "hostIndex")
    usable = network.num_addresses - (2 if network.version == 4 else 1)
    if not 0 <= index < usable:
        raise IndexError(f"hostIndex {index} is outside the {max(usable, 0)} usable addresses of {network}")
    return str(network.network_address + 1 + index)
