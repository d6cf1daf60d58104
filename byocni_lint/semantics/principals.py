"""Whether a role assignment's `principalId` is the AKS cluster's control-plane identity.

Before deployment no principal ID is known: a system-assigned identity is created with the cluster,
and a user-assigned identity's object ID is minted by Entra ID. What a template *does* say is where
the value comes from, and the evaluator keeps that on the `Unknown` it produces (`ref`, `path`,
`full`; see evaluate.values). So the link is made from provenance (aks-facts 7.6):

- `reference(<cluster>, <api>, 'Full').identity.principalId` is the cluster's system-assigned
  identity (Bicep's `aks.identity.principalId` compiles to exactly this);
- `reference(<identity>).principalId`, or `reference(<identity>, <api>, 'Full').properties.principalId`,
  is that user-assigned identity, which is the cluster's when it is the key of the cluster's
  `identity.userAssignedIdentities`;
- the same literal, or the very value of the same parameter, as a principal ID the files write for
  the cluster identity (exported templates carry `identity.principalId`).

Anything else read from the cluster (`identityProfile.kubeletidentity.objectId`, an add-on's
identity) is a *different* identity: the kubelet identity does not join nodes to the subnet
(aks-facts 7.1). The answer is three-valued; None means the files do not tell (a parameter, a
literal GUID that may be the identity of an existing cluster, an output of a template not in the
files), so a check can report it as unknown rather than guess.
"""
from __future__ import annotations

from enum import Enum
from typing import NamedTuple

from byocni_lint.model.ids import id_segments
from byocni_lint.model.values import Unknown

UNKNOWN_SEGMENT = "{unknown}"
"""What rbac.scope_covers reads as an unresolved segment."""


class IdentityKind(Enum):
    SYSTEM = "SystemAssigned"
    USER = "UserAssigned"
    NONE = "None"
    """No managed identity: a cluster on a service principal, whose object ID no template derives."""
    UNKNOWN = "unknown"
    """`identity.type` is not known (e.g. chosen by a parameter)."""

    @classmethod
    def of(cls, identity_type: object) -> "IdentityKind":
        """The kind an `identity.type` value names; absent means no managed identity, as in ARM."""
        if identity_type is None:
            return cls.NONE
        if not isinstance(identity_type, str):
            return cls.UNKNOWN
        for kind in (cls.SYSTEM, cls.USER, cls.NONE):
            if identity_type.strip().casefold() == kind.value.casefold():
                return kind
        return cls.UNKNOWN


class ClusterIdentity(NamedTuple):
    """What the files say about one cluster's control-plane identity."""

    cluster_id: str | None
    """Normalised resource ID of the cluster."""
    kind: IdentityKind
    user_assigned: tuple[str, ...] = ()
    """Normalised IDs of the keys of `identity.userAssignedIdentities`."""
    principal_values: tuple[object, ...] = ()
    """Principal IDs the files write for this identity: literals, or unknown values (of a parameter)."""


_USER_IDENTITY_PATHS = {False: ("principalid",), True: ("properties", "principalid")}
_SYSTEM_IDENTITY_PATH = ("identity", "principalid")


def names_cluster_identity(principal: object, identity: ClusterIdentity) -> bool | None:
    """Whether an assignment's `principalId` value is the cluster's control-plane identity; None: unknown."""
    if any(principal is value for value in identity.principal_values):
        return True
    if isinstance(principal, Unknown):
        return _linked_by_reference(principal, identity)
    if isinstance(principal, str) and principal.strip():
        known = [value for value in identity.principal_values if isinstance(value, str)]
        if any(principal.strip().casefold() == value.strip().casefold() for value in known):
            return True
    return None


def _linked_by_reference(principal: Unknown, identity: ClusterIdentity) -> bool | None:
    if principal.ref is None or not principal.ref.startswith("/"):
        return None  # a parameter, or a name the files do not declare
    if identity.cluster_id is not None:
        this_cluster = same_resource(principal.ref, identity.cluster_id)
        if this_cluster is not False:
            if principal.full and principal.path == _SYSTEM_IDENTITY_PATH:
                return _kind_answer(identity.kind, IdentityKind.SYSTEM) if this_cluster else None
            # The kubelet identity, an add-on's identity, or some other value of the cluster.
            return False if this_cluster else None
    if principal.path == _USER_IDENTITY_PATHS[principal.full]:
        matches = [same_resource(principal.ref, key) for key in identity.user_assigned]
        if True in matches:
            return _kind_answer(identity.kind, IdentityKind.USER)
        return None if None in matches else False  # another user-assigned identity
    if principal.full and principal.path == _SYSTEM_IDENTITY_PATH:
        return False  # the system-assigned identity of another resource
    return None  # e.g. an output of a nested template that is not in the files


def _kind_answer(actual: IdentityKind, linked: IdentityKind) -> bool | None:
    """The link names the cluster identity only if the cluster uses that kind of identity."""
    if actual is IdentityKind.UNKNOWN:
        return None
    return actual is linked


def same_resource(first: str, second: str) -> bool | None:
    """Whether two normalised resource IDs name one resource; None when a deployment placeholder
    (`{subscriptionid}`, `{resourcegroupname}`) stands where the other ID has a different value."""
    first_parts, second_parts = _aligned(first, second)
    if len(first_parts) != len(second_parts):
        return False
    if any(a != b and UNKNOWN_SEGMENT not in (a, b) for a, b in zip(first_parts, second_parts)):
        return False
    return None if UNKNOWN_SEGMENT in first_parts else True


def align_placeholders(first: str, second: str) -> tuple[str, str]:
    """Both IDs with `{unknown}` wherever one has a deployment placeholder and the other a different value.

    The evaluator writes the deployment's own subscription and group as placeholders, consistently,
    so equal placeholders are equal values. A placeholder facing a concrete name (from a parameters
    file) may or may not be that name: rbac.scope_covers must answer "unknown" there, not "different".
    """
    first_parts, second_parts = _aligned(first, second)
    return "/" + "/".join(first_parts), "/" + "/".join(second_parts)


def _aligned(first: str, second: str) -> tuple[list[str], list[str]]:
    """The folded segments of both IDs, placeholders aligned: what same_resource compares, without
    joining them into IDs only to split and fold those again."""
    first_parts, second_parts = _folded(first), _folded(second)
    for index, (a, b) in enumerate(zip(first_parts, second_parts)):
        if a != b and ("{" in a or "{" in b):
            first_parts[index] = second_parts[index] = UNKNOWN_SEGMENT
    return first_parts, second_parts


def _folded(resource_id: str) -> list[str]:
    """ID segments compared as Azure compares names: without case."""
    return [part.casefold() for part in id_segments(resource_id)]
