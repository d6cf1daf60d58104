"""How each input format spells the settings the rules talk about, so messages use the user's words.

Keys are ARM property paths relative to the resource (what the model's fields record); values are
the format's own name for that setting. A path missing from a table is shown by its last ARM segment,
which is also how ARM and Bicep spell it (`podCidr`).
"""
from __future__ import annotations

# The ARM paths the checks name in messages (the keys every table below may spell differently).
API_VERSION = "apiVersion"
KUBERNETES_VERSION = "properties.kubernetesVersion"
NETWORK_PLUGIN = "properties.networkProfile.networkPlugin"
NETWORK_POLICY = "properties.networkProfile.networkPolicy"
NETWORK_DATAPLANE = "properties.networkProfile.networkDataplane"
NETWORK_PLUGIN_MODE = "properties.networkProfile.networkPluginMode"
POD_CIDR = "properties.networkProfile.podCidr"
POD_CIDRS = "properties.networkProfile.podCidrs"
SERVICE_CIDR = "properties.networkProfile.serviceCidr"
DNS_SERVICE_IP = "properties.networkProfile.dnsServiceIP"
DOCKER_BRIDGE_CIDR = "properties.networkProfile.dockerBridgeCidr"
IP_FAMILIES = "properties.networkProfile.ipFamilies"
OUTBOUND_TYPE = "properties.networkProfile.outboundType"
POOL_SUBNET = "vnetSubnetID"  # relative to the agent pool
POOL_OS_TYPE = "osType"

SPELLINGS: dict[str, dict[str, str]] = {
    "arm": {},
    "bicep": {},
    # Terraform: azurerm attribute names (registry.terraform.io/providers/hashicorp/azurerm, resources
    # kubernetes_cluster, subnet, network_security_group/rule, route_table/route, role_assignment).
    "terraform": {
        "properties.networkProfile.networkPlugin": "network_profile.network_plugin",
        "properties.networkProfile.networkPluginMode": "network_profile.network_plugin_mode",
        "properties.networkProfile.networkPolicy": "network_profile.network_policy",
        "properties.networkProfile.networkDataplane": "network_profile.network_data_plane",
        "properties.networkProfile.podCidr": "network_profile.pod_cidr",
        "properties.networkProfile.podCidrs": "network_profile.pod_cidrs",
        "properties.networkProfile.serviceCidr": "network_profile.service_cidr",
        "properties.networkProfile.serviceCidrs": "network_profile.service_cidrs",
        "properties.networkProfile.dnsServiceIP": "network_profile.dns_service_ip",
        "properties.networkProfile.dockerBridgeCidr": "network_profile.docker_bridge_cidr",
        "properties.networkProfile.ipFamilies": "network_profile.ip_versions",
        "properties.networkProfile.outboundType": "network_profile.outbound_type",
        "properties.kubernetesVersion": "kubernetes_version",
        "identity.type": "identity.type",
        "vnetSubnetID": "vnet_subnet_id",
        "podSubnetID": "pod_subnet_id",
        "osType": "os_type",
        "properties.addressPrefix": "address_prefix",
        "properties.addressPrefixes": "address_prefixes",
        "properties.addressSpace.addressPrefixes": "address_space",
        "properties.delegations": "delegation",
        "properties.networkSecurityGroup.id": "network_security_group_id",
        "properties.routeTable.id": "route_table_id",
        "properties.natGateway.id": "nat_gateway_id",
        "priority": "priority", "direction": "direction", "access": "access", "protocol": "protocol",
        "sourceAddressPrefix": "source_address_prefix", "sourceAddressPrefixes": "source_address_prefixes",
        "destinationAddressPrefix": "destination_address_prefix",
        "destinationAddressPrefixes": "destination_address_prefixes",
        "sourcePortRange": "source_port_range", "sourcePortRanges": "source_port_ranges",
        "destinationPortRange": "destination_port_range", "destinationPortRanges": "destination_port_ranges",
        "nextHopType": "next_hop_type",
        "nextHopIpAddress": "next_hop_in_ip_address",
        "properties.roleDefinitionId": "role_definition_id",
        "properties.principalId": "principal_id",
        "scope": "scope",
    },
    # Azure CLI flag names (az aks create, az network ..., az role assignment create).
    "azcli": {
        "properties.networkProfile.networkPlugin": "--network-plugin",
        "properties.networkProfile.networkPluginMode": "--network-plugin-mode",
        "properties.networkProfile.networkPolicy": "--network-policy",
        "properties.networkProfile.networkDataplane": "--network-dataplane",
        "properties.networkProfile.podCidr": "--pod-cidr",
        "properties.networkProfile.podCidrs": "--pod-cidrs",
        "properties.networkProfile.serviceCidr": "--service-cidr",
        "properties.networkProfile.serviceCidrs": "--service-cidrs",
        "properties.networkProfile.dnsServiceIP": "--dns-service-ip",
        "properties.networkProfile.dockerBridgeCidr": "--docker-bridge-address",
        "properties.networkProfile.ipFamilies": "--ip-families",
        "properties.networkProfile.outboundType": "--outbound-type",
        "properties.kubernetesVersion": "--kubernetes-version",
        "identity.type": "--assign-identity",
        "vnetSubnetID": "--vnet-subnet-id",
        "podSubnetID": "--pod-subnet-id",
        "osType": "--os-type",
        "properties.addressPrefix": "--address-prefixes",
        "properties.addressPrefixes": "--address-prefixes",
        "properties.addressSpace.addressPrefixes": "--address-prefixes",
        "properties.delegations": "--delegations",
        "properties.networkSecurityGroup.id": "--network-security-group",
        "properties.routeTable.id": "--route-table",
        "properties.natGateway.id": "--nat-gateway",
        "priority": "--priority",
        "direction": "--direction",
        "access": "--access",
        "protocol": "--protocol",
        "sourceAddressPrefixes": "--source-address-prefixes",
        "destinationAddressPrefixes": "--destination-address-prefixes",
        "sourcePortRanges": "--source-port-ranges",
        "destinationPortRanges": "--destination-port-ranges",
        "nextHopType": "--next-hop-type",
        "nextHopIpAddress": "--next-hop-ip-address",
        "properties.roleDefinitionId": "--role",
        "properties.principalId": "--assignee-object-id",
        "scope": "--scope",
    },
}


def spell(format: str, property_path: str) -> str:
    """The setting at `property_path` as `format` writes it."""
    table = SPELLINGS.get(format, {})
    if property_path in table:
        return table[property_path]
    leaf = property_path.rsplit(".", 1)[-1]
    return leaf.split("[", 1)[0] if leaf else property_path
