"""az commands as ARM resources (frontends/azcli/commands.py and translate.py), before evaluation."""
from __future__ import annotations

from byocni_lint.frontends.azcli.scripts import shell_scripts
from byocni_lint.frontends.azcli.translate import translate


def resources(text: str) -> list[dict]:
    return [r for group in translate(shell_scripts(text)).builder.groups.values() for r in group.resources]


def test_aks_create_flags_and_cli_defaults() -> None:
    text = "az aks create -g rg -n aks --network-plugin none --pod-cidrs 10.1.0.0/16,fd00::/64 --node-count 2\n"
    [cluster] = resources(text)
    network = cluster["properties"]["networkProfile"]
    assert network["networkPlugin"].value == "none" and text[network["networkPlugin"].start:].startswith("none")
    assert [lit.value for lit in network["podCidrs"]] == ["10.1.0.0/16", "fd00::/64"]
    pool = cluster["properties"]["agentPoolProfiles"][0]
    assert (pool["name"].value, pool["count"].value, pool["osType"].value) == ("nodepool1", 2, "Linux")
    assert cluster["identity"]["type"].value == "SystemAssigned"  # --enable-managed-identity defaults to true


def test_update_merges_into_the_created_cluster_and_unknown_targets_give_a_note() -> None:
    text = ("az aks create -g rg -n aks --network-plugin none\naz aks update -g rg -n aks --network-policy cilium\n"
            "az aks update -g rg -n other --network-dataplane cilium\n")
    translation = translate(shell_scripts(text))
    [cluster] = [r for g in translation.builder.groups.values() for r in g.resources]
    assert cluster["properties"]["networkProfile"]["networkPolicy"].value == "cilium"
    assert len(translation.builder.notes) == 1 and "does not create" in translation.builder.notes[0][0]


def test_query_id_substitution_names_the_resource() -> None:
    text = ("ID=$(az network vnet subnet show -g rg --vnet-name v -n s --query id -o tsv)\n"
            "az aks create -g rg -n aks --vnet-subnet-id $ID\n")
    [cluster] = resources(text)
    subnet = cluster["properties"]["agentPoolProfiles"][0]["vnetSubnetID"]
    assert subnet.expression and subnet.value == (
        "[resourceId('rg', 'Microsoft.Network/virtualNetworks/subnets', 'v', 's')]")


def test_nsg_rule_defaults_and_subnet_references_by_name() -> None:
    text = ("az network nsg rule create -g rg --nsg-name nsg -n deny --priority 100 --access Deny\n"
            "az network vnet subnet create -g rg --vnet-name v -n s --address-prefix 10.0.0.0/24 --nsg nsg "
            "--delegations Microsoft.Web/serverFarms\n")
    rule, subnet = resources(text)
    props = rule["properties"]
    assert (props["priority"].value, props["access"].value, props["direction"].value) == (100, "Deny", "Inbound")
    assert [p.value for p in props["destinationPortRanges"]] == ["80"]  # the CLI's default
    assert subnet["properties"]["networkSecurityGroup"]["id"].value == (
        "[resourceId('rg', 'Microsoft.Network/networkSecurityGroups', 'nsg')]")
    assert subnet["properties"]["delegations"][0]["properties"]["serviceName"].value == "Microsoft.Web/serverFarms"


def test_role_assignment_by_role_name_and_assignee_name() -> None:
    text = "az role assignment create --role 'Network Contributor' --assignee someone@example.com --scope /x\n"
    [assignment] = resources(text)
    assert "4d97b98b-1d4f-4787-a291-c67834d212e7" in assignment["properties"]["roleDefinitionId"].value
    assert assignment["properties"]["principalId"].unknown  # resolved by Entra ID at run time


def test_resource_group_id_substitution_is_the_group_scope() -> None:
    text = ("SCOPE=$(az group show -n rg-net --query id -o tsv)\n"
            "az role assignment create --role 4d97b98b-1d4f-4787-a291-c67834d212e7 --assignee-object-id "
            "00000000-0000-0000-0000-000000000001 --scope $SCOPE\n")
    [assignment] = resources(text)
    assert assignment["scope"].value == ("[format('/subscriptions/{0}/resourceGroups/{1}', "
                                         "subscription().subscriptionId, 'rg-net')]")
    assert assignment["properties"]["principalId"].value == "00000000-0000-0000-0000-000000000001"


def test_enable_cilium_dataplane_is_located_at_the_flag() -> None:
    text = "az aks create -g rg -n aks --network-plugin none --enable-cilium-dataplane\n"
    [cluster] = resources(text)
    dataplane = cluster["properties"]["networkProfile"]["networkDataplane"]
    assert dataplane.value == "cilium" and text[dataplane.start:dataplane.end] == "--enable-cilium-dataplane"


def test_az_inside_eval_or_bash_c_is_a_note() -> None:
    text = 'eval "az aks create -n a --network-plugin none"\nbash -c \'az aks create -n b\'\necho az aks create\n'
    translation = translate(shell_scripts(text))
    assert translation.calls == [] and len(translation.builder.notes) == 2
