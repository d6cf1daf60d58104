"""Walks a template the way Azure Resource Manager deploys it: copy loops, conditions, child resources
and nested deployments, into a flat list of resource instances.

ARM semantics followed here (template reference: "Resource iteration", "Conditional deployment",
"Nested templates" and "Expression evaluation scope in nested templates"):
- `copy` on a resource repeats it `count` times with `copyIndex()`; an unknown count gives one instance
  whose index is unknown (never zero instances: that would hide findings).
- `condition: false` removes a resource (and everything a removed deployment holds); an unknown
  condition keeps it, marked conditional, so rules can say "if deployed".
- nested deployments with `expressionEvaluationOptions.scope: inner` (what Bicep emits) see only the
  parameters passed to them; without it (outer scope) they see the parent's parameters and variables.
  `resourceGroup`/`subscriptionId` on the deployment move the resources it declares.
Bodies are evaluated lazily: the model only asks for the resource types the rules need.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Callable, cast

from byocni_lint.evaluate.references import ReferenceResolver, RuntimeObject
from byocni_lint.model.ids import build_id, normalize_id, resource_group_id
from byocni_lint.evaluate.scope import (Budget, DeploymentContext, LimitExceeded, ParameterSlot, Scope, collect_variables,
                                        lower_keys, rebuild_like, section)
from byocni_lint.model.values import Unknown, describe

DEPLOYMENT_TYPE = "microsoft.resources/deployments"
_NOT_BODY = frozenset({"resources", "copy", "condition", "dependson", "comments"})


@dataclass(eq=False, repr=False)
class TemplateInput:
    """What the loader hands over: a parsed template and, optionally, the parameter values for it."""

    template: dict
    path: str
    parameter_values: dict | None = None  # {"name": {"value": node}} from a parameters file
    load_linked: Callable[[str], dict | None] | None = None  # loads `templateLink.relativePath` targets


@dataclass(eq=False, repr=False)
class ResourceInstance:
    """One resource as it will be deployed (one per copy iteration)."""

    deployment: "Deployment"
    raw: dict
    scope: Scope
    type: str
    name: object  # str or Unknown
    id: object  # normalised str or Unknown
    api_version: object
    symbolic: str | None = None
    existing: bool = False
    conditional: str | None = None  # why the resource may not be deployed, when that is unknown
    parent: "ResourceInstance | None" = None
    _body: dict | None = None
    _nested: "Deployment | None | bool" = False

    @property
    def type_lower(self) -> str:
        return self.type.lower()

    @property
    def body(self) -> dict:
        """The evaluated resource (properties, identity, sku, scope...), positions kept."""
        if self._body is None:
            # an object evaluates to an object (a rebuilt JDict when anything in it changed)
            self._body = cast(dict, self.scope.evaluate(_body_view(self.raw, self.type_lower == DEPLOYMENT_TYPE)))
        return self._body

    @property
    def evaluated(self) -> bool:
        """Whether `body` has been evaluated (reading it again costs nothing)."""
        return self._body is not None

    @property
    def nested(self) -> "Deployment | None":
        if self._nested is False:
            self._nested = None
            self._nested = self.deployment.open_nested(self)
        return self._nested  # type: ignore[return-value]

    def reference_view(self, full: bool) -> object:
        ref = self.id if isinstance(self.id, str) else str(self.name)
        if self.existing:
            return RuntimeObject.of({}, ref, (), full)
        if self.type_lower == DEPLOYMENT_TYPE:
            nested = self.nested
            outputs = nested.outputs() if nested is not None else Unknown(f"outputs of {ref} are not in these files")
            content = {"outputs": outputs}
            return RuntimeObject.of({"properties": content} if full else content, ref, (), full)
        body = self.body
        if full:
            return RuntimeObject.of({**body, "id": self.id, "name": self.name}, ref, (), True)
        properties = lower_keys(body).get("properties")
        return RuntimeObject.of(properties if isinstance(properties, dict) else {}, ref, (), False)


class Deployment:
    """One template at one nesting level."""

    def __init__(self, template: dict, scope: Scope, target: DeploymentContext, source: TemplateInput,
                 parent: "Deployment | None", depth: int, conditional: str | None, owner: ResourceInstance | None):
        self.template = template
        self.scope = scope
        self.target = target
        self.source = source
        self.parent = parent
        self.depth = depth
        self.conditional = conditional
        self.owner = owner
        self.resources: list[ResourceInstance] = []
        self._by_symbol: dict[str, ResourceInstance] = {}
        self._outputs: object = None
        self._outputs_busy = False
        self.level = deployment_level(template)

    def scope_id(self) -> str:
        """Where resources without a `scope` of their own are created, by the template's level."""
        if self.level == "subscription":
            return f"/subscriptions/{self.target.subscription_id}"
        if self.level in ("tenant", "managementGroup"):
            return ""
        return resource_group_id(self.target.subscription_id, self.target.resource_group)

    # ----- lookup for reference() -----
    def find_local(self, name: str) -> ResourceInstance | None:
        key = name.lower()
        deployment: Deployment | None = self
        while deployment is not None:
            found = deployment._by_symbol.get(key)
            if found is None:
                found = next((r for r in deployment.resources
                              if isinstance(r.name, str) and r.name.lower() == key), None)
            if found is not None:
                return found
            deployment = deployment.parent
        return None

    def outputs(self) -> object:
        if self._outputs_busy:
            return Unknown("outputs refer to themselves")
        if self._outputs is None:
            self._outputs_busy = True
            try:
                result = {}
                for name, output in section(lower_keys(self.template).get("outputs"), dict).items():
                    spec = lower_keys(output)
                    if "copy" in spec:
                        loop = lower_keys(spec["copy"])
                        value = self.scope.expand_copy(name, self.scope.evaluate(loop.get("count")), loop.get("input"))
                    else:
                        value = self.scope.evaluate(spec.get("value"))
                    result[name] = {"type": spec.get("type"), "value": value}
                self._outputs = result
            finally:
                self._outputs_busy = False
        return self._outputs

    # ----- declaring resources -----
    def declare(self, raw_resources: object, parent: ResourceInstance | None, scope: Scope) -> None:
        if isinstance(raw_resources, dict):
            items = list(raw_resources.items())
        elif isinstance(raw_resources, list):
            items = [(None, raw) for raw in raw_resources]
        else:
            return
        for symbolic, raw in items:
            if isinstance(raw, dict):
                self._declare_one(raw, symbolic, parent, scope)

    def _declare_one(self, raw: dict, symbolic: str | None, parent: ResourceInstance | None, scope: Scope) -> None:
        spec = lower_keys(raw)
        copy = lower_keys(spec.get("copy"))
        scopes: list[Scope]
        if copy:
            loop = str(copy.get("name", ""))
            count = scope.evaluate(copy.get("count"))
            if isinstance(count, Unknown) or not isinstance(count, int) or isinstance(count, bool):
                why = count.reason if isinstance(count, Unknown) else f"{describe(count)} is not a number"
                if isinstance(count, (bool, list, dict)):
                    scope.budget.problem(f"copy '{loop}' has the count {describe(count)}, not an integer: Azure "
                                         "Resource Manager rejects it", copy.get("count"))
                unknown = Unknown(f"copy '{loop}' has an unknown count: {why}")
                scopes = [scope.with_copy_index("", unknown).with_copy_index(loop, unknown)]
            else:
                if count < 0:
                    scope.budget.problem(f"copy '{loop}' has a negative count {count}: Azure Resource Manager "
                                         "rejects it", count if hasattr(count, "source") else copy.get("count"))
                if count > scope.budget.max_copy:
                    raise LimitExceeded(f"copy '{loop}' has count {count}, over the limit of {scope.budget.max_copy}")
                # copyIndex() without a name means the resource's own loop, also inside property copies.
                scopes = [scope.with_copy_index("", i).with_copy_index(loop, i) for i in range(count)]
        else:
            scopes = [scope]
        for item_scope in scopes:
            self._declare_instance(raw, spec, symbolic, parent, item_scope)

    def _declare_instance(self, raw: dict, spec: dict, symbolic: str | None, parent: ResourceInstance | None,
                          scope: Scope) -> None:
        conditional = self.conditional or (parent.conditional if parent else None)
        if "condition" in spec:
            condition = scope.evaluate(spec["condition"])
            if condition is False or (isinstance(condition, str) and condition.lower() == "false"):
                return
            if isinstance(condition, Unknown):
                conditional = conditional or f"its condition is unknown ({condition.reason})"
        resource_type = scope.evaluate(spec.get("type"))
        if not isinstance(resource_type, str):
            return
        name = scope.evaluate(spec.get("name"))
        if parent is not None and "." not in resource_type.split("/")[0]:
            resource_type = f"{parent.type}/{resource_type}"
            if isinstance(name, str) and isinstance(parent.name, str) and name.count("/") < resource_type.count("/") - 1:
                name = f"{parent.name}/{name}"
        instance = ResourceInstance(
            deployment=self, raw=raw, scope=scope, type=resource_type, name=name,
            id=self._resource_id(spec, resource_type, name, scope, parent),
            api_version=scope.evaluate(spec.get("apiversion")),
            symbolic=symbolic, existing=spec.get("existing") is True, conditional=conditional, parent=parent,
        )
        self.resources.append(instance)
        if symbolic:
            self._by_symbol[symbolic.lower()] = instance
        if isinstance(instance.id, str) and not instance.existing:
            scope.references.register(instance.id, instance)
        self.declare(spec.get("resources"), instance, scope)

    def _resource_id(self, spec: dict, resource_type: str, name: object, scope: Scope,
                     parent: ResourceInstance | None) -> object:
        if isinstance(name, Unknown):
            return Unknown(f"the resource name is unknown: {name.reason}")
        if not isinstance(name, str):
            return Unknown("the resource has no name")
        base: object = self.scope_id()
        if resource_type.lower() == DEPLOYMENT_TYPE and ("resourcegroup" in spec or "subscriptionid" in spec):
            target = self._nested_target(spec, scope)  # a deployment resource lives in the group it deploys to
            base = resource_group_id(target.subscription_id, target.resource_group)
        if "scope" in spec:
            base = extension_scope(scope.evaluate(spec["scope"]), self.scope_id())
            if isinstance(base, Unknown):
                return base
        try:
            return normalize_id(build_id(str(base), resource_type, [name]))
        except ValueError as exc:
            return Unknown(str(exc))

    # ----- nested deployments -----
    def open_nested(self, owner: ResourceInstance) -> "Deployment | None":
        """The deployment a `Microsoft.Resources/deployments` resource runs, or None if its template is elsewhere."""
        if owner.existing:
            return None
        budget = self.scope.budget
        if self.depth + 1 > budget.max_depth:
            raise LimitExceeded(f"nested deployments deeper than {budget.max_depth} levels")
        raw = lower_keys(owner.raw)
        properties = lower_keys(raw.get("properties"))
        template = properties.get("template")
        inner = str(lower_keys(properties.get("expressionevaluationoptions")).get("scope", "outer")).lower() == "inner"
        if not isinstance(template, dict):
            template = self._linked_template(owner, properties)
            inner = True  # linked templates always have their own parameters
        if not isinstance(template, dict):
            return None
        target = self._nested_target(raw, owner.scope)
        supplied = properties.get("parameters") if inner else None
        if inner:
            scope = new_scope(template, owner.scope.budget, target, owner.scope.references,
                              _passed_parameters(supplied, owner.scope))
        else:
            scope = owner.scope._child()
        nested = Deployment(template, scope, target, self.source, self, self.depth + 1, owner.conditional, owner)
        scope.template = nested
        nested.declare(lower_keys(template).get("resources"), None, scope)
        return nested

    def _nested_target(self, spec: dict, scope: Scope) -> DeploymentContext:
        unknown_mark = f"{{unknown}}{id(spec)}"
        return self.target.with_target(scope.evaluate(spec.get("subscriptionid")),
                                       scope.evaluate(spec.get("resourcegroup")), unknown_mark)

    def _linked_template(self, owner: ResourceInstance, properties: dict) -> dict | None:
        link = lower_keys(properties.get("templatelink"))
        relative = owner.scope.evaluate(link.get("relativepath")) if "relativepath" in link else None
        if isinstance(relative, str) and self.source.load_linked is not None:
            return self.source.load_linked(relative)
        return None

    def walk(self) -> list[ResourceInstance]:
        """Every instance in this deployment and the deployments it nests, in declaration order."""
        found: list[ResourceInstance] = []
        for instance in list(self.resources):
            found.append(instance)
            if instance.type_lower == DEPLOYMENT_TYPE and instance.nested is not None:
                found.extend(instance.nested.walk())
        return found


def extension_scope(value: object, deployment_scope: str) -> object:
    """An extension resource's `scope`: a full ID, or `Microsoft.X/type/name` relative to the deployment's scope."""
    if isinstance(value, Unknown) or not isinstance(value, str):
        return value if isinstance(value, Unknown) else Unknown("the resource scope is not a string")
    if value.startswith("/"):
        return value
    return f"{deployment_scope}/providers/{value}"


def _body_view(raw: dict, is_deployment: bool) -> dict:
    """The parts of a resource that are its configuration; a nested template is evaluated in its own scope."""
    view = {key: value for key, value in raw.items() if key.lower() not in _NOT_BODY}
    if is_deployment:
        for key, value in list(view.items()):
            if key.lower() == "properties" and isinstance(value, dict):
                view[key] = rebuild_like(value, {k: v for k, v in value.items() if k.lower() != "template"})
    return cast(dict, rebuild_like(raw, view))  # rebuilt from a dict: a JDict


def _passed_parameters(supplied: object, outer: Scope) -> dict[str, Callable[[], object]]:
    """Values a parent passes to an inner-scope deployment, evaluated in the parent on first use."""
    passed: dict[str, Callable[[], object]] = {}
    if not isinstance(supplied, dict):
        return passed
    for name, entry in supplied.items():
        spec = lower_keys(entry)
        if "value" in spec:
            node = spec["value"]
            passed[name.lower()] = partial(outer.evaluate, node)
        elif isinstance(entry, str):
            # Bicep writes conditional module parameters as one expression yielding {"value": ...}.
            passed[name.lower()] = partial(_evaluated_entry, outer, entry)
        else:
            passed[name.lower()] = partial(_key_vault_value, name)
    return passed


def _given(value: object) -> object:
    """A parameter value as the parameters file gives it (evaluated by the template's scope)."""
    return value


def _key_vault_value(name: str) -> object:
    """Key Vault references are resolved at deployment, never by the linter."""
    return Unknown(f"parameter '{name}' comes from a Key Vault reference")


def _evaluated_entry(outer: Scope, entry: str) -> object:
    return _value_of_entry(outer.evaluate(entry))


def _value_of_entry(entry: object) -> object:
    if isinstance(entry, Unknown):
        return entry
    spec = lower_keys(entry)
    return spec["value"] if "value" in spec else Unknown("a parameter entry without a value")


_LEVELS = (("subscriptiondeploymenttemplate", "subscription"), ("managementgroupdeploymenttemplate", "managementGroup"),
           ("tenantdeploymenttemplate", "tenant"))


def deployment_level(template: dict) -> str:
    """The deployment scope a template's `$schema` declares (ARM: resource group unless it says otherwise)."""
    schema = str(lower_keys(template).get("$schema", "")).lower()
    return next((level for marker, level in _LEVELS if marker in schema), "resourceGroup")


def new_scope(template: dict, budget: Budget, context: DeploymentContext, references: ReferenceResolver,
              supplied: dict[str, Callable[[], object]]) -> Scope:
    spec = lower_keys(template)
    slots: dict[str, ParameterSlot] = {}
    for name, declaration in section(spec.get("parameters"), dict).items():
        slots[name.lower()] = ParameterSlot(name, declaration if isinstance(declaration, dict) else {},
                                            supplied.get(name.lower()))
    functions: dict[str, dict] = {}
    for namespace in section(spec.get("functions"), list):
        namespace = lower_keys(namespace)
        for member_name, member in section(namespace.get("members"), dict).items():
            functions[f"{namespace.get('namespace', '')}.{member_name}".lower()] = member
    return Scope(slots, collect_variables(spec.get("variables")), context, budget, references, functions)


@dataclass(eq=False, repr=False)
class Evaluation:
    """The outcome for one template (with one parameters file): every instance, and what stopped it early."""

    root: Deployment | None
    instances: list[ResourceInstance] = field(default_factory=list)
    limit: str | None = None
    problems: list = field(default_factory=list)  # (message, node) of input ARM rejects: BYO900


def evaluate_template(source: TemplateInput, budget: Budget) -> Evaluation:
    supplied: dict[str, Callable[[], object]] = {}
    for name, entry in section(source.parameter_values, dict).items():
        spec = lower_keys(entry)
        if "value" in spec:
            supplied[name.lower()] = partial(_given, spec["value"])
        elif "reference" in spec:
            supplied[name.lower()] = partial(_key_vault_value, name)
    references = ReferenceResolver()
    scope = new_scope(source.template, budget, DeploymentContext(), references, supplied)
    root = Deployment(source.template, scope, scope.context, source, None, 0, None, None)
    scope.template = root
    evaluation = Evaluation(root, problems=budget.problems)
    try:
        root.declare(lower_keys(source.template).get("resources"), None, scope)
        evaluation.instances = root.walk()
    except (LimitExceeded, RecursionError) as exc:
        evaluation.limit = str(exc) if isinstance(exc, LimitExceeded) else "expressions nested too deeply"
        evaluation.instances = []
    return evaluation

