"""Resource IDs as ARM builds them, so that the same subnet written as `resourceId(...)`, `concat(...)`,
a literal ID or a child resource's name is one key in the model.

ID layout (Azure Resource Manager, "Resource ID" in the template functions reference):
`/subscriptions/{sub}/resourceGroups/{rg}/providers/{namespace}/{type}/{name}[/{childType}/{childName}...]`
"""
from __future__ import annotations


def type_segments(resource_type: str) -> tuple[str, list[str]]:
    """`Microsoft.Network/virtualNetworks/subnets/` -> ("Microsoft.Network", ["virtualNetworks", "subnets"])."""
    parts = [part for part in resource_type.strip().strip("/").split("/") if part]
    if not parts:
        raise ValueError(f"invalid resource type {resource_type!r}")
    return parts[0], parts[1:]


def provider_path(resource_type: str, names: list[str]) -> str:
    """`providers/ns/t1/n1/t2/n2`; a `providers` type segment takes the next name as a namespace
    (`virtualNetworks/providers/roleAssignments` named `v/Microsoft.Authorization/g`)."""
    namespace, types = type_segments(resource_type)
    names = [segment for name in names for segment in str(name).strip("/").split("/")]
    if len(names) != len(types):
        raise ValueError(f"{resource_type} needs {len(types)} name segments, got {len(names)}")
    out = ["providers", namespace]
    for kind, name in zip(types, names):
        out += [kind, name]
    return "/".join(out)


def resource_group_id(subscription_id: str, resource_group: str) -> str:
    return f"/subscriptions/{subscription_id}/resourceGroups/{resource_group}"


def build_id(scope: str, resource_type: str, names: list[str]) -> str:
    """An ID under `scope` (a resource group, subscription, tenant `""` or another resource for extensions)."""
    return f"{scope.rstrip('/')}/{provider_path(resource_type, names)}"


def id_segments(resource_id: str) -> list[str]:
    """Path segments of an ID; repeated and trailing slashes carry no meaning (case is kept)."""
    return [segment for segment in resource_id.strip().split("/") if segment]


def normalize_id(resource_id: str) -> str:
    """IDs compare case-insensitively and without stray slashes or spaces."""
    parts = [part for part in resource_id.strip().split("/") if part]
    return "/" + "/".join(parts).lower()


def provider_suffix(resource_id: str) -> str | None:
    """The part from the first `/providers/` on: what stays the same whatever the subscription and group."""
    normalized = normalize_id(resource_id)
    index = normalized.find("/providers/")
    return normalized[index:] if index >= 0 else None
