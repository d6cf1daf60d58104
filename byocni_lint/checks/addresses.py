"""Address-range rules: reserved ranges (BYO003) and conflicts between cluster ranges and the network (BYO009).

Both rules use overlap, never string equality (a /12 that contains a reserved /16 is as bad as the /16).
"""
from __future__ import annotations

from byocni_lint.checks import check
from byocni_lint.checks.context import CheckContext, and_list, through
from byocni_lint.findings import Severity
from byocni_lint.model import Cluster, Field, Model, VirtualNetwork
from byocni_lint.model.spellings import DNS_SERVICE_IP, POD_CIDR, SERVICE_CIDR
from byocni_lint.semantics.cidr import Network, overlapping, parse_address, parse_network


def _networks(ctx: CheckContext, fields: list[Field], cluster: Cluster, name: str) -> list[tuple[Field, Network]]:
    """Known, parseable CIDRs among `fields`; unknown ones become BYO901 notes."""
    parsed = []
    for field in fields:
        if not field.present:
            continue
        if not field.known:
            ctx.unknown(field, cluster, ctx.name(field) if field.property_path else name)
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


def _reserved(params: dict) -> tuple[list[Network], str]:
    """The reserved ranges, and how messages list them."""
    reserved = [network for network in map(parse_network, params["reserved_ranges"]) if network is not None]
    return reserved, and_list(reserved)


@check("BYO003")
def reserved_address_range(model: Model, ctx: CheckContext) -> None:
    reserved, listing = ctx.prepared(_reserved)
    for cluster in model.clusters:
        candidates = [(ctx.spell(SERVICE_CIDR), f, cluster) for f in cluster.service_cidr_fields()] + \
                     [(ctx.spell(POD_CIDR), f, cluster) for f in cluster.pod_cidr_fields() if cluster.uses_pod_cidr]
        for subnet in cluster.node_subnets():
            candidates += [(f"address prefix of node subnet {subnet.name}", f, through(cluster, subnet))
                           for f in subnet.address_prefixes]
        for vnet in _cluster_vnets(cluster):
            candidates += [(f"address space of VNet {vnet.name}", f, through(cluster, vnet))
                           for f in vnet.address_prefixes]
        for label, field, subject in candidates:
            for _, network in _networks(ctx, [field], cluster, label):
                bad = overlapping(network, reserved)
                if bad:
                    ranges = f"reserved range{'s' if len(bad) > 1 else ''} {and_list(bad)}"
                    ctx.fail(field, f"{label} {network} overlaps {ranges}; pick a range outside {listing}",
                             subject, key=f"{label}|{network}")




def _label(ctx: CheckContext, field: Field, property_path: str) -> str:
    """The setting as the user's format names it; a value AKS applies by default says so."""
    name = ctx.spell(property_path)
    return f"the default {name} (not set)" if field.default else name


@check("BYO009")
def address_ranges_conflict(model: Model, ctx: CheckContext) -> None:
    defaults = ctx.params["aks_defaults"]
    for cluster in model.clusters:
        services = cluster.defaulted(cluster.service_cidr_fields(), defaults["serviceCidr"], SERVICE_CIDR)
        subnets = cluster.node_subnets()
        subnet_ranges = [(s, n) for s in subnets for _, n in _networks(ctx, s.address_prefixes, cluster, "addressPrefix")]
        vnet_ranges = [(v, n) for v in _cluster_vnets(cluster) for _, n in _networks(ctx, v.address_prefixes, cluster, "addressPrefixes")]
        for pool in cluster.pools:
            if pool.vnet_subnet_id.present and pool.subnet is None:
                if not pool.vnet_subnet_id.known:
                    ctx.unknown(pool.vnet_subnet_id, cluster, f"vnetSubnetID of pool {pool.name}")
        pods = cluster.pod_cidr_fields() if cluster.uses_pod_cidr else []
        for setting, users, fields in ((SERVICE_CIDR, "services", services), (POD_CIDR, "pods", pods)):
            for field, network in _networks(ctx, fields, cluster, ctx.spell(setting)):
                label = _label(ctx, field, setting)
                hits = [(s, n) for s, n in subnet_ranges if overlapping(network, [n])]
                if hits:
                    subnet, prefix = hits[0]
                    ctx.fail(field, f"{label} {network} overlaps node subnet {subnet.name} ({prefix}); Kubernetes "
                                    f"{users} and nodes would share addresses",
                             through(cluster, subnet), key=f"{setting}|subnet", fix=f"set {ctx.spell(setting)} to a range outside the subnet")
                    continue
                vnet_hits = [(v, n) for v, n in vnet_ranges if overlapping(network, [n])]
                if vnet_hits:
                    network_space, prefix = vnet_hits[0]
                    ctx.fail(field, f"{label} {network} overlaps the address space of VNet {network_space.name} ({prefix}); "
                                    "traffic to that part of the VNet would be routed inside the cluster",
                             through(cluster, network_space), Severity.WARNING, key=f"{setting}|vnet",
                             fix=f"set {ctx.spell(setting)} to a range outside the VNet")
        _check_dns_service_ip(ctx, cluster, services, defaults["dnsServiceIP"])


def _check_dns_service_ip(ctx: CheckContext, cluster: Cluster, service_fields: list[Field], default: str) -> None:
    written = [cluster.dns_service_ip] if cluster.dns_service_ip is not None and cluster.dns_service_ip.present else []
    found = cluster.defaulted(written, default, DNS_SERVICE_IP)
    if not found:
        return
    dns = found[0]
    if not dns.known:
        ctx.unknown(dns, cluster, "dnsServiceIP")
        return
    if dns.default and all(f.default for f in service_fields):
        return  # AKS's own pair of defaults agree with each other
    address = parse_address(dns.value)
    services = _networks(ctx, service_fields, cluster, "serviceCidr")
    same_family = [n for _, n in services if address is not None and n.version == address.version]
    if address is None or not same_family:
        return
    if not any(address in n for n in same_family):
        ranges = ", ".join(str(n) for n in same_family)
        ctx.fail(dns, f"{_label(ctx, dns, DNS_SERVICE_IP)} {address} is outside {ctx.spell(SERVICE_CIDR)} {ranges}; "
                      f"set {ctx.spell(DNS_SERVICE_IP)} to an address inside the service range (e.g. its .10)",
                 cluster, key="outside")
        return
    network = next(n for n in same_family if address in n)
    if address == network.network_address:
        ctx.fail(dns, f"dnsServiceIP {address} is the network address of serviceCidr {network}; pick another "
                      "address inside the range (e.g. its .10)", cluster, key="network-address")
    elif address == network.network_address + 1:
        ctx.fail(dns, f"dnsServiceIP {address} is the first address of serviceCidr {network}, which Kubernetes "
                      "gives to the `kubernetes` API service; pick another (e.g. its .10)", cluster, key="first-host")
