"""Tests for byocni_lint.semantics.principals: which role-assignment principals are the cluster identity.

The principals are built the way the evaluator builds them (`Unknown` with the referenced resource,
the property path read from it, and whether `reference(..., 'Full')` was used), following the ARM
shapes in aks-facts 7.6: `reference(<cluster>, <api>, 'Full').identity.principalId`,
`reference(<identity>).principalId`, the kubelet identity under `identityProfile`.
"""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from byocni_lint.model.ids import id_segments
from byocni_lint.model.values import Unknown
from byocni_lint.semantics.principals import (ClusterIdentity, IdentityKind, align_placeholders,
                                              names_cluster_identity, same_resource)

GROUP = "/subscriptions/{subscriptionid}/resourcegroups/{resourcegroupname}"
CLUSTER = f"{GROUP}/providers/microsoft.containerservice/managedclusters/aks1"
OTHER_CLUSTER = f"{GROUP}/providers/microsoft.containerservice/managedclusters/aks2"
UAMI = f"{GROUP}/providers/microsoft.managedidentity/userassignedidentities/aks1-identity"
OTHER_UAMI = f"{GROUP}/providers/microsoft.managedidentity/userassignedidentities/ci-runner"
VM = f"{GROUP}/providers/microsoft.compute/virtualmachines/jumpbox"
DEPLOYMENT = f"{GROUP}/providers/microsoft.resources/deployments/identity"
CONCRETE_UAMI = ("/subscriptions/82e70289-bf40-45f9-8476-eab93d2031f4/resourcegroups/aks-rg/providers/"
                 "microsoft.managedidentity/userassignedidentities/aks1-identity")

SYSTEM = ClusterIdentity(CLUSTER, IdentityKind.SYSTEM)
USER = ClusterIdentity(CLUSTER, IdentityKind.USER, (UAMI,))
UNDECIDED = ClusterIdentity(CLUSTER, IdentityKind.UNKNOWN, (UAMI,))


def runtime(ref: str | None, *path: str, full: bool = False) -> Unknown:
    """What `reference(ref[, api, 'Full'])` followed by `.path` evaluates to for a runtime property."""
    return Unknown("reference() to a runtime property", ref, tuple(p.lower() for p in path), full)


def system_principal(ref: str = CLUSTER) -> Unknown:
    return runtime(ref, "identity", "principalId", full=True)


@pytest.mark.parametrize(("written", "kind"), [
    ("SystemAssigned", IdentityKind.SYSTEM),
    ("systemassigned", IdentityKind.SYSTEM),
    ("UserAssigned", IdentityKind.USER),
    (" USERASSIGNED ", IdentityKind.USER),
    ("None", IdentityKind.NONE),
    (None, IdentityKind.NONE),  # no identity block: a service-principal cluster
    ("SystemAssigned, UserAssigned", IdentityKind.UNKNOWN),  # not an AKS value
    (Unknown("parameter 'identityType' has no default"), IdentityKind.UNKNOWN),
])
def test_identity_kind_of_identity_type(written, kind) -> None:
    assert IdentityKind.of(written) is kind


class TestSystemAssigned:
    def test_full_reference_to_the_cluster_identity_is_it(self) -> None:
        assert names_cluster_identity(system_principal(), SYSTEM) is True

    def test_without_full_the_path_reads_properties_so_it_is_not_the_identity(self) -> None:
        assert names_cluster_identity(runtime(CLUSTER, "identity", "principalId"), SYSTEM) is False

    @pytest.mark.parametrize("principal", [
        runtime(CLUSTER, "properties", "identityProfile", "kubeletidentity", "objectId", full=True),
        runtime(CLUSTER, "identityProfile", "kubeletidentity", "objectId"),
        runtime(CLUSTER, "addonProfiles", "omsagent", "identity", "objectId"),
    ], ids=["kubelet-full", "kubelet", "addon"])
    def test_other_identities_of_the_cluster_are_not_it(self, principal) -> None:
        assert names_cluster_identity(principal, SYSTEM) is False

    def test_the_system_identity_of_another_cluster_or_resource_is_not_it(self) -> None:
        assert names_cluster_identity(system_principal(OTHER_CLUSTER), SYSTEM) is False
        assert names_cluster_identity(system_principal(VM), SYSTEM) is False

    def test_a_user_assigned_cluster_has_no_system_identity_to_link(self) -> None:
        assert names_cluster_identity(system_principal(), USER) is False

    def test_unknown_identity_type_leaves_the_link_unknown(self) -> None:
        assert names_cluster_identity(system_principal(), UNDECIDED) is None

    def test_placeholder_against_concrete_cluster_id_is_unknown(self) -> None:
        concrete = CLUSTER.replace("{subscriptionid}", "82e70289-bf40-45f9-8476-eab93d2031f4")
        assert names_cluster_identity(system_principal(concrete), SYSTEM) is None


class TestUserAssigned:
    def test_reference_to_the_identity_is_it(self) -> None:
        assert names_cluster_identity(runtime(UAMI, "principalId"), USER) is True

    def test_full_reference_reads_properties(self) -> None:
        assert names_cluster_identity(runtime(UAMI, "properties", "principalId", full=True), USER) is True
        assert names_cluster_identity(runtime(UAMI, "principalId", full=True), USER) is None

    def test_another_user_assigned_identity_is_not_it(self) -> None:
        assert names_cluster_identity(runtime(OTHER_UAMI, "principalId"), USER) is False

    def test_a_system_assigned_cluster_does_not_use_a_listed_identity(self) -> None:
        both = ClusterIdentity(CLUSTER, IdentityKind.SYSTEM, (UAMI,))
        assert names_cluster_identity(runtime(UAMI, "principalId"), both) is False

    def test_unknown_identity_type_leaves_the_link_unknown(self) -> None:
        assert names_cluster_identity(runtime(UAMI, "principalId"), UNDECIDED) is None

    def test_same_identity_with_a_concrete_subscription_is_unknown(self) -> None:
        assert names_cluster_identity(runtime(CONCRETE_UAMI, "principalId"), USER) is None


class TestUnlinkable:
    @pytest.mark.parametrize("principal", [
        Unknown("parameter 'clusterPrincipalId' has no default and no parameters file sets it"),
        runtime("aks1-identity", "principalid"),  # reference() by a name these files do not declare
        runtime(DEPLOYMENT, "outputs", "principalId", "value"),  # output of a template not in the files
        "3f1c0c4e-2b8e-4c55-9d1a-6a0f1e2d3c4b",  # may be the identity of an existing cluster
        "",
        None,
    ], ids=["parameter", "name", "nested-output", "literal", "empty", "absent"])
    def test_the_files_do_not_tell(self, principal) -> None:
        assert names_cluster_identity(principal, SYSTEM) is None
        assert names_cluster_identity(principal, USER) is None


class TestSameValue:
    def test_the_literal_written_for_the_cluster_identity(self) -> None:
        exported = ClusterIdentity(CLUSTER, IdentityKind.SYSTEM,
                                   principal_values=("3F1C0C4E-2B8E-4C55-9D1A-6A0F1E2D3C4B",))
        assert names_cluster_identity("3f1c0c4e-2b8e-4c55-9d1a-6a0f1e2d3c4b", exported) is True
        assert names_cluster_identity("00000000-2b8e-4c55-9d1a-6a0f1e2d3c4b", exported) is None

    def test_the_same_parameter_value_links_but_an_equal_looking_unknown_does_not(self) -> None:
        parameter = Unknown("parameter 'principalId' has no default and no parameters file sets it")
        identity = ClusterIdentity(CLUSTER, IdentityKind.USER, (UAMI,), principal_values=(parameter,))
        assert names_cluster_identity(parameter, identity) is True
        assert names_cluster_identity(Unknown(parameter.reason), identity) is None


@pytest.mark.parametrize(("first", "second", "same"), [
    (UAMI, UAMI, True),
    (UAMI, UAMI.upper().replace("{SUBSCRIPTIONID}", "{subscriptionid}").replace("{RESOURCEGROUPNAME}",
                                                                               "{resourcegroupname}"), True),
    (UAMI + "/", "/" + UAMI, True),
    (UAMI, OTHER_UAMI, False),
    (UAMI, CLUSTER, False),
    (UAMI, GROUP, False),
    (UAMI, CONCRETE_UAMI, None),
    (CONCRETE_UAMI.replace("aks1-identity", "other"), UAMI, False),  # a definite difference wins
])
def test_same_resource(first, second, same) -> None:
    assert same_resource(first, second) is same
    assert same_resource(second, first) is same


def _same_resource_via_aligned_ids(first: str, second: str) -> bool | None:
    """same_resource as first written: the aligned IDs joined, then split and folded again."""
    first_parts, second_parts = ([part.casefold() for part in id_segments(value)]
                                 for value in align_placeholders(first, second))
    if len(first_parts) != len(second_parts):
        return False
    if any(a != b and "{unknown}" not in (a, b) for a, b in zip(first_parts, second_parts)):
        return False
    return None if "{unknown}" in first_parts else True


_SEGMENTS = st.sampled_from(["subscriptions", "{subscriptionid}", "0000", "resourceGroups", "resourcegroups", "rg",
                             "{resourcegroupname}", "{unknown}", "providers", "Straße", "STRASSE", " x ", ""])
_IDS = st.lists(_SEGMENTS | st.text(max_size=4), max_size=6).map(lambda parts: "/" + "/".join(parts))


@given(_IDS, _IDS)
def test_same_resource_compares_the_aligned_segments_it_folds_once(first: str, second: str) -> None:
    assert same_resource(first, second) is _same_resource_via_aligned_ids(first, second)


def test_align_placeholders_marks_only_the_segments_that_differ() -> None:
    scope = "/subscriptions/{subscriptionid}/resourcegroups/aks-rg"
    subnet = "/subscriptions/0000/resourceGroups/aks-rg/providers/microsoft.network/virtualnetworks/v/subnets/s"
    assert align_placeholders(scope, subnet) == (
        "/subscriptions/{unknown}/resourcegroups/aks-rg",
        "/subscriptions/{unknown}/resourcegroups/aks-rg/providers/microsoft.network/virtualnetworks/v/subnets/s",
    )
    same = "/subscriptions/{subscriptionid}/resourcegroups/{resourcegroupname}"
    assert align_placeholders(same, same) == (same, same)
