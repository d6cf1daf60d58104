"""What an ARM expression can see, and the evaluation of expressions against it.

One `Scope` is one template at one deployment level: its parameters (defaults, parameter files, or
values passed by a parent deployment), its variables (evaluated on first use, once), the deployment
context behind `resourceGroup()`/`subscription()`, copy indices and lambda variables. Child scopes for
copy loops and lambdas share everything else, including the step budget that stops hostile templates.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, NamedTuple, TypeVar, cast

from byocni_lint.evaluate.expressions import Access, Call, ExpressionError, Literal, expression_text, literal_text, parse_expression
from byocni_lint.evaluate.functions import lookup
from byocni_lint.model.values import Unknown, describe, first_unknown, property_name

_IN_PROGRESS = object()


class LimitExceeded(Exception):
    """An evaluation budget ran out (steps, depth, copy count): reported as BYO903, never a hang."""


@dataclass(eq=False, repr=False)
class Budget:
    """Limits shared by every scope of one evaluation, and what ARM would reject met on the way. Their
    values live in one place, the BYO903 rule's params (`from_limits`); the evaluator itself has no
    defaults to drift from them. `run` is the run-wide allowance every evaluation of one lint run draws
    from, so twenty parameters files cannot each spend a full budget on one hostile template.
    """

    max_steps: int
    max_copy: int
    max_depth: int
    max_value_size: int  # characters of a string or items of an array built by a function
    steps: int = 0
    run: "RunBudget | None" = None
    problems: list = field(default_factory=list)  # (message, node): input ARM rejects, reported as BYO900

    @classmethod
    def from_limits(cls, limits: dict, **overrides: Any) -> "Budget":
        values: dict[str, Any] = dict(max_steps=int(limits["max_eval_steps"]), max_copy=int(limits["max_copy_count"]),
                      max_depth=int(limits["max_deployment_depth"]), max_value_size=int(limits["max_value_size"]))
        values.update(overrides)
        return cls(**values)

    def tick(self) -> None:
        self.steps += 1
        if self.steps > self.max_steps:
            raise LimitExceeded(f"evaluation took more than {self.max_steps} steps")
        if self.run is not None:
            self.run.tick()

    def problem(self, message: str, node: object) -> None:
        """Input ARM itself rejects (a string parameter given a number, a negative copy count), located
        at `node` when it was written in a file."""
        if len(self.problems) < 100:
            self.problems.append((message, node))


@dataclass(eq=False, repr=False)
class RunBudget:
    """Steps left for the whole run (BYO903 `max_run_steps`)."""

    max_steps: int
    steps: int = 0

    def tick(self) -> None:
        self.steps += 1
        if self.steps > self.max_steps:
            raise LimitExceeded(f"the run took more than {self.max_steps} evaluation steps in total")

    @property
    def exhausted(self) -> bool:
        return self.steps >= self.max_steps


class DeploymentContext(NamedTuple):
    """The deployment's own identity. Placeholders stay consistent in one evaluation, so IDs built from
    `resourceGroup().id` and from `resourceId(...)` compare equal even though the real values are unknown."""

    subscription_id: str = "{subscriptionId}"
    resource_group: str = "{resourceGroupName}"
    tenant_id: str = "{tenantId}"
    deployment_name: str = "{deploymentName}"

    def with_target(self, subscription_id: object, resource_group: object, unknown_mark: str) -> "DeploymentContext":
        """The context a nested deployment runs in; a target that is not known becomes `unknown_mark`,
        unique per deployment, so its resources never link to the parent's by accident."""
        return DeploymentContext(
            _target_part(subscription_id, self.subscription_id, unknown_mark),
            _target_part(resource_group, self.resource_group, unknown_mark),
            self.tenant_id,
            self.deployment_name,
        )


def _target_part(value: object, inherited: str, unknown_mark: str) -> str:
    if value is None:
        return inherited
    return value if isinstance(value, str) else unknown_mark


@dataclass(eq=False, repr=False)
class ParameterSlot:
    """A parameter as the template declares it, and the value given for it (if any)."""

    name: str
    declaration: dict
    supplied: Callable[[], object] | None = None  # thunk: value from a parameters file or a parent deployment


@dataclass(eq=False, repr=False)
class Scope:
    """One template at one deployment level, as its expressions see it (see the module docstring)."""

    parameters: dict[str, ParameterSlot]
    variables: dict[str, object]
    context: DeploymentContext
    budget: Budget
    references: Any = None  # evaluate.deployment.ReferenceResolver (set by the walker)
    functions: dict[str, dict] = field(default_factory=dict)  # user-defined: "ns.name" -> member declaration
    copy_indices: dict[str, object] = field(default_factory=dict)
    lambda_vars: dict[str, object] = field(default_factory=dict)
    template: Any = None  # the Deployment this scope belongs to (for reference() by symbolic name)
    _variable_cache: dict[str, object] = field(default_factory=dict)
    _parameter_cache: dict[str, object] = field(default_factory=dict)

    # ----- children -----
    def with_copy_index(self, loop: str | None, index: object) -> "Scope":
        child = self._child()
        child.copy_indices = {**self.copy_indices, (loop or "").lower(): index}
        return child

    def with_lambda(self, names: list[str], values: list[object]) -> "Scope":
        child = self._child()
        child.lambda_vars = {**self.lambda_vars, **{n.lower(): v for n, v in zip(names, values)}}
        return child

    def _child(self) -> "Scope":
        child = Scope(self.parameters, self.variables, self.context, self.budget, self.references,
                      self.functions, self.copy_indices, self.lambda_vars, self.template)
        child._variable_cache = self._variable_cache  # variables cannot use copyIndex(), so one cache serves all
        child._parameter_cache = self._parameter_cache
        return child

    # ----- parameters and variables -----
    def parameter(self, name: object) -> object:
        if not isinstance(name, str):
            return Unknown("parameters() needs a name")
        key = name.lower()
        if key in self._parameter_cache:
            return self._parameter_cache[key]
        slot = self.parameters.get(key)
        if slot is None:
            value: object = Unknown(f"parameter '{name}' is not declared")
        elif slot.supplied is not None:
            value = slot.supplied()
            self._check_type(slot, value, value)
        elif "defaultvalue" in lower_keys(slot.declaration):
            self._parameter_cache[key] = Unknown(f"parameter '{slot.name}' refers to itself")
            written = lower_keys(slot.declaration)["defaultvalue"]
            value = self.evaluate(written)
            self._check_type(slot, value, written)
        elif lower_keys(slot.declaration).get("nullable") is True:
            value = None  # languageVersion 2.0 (Bicep `param x string?`): an unset nullable parameter is null
        else:
            value = Unknown(f"parameter '{slot.name}' has no default and no parameters file sets it")
        self._parameter_cache[key] = value
        return value

    def _check_type(self, slot: ParameterSlot, value: object, written: object) -> None:
        """A known value of the wrong type for its declared parameter type (apiVersion `12345` for a
        string): ARM rejects the deployment, so it is a finding, located where the value was written."""
        declared = lower_keys(slot.declaration).get("type")
        rejected = _REJECTED_TYPES.get(declared.lower()) if isinstance(declared, str) else None
        if rejected is None or value is None or isinstance(value, Unknown):
            return
        from byocni_lint.evaluate.references import RuntimeObject

        if isinstance(value, rejected) and not isinstance(value, RuntimeObject):
            self.budget.problem(f"parameter '{slot.name}' is declared {declared} but its value is "
                                f"{_kind(value)}: Azure Resource Manager rejects it", written)

    def variable(self, name: object) -> object:
        if not isinstance(name, str):
            return Unknown("variables() needs a name")
        key = name.lower()
        cached = self._variable_cache.get(key)
        if cached is _IN_PROGRESS:
            # ARM rejects circular variables; evaluating on would never end.
            raise LimitExceeded(f"variable '{name}' refers to itself")
        if cached is not None or key in self._variable_cache:
            return cached
        if key not in self.variables:
            return Unknown(f"variable '{name}' is not declared")
        self._variable_cache[key] = _IN_PROGRESS
        raw = self.variables[key]
        value = self.evaluate_copy_variable(raw) if isinstance(raw, _VariableCopy) else self.evaluate(raw)
        self._variable_cache[key] = value
        return value

    def evaluate_copy_variable(self, spec: "_VariableCopy") -> object:
        count = self.evaluate(spec.count)
        return self.expand_copy(spec.name, count, spec.input)

    def expand_copy(self, loop: str, count: object, template: object) -> object:
        """The array a property or variable `copy` builds: `input` evaluated with copyIndex(loop) = 0..count-1."""
        if isinstance(count, Unknown):
            return Unknown(f"copy '{loop}' has an unknown count: {count.reason}")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            if isinstance(count, int) and not isinstance(count, bool):
                self.budget.problem(f"copy '{loop}' has a negative count {count}: Azure Resource Manager rejects it", count)
            return Unknown(f"copy '{loop}' has an invalid count {describe(count)}")
        if count > self.budget.max_copy:
            raise LimitExceeded(f"copy '{loop}' has count {count}, over the limit of {self.budget.max_copy}")
        return [self.with_copy_index(loop, i).evaluate(template) for i in range(count)]

    # ----- evaluation -----
    def evaluate(self, value: object) -> object:
        """Deep-evaluate a JSON value: expression strings become values; unchanged containers stay the same node."""
        if isinstance(value, str):
            if not value.startswith("["):  # most strings: not an expression, nothing to unescape
                return value
            expression = expression_text(value)
            if expression is None:
                return literal_text(value) if value.startswith("[[") else value
            try:
                node = parse_expression(expression)
            except ExpressionError as exc:  # reported once per file by expressions.malformed_expressions
                return Unknown(f"malformed expression: {exc}")
            return self.eval_node(node)
        if isinstance(value, dict):
            return self._evaluate_object(value)
        if isinstance(value, list):
            changed = False
            items = []
            for item in value:
                result = self.evaluate(item)
                changed = changed or result is not item
                items.append(result)
            return rebuild_like(value, items) if changed else value
        return value

    def _evaluate_object(self, value: dict) -> object:
        changed = False
        result: dict = {}
        for key, item in value.items():
            if len(key) == 4 and key.lower() == "copy" and _is_property_copy(item):
                for loop in item:
                    loop_ci = lower_keys(loop)
                    name = str(loop_ci.get("name"))
                    result[name] = self.expand_copy(name, self.evaluate(loop_ci.get("count")), loop_ci.get("input"))
                changed = True
                continue
            new_key = key
            if key.startswith("[") and expression_text(key) is not None:
                evaluated_key = self.evaluate(key)
                new_key = evaluated_key if isinstance(evaluated_key, str) else key
            new_value = self.evaluate(item)
            changed = changed or new_value is not item or new_key is not key
            result[new_key] = new_value
        return rebuild_like(value, result) if changed else value

    def eval_node(self, node) -> object:
        self.budget.tick()
        if isinstance(node, Literal):
            return node.value
        if isinstance(node, Call):
            return self._call(node)
        if isinstance(node, Access):
            return self._access(node)
        raise TypeError(f"unexpected expression node {node!r}")

    def _call(self, node: Call) -> object:
        function = lookup(node.name)
        if function is None:
            if "." in node.name and node.name in self.functions:
                return self._call_user_function(node)
            return Unknown(f"function {node.name}() is not supported")
        if function.lazy:
            return function.impl(self, node.args)
        args = [self.eval_node(arg) for arg in node.args]
        if not function.accepts_unknown:
            unknown = first_unknown(args)
            if unknown is not None:
                return Unknown(unknown.reason)
        try:
            result = function.impl(self, *args)
        except LimitExceeded:
            raise
        except (TypeError, ValueError, KeyError, IndexError, ZeroDivisionError, AttributeError, OverflowError) as exc:
            return Unknown(f"{node.name}() could not be evaluated: {_message(exc)}")
        if isinstance(result, (str, list)) and len(result) > self.budget.max_value_size:
            raise LimitExceeded(f"{node.name}() built a value of {len(result)} items or characters, "
                                f"over the limit of {self.budget.max_value_size}")
        return result

    def _call_user_function(self, node: Call) -> object:
        """User-defined functions see only their own parameters, read with parameters() (ARM: no
        variables, no template parameters)."""
        member = lower_keys(self.functions[node.name])
        declared = [str(lower_keys(p).get("name", "")) for p in section(member.get("parameters"), list)]
        args = [self.eval_node(arg) for arg in node.args]
        slots = {name.lower(): ParameterSlot(name, {}, _constant(value)) for name, value in zip(declared, args)}
        isolated = Scope(slots, {}, self.context, self.budget, self.references, self.functions)
        return isolated.evaluate(lower_keys(member.get("output")).get("value"))

    def _access(self, node: Access) -> object:
        target = self.eval_node(node.target)
        key = self.eval_node(node.key)
        return access(target, key, node.safe)


def access(target: object, key: object, safe: bool = False) -> object:
    """`target.key` / `target[key]` with ARM's case-insensitive property names."""
    from byocni_lint.evaluate.references import RuntimeObject

    if isinstance(target, Unknown):
        return target.child(key)
    if isinstance(key, Unknown):
        return Unknown(key.reason)
    if isinstance(target, dict):
        name = property_name(target, key) if isinstance(key, str) else None
        if name is not None:
            return target[name]
        if isinstance(target, RuntimeObject):
            return target.missing(key)
        if safe or target is None:
            return None
        return Unknown(f"property {describe(key)} does not exist")
    if isinstance(target, (list, str)) and isinstance(key, int) and not isinstance(key, bool):
        if -len(target) <= key < len(target) and key >= 0:
            return target[key]
        return None if safe else Unknown(f"index {key} is out of range")
    if target is None and safe:
        return None
    return None if safe else Unknown(f"cannot read {describe(key)} of {type(target).__name__}")


# Value types ARM rejects for each declared parameter type. Only clear mismatches: where tools convert
# text (a "5" for an int, "true" for a bool), the linter does not second-guess them.
_SCALARS = (int, float, str)
_REJECTED_TYPES: dict[str, tuple] = {"string": (int, float, list, dict), "securestring": (int, float, list, dict),
                                     "int": (list, dict), "bool": (list, dict), "array": (*_SCALARS, dict),
                                     "object": (*_SCALARS, list), "secureobject": (*_SCALARS, list)}


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return f"the integer {describe(value)}"
    if isinstance(value, float):
        return f"the number {describe(value)}"
    if isinstance(value, str):
        return f"the string {describe(value)}"
    return "an array" if isinstance(value, list) else "an object"


def _message(exc: Exception) -> str:
    """An exception's text when it is our own words; Python's KeyError/IndexError would print the value
    itself, which may be a huge shared structure."""
    if len(exc.args) == 1 and isinstance(exc.args[0], str) and not isinstance(exc, KeyError):
        return exc.args[0][:300]
    return f"{type(exc).__name__} on {', '.join(describe(arg) for arg in exc.args[:3])}"


class _VariableCopy:
    """A variable built by a `copy` block in the `variables` section."""

    __slots__ = ("name", "count", "input")

    def __init__(self, name: str, count: object, input_: object) -> None:
        self.name = name
        self.count = count
        self.input = input_


def collect_variables(section: object) -> dict[str, object]:
    """The `variables` section keyed by lower-case name; `copy` entries become lazily expanded arrays."""
    variables: dict[str, object] = {}
    if not isinstance(section, dict):
        return variables
    for name, raw in section.items():
        if name.lower() == "copy" and isinstance(raw, list):
            for loop in raw:
                loop_ci = lower_keys(loop)
                loop_name = str(loop_ci.get("name", ""))
                variables[loop_name.lower()] = _VariableCopy(loop_name, loop_ci.get("count"), loop_ci.get("input"))
        else:
            variables[name.lower()] = raw
    return variables


def _constant(value: object) -> Callable[[], object]:
    """A thunk that gives back an already evaluated value (an argument of a user function)."""
    def supplied() -> object:
        return value
    return supplied


def _is_property_copy(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(
        isinstance(loop, dict) and "input" in lower_keys(loop) and "name" in lower_keys(loop) for loop in value
    )


_Section = TypeVar("_Section", dict, list)


def section(value: object, kind: type[_Section]) -> _Section:
    """A template section or property of the shape ARM requires, else empty: malformed input (a string
    where an object belongs) is ARM's to reject, never a reason for the linter to fail."""
    return value if isinstance(value, kind) else kind()


def lower_keys(value: object) -> dict:
    """A lower-cased view of an object's keys, for ARM's case-insensitive schema keywords."""
    if not isinstance(value, dict):
        return {}
    return {str(k).lower(): v for k, v in value.items()}


def rebuild_like(original: object, content: object) -> object:
    """A new container that keeps the original's position, so findings still point into the file."""
    from byocni_lint.load.jsonc import JDict, JList

    # content is a dict or another iterable (a list or tuple) by every caller's construction
    node: JDict | JList = JDict(content) if isinstance(content, dict) else JList(cast(Iterable[Any], content))
    source = getattr(original, "source", None)
    if source is not None:
        node.source = source
        node.start = original.start  # type: ignore[attr-defined]
        node.end = original.end  # type: ignore[attr-defined]
        node.scalar_spans = getattr(original, "scalar_spans", {})
    node.raw = getattr(original, "raw", original)  # the written form, for property positions
    return node
