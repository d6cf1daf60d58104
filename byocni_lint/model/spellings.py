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
    # Terraform (azurerm) names: filled in by the Terraform front end.
    "terraform": {},
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
