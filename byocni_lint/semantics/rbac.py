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

from byocni_lint.model.ids import id_segments

UNKNOWN_MARKER = "{unknown}"
"""Stands, inside an ID, for a value that could not be resolved."""

BUILTIN_ROLES_YAML = Path(__file__).resolve().parents[1] / "data" / "builtin_roles.yaml"
BUILTIN_ROLES_JSON = BUILTIN_ROLES_YAML.with_suffix(".json")
_GUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_ROLE_DEFINITION_ID = re.compile(rf"(?:(?:.*/)?roleDefinitions/)?({_GUID})", re.IGNORECASE)


@dataclass(frozen=True)
class RolePermissions:
    """One permissions block of a role, reduced to what decides control-plane access.

    A custom role with several `permissions` blocks is several RolePermissions, one per block, so
    that a block's NotActions subtract only from its own Actions (aks-facts 7.4, derived). Entries a
    template leaves unresolved are flagged, so the answer is unknown where they could matter.
    """

    id: str
    """Lower-case GUID."""
    name: str
    """Display name, e.g. "Network Contributor"."""
    actions: tuple[str, ...]
    not_actions: tuple[str, ...] = ()
    builtin: bool = False
    unknown_actions: bool = False
    unknown_not_actions: bool = False


def all_of(answers: Iterable[bool | None]) -> bool | None:
    """Three-valued AND (Kleene): False wins, then unknown."""
    answers = list(answers)
    return False if False in answers else None if None in answers else True


def any_of(answers: Iterable[bool | None]) -> bool | None:
    """Three-valued OR (Kleene): True wins, then unknown."""
    answers = list(answers)
    return True if True in answers else None if None in answers else False


def action_matches(pattern: str, action: str) -> bool:
    """Whether the Actions/NotActions entry `pattern` covers `action` (wildcards, any case)."""
    return _pattern_regex(str(pattern)).fullmatch(action) is not None


@lru_cache(maxsize=1024)
def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """Cached by the pattern's plain text: a custom role's Actions are parse nodes (str subclasses
    holding their whole file), which as keys would keep every file with a custom role alive."""
    literal_parts = (re.escape(part) for part in pattern.split("*"))
    return re.compile(".*".join(literal_parts), re.IGNORECASE)


def role_grants(role: RolePermissions, action: str) -> bool | None:
    """Whether `role` alone grants `action`: an Action matches and no NotAction of this role does.
    None when an unresolved entry could change the answer (an unknown NotAction beside a matching
    Action, or an unknown Action where none matches)."""
    if any(action_matches(p, action) for p in role.not_actions):
        return False
    if any(action_matches(p, action) for p in role.actions):
        return None if role.unknown_not_actions else True
    return None if role.unknown_actions else False


def granted_actions(roles: Iterable[RolePermissions], required: Iterable[str]) -> dict[str, bool | None]:
    """For each required action, whether any of `roles` grants it (three-valued).

    A union: one role's NotActions never take away what another role grants.
    """
    roles = tuple(roles)
    return {action: any_of(role_grants(role, action) for role in roles) for action in required}


def builtin_roles() -> dict[str, RolePermissions]:
    """The built-in roles byocni-lint knows, by lower-case GUID."""
    return dict(_builtin_roles())


@lru_cache(maxsize=1)
def _builtin_roles() -> dict[str, RolePermissions]:
    import json  # deferred: only templates that assign roles read the table

    entries = json.loads(BUILTIN_ROLES_JSON.read_text(encoding="utf-8"))
    roles = (
        RolePermissions(
            id=entry["id"].lower(),
            name=entry["name"],
            actions=tuple(entry["actions"]),
            not_actions=tuple(entry["not_actions"]),
            builtin=True,
        )
        for entry in entries
    )
    return {role.id: role for role in roles}


def builtin_role_by_name(name: str) -> RolePermissions | None:
    """The built-in role with this display name, ignoring case (Terraform's `role_definition_name`)."""
    return _builtin_roles_by_name().get(name.strip().casefold())


@lru_cache(maxsize=1)
def _builtin_roles_by_name() -> dict[str, RolePermissions]:
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
    scope_segments = id_segments(scope)
    resource_segments = id_segments(resource_id)
    if not (_below_subscriptions(scope_segments) and _below_subscriptions(resource_segments)):
        return None
    for scope_segment, resource_segment in zip(scope_segments, resource_segments):
        if UNKNOWN_MARKER in scope_segment or UNKNOWN_MARKER in resource_segment:
            return None
        if scope_segment.casefold() != resource_segment.casefold():
            return False
    return len(scope_segments) <= len(resource_segments)


def _below_subscriptions(segments: list[str]) -> bool:
    return len(segments) >= 2 and segments[0].casefold() == "subscriptions"
