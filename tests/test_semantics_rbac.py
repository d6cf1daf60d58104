"""Tests for byocni_lint.semantics.rbac: action wildcards, NotActions, built-in role data, scopes.

Expected values come from Microsoft's published role definitions and the RBAC documentation
(aks-facts section 7), not from running the code, so wrong data in builtin_roles.yaml fails here.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from byocni_lint.semantics import rbac
from byocni_lint.semantics.rbac import (
    RolePermissions,
    action_matches,
    builtin_role_by_name,
    builtin_roles,
    granted_actions,
    role_grants,
    role_guid,
    scope_covers,
)

JOIN = "Microsoft.Network/virtualNetworks/subnets/join/action"
SUBNET_READ = "Microsoft.Network/virtualNetworks/subnets/read"
ASSIGN_ROLES = "Microsoft.Authorization/roleAssignments/write"

OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"
ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
DNS_ZONE_CONTRIBUTOR = "befefa01-2a29-4197-83a8-272ff33ce314"
STORAGE_ACCOUNT_CONTRIBUTOR = "17d1049b-9a84-46fb-8f53-869881c3d3ab"
AVERE_OPERATOR = "c025889f-8102-4ebf-b32c-fc0c6f0c6bd9"
SAP_SERVICE_ROLE = "aabbc5dd-1af0-458b-a942-81af88f9c138"

# Built-in roles whose published Actions grant subnets/join/action (directly or via a wildcard).
ROLES_GRANTING_JOIN = {
    "Owner",  # *
    "Contributor",  # * (its NotActions concern Microsoft.Authorization and others, not the network)
    "Network Contributor",  # Microsoft.Network/*
    "SQL Managed Instance Contributor",  # Microsoft.Network/virtualNetworks/subnets/*
    "Virtual Machine Contributor",
    "Desktop Virtualization Virtual Machine Contributor",
    "VM Restore Operator",
    "Windows 365 Network User",
    "Azure Red Hat OpenShift Cloud Controller Manager",
    "Azure Red Hat OpenShift Cluster Ingress Operator",
    "Azure Red Hat OpenShift Machine API Operator",
    "Azure Red Hat OpenShift Network Operator",
    "DevTest Labs User",
    "Domain Services Contributor",
    "Azure Center for SAP solutions service role",
    "Azure Migrate Decide and Plan Expert",
    "Azure Migrate Owner",  # its conditional roleAssignments block is left out of the data
    "Azure Local Migrate Owner",  # likewise
    "Avere Contributor",
    "Avere Operator",
}
# Listed roles that do not: each is a plausible mistake for "the role that lets AKS use my subnet".
ROLES_NOT_GRANTING_JOIN = {
    "Reader",  # */read only
    "User Access Administrator",
    "Role Based Access Control Administrator",
    "Classic Network Contributor",  # Microsoft.ClassicNetwork/*, another provider
    "DNS Zone Contributor",
    "Private DNS Zone Contributor",  # virtualNetworks/join/action, a different action
    "Azure Kubernetes Service Contributor Role",
    "AcrPull",
    "Azure Container Storage Operator",  # subnets/read and subnets/write, but no join
    "Azure Red Hat OpenShift Service Operator",  # likewise
    "Storage Account Contributor",  # subnets/joinViaServiceEndpoint/action, another action
}


def custom_role(*actions: str, not_actions: tuple[str, ...] = ()) -> RolePermissions:
    return RolePermissions(
        id="11111111-2222-3333-4444-555555555555",
        name="custom",
        actions=actions,
        not_actions=not_actions,
    )


# --- action_matches --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("*", JOIN, True),
        ("Microsoft.Network/*", JOIN, True),
        ("Microsoft.Network/*", "Microsoft.Compute/virtualMachines/read", False),
        ("*/read", SUBNET_READ, True),
        ("*/read", JOIN, False),
        ("Microsoft.Network/virtualNetworks/subnets/*", JOIN, True),
        ("Microsoft.Network/virtualNetworks/subnets/*", "Microsoft.Network/virtualNetworks/read", False),
        ("Microsoft.Network/virtualNetworks/*", JOIN, True),  # `*` spans several segments
        ("Microsoft.Network/*/read", SUBNET_READ, True),
        ("Microsoft.Network/*/read", JOIN, False),
        ("Microsoft.Network/*/read", "Microsoft.Compute/virtualMachines/read", False),
        ("Microsoft.*/virtualNetworks/*/action", JOIN, True),  # several wildcards
        ("*/subnets/*/action", JOIN, True),
        ("*/subnets/*/action", SUBNET_READ, False),
        (JOIN, JOIN, True),
    ],
)
def test_wildcards(pattern: str, action: str, expected: bool) -> None:
    assert action_matches(pattern, action) is expected


@pytest.mark.parametrize(
    ("pattern", "action"),
    [
        ("microsoft.network/VIRTUALNETWORKS/subnets/JOIN/ACTION", JOIN),
        ("Microsoft.Authorization/*/Delete", "Microsoft.Authorization/roleAssignments/delete"),
        ("MICROSOFT.NETWORK/*", JOIN),
    ],
)
def test_matching_ignores_case(pattern: str, action: str) -> None:
    assert action_matches(pattern, action)


@pytest.mark.parametrize(
    "pattern",
    [
        "Microsoft.Network/virtualNetworks/subnets/join",  # a prefix is not a match without `*`
        "Microsoft.Network/virtualNetworks/subnets",
        "virtualNetworks/subnets/join/action",  # nor is a suffix
        "Microsoft.Network/virtualNetworks/join/action",  # joining the VNet is another action
        "Microsoft.Network/virtualNetworks/subnets/joinViaServiceEndpoint/action",
        "MicrosoftXNetwork/virtualNetworks/subnets/join/action",  # `.` is literal, not a regex
    ],
)
def test_match_is_whole_string_and_literal(pattern: str) -> None:
    assert not action_matches(pattern, JOIN)
    assert not action_matches(JOIN, pattern)


_SEGMENT = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-[]()?+", min_size=1)


@given(prefix=st.lists(_SEGMENT, min_size=1, max_size=3), rest=st.lists(_SEGMENT, max_size=3))
def test_trailing_star_covers_every_action_below_the_prefix(prefix: list[str], rest: list[str]) -> None:
    head = "/".join(prefix)
    action = "/".join([head, *rest])
    assert action_matches(head + "/*", action + "/x")
    assert action_matches(head + "*", action)
    assert action_matches(action, action.swapcase())
    assert not action_matches(action, action + "x")


# --- NotActions and unions -------------------------------------------------------------------


def test_not_actions_cancel_within_a_role() -> None:
    network_but_no_join = custom_role("Microsoft.Network/*", not_actions=(JOIN,))
    assert not role_grants(network_but_no_join, JOIN)
    assert role_grants(network_but_no_join, SUBNET_READ)
    assert granted_actions([network_but_no_join], [JOIN, SUBNET_READ]) == {JOIN: False, SUBNET_READ: True}


def test_wildcard_not_action_removes_a_whole_subtree() -> None:
    everything_but_subnets = custom_role("*", not_actions=("microsoft.network/virtualNetworks/subnets/*",))
    assert granted_actions([everything_but_subnets], [JOIN, SUBNET_READ, "Microsoft.Network/virtualNetworks/read"]) == {
        JOIN: False,
        SUBNET_READ: False,
        "Microsoft.Network/virtualNetworks/read": True,
    }


def test_not_actions_do_not_cancel_across_roles() -> None:
    network_but_no_join = custom_role("Microsoft.Network/*", not_actions=(JOIN,))
    network_contributor = builtin_roles()[NETWORK_CONTRIBUTOR]
    for roles in ([network_but_no_join, network_contributor], [network_contributor, network_but_no_join]):
        assert granted_actions(roles, [JOIN, SUBNET_READ]) == {JOIN: True, SUBNET_READ: True}


def test_union_over_roles_that_each_grant_part() -> None:
    reads = custom_role(SUBNET_READ)
    joins = custom_role(JOIN)
    assert granted_actions([reads], [JOIN, SUBNET_READ]) == {JOIN: False, SUBNET_READ: True}
    assert granted_actions(iter([reads, joins]), iter([JOIN, SUBNET_READ])) == {JOIN: True, SUBNET_READ: True}


def test_no_roles_grant_nothing() -> None:
    assert granted_actions([], [JOIN]) == {JOIN: False}


# --- built-in role data ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("guid", "name"),
    [
        (OWNER, "Owner"),
        (CONTRIBUTOR, "Contributor"),
        (READER, "Reader"),
        (NETWORK_CONTRIBUTOR, "Network Contributor"),
        (ACR_PULL, "AcrPull"),
        (DNS_ZONE_CONTRIBUTOR, "DNS Zone Contributor"),
        ("9980e02c-c2be-4d73-94e8-173b1dc7cf3c", "Virtual Machine Contributor"),
        ("ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8", "Azure Kubernetes Service Contributor Role"),
        ("b34d265f-36f7-4a0d-a4d4-e158ca92e90f", "Classic Network Contributor"),
        (SAP_SERVICE_ROLE, "Azure Center for SAP solutions service role"),
        ("7859c0b0-0bb9-4994-bd12-cd529af7d646", "Azure Migrate Decide and Plan Expert"),
        ("fd8ea4d5-6509-4db0-bada-356ab233b4fa", "Azure Migrate Owner"),
        ("fd8ea4d5-6509-4db0-bada-356ab233b4fb", "Azure Local Migrate Owner"),  # one digit from the above
        ("4f8fab4f-1852-4a58-a46a-8eaf358af14a", "Avere Contributor"),
        (AVERE_OPERATOR, "Avere Operator"),
        (STORAGE_ACCOUNT_CONTRIBUTOR, "Storage Account Contributor"),
    ],
)
def test_builtin_guids(guid: str, name: str) -> None:
    role = builtin_roles()[guid]
    assert role.name == name
    assert role.builtin


def test_builtin_table_is_well_formed() -> None:
    roles = builtin_roles()
    assert all(role_guid(guid) == guid == role.id for guid, role in roles.items())
    names = [role.name.casefold() for role in roles.values()]
    assert len(names) == len(set(names))
    assert all(role.actions for role in roles.values())


def test_exactly_the_expected_builtin_roles_grant_join() -> None:
    roles = builtin_roles().values()
    assert {role.name for role in roles if role_grants(role, JOIN)} == ROLES_GRANTING_JOIN
    assert ROLES_NOT_GRANTING_JOIN <= {role.name for role in roles if not role_grants(role, JOIN)}


def test_contributor_grants_join_but_not_role_assignments() -> None:
    contributor = builtin_roles()[CONTRIBUTOR]
    assert "Microsoft.Authorization/*/Write" in contributor.not_actions
    assert granted_actions([contributor], [JOIN, SUBNET_READ, ASSIGN_ROLES]) == {
        JOIN: True,
        SUBNET_READ: True,
        ASSIGN_ROLES: False,
    }
    owner = builtin_roles()[OWNER]
    assert all(granted_actions([owner], [JOIN, SUBNET_READ, ASSIGN_ROLES]).values())


@pytest.mark.parametrize(
    ("guid", "reads", "joins"),
    [
        (NETWORK_CONTRIBUTOR, True, True),
        (READER, True, False),
        (ACR_PULL, False, False),
        (DNS_ZONE_CONTRIBUTOR, False, False),
        (STORAGE_ACCOUNT_CONTRIBUTOR, False, False),  # Microsoft.Authorization/*/read is no subnet read
        (AVERE_OPERATOR, True, True),
        (SAP_SERVICE_ROLE, True, True),
    ],
)
def test_builtin_roles_on_the_subnet_permissions(guid: str, reads: bool, joins: bool) -> None:
    assert granted_actions([builtin_roles()[guid]], [SUBNET_READ, JOIN]) == {SUBNET_READ: reads, JOIN: joins}


def test_builtin_roles_returns_a_fresh_mapping() -> None:
    builtin_roles().clear()
    assert NETWORK_CONTRIBUTOR in builtin_roles()


@pytest.mark.parametrize("name", ["network contributor", "NETWORK CONTRIBUTOR", "  Network Contributor "])
def test_builtin_role_by_name_ignores_case(name: str) -> None:
    role = builtin_role_by_name(name)
    assert role is not None and role.id == NETWORK_CONTRIBUTOR


@pytest.mark.parametrize("name", ["Network Contributors", "Contrib", "", "Custom Subnet Joiner"])
def test_builtin_role_by_name_unknown(name: str) -> None:
    assert builtin_role_by_name(name) is None


# --- role_guid -------------------------------------------------------------------------------

_NC_UPPER = NETWORK_CONTRIBUTOR.upper()


@pytest.mark.parametrize(
    "role_definition_id",
    [
        NETWORK_CONTRIBUTOR,
        _NC_UPPER,
        f"/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization"
        f"/roleDefinitions/{NETWORK_CONTRIBUTOR}",
        f"/providers/Microsoft.Authorization/roleDefinitions/{_NC_UPPER}",
        f"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Authorization/roleDefinitions/{NETWORK_CONTRIBUTOR}",
        f"Microsoft.Authorization/roleDefinitions/{NETWORK_CONTRIBUTOR}",
        f"/subscriptions/{{unknown}}/providers/microsoft.authorization/roledefinitions/{NETWORK_CONTRIBUTOR}/",
        f"/subscriptions/s1/providers/Microsoft.Authorization/roleDefinitions/{NETWORK_CONTRIBUTOR}|/subscriptions/s1",
        f"  {NETWORK_CONTRIBUTOR}\n",
    ],
)
def test_role_guid_forms(role_definition_id: str) -> None:
    guid = role_guid(role_definition_id)
    assert guid == NETWORK_CONTRIBUTOR
    assert role_grants(builtin_roles()[guid], JOIN)


@pytest.mark.parametrize(
    "role_definition_id",
    [
        "",
        "Network Contributor",
        "/providers/Microsoft.Authorization/roleDefinitions/{unknown}",
        "/subscriptions/00000000-0000-0000-0000-000000000001",  # ends in a GUID but names no role
        f"/subscriptions/s1/providers/Microsoft.Authorization/roleDefinitions/{NETWORK_CONTRIBUTOR}/extra",
        f"{NETWORK_CONTRIBUTOR}0",
        f"x{NETWORK_CONTRIBUTOR}",
        "4d97b98b-1d4f-4787-a291-c67834d212e",  # one digit short
    ],
)
def test_role_guid_none(role_definition_id: str) -> None:
    assert role_guid(role_definition_id) is None


# --- scope_covers ----------------------------------------------------------------------------

SUB = "/subscriptions/00000000-0000-0000-0000-000000000001"
RG = f"{SUB}/resourceGroups/rg-net"
VNET = f"{RG}/providers/Microsoft.Network/virtualNetworks/v1"
SUBNET = f"{VNET}/subnets/nodes"


@pytest.mark.parametrize("scope", [SUB, RG, VNET, SUBNET])
def test_every_ancestor_scope_covers_the_subnet(scope: str) -> None:
    assert scope_covers(scope, SUBNET) is True


@pytest.mark.parametrize(
    "scope",
    [
        f"{VNET}/subnets/pods",  # sibling subnet
        f"{RG}/providers/Microsoft.Network/virtualNetworks/v2",  # other VNet
        f"{SUB}/resourceGroups/rg-other",
        "/subscriptions/00000000-0000-0000-0000-000000000002",
        f"{SUB}/resourceGroups/rg",  # prefix of "rg-net", not an ancestor
    ],
)
def test_unrelated_scopes_do_not_cover(scope: str) -> None:
    assert scope_covers(scope, SUBNET) is False


def test_prefix_trap_compares_whole_segments() -> None:
    subnet_in_v10 = f"{RG}/providers/Microsoft.Network/virtualNetworks/v10/subnets/nodes"
    assert scope_covers(VNET, subnet_in_v10) is False
    assert scope_covers(SUBNET, f"{VNET}/subnets/nodes2") is False


def test_a_child_scope_does_not_cover_its_parent() -> None:
    assert scope_covers(SUBNET, VNET) is False


@pytest.mark.parametrize(
    "scope",
    [
        VNET.lower(),
        VNET.upper(),
        f"{SUB}/resourcegroups/RG-NET/providers/microsoft.network/virtualnetworks/V1",
        f" {VNET}/ ",
        VNET.replace("/", "//"),
    ],
)
def test_scope_comparison_ignores_case_and_slashes(scope: str) -> None:
    assert scope_covers(scope, SUBNET) is True
    assert scope_covers(SUBNET, scope) is False


@pytest.mark.parametrize(
    "scope",
    [
        "/",
        "",
        "/providers/Microsoft.Management/managementGroups/mg-platform",
        "/providers/microsoft.management/managementgroups/mg-platform/",
        "{unknown}",
    ],
)
def test_scopes_whose_membership_is_not_in_the_files_are_unknown(scope: str) -> None:
    assert scope_covers(scope, SUBNET) is None


@pytest.mark.parametrize(
    ("scope", "resource_id", "expected"),
    [
        (f"{SUB}/resourceGroups/{{unknown}}", SUBNET, None),
        ("/subscriptions/{unknown}", SUBNET, None),
        (VNET, f"{RG}/providers/Microsoft.Network/virtualNetworks/{{unknown}}/subnets/nodes", None),
        (VNET, f"{VNET}/subnets/{{unknown}}", True),  # the unknown part lies below the scope
        ("/subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/{unknown}", SUBNET, False),
        (f"{SUB}/resourceGroups/rg-other/providers/{{unknown}}", SUBNET, False),
    ],
)
def test_unknown_segments(scope: str, resource_id: str, expected: bool | None) -> None:
    assert scope_covers(scope, resource_id) is expected


def test_relative_resource_id_is_unknown() -> None:
    assert scope_covers(SUB, "Microsoft.Network/virtualNetworks/v1/subnets/nodes") is None


# --- module boundaries -----------------------------------------------------------------------


def test_module_imports_nothing_from_the_package_but_resource_id_helpers() -> None:
    tree = ast.parse(Path(rbac.__file__).read_text(encoding="utf-8"))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and not node.level]
    relative = [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level]
    assert not relative
    assert [name for name in imported if name.split(".")[0] == "byocni_lint"] == ["byocni_lint.model.ids"]


def test_yaml_is_loaded_only_when_builtin_roles_are_needed() -> None:
    probe = (
        "import sys\n"
        "from byocni_lint.semantics import rbac\n"
        "rbac.action_matches('*', 'x'); rbac.role_guid('x')\n"
        "rbac.scope_covers('/subscriptions/a', '/subscriptions/a')\n"
        "print('yaml' in sys.modules)\n"
        "rbac.builtin_roles()\n"
        "print('yaml' in sys.modules)\n"
    )
    repo = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=repo)
    assert result.stdout.split() == ["False", "True"]


def test_unresolved_entries_make_the_answer_unknown_only_where_they_could_matter() -> None:
    maybe_denied = RolePermissions("x", "x", ("Microsoft.Network/*",), unknown_not_actions=True)
    maybe_granted = RolePermissions("y", "y", ("Microsoft.Compute/*",), unknown_actions=True)
    denied = RolePermissions("z", "z", ("*",), (JOIN,), unknown_actions=True, unknown_not_actions=True)
    assert role_grants(maybe_denied, JOIN) is None  # an unknown NotAction could remove it
    assert role_grants(maybe_granted, JOIN) is None  # an unknown Action could add it
    assert role_grants(denied, JOIN) is False  # a known NotAction decides whatever the unknowns are
    assert granted_actions([maybe_granted, custom_role("Microsoft.Network/*")], [JOIN]) == {JOIN: True}
    assert granted_actions([maybe_granted], [JOIN]) == {JOIN: None}
