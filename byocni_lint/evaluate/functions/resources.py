"""Resource functions: IDs, `reference()` and `list*()` (ARM reference, "Resource functions":
https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-resource).

IDs are built exactly as ARM builds them (placeholders for the deployment's own subscription and
group), so that every spelling of the same resource links to one model object.
"""
from __future__ import annotations

from byocni_lint.evaluate.functions import arm_function
from byocni_lint.model.ids import build_id, resource_group_id
from byocni_lint.model.values import Unknown, describe


def _split_scope_args(args: tuple) -> tuple[list[str], str, list[str]]:
    """resourceId([subscriptionId], [resourceGroupName], resourceType, name...): the type is the first
    argument with a '/' (names cannot contain one, scope values neither)."""
    for arg in args:
        if not isinstance(arg, str):
            raise TypeError(f"resource ID parts must be strings, not {describe(arg)}")
    for index, arg in enumerate(args):
        if "/" in arg.strip("/"):
            return list(args[:index]), arg, list(args[index + 1:])
    raise ValueError("no resource type argument")


@arm_function("resourceId")
def resource_id(scope, *args):
    prefix, resource_type, names = _split_scope_args(args)
    subscription, group = scope.context.subscription_id, scope.context.resource_group
    if len(prefix) == 1:
        group = prefix[0]
    elif len(prefix) >= 2:
        subscription, group = prefix[0], prefix[1]
    return build_id(resource_group_id(subscription, group), resource_type, names)


@arm_function("subscriptionResourceId")
def subscription_resource_id(scope, *args):
    prefix, resource_type, names = _split_scope_args(args)
    subscription = prefix[0] if prefix else scope.context.subscription_id
    return build_id(f"/subscriptions/{subscription}", resource_type, names)


@arm_function("tenantResourceId")
def tenant_resource_id(scope, resource_type, *names):
    return build_id("", resource_type, [str(n) for n in names])


@arm_function("extensionResourceId")
def extension_resource_id(scope, base_id, resource_type, *names):
    return build_id(str(base_id), resource_type, [str(n) for n in names])


@arm_function("managementGroupResourceId")
def management_group_resource_id(scope, *args):
    prefix, resource_type, names = _split_scope_args(args)
    group = prefix[0] if prefix else Unknown("the deployment's management group is known only at deployment")
    if isinstance(group, Unknown):
        return group
    return build_id(f"/providers/Microsoft.Management/managementGroups/{group}", resource_type, names)


@arm_function("reference")
def reference(scope, target, api_version=None, full=None):
    """Declared values of resources in these files resolve; runtime-only ones stay unknown but keep the
    resource they point at (see evaluate.references)."""
    is_full = isinstance(full, str) and full.lower() == "full"
    if scope.references is None:
        return Unknown(f"reference() to {target} is known only at deployment")
    return scope.references.reference(scope, str(target), is_full)


@arm_function("list*")
def list_secrets(scope, target, *args):
    return Unknown(f"list*() on {target} returns runtime values")


@arm_function("pickZones")
def pick_zones(scope, *args):
    return Unknown("pickZones() depends on the region at deployment")
