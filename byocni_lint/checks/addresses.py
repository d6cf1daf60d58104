"""Address-range rules: reserved ranges (BYO003) and conflicts between cluster ranges and the network (BYO009).

Both rules use overlap, never string equality (a /12 that contains a reserved /16 is as bad as the /16).
"""
from __future__ import annotations

from byocni_lint.checks import check
from byocni_lint.checks.context import CheckContext
from byocni_lint.findings import Severity
from byocni_lint.model import Cluster, Field, Model, VirtualNetwork
from byocni_lint.semantics.cidr import Network, overlapping, parse_address, parse_network


def _networks(ctx: CheckContext, fields: list[Field], cluster: Cluster, name: str) -> list[tuple[Field, Network]]:
    """Known, parseable CIDRs among `fields`; unknown ones become BYO901 notes."""
    parsed = []
    for field in fields:
        if not field.present:
            continue
        if not field.known:
            ctx.unknown(field, cluster, field.property_path or name)
            continue
        network = parse_network(field.value)
        if network is not None:
            parsed.append((field, network))
    return parsed


def _cluster_vnets(cluster: Cluster) -> list[VirtualNetwork]:
    vnets: dict[int, VirtualNetwork] = {}
    for subnet in cluster.node_subnets():
        if subnet.vnet is not None:
            vnets.setdefault(id(subnet.vnet), subnet.vnet)
    return list(vnets.values())


@check("BYO003")
def reserved_address_range(model: Model, ctx: CheckContext) -> None:
    reserved = [parse_network(text) for text in ctx.params["reserved_ranges"]]
    reserved = [network for network in reserved if network is not None]
    listing = _and_list(reserved)
    for cluster in model.clusters:
        candidates = [("serviceCidr", f) for f in cluster.service_cidr_fields()] + \
                     [("podCidr", f) for f in cluster.pod_cidr_fields() if cluster.uses_pod_cidr]
        for subnet in cluster.node_subnets():
            candidates += [(f"address prefix of node subnet {subnet.name}", f) for f in subnet.address_prefixes]
        for vnet in _cluster_vnets(cluster):
            candidates += [(f"address space of VNet {vnet.name}", f) for f in vnet.address_prefixes]
        for label, field in candidates:
            for _, network in _networks(ctx, [field], cluster, label):
                bad = overlapping(network, reserved)
                if bad:
                    ranges = f"reserved range{'s' if len(bad) > 1 else ''} {_and_list(bad)}"
                    ctx.fail(field, f"{label} {network} overlaps {ranges}; pick a range outside {listing}",
                             cluster, key=f"{label}|{network}")


def _and_list(items: list) -> str:
    texts = [str(item) for item in items]
    return ", ".join(texts[:-1]) + f" and {texts[-1]}" if len(texts) > 1 else texts[0]


@check("BYO009")
def address_ranges_conflict(model: Model, ctx: CheckContext) -> None:
    for cluster in model.clusters:
        subnets = cluster.node_subnets()
        subnet_ranges = [(s, n) for s in subnets for _, n in _networks(ctx, s.address_prefixes, cluster, "addressPrefix")]
        vnet_ranges = [(v, n) for v in _cluster_vnets(cluster) for _, n in _networks(ctx, v.address_prefixes, cluster, "addressPrefixes")]
        for pool in cluster.pools:
            if pool.vnet_subnet_id.present and pool.subnet is None:
                if not pool.vnet_subnet_id.known:
                    ctx.unknown(pool.vnet_subnet_id, cluster, f"vnetSubnetID of pool {pool.name}")
        pods = cluster.pod_cidr_fields() if cluster.uses_pod_cidr else []
        for label, fields in (("serviceCidr", cluster.service_cidr_fields()), ("podCidr", pods)):
            for field, network in _networks(ctx, fields, cluster, label):
                hits = [(s, n) for s, n in subnet_ranges if overlapping(network, [n])]
                if hits:
                    subnet, prefix = hits[0]
                    ctx.fail(field, f"{label} {network} overlaps node subnet {subnet.name} ({prefix}); Kubernetes "
                                    f"{'services' if label == 'serviceCidr' else 'pods'} and nodes would share "
                                    "addresses: pick a range outside the subnet", cluster, key=f"{label}|subnet")
                    continue
                hits = [(v, n) for v, n in vnet_ranges if overlapping(network, [n])]
                if hits:
                    vnet, prefix = hits[0]
                    ctx.fail(field, f"{label} {network} overlaps the address space of VNet {vnet.name} ({prefix}); "
                                    "traffic to that part of the VNet would be routed inside the cluster: pick a "
                                    "range outside the VNet", cluster, Severity.WARNING, key=f"{label}|vnet")
        _check_dns_service_ip(ctx, cluster)


def _check_dns_service_ip(ctx: CheckContext, cluster: Cluster) -> None:
    dns = cluster.dns_service_ip
    if dns is None or not dns.present:
        return
    if not dns.known:
        ctx.unknown(dns, cluster, "dnsServiceIP")
        return
    address = parse_address(dns.value)
    services = _networks(ctx, cluster.service_cidr_fields(), cluster, "serviceCidr")
    same_family = [n for _, n in services if address is not None and n.version == address.version]
    if address is None or not same_family:
        return
    if not any(address in n for n in same_family):
        ranges = ", ".join(str(n) for n in same_family)
        ctx.fail(dns, f"dnsServiceIP {address} is outside serviceCidr {ranges}; pick an address inside the service "
                      "range (e.g. its .10)", cluster, key="outside")
        return
    network = next(n for n in same_family if address in n)
    if address == network.network_address:
        ctx.fail(dns, f"dnsServiceIP {address} is the network address of serviceCidr {network}; pick another "
                      "address inside the range (e.g. its .10)", cluster, key="network-address")
    elif address == network.network_address + 1:
        ctx.fail(dns, f"dnsServiceIP {address} is the first address of serviceCidr {network}, which Kubernetes "
                      "gives to the `kubernetes` API service; pick another (e.g. its .10)", cluster, key="first-host")
