"""Deployment, scope and resource functions (evaluate/functions/template.py and resources.py) through a
Scope, with the ID shapes of the ARM reference ("Resource functions", "Scope functions",
"Deployment functions")."""
from __future__ import annotations

import pytest

from arm_eval import UNSET, evaluate, scope_for
from arm_eval import shipped_budget
from byocni_lint.evaluate.deployment import TemplateInput, evaluate_template, new_scope
from byocni_lint.evaluate.references import ReferenceResolver
from byocni_lint.evaluate.scope import DeploymentContext, LimitExceeded
from byocni_lint.model.values import Unknown

GROUP = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}"


def test_parameters_defaults_may_use_other_parameters_and_names_are_case_insensitive() -> None:
    params = {"prefix": {"type": "string", "defaultValue": "aks"},
              "clusterName": {"type": "string", "defaultValue": "[concat(parameters('PREFIX'), '-1')]"}}
    assert evaluate("[parameters('CLUSTERNAME')]", params) == "aks-1"


def test_parameters_without_value_or_declaration_are_unknown_with_reasons() -> None:
    unset = evaluate("[parameters('cidr')]", {"cidr": UNSET})
    assert unset.reason == "parameter 'cidr' has no default and no parameters file sets it"
    assert evaluate("[parameters('nope')]").reason == "parameter 'nope' is not declared"


def test_supplied_parameter_values_win_over_defaults_and_are_not_expressions() -> None:
    template = {"parameters": {"cidr": {"type": "string", "defaultValue": "10.0.0.0/16"}}}
    scope = new_scope(template, shipped_budget(), DeploymentContext(), ReferenceResolver(), {"cidr": lambda: "[not evaluated]"})
    assert scope.evaluate("[parameters('cidr')]") == "[not evaluated]"


def test_variables_use_parameters_and_other_variables() -> None:
    variables = {"vnetName": "[concat(parameters('prefix'), '-vnet')]", "subnetId":
                 "[resourceId('Microsoft.Network/virtualNetworks/subnets', variables('vnetName'), 'nodes')]"}
    assert evaluate("[variables('SUBNETID')]", {"prefix": {"type": "string", "defaultValue": "aks"}}, variables) == \
        f"{GROUP}/providers/Microsoft.Network/virtualNetworks/aks-vnet/subnets/nodes"
    assert evaluate("[variables('missing')]").reason == "variable 'missing' is not declared"


def test_self_referential_variables_stop_the_evaluation() -> None:
    with pytest.raises(LimitExceeded, match="refers to itself"):
        evaluate("[variables('a')]", variables={"a": "[variables('b')]", "b": "[concat(variables('a'), 'x')]"})


def test_copy_index_with_names_and_offsets() -> None:
    scope = scope_for().with_copy_index("nodes", 2)
    assert scope.evaluate("[copyIndex()]") == 2
    assert scope.evaluate("[copyIndex(1)]") == 3
    assert scope.evaluate("[copyIndex('nodes', 10)]") == 12
    assert "outside that copy loop" in scope.evaluate("[copyIndex('other')]").reason
    assert "outside a copy loop" in evaluate("[copyIndex()]").reason


def test_copy_index_without_a_name_inside_a_property_loop_is_the_resource_loop() -> None:
    template = {"resources": [{
        "type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-04-01", "name": "[concat('vnet', copyIndex())]",
        "copy": {"name": "vnets", "count": 2},
        "properties": {"copy": [{"name": "subnets", "count": 2, "input": {
            "name": "[concat('snet', copyIndex('subnets'))]",
            "addressPrefix": "[cidrSubnet(format('10.{0}.0.0/16', copyIndex()), 24, copyIndex('subnets'))]"}}]},
    }]}
    evaluation = evaluate_template(TemplateInput(template, "vnets.json"), shipped_budget())
    prefixes = [subnet["addressPrefix"] for vnet in evaluation.instances for subnet in vnet.body["properties"]["subnets"]]
    assert prefixes == ["10.0.0.0/24", "10.0.1.0/24", "10.1.0.0/24", "10.1.1.0/24"]


def test_resource_id_reference_examples() -> None:
    assert evaluate("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'myVnet', 'mySubnet')]") == \
        f"{GROUP}/providers/Microsoft.Network/virtualNetworks/myVnet/subnets/mySubnet"
    assert evaluate("[resourceId('otherResourceGroup', 'Microsoft.Storage/storageAccounts', 'examplestorage')]") == \
        "/subscriptions/{subscriptionId}/resourceGroups/otherResourceGroup/providers/Microsoft.Storage/storageAccounts/examplestorage"
    assert evaluate("[resourceId('11111111-1111-1111-1111-111111111111', 'otherResourceGroup', "
                    "'Microsoft.Storage/storageAccounts', 'examplestorage')]") == \
        "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/otherResourceGroup" \
        "/providers/Microsoft.Storage/storageAccounts/examplestorage"


def test_resource_id_spellings_of_one_subnet_agree() -> None:
    by_function = evaluate("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'snet')]")
    assert evaluate("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet/snet')]") == by_function
    assert evaluate("[concat(resourceId('Microsoft.Network/virtualNetworks', 'vnet'), '/subnets/snet')]") == by_function
    assert evaluate("[format('{0}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet', "
                    "resourceGroup().id)]") == by_function


def test_resource_id_with_the_wrong_number_of_names_is_unknown() -> None:
    result = evaluate("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet')]")
    assert isinstance(result, Unknown) and "name segments" in result.reason


def test_scope_specific_resource_ids() -> None:
    assert evaluate("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', "
                    "'b24988ac-6180-42a0-ab88-20f7382dd24c')]") == \
        "/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c"
    assert evaluate("[subscriptionResourceId('sub2', 'Microsoft.Resources/resourceGroups', 'rg')]") == \
        "/subscriptions/sub2/providers/Microsoft.Resources/resourceGroups/rg"
    assert evaluate("[tenantResourceId('Microsoft.Authorization/policyDefinitions', 'p1')]") == \
        "/providers/Microsoft.Authorization/policyDefinitions/p1"
    assert evaluate("[extensionResourceId(resourceGroup().id, 'Microsoft.Authorization/locks', 'lockName')]") == \
        f"{GROUP}/providers/Microsoft.Authorization/locks/lockName"
    assert evaluate("[managementGroupResourceId('mg1', 'Microsoft.Authorization/policyDefinitions', 'p1')]") == \
        "/providers/Microsoft.Management/managementGroups/mg1/providers/Microsoft.Authorization/policyDefinitions/p1"
    assert isinstance(evaluate("[managementGroupResourceId('Microsoft.Authorization/policyDefinitions', 'p1')]"), Unknown)


def test_deployment_scope_objects_are_consistent_placeholders() -> None:
    assert evaluate("[resourceGroup().id]") == GROUP
    assert evaluate("[resourceGroup().name]") == "{resourceGroupName}"
    assert evaluate("[subscription().id]") == "/subscriptions/{subscriptionId}"
    assert evaluate("[subscription().subscriptionId]") == "{subscriptionId}"
    assert evaluate("[tenant().tenantId]") == evaluate("[subscription().tenantId]") == "{tenantId}"
    assert evaluate("[deployment().name]") == "{deploymentName}"
    assert evaluate("[guid(resourceGroup().id)]") == evaluate("[guid(format('{0}', resourceGroup().id))]")


def test_deployment_context_values_replace_the_placeholders() -> None:
    template = {"parameters": {}}
    context = DeploymentContext(subscription_id="sub-1", resource_group="rg-1")
    scope = new_scope(template, shipped_budget(), context, ReferenceResolver(), {})
    assert scope.evaluate("[resourceId('Microsoft.Network/virtualNetworks', 'v')]") == \
        "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.Network/virtualNetworks/v"


def test_values_known_only_at_deployment_are_unknown() -> None:
    for expression in ("[resourceGroup().location]", "[subscription().displayName]", "[deployment().location]",
                       "[deployment().properties.templateLink.uri]",
                       "[pickZones('Microsoft.Compute', 'virtualMachines', 'westus2')]"):
        assert isinstance(evaluate(expression), Unknown), expression


def test_environment_is_the_public_cloud() -> None:
    assert evaluate("[environment().name]") == "AzureCloud"
    assert evaluate("[environment().suffixes.storage]") == "core.windows.net"


def test_reference_to_an_undeployed_resource_keeps_which_resource_and_property() -> None:
    result = evaluate("[reference(resourceId('Microsoft.ContainerService/managedClusters', 'aks'), "
                      "'2024-01-01', 'Full').identity.principalId]")
    assert isinstance(result, Unknown)
    assert result.ref == (GROUP + "/providers/Microsoft.ContainerService/managedClusters/aks").lower()
    assert result.path == ("identity", "principalid")
    assert result.full is True


def test_list_functions_are_unknown() -> None:
    result = evaluate("[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'sa'), '2022-09-01').keys[0].value]")
    assert isinstance(result, Unknown) and "runtime values" in result.reason
    assert isinstance(evaluate("[listClusterAdminCredential(resourceId('Microsoft.ContainerService/managedClusters', "
                               "'aks'), '2024-01-01')]"), Unknown)


def test_user_defined_functions_read_their_arguments_with_parameters() -> None:
    template = {"functions": [{"namespace": "__bicep", "members": {"greet": {
        "parameters": [{"type": "string", "name": "name"}],
        "output": {"type": "string", "value": "[format('Hi, {0}!', parameters('name'))]"}}}}]}
    scope = new_scope(template, shipped_budget(), DeploymentContext(), ReferenceResolver(), {})
    assert scope.evaluate("[__bicep.greet('Ann')]") == "Hi, Ann!"
