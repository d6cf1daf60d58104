"""Run-wide linking: a cluster in one file, its node subnet, NSG, route table and role assignments in another.

Real platforms split the network from the cluster, so a model built from one template alone only ever
says "names a subnet that the linted files do not declare". After every front end has produced its
models, the linker resolves what a model leaves open against the other models of the run, by
normalised resource ID, three-valued like everything else:

- every segment known and equal: the same resource (`same`);
- segments unknown on one side (a deployment placeholder such as `{resourcegroupname}`: the template
  does not know where it will be deployed), the known ones equal, and exactly one candidate in the
  run: a link that may be wrong (`maybe`). Findings resting on it are capped at warning and name the
  assumption (CheckContext.fail does both, from `Resource.link`);
- a known segment differs: not the same resource;
- two or more candidates: no link; the reference becomes unknown with a reason naming them (a BYO901
  note where a rule needed it).

Each checked model gets a *view*: a Model whose tables hold its own resources plus copies of the linked
ones, carrying their `Link`. Under a link the other file's placeholders stand for the values the
reference names, so the copies' IDs (and role-assignment scopes, principal references) are rewritten
with that binding: the checks then read one consistent model and stay unchanged. The linker holds
models only, never parse trees or evaluations.
"""
from __future__ import annotations

import sys
from dataclasses import replace
from typing import NamedTuple
from byocni_lint.findings import Location
from byocni_lint.model import (PLACEHOLDER_MARK, AgentPool, Field, Model, Resource, RoleAssignment, Subnet, id_of)
from byocni_lint.model.ids import normalize_id
from byocni_lint.model.values import Unknown

SAME = "same"
MAYBE = "maybe"
_REFERENCES = (("nsg_id", "nsgs"), ("route_table_id", "route_tables"), ("nat_gateway_id", "nat_gateways"))


class Link(NamedTuple):
    """Why a resource from another file is in this view: who names it, where it is declared, how surely."""

    strength: str  # SAME or MAYBE
    reference: Location  # where the referring file names the resource (the value the user wrote)
    declared: Location  # where the linked resource is declared
    subject: str  # "vnet-spoke/snet-nodes in network/spoke.json"
    role: str  # "the subnet this cluster uses"

    @property
    def assumption(self) -> str | None:
        """What a finding resting on a `maybe` link assumes, in words; None for a certain link."""
        return f"if {self.subject} is {self.role}" if self.strength == MAYBE else None

    def related(self, path: str) -> tuple[Location, ...]:
        """The link's ends in files other than `path` (where a finding about it is located)."""
        return tuple(end for end in (self.declared, self.reference) if end.path != path)

    def step(self, declared: Location, certain: bool = True, also: str = "") -> "Link":
        """A link reached through this one (the linked subnet's NSG): as sure as both steps, and a
        second uncertain step (an NSG found in a third file) adds its own assumption."""
        if certain:
            return Link(self.strength, self.reference, declared, self.subject, self.role)
        return Link(MAYBE, self.reference, declared, self.subject, f"{self.role} and {also}")


# --- matching IDs ---------------------------------------------------------------------------------

def _segments(resource_id: str) -> list[str]:
    return [part for part in normalize_id(resource_id).split("/") if part]


def _leaf(segments: list[str]) -> str:
    """The key the linker's indexes file an ID under (its segments given): its last segment, or the
    placeholder mark (a placeholder may stand for any name)."""
    last = segments[-1] if segments else ""
    return PLACEHOLDER_MARK if PLACEHOLDER_MARK in last else last


def compare(reference: str, candidate: str, prefix: bool = False) -> tuple[bool, dict[str, str]] | None:
    """Whether `candidate` (declared in another model) may be the resource `reference` names.

    None: a known segment differs (not the same). Else (certain, binding): certain when every segment
    is known and equal; binding maps the candidate model's placeholders to what the reference has
    there. Placeholders of different models are never known to be equal, so two placeholders meet as
    unknown. With `prefix`, `candidate` may be a scope above `reference` (a role assignment's scope).
    """
    ref, cand = _segments(reference), _segments(candidate)
    if len(cand) > len(ref) or (not prefix and len(cand) != len(ref)):
        return None
    binding: dict[str, str] = {}
    certain = True
    for mine, theirs in zip(ref, cand):
        if PLACEHOLDER_MARK in mine or PLACEHOLDER_MARK in theirs:
            certain = False
            if PLACEHOLDER_MARK in theirs:
                if binding.setdefault(theirs, mine) != mine:
                    return None  # one placeholder is one value within its deployment
        elif mine != theirs:
            return None
    return certain, binding


def bind(resource_id: str, binding: dict[str, str]) -> str:
    """`resource_id` with the placeholders of its model replaced as `binding` says."""
    if not binding:
        return normalize_id(resource_id)
    return "/" + "/".join(binding.get(part, part) for part in _segments(resource_id))


def _bound_field(value: Field | None, binding: dict[str, str]) -> Field | None:
    """A reference field with the binding applied, located where the original is written."""
    if value is None or not binding:
        return value
    written = value.value
    if isinstance(written, str) and id_of(written):
        new: object = bind(written, binding)
    elif isinstance(written, Unknown) and written.ref and written.ref.startswith("/"):
        new = Unknown(written.reason, bind(written.ref, binding), written.path, written.full)
    else:
        return value
    return Field(new, property_path=value.property_path, default=value.default,
                 resolve=lambda: (value.location, value.origin))


class _Candidate(NamedTuple):
    """A resource of another model that a reference may name, and the placeholder binding it needs."""

    model: Model
    resource: Resource
    certain: bool
    binding: dict


def _where_written(value: Field) -> Location:
    """Where the user wrote a value: its origin (a parameters file) when it was set elsewhere."""
    return value.origin or value.location


def _label(resource: Resource) -> str:
    if isinstance(resource, Subnet) and resource.vnet is not None:
        return f"{resource.vnet.name}/{resource.name}"
    return resource.name


def _words(candidate: _Candidate) -> str:
    span = candidate.resource.location.span
    line = f":{span.line}" if span else ""
    return f"{_label(candidate.resource)} in {candidate.resource.location.path}{line}"


# --- the linker -----------------------------------------------------------------------------------

class RunLinker:
    """All models of one run; `view(model)` gives the model a check reads, with links resolved."""

    def __init__(self, models: list[Model]) -> None:
        self.models = models
        self._index: dict[str, dict[str, list[tuple[Model, Resource]]]] = {}
        self._scopes: dict[str, list[tuple[Model, RoleAssignment]]] | None = None

    def _declared(self, table: str, leaf: str) -> list[tuple[Model, Resource]]:
        """Resources of `table` across the run whose ID may end in `leaf`: an index by the last ID
        segment (the resource's own name), so a bulk run does not compare every pair of models."""
        if table not in self._index:
            index: dict[str, list[tuple[Model, Resource]]] = {}
            for model in self.models:
                for resource in getattr(model, table).values():
                    if resource.id is not None:
                        index.setdefault(_leaf(_segments(resource.id)), []).append((model, resource))
            self._index[table] = index
        index = self._index[table]
        if PLACEHOLDER_MARK in leaf:
            return [entry for entries in index.values() for entry in entries]
        return index.get(leaf, []) + index.get(PLACEHOLDER_MARK, [])

    def candidates(self, reference: str, table: str, exclude: Model) -> list[_Candidate]:
        """Resources of other models that may be the one `reference` names; certain matches win."""
        found = []
        for model, resource in self._declared(table, _segments(reference)[-1]):
            if model is exclude:
                continue
            match = compare(reference, resource.id)  # type: ignore[arg-type]
            if match is not None:
                found.append(_Candidate(model, resource, *match))
        certain = [c for c in found if c.certain]
        return certain or found

    def scoped(self, subnet_id: str, network: Model) -> list[tuple[Model, RoleAssignment]]:
        """Role assignments that may be scoped above `subnet_id`: those of the subnet's own model (its
        placeholders may be the subnet's group; an unknown scope there may be it), and elsewhere those
        whose scope ends in a segment of the subnet's ID (a scope above a resource ends in one)."""
        if self._scopes is None:
            self._scopes = {}
            for model in self.models:
                for assignment in model.role_assignments:
                    scope = _segments(assignment.scope) if isinstance(assignment.scope, str) else []
                    if scope:
                        self._scopes.setdefault(_leaf(scope), []).append((model, assignment))
        found = [(network, assignment) for assignment in network.role_assignments]
        for segment in {*_segments(subnet_id), PLACEHOLDER_MARK}:
            found += [entry for entry in self._scopes.get(segment, []) if entry[0] is not network]
        return found

    def view(self, model: Model) -> Model:
        """`model` with references it leaves open resolved across the run (itself when there are none)."""
        if not any(_open(pool) for cluster in model.clusters for pool in cluster.pools):
            return model
        view = replace(model, clusters=[], vnets=list(model.vnets), subnets=dict(model.subnets),
                       nsgs=dict(model.nsgs), route_tables=dict(model.route_tables),
                       nat_gateways=dict(model.nat_gateways), role_definitions=dict(model.role_definitions),
                       role_assignments=list(model.role_assignments), identities=dict(model.identities),
                       links=list(model.links))
        importer = _Importer(self, model, view)
        for cluster in model.clusters:
            view.clusters.append(replace(cluster, pools=[importer.pool(pool) for pool in cluster.pools]))
        return view


def _open(pool: AgentPool) -> bool:
    return pool.subnet is None and pool.vnet_subnet_id.known and id_of(pool.vnet_subnet_id.value) is not None


class _Importer:
    """Copies linked resources of other models into one view, each once."""

    def __init__(self, linker: RunLinker, model: Model, view: Model) -> None:
        self.linker = linker
        self.model = model
        self.view = view
        self.imported: set[int] = set()  # role assignments already copied

    def pool(self, pool: AgentPool) -> AgentPool:
        if not _open(pool):
            return pool
        written = pool.vnet_subnet_id
        reference = id_of(written.value)
        found = self.linker.candidates(reference, "subnets", self.model)  # type: ignore[arg-type]
        if not found:
            return pool
        if len(found) > 1:
            named = " and ".join(_words(c) for c in found)
            reason = f"it may name {named}; byocni-lint cannot tell which, so it links neither"
            return replace(pool, vnet_subnet_id=Field(Unknown(reason), property_path=written.property_path,
                                                      resolve=lambda: (written.location, written.origin)))
        candidate = found[0]
        link = Link(SAME if candidate.certain else MAYBE, _where_written(written), candidate.resource.location,
                    _words(candidate), "the subnet this cluster uses")
        return replace(pool, subnet=self.subnet(candidate, link))

    def subnet(self, candidate: _Candidate, link: Link) -> Subnet:
        subnet: Subnet = candidate.resource  # type: ignore[assignment]
        binding = candidate.binding
        key = bind(subnet.id, binding)  # type: ignore[arg-type]
        if key in self.view.subnets and self.view.subnets[key].link is not None:
            return self.view.subnets[key]
        vnet = None
        if subnet.vnet is not None:
            vnet = replace(subnet.vnet, id=subnet.vnet.id and bind(subnet.vnet.id, binding), link=link, subnets=[])
            self.view.vnets.append(vnet)
        copy = replace(subnet, id=key, vnet=vnet, link=link, nsg_id=_bound_field(subnet.nsg_id, binding),
                       route_table_id=_bound_field(subnet.route_table_id, binding),
                       nat_gateway_id=_bound_field(subnet.nat_gateway_id, binding))
        if vnet is not None:
            vnet.subnets.append(copy)
        self.view.subnets[key] = copy
        self.view.links.append(("subnets", key, link))
        for name, table in _REFERENCES:
            self.referenced(candidate, getattr(subnet, name), getattr(copy, name), table, link)
        self.assignments(candidate, key, link)
        return copy

    def referenced(self, candidate: _Candidate, original: Field | None, bound: Field | None, table: str,
                   link: Link) -> None:
        """The NSG / route table / NAT gateway a linked subnet names: in the subnet's own model, else in
        another model of the run (exactly one candidate)."""
        if original is None or bound is None or not original.known or id_of(original.value) is None:
            return
        key = id_of(bound.value)
        if key is None or key in getattr(self.view, table):
            return
        target = candidate.model.find(getattr(candidate.model, table), original.value)
        if target is not None:
            self._add(table, key, target, link.step(target.location))
            return
        found = [c for c in self.linker.candidates(key, table, candidate.model) if c.model is not self.model]
        if len(found) == 1:
            other = found[0]
            self._add(table, key, other.resource, link.step(
                other.resource.location, other.certain, f"{_words(other)} is the {other.resource.kind} it names"))

    def _add(self, table: str, key: str, resource: Resource, link: Link) -> None:
        getattr(self.view, table)[key] = replace(resource, id=key, link=link)
        self.view.links.append((table, key, link))

    def assignments(self, candidate: _Candidate, subnet_id: str, link: Link) -> None:
        """Role assignments of other models whose scope may contain the linked subnet, and the custom
        roles of their models, so BYO006 weighs grants written next to the network."""
        for model, assignment in self.linker.scoped(subnet_id, candidate.model):
            if model is self.model:
                continue
            binding = candidate.binding if model is candidate.model else {}
            scope = assignment.scope
            if isinstance(scope, str) and compare(subnet_id, bind(scope, binding), prefix=True) is None:
                continue
            self._assignment(model, assignment, binding, link)

    def _assignment(self, model: Model, assignment: RoleAssignment, binding: dict, link: Link) -> None:
        if id(assignment) in self.imported:
            return
        self.imported.add(id(assignment))
        scope = assignment.scope
        self.view.role_assignments.append(replace(
            assignment, link=link, scope=bind(scope, binding) if isinstance(scope, str) else scope,
            principal_id=_bound_field(assignment.principal_id, binding)))
        for guid, definition in model.role_definitions.items():
            self.view.role_definitions.setdefault(guid, definition)


# --- what linking needs, without the models ---------------------------------------------------------

_TABLES = tuple(table for _, table in _REFERENCES)


class Declarations(NamedTuple):
    """What one model leaves open and what it could offer to linking, as a few strings.

    The engine keeps these, not models: a model that leaves nothing open is checked at once and
    dropped, and `needed` tells from these alone which models the linker could ever read, so only
    those are built again (memory stays flat, and worker processes need not send models back)."""

    open_leaves: frozenset[str] = frozenset()  # last segments of the subnet IDs its node pools leave open
    open_segments: frozenset[str] = frozenset()  # every segment of those IDs
    subnet_leaves: frozenset[str] = frozenset()
    subnet_segments: frozenset[str] = frozenset()  # every segment of its subnets' IDs
    named: frozenset[tuple[str, str]] = frozenset()  # (table, leaf) of the NSGs, route tables, NAT gateways its subnets name
    declared: frozenset[tuple[str, str]] = frozenset()  # (table, leaf) of the NSGs, route tables, NAT gateways it declares
    scope_leaves: frozenset[str] = frozenset()  # last segments of its role assignments' scopes

    @classmethod
    def of(cls, model: Model) -> "Declarations":
        opened = [_segments(ref) for cluster in model.clusters for pool in cluster.pools
                  if _open(pool) and (ref := id_of(pool.vnet_subnet_id.value))]
        subnets = [_segments(subnet.id) for subnet in model.subnets.values() if subnet.id is not None]
        named = set()
        for subnet in model.subnets.values():
            for attribute, table in _REFERENCES:
                value = getattr(subnet, attribute)
                reference = id_of(value.value) if subnet.id is not None and value is not None and value.known else None
                if reference is not None:
                    named.add((table, _leaf(_segments(reference))))
        scopes = [_segments(assignment.scope) for assignment in model.role_assignments
                  if isinstance(assignment.scope, str)]
        return cls(
            open_leaves=frozenset(_leaf(ref) for ref in opened),
            open_segments=frozenset(part for ref in opened for part in ref),
            subnet_leaves=frozenset(_leaf(subnet) for subnet in subnets),
            # Interned: a run keeps one of these per model, and most segments recur in every model.
            subnet_segments=frozenset(sys.intern(part) for subnet in subnets for part in subnet),
            named=frozenset(named),
            declared=frozenset((table, _leaf(_segments(resource.id))) for table in _TABLES
                               for resource in getattr(model, table).values() if resource.id is not None),
            scope_leaves=frozenset(_leaf(scope) for scope in scopes if scope))

    @property
    def leaves_open(self) -> bool:
        """Whether its view differs from the model (RunLinker.view): only then must linking wait."""
        return bool(self.open_leaves)


def needed(declarations: list[Declarations]) -> set[int]:
    """Indexes of the models that linking the run could read: those that leave references open, and
    every model the linker might find for them (a superset: the linker's own indexes are keyed the
    same way, by last ID segment, with a placeholder matching anything)."""
    opened = {index for index, entry in enumerate(declarations) if entry.leaves_open}
    if not opened:
        return set()
    wanted = set().union(*(declarations[index].open_leaves for index in opened))
    anything = PLACEHOLDER_MARK in wanted
    subnets = {index for index, entry in enumerate(declarations)
               if entry.subnet_leaves and (anything or PLACEHOLDER_MARK in entry.subnet_leaves
                                           or entry.subnet_leaves & wanted)}
    reached = opened | subnets
    named = set().union(*(declarations[index].named for index in reached))
    tables = {table for table, _ in named}
    any_leaf = {table for table, leaf in named if leaf == PLACEHOLDER_MARK}  # may be bound to any segment
    segments = set().union(*(declarations[index].subnet_segments | declarations[index].open_segments
                             for index in reached)) | {PLACEHOLDER_MARK}
    others = {index for index, entry in enumerate(declarations)
              if any(table in tables and (leaf == PLACEHOLDER_MARK or table in any_leaf or (table, leaf) in named)
                     for table, leaf in entry.declared)
              or entry.scope_leaves & segments}
    return reached | others
