"""Functions that read the template and its deployment: parameters, variables, copyIndex and the
deployment-scope objects (ARM reference: "Deployment functions", "Scope functions").

The deployment-scope objects hold placeholders that are consistent within one evaluation: the real
subscription and resource group are only known at deployment time, but two IDs built from them in the
same template must still compare equal.
"""
from __future__ import annotations

from byocni_lint.evaluate.functions import arm_function
from byocni_lint.model.ids import resource_group_id
from byocni_lint.model.values import Unknown


@arm_function("parameters")
def parameters(scope, name):
    return scope.parameter(name)


@arm_function("variables")
def variables(scope, name):
    return scope.variable(name)


@arm_function("copyIndex")
def copy_index(scope, *args):
    """copyIndex([loopName], [offset]); an offset alone is an integer."""
    loop, offset = "", 0
    for arg in args:
        if isinstance(arg, str):
            loop = arg
        else:
            offset = int(arg)
    key = loop.lower()
    if key not in scope.copy_indices:
        if loop or len(scope.copy_indices) != 1:
            if loop:
                return Unknown(f"copyIndex('{loop}') used outside that copy loop")
            return Unknown("copyIndex() used outside a copy loop")
        key = next(iter(scope.copy_indices))  # the only loop in reach (an output or variable copy)
    index = scope.copy_indices[key]
    return index if isinstance(index, Unknown) else index + offset


@arm_function("resourceGroup")
def resource_group(scope):
    context = scope.context
    return {
        "id": resource_group_id(context.subscription_id, context.resource_group),
        "name": context.resource_group,
        "type": "Microsoft.Resources/resourceGroups",
        "location": Unknown("resourceGroup().location is known only at deployment"),
        "properties": {"provisioningState": "Succeeded"},
    }


@arm_function("subscription")
def subscription(scope):
    context = scope.context
    return {
        "id": f"/subscriptions/{context.subscription_id}",
        "subscriptionId": context.subscription_id,
        "tenantId": context.tenant_id,
        "displayName": Unknown("subscription().displayName is known only at deployment"),
    }


@arm_function("tenant")
def tenant(scope):
    return {
        "tenantId": scope.context.tenant_id,
        "countryCode": Unknown("tenant().countryCode is known only at deployment"),
        "displayName": Unknown("tenant().displayName is known only at deployment"),
    }


@arm_function("managementGroup")
def management_group(scope, *args):
    return Unknown("managementGroup() is known only at deployment")


@arm_function("deployment")
def deployment(scope):
    return {
        "name": scope.context.deployment_name,
        "properties": {"templateLink": Unknown("deployment().properties.templateLink is known only at deployment")},
        "location": Unknown("deployment().location is known only at deployment"),
    }


@arm_function("environment")
def environment(scope):
    """Azure public cloud values, the default environment; other clouds are out of scope for these rules."""
    return {
        "name": "AzureCloud",
        "resourceManager": "https://management.azure.com/",
        "authentication": {"loginEndpoint": "https://login.microsoftonline.com/"},
        "suffixes": {
            "storage": "core.windows.net",
            "keyvaultDns": ".vault.azure.net",
            "acrLoginServer": ".azurecr.io",
            "sqlServerHostname": ".database.windows.net",
        },
    }
