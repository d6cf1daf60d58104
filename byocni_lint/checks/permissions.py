"""Permissions the cluster identity needs on the node subnet it brings (BYO006).

With BYOCNI in your own VNet, AKS joins node NICs and internal load balancers to the node subnet
under the cluster's control-plane identity, which needs `subnets/join/action` and `subnets/read`
there (aks-facts 7.1). The Azure CLI adds that grant itself; a template must do it, so the rule
looks for it among the template's role assignments.

Every assignment is judged from each node subnet on three questions, each three-valued: is its
principal the cluster identity (semantics.principals), does its role grant the action
(semantics.rbac, with custom roles from the files), does its scope cover the subnet. An assignment
behind an unknown condition may not exist, so what it grants is unknown too. Grants are a union over
assignments. Only a definite "no" is reported as a problem; a missing grant is an error only when
the files show a mistake (the identity holds a role on the subnet that lacks an action, or a role
with the actions on another scope). When the files assign nothing relevant, the grant may live
outside them: a warning that says so and shows the fix.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from byocni_lint.checks import check
from byocni_lint.checks.context import CheckContext, through
from byocni_lint.model.values import Unknown
from byocni_lint.findings import Severity
from byocni_lint.model import Cluster, Field, Model, RoleAssignment, RoleDefinition, Subnet, id_of
from byocni_lint.lazy_imports import lazy_module
from byocni_lint.semantics.principals import (ClusterIdentity, IdentityKind, align_placeholders,
                                              names_cluster_identity)

rbac = lazy_module("byocni_lint.semantics.rbac")  # only clusters with a node subnet need role semantics

NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"


class _Role(NamedTuple):
    """The role an assignment grants, as far as it is known: its permission blocks, or why not."""

    name: str
    builtin: bool
    blocks: tuple = ()  # rbac.RolePermissions, one per permissions block
    unresolved: Field | None = None  # what keeps the role from being known
    conditional: str | None = None

    def grants(self, action: str) -> bool | None:
        if self.unresolved is not None:
            return None
        return rbac.any_of(rbac.role_grants(block, action) for block in self.blocks)


def _resolve_role(assignment: RoleAssignment, model: Model) -> _Role:
    """The role a `roleDefinitionId` names: a custom role in the files, else a built-in role."""
    written = assignment.role_definition_id
    if written is None or not written.present:
        return _Role("no role", False, unresolved=Field(Unknown("the assignment names no roleDefinitionId"),
                                                         assignment.location, None, "properties.roleDefinitionId"))
    if not written.known:
        return _Role("an unresolved role", False, unresolved=written)
    guid = rbac.role_guid(written.value) if isinstance(written.value, str) else None
    if guid is None:
        return _Role(str(written.value), False,
                     unresolved=written.as_unknown(f"'{written.value}' names no role definition"))
    custom = model.role_definitions.get(guid)
    if custom is not None:
        return _custom_role(custom, guid)
    builtin = rbac.builtin_roles().get(guid)
    if builtin is None:
        return _Role(guid, False, unresolved=written.as_unknown(f"role {guid} is not defined in these files and is not a built-in role byocni-lint knows"))
    return _Role(builtin.name, True, (builtin,))


def _custom_role(definition: RoleDefinition, guid: str) -> _Role:
    written = definition.role_name.text() if definition.role_name is not None else None
    name = written or f"custom role {guid}"
    if definition.unresolved is not None:
        return _Role(name, False, unresolved=definition.unresolved, conditional=definition.conditional)
    blocks = tuple(rbac.RolePermissions(guid, name, _texts(block.actions), _texts(block.not_actions),
                                        unknown_actions=block.unknown_actions is not None,
                                        unknown_not_actions=block.unknown_not_actions is not None)
                   for block in definition.blocks)
    return _Role(name, False, blocks, conditional=definition.conditional)


def _texts(entries: list[Field]) -> tuple[str, ...]:
    return tuple(entry.value for entry in entries if isinstance(entry.value, str))


class _Grant(NamedTuple):
    """One role assignment as seen from one node subnet."""

    assignment: RoleAssignment
    role: _Role
    to_cluster: bool | None
    covers: bool | None

    @property
    def may_not_exist(self) -> str | None:
        return self.assignment.conditional or self.role.conditional

    def grants(self, action: str) -> bool | None:
        exists = None if self.may_not_exist else True
        return rbac.all_of((self.to_cluster, self.covers, self.role.grants(action), exists))

    def undecided(self) -> tuple[Field, str]:
        """The first unknown that keeps this assignment from deciding, and what it stands for."""
        assignment = self.assignment
        if self.to_cluster is None and assignment.principal_id is not None:
            return assignment.principal_id, "principalId"
        if self.role.unresolved is not None:
            return self.role.unresolved, "role"
        if self.covers is None:
            scope = assignment.scope
            reason = scope.reason if isinstance(scope, Unknown) else \
                f"whether scope {scope} contains the node subnet cannot be known from these files"
            return Field(Unknown(reason), assignment.location, None, "scope"), "scope"
        return Field(Unknown(self.may_not_exist or ""), assignment.location, None, "condition"), "condition"


def _covers(scope: object, subnet_id: str) -> bool | None:
    if not isinstance(scope, str):
        return None
    return rbac.scope_covers(*align_placeholders(scope, subnet_id))


def _identity(cluster: Cluster) -> ClusterIdentity:
    written = cluster.identity_type.value if cluster.identity_type is not None else None
    return ClusterIdentity(cluster.id, IdentityKind.of(written), tuple(cluster.user_assigned_identities),
                           tuple(principal.value for principal in cluster.identity_principals))


def _identity_label(cluster: Cluster, identity: ClusterIdentity) -> str:
    if identity.kind is IdentityKind.SYSTEM:
        return f"the system-assigned identity of {cluster.display}"
    if identity.kind is IdentityKind.USER and identity.user_assigned:
        names = ", ".join(key.rsplit("/", 1)[-1] for key in identity.user_assigned)
        return f"user-assigned identity {names} of {cluster.display}"
    return f"the identity of {cluster.display}"


def _principal_hint(identity: ClusterIdentity) -> str:
    if identity.kind is IdentityKind.SYSTEM:
        return "; its principalId is reference(<cluster>, '<api>', 'Full').identity.principalId"
    if identity.kind is IdentityKind.USER:
        return "; its principalId is reference(<identity>).principalId"
    return ""


def _short_scope(scope: str) -> str:
    return scope.rsplit("/providers/", 1)[-1]


@dataclass
class _NodeSubnet:
    """A subnet the cluster's pools bring, with the first vnetSubnetID naming it (where findings point)."""

    id: str
    subnet: Subnet | None
    written: Field  # the first pool's vnetSubnetID naming it

    @property
    def label(self) -> str:
        if self.subnet is not None:
            vnet = self.subnet.vnet
            return f"{vnet.name}/{self.subnet.name}" if vnet is not None else self.subnet.name
        parts = self.id.split("/")
        return "/".join(parts[-3::2]) if len(parts) > 3 else self.id


def _node_subnets(ctx: CheckContext, cluster: Cluster) -> list[_NodeSubnet]:
    """Subnets the cluster's pools bring, each once; an unresolved vnetSubnetID is a BYO901 note."""
    found: dict[str, _NodeSubnet] = {}
    for pool in cluster.pools:
        written = pool.vnet_subnet_id
        if not written.present:
            continue
        if not written.known:
            ctx.unknown(written, cluster, f"vnetSubnetID of pool {pool.name}")
            continue
        subnet_id = pool.subnet.id if pool.subnet is not None and pool.subnet.id else id_of(written.value)
        if subnet_id is not None and subnet_id not in found:
            found[subnet_id] = _NodeSubnet(subnet_id, pool.subnet, written)
    return list(found.values())


@check("BYO006")
def missing_subnet_permissions(model: Model, ctx: CheckContext) -> None:
    roles: dict[int, _Role] = {}
    for cluster in model.clusters:
        node_subnets = _node_subnets(ctx, cluster) if cluster.is_byocni else []
        if not node_subnets:
            continue  # an AKS-managed VNet needs no grant
        if not roles:
            roles = {id(assignment): _resolve_role(assignment, model) for assignment in model.role_assignments}
        identity = _identity(cluster)
        principals = {id(a): names_cluster_identity(a.principal_id.value if a.principal_id else None, identity)
                      for a in model.role_assignments}
        for node_subnet in node_subnets:
            grants = [_Grant(a, roles[id(a)], principals[id(a)], _covers(a.scope, node_subnet.id))
                      for a in model.role_assignments if principals[id(a)] is not False]
            _judge(ctx, cluster, identity, node_subnet, grants)


def _judge(ctx: CheckContext, cluster: Cluster, identity: ClusterIdentity, node_subnet: _NodeSubnet,
           grants: list[_Grant]) -> None:
    required = ctx.params["required_actions"]
    status = {action: rbac.any_of(grant.grants(action) for grant in grants) for action in required}
    missing = [action for action, granted in status.items() if granted is False]
    if missing:
        _report_missing(ctx, cluster, identity, node_subnet, grants, missing)
    elif None in status.values():
        reported: set[int] = set()
        for action in required:
            for grant in grants:
                if grant.grants(action) is None and id(grant) not in reported:
                    reported.add(id(grant))
                    where, what = grant.undecided()
                    ctx.unknown(where, grant.assignment, f"whether node subnet {node_subnet.label} is granted to "
                                                         f"{_identity_label(cluster, identity)} by the {what}")
    else:
        _advise(ctx, cluster, identity, node_subnet, grants, required)


def _report_missing(ctx: CheckContext, cluster: Cluster, identity: ClusterIdentity, node_subnet: _NodeSubnet,
                    grants: list[_Grant], missing: list[str]) -> None:
    who = _identity_label(cluster, identity)
    lacking = " and ".join(missing)
    fix = (f"give the identity Network Contributor ({NETWORK_CONTRIBUTOR}) on the subnet, or a custom role with "
           f"{' and '.join(ctx.params['required_actions'])}{_principal_hint(identity)}")
    subject = through(cluster, node_subnet.subnet)
    at_identity = cluster.identity_type if cluster.identity_type is not None and cluster.identity_type.present \
        else node_subnet.written
    mine = [grant for grant in grants if grant.to_cluster is True]
    on_subnet = [grant for grant in mine if grant.covers is True]
    elsewhere = [grant for grant in mine if grant.covers is False
                 and all(grant.role.grants(action) is True for action in missing)]
    if on_subnet:
        names = ", ".join(dict.fromkeys(grant.role.name for grant in on_subnet))
        first = on_subnet[0].assignment
        ctx.fail(first.role_definition_id or at_identity,
                 f"{who} holds {names} on a scope covering node subnet {node_subnet.label}, which does not grant "
                 f"{lacking}", first, key=f"role|{node_subnet.id}", fix=fix)
    elif elsewhere:
        held = ", ".join(dict.fromkeys(f"{grant.role.name} on {_short_scope(str(grant.assignment.scope))}"
                                       for grant in elsewhere))
        ctx.fail(at_identity, f"{who} holds {held}, which does not cover node subnet {node_subnet.label}, so it "
                              f"lacks {lacking} there", subject, key=f"scope|{node_subnet.id}", fix=fix)
    else:
        held = ", ".join(dict.fromkeys(grant.role.name for grant in mine))
        found = f"give {who} only {held}, which does not grant" if held else f"assign no role to {who}, so nothing grants"
        ctx.fail(at_identity, f"these files {found} {lacking} on node subnet {node_subnet.label}; it may be granted "
                              "outside these files. If not, AKS cannot attach nodes and load balancers to the subnet",
                 subject, Severity.WARNING, key=f"none|{node_subnet.id}", fix=fix)


def _advise(ctx: CheckContext, cluster: Cluster, identity: ClusterIdentity, node_subnet: _NodeSubnet,
            grants: list[_Grant], required: list[str]) -> None:
    """Microsoft's CNI overview also asks custom roles for roleAssignments/write; use-byo-cni does not
    (aks-facts 7.1). So when the subnet permissions rest on a custom role and nothing grants that
    action, say so as a note, never as a failure."""
    builtin = [grant for grant in grants if grant.role.builtin]
    if all(rbac.any_of(grant.grants(action) for grant in builtin) for action in required):
        return  # built-in roles grant everything needed: no custom role is relied on
    custom = [grant for grant in grants if not grant.role.builtin and any(grant.grants(a) for a in required)]
    names = ", ".join(dict.fromkeys(grant.role.name for grant in custom))
    for action in ctx.params["advisory_actions"]:
        if rbac.any_of(grant.grants(action) for grant in grants) is not False:
            continue
        first = custom[0].assignment
        ctx.fail(first.role_definition_id or node_subnet.written,
                 f"the subnet permissions of {_identity_label(cluster, identity)} on node subnet {node_subnet.label} "
                 f"rest on custom role {names}, which does not grant {action}; Microsoft's Azure CNI overview lists "
                 "it for custom roles (the BYOCNI article does not)", first, Severity.NOTE,
                 key=f"advisory|{action}|{node_subnet.id}", fix="add it if cluster creation fails with an authorization error")
