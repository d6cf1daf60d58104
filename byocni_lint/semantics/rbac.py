"""Which Azure actions a set of role definitions grants, and which resources a role assignment reaches.

The AKS control-plane identity needs `Microsoft.Network/virtualNetworks/subnets/join/action` (and
`.../subnets/read`) on the node subnet (aks-facts 7.1). Whether a template grants that is a question
about two things this module answers without string tricks:

Actions (aks-facts 7.4)
    A pattern's `*` matches any run of characters, `/` included, and may appear anywhere and more
    than once (`*`, `*/read`, `Microsoft.Network/*/read`). A pattern without `*` matches only the
    whole action. Matching ignores letter case: Microsoft's own built-in roles mix
    `Microsoft.Authorization/*/Delete` and `.../delete`, so a case-sensitive reading would
    contradict them. A role grants an action when one of its Actions matches and none of *its own*
    NotActions does. NotActions are not deny rules: a second role that grants the action restores
    it, so the grants of several roles are a plain union.

Scopes (aks-facts 7.5)
    An assignment applies to its scope and to everything below it, so it covers a resource when the
    scope's ID is a prefix of the resource's ID, compared segment by segment (a VNet `v1` does not
    contain the subnets of `v10`) and without regard to case (`resourceGroups` and `resourcegroups`
    both occur). The root scope `/` and management groups are answered `None`: which subscriptions
    sit below them is not written in any deployment file. So is an ID that carries the placeholder
    `{unknown}` (an unresolved value) where the comparison needs it.

Built-in roles are listed in `byocni_lint/data/builtin_roles.yaml`, which says where its data comes
from and which roles it holds; the linter reads its generated JSON form `builtin_roles.json`
(`python -m byocni_lint.tools.generate_data`) on first use, so no YAML parser runs at lint time.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

UNKNOWN_MARKER = "{unknown}"
"""Stands, inside an ID, for a value that could not be resolved."""

BUILTIN_ROLES_YAML = Path(__file__).resolve().parents[1] / "data" / "builtin_roles.yaml"
BUILTIN_ROLES_JSON = BUILTIN_ROLES_YAML.with_suffix(".json")
_GUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_ROLE_DEFINITION_ID = re.compile(rf"(?:(?:.*/)?roleDefinitions/)?({_GUID})", re.IGNORECASE)


@dataclass(frozen=True)
class RoleDefinition:
    """One role definition, reduced to what decides control-plane access.

    A custom role with several `permissions` blocks is passed as several RoleDefinitions, one per
    block, so that a block's NotActions subtract only from its own Actions (aks-facts 7.4, derived).
    """

    id: str
    """Lower-case GUID."""
    name: str
    """Display name, e.g. "Network Contributor"."""
    actions: tuple[str, ...]
    not_actions: tuple[str, ...] = ()
    builtin: bool = False


def action_matches(pattern: str, action: str) -> bool:
    """Whether the Actions/NotActions entry `pattern` covers `action` (wildcards, any case)."""
    return _pattern_regex(pattern).fullmatch(action) is not None


@lru_cache(maxsize=1024)
def _pattern_regex(pattern: str) -> re.Pattern[str]:
    literal_parts = (re.escape(part) for part in pattern.split("*"))
    return re.compile(".*".join(literal_parts), re.IGNORECASE)


def role_grants(role: RoleDefinition, action: str) -> bool:
    """Whether `role` alone grants `action`: an Action matches and no NotAction of this role does."""
    return any(action_matches(p, action) for p in role.actions) and not any(
        action_matches(p, action) for p in role.not_actions
    )


def granted_actions(roles: Iterable[RoleDefinition], required: Iterable[str]) -> dict[str, bool]:
    """For each required action, whether any of `roles` grants it.

    A union: one role's NotActions never take away what another role grants.
    """
    roles = tuple(roles)
    return {action: any(role_grants(role, action) for role in roles) for action in required}


def builtin_roles() -> dict[str, RoleDefinition]:
    """The built-in roles byocni-lint knows, by lower-case GUID."""
    return dict(_builtin_roles())


@lru_cache(maxsize=1)
def _builtin_roles() -> dict[str, RoleDefinition]:
    import json  # deferred: only templates that assign roles read the table

    entries = json.loads(BUILTIN_ROLES_JSON.read_text(encoding="utf-8"))
    roles = (
        RoleDefinition(
            id=entry["id"].lower(),
            name=entry["name"],
            actions=tuple(entry["actions"]),
            not_actions=tuple(entry["not_actions"]),
            builtin=True,
        )
        for entry in entries
    )
    return {role.id: role for role in roles}


def builtin_role_by_name(name: str) -> RoleDefinition | None:
    """The built-in role with this display name, ignoring case (Terraform's `role_definition_name`)."""
    return _builtin_roles_by_name().get(name.strip().casefold())


@lru_cache(maxsize=1)
def _builtin_roles_by_name() -> dict[str, RoleDefinition]:
    return {role.name.casefold(): role for role in _builtin_roles().values()}


def role_guid(role_definition_id: str) -> str | None:
    """The lower-case GUID a `roleDefinitionId` names, or None if it names none.

    Accepts a bare GUID and any `.../roleDefinitions/<guid>` path (tenant, subscription or
    resource-group scoped), and Terraform's `<roleDefinitionId>|<scope>` form. Anything else, such
    as a subscription ID that merely ends in a GUID, yields None.
    """
    definition = role_definition_id.split("|", 1)[0].strip().rstrip("/")
    match = _ROLE_DEFINITION_ID.fullmatch(definition)
    return match.group(1).lower() if match else None


def scope_covers(scope: str, resource_id: str) -> bool | None:
    """Whether a role assignment at `scope` applies to `resource_id`; None when that cannot be known.

    Both must be full resource IDs below `/subscriptions`. None for the root scope, management-group
    and other tenant-level scopes, an ID that is not a full subscription-level ID, and `{unknown}` in
    a segment of the compared prefix (an unresolved value may even span several segments, so nothing
    after it can be aligned). A definite difference before the first unknown segment is still False.
    """
    scope_segments = _segments(scope)
    resource_segments = _segments(resource_id)
    if not (_below_subscriptions(scope_segments) and _below_subscriptions(resource_segments)):
        return None
    for scope_segment, resource_segment in zip(scope_segments, resource_segments):
        if UNKNOWN_MARKER in scope_segment or UNKNOWN_MARKER in resource_segment:
            return None
        if scope_segment.casefold() != resource_segment.casefold():
            return False
    return len(scope_segments) <= len(resource_segments)


def _segments(resource_id: str) -> list[str]:
    """Path segments of an ID; repeated and trailing slashes carry no meaning."""
    return [segment for segment in resource_id.strip().split("/") if segment]


def _below_subscriptions(segments: list[str]) -> bool:
    return len(segments) >= 2 and segments[0].casefold() == "subscriptions"
