"""Lambda functions: lambda, lambdaVariables, filter, map, reduce, sort, toObject, groupBy, mapValues
(ARM reference, "Lambda functions":
https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-lambda).

`lambda('x', body)` does not evaluate its body: it captures the body and the scope it was written in,
and the higher-order function evaluates the body once per element with `lambdaVariables('x')` bound
(each evaluation ticks the step budget like any other). Element results that are unknown stay unknown
leaves (map); a result that decides the shape of the output (filter's predicate, sort's order, a
toObject key) makes the whole output unknown.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cmp_to_key

from byocni_lint.evaluate.functions import arm_function
from byocni_lint.evaluate.functions.arrays import array_arg
from byocni_lint.evaluate.functions.comparison import runtime_unknown
from byocni_lint.model.values import Unknown


@dataclass(frozen=True)
class Lambda:
    names: tuple[str, ...]
    body: object  # expression node
    scope: object  # the Scope the lambda was written in

    def __call__(self, *values: object) -> object:
        """The body's value with the first len(names) values bound (extra ones, like an index, are
        available to lambdas that name them)."""
        return self.scope.with_lambda(list(self.names), list(values)).eval_node(self.body)


class _Undecided(Exception):
    def __init__(self, unknown: Unknown) -> None:
        super().__init__(unknown.reason)
        self.unknown = unknown


@arm_function("lambda", lazy=True)
def lambda_(scope, nodes):
    if len(nodes) < 2:
        return Unknown("lambda() needs at least one variable name and a body")
    names = [scope.eval_node(node) for node in nodes[:-1]]
    if not all(isinstance(name, str) for name in names):
        return Unknown("lambda() variable names must be strings")
    return Lambda(tuple(str(name) for name in names), nodes[-1], scope)


@arm_function("lambdaVariables")
def lambda_variables(scope, name):
    key = str(name).lower()
    if key not in scope.lambda_vars:
        raise ValueError(f"lambda variable '{name}' is not defined here")
    return scope.lambda_vars[key]


def _function(value: object, name: str) -> Lambda:
    if not isinstance(value, Lambda):
        raise TypeError(f"{name}() needs a lambda() argument")
    return value


def _lambda_result(value: object, name: str, kind: type, what: str):
    """A lambda's result that decides what a higher-order function does: unknown stops it, a wrong type fails."""
    if isinstance(value, Unknown):
        raise _Undecided(value)
    if not isinstance(value, kind):
        raise TypeError(f"{name}()'s {what} must return a {_TYPE_WORDS[kind]}, not {type(value).__name__}")
    return value


_TYPE_WORDS = {bool: "boolean", str: "string"}


def _boolean(value: object, name: str) -> bool:
    return _lambda_result(value, name, bool, "lambda")


def _key(value: object, name: str) -> str:
    return _lambda_result(value, name, str, "key lambda")


def _undecided_is_unknown(impl):
    """Turn an unknown that decides the output's shape into an unknown output."""
    def run(scope, *args):
        try:
            return impl(scope, *args)
        except _Undecided as undecided:
            return Unknown(undecided.unknown.reason)

    run.__doc__ = impl.__doc__
    return run


@arm_function("map")
def map_(scope, items, function):
    function = _function(function, "map")
    return [function(item, index) for index, item in enumerate(array_arg(items, "map"))]


@arm_function("filter")
@_undecided_is_unknown
def filter_(scope, items, predicate):
    predicate = _function(predicate, "filter")
    return [item for index, item in enumerate(array_arg(items, "filter")) if _boolean(predicate(item, index), "filter")]


@arm_function("reduce")
def reduce_(scope, items, initial, function):
    function = _function(function, "reduce")
    current = initial
    for index, item in enumerate(array_arg(items, "reduce")):
        current = function(current, item, index)
    return current


@arm_function("sort")
@_undecided_is_unknown
def sort(scope, items, before):
    """`before(a, b)` is true when a goes first."""
    before = _function(before, "sort")

    def order(left: object, right: object) -> int:
        if _boolean(before(left, right), "sort"):
            return -1
        return 1 if _boolean(before(right, left), "sort") else 0

    return sorted(array_arg(items, "sort"), key=cmp_to_key(order))


@arm_function("toObject")
@_undecided_is_unknown
def to_object(scope, items, key_function, value_function=None):
    key_function = _function(key_function, "toObject")
    value_function = _function(value_function, "toObject") if value_function is not None else None
    result: dict = {}
    for item in array_arg(items, "toObject"):
        result[_key(key_function(item), "toObject")] = value_function(item) if value_function else item
    return result


@arm_function("groupBy")
@_undecided_is_unknown
def group_by(scope, items, key_function):
    key_function = _function(key_function, "groupBy")
    groups: dict = {}
    for item in array_arg(items, "groupBy"):
        groups.setdefault(_key(key_function(item), "groupBy"), []).append(item)
    return groups


@arm_function("mapValues")
def map_values(scope, obj, function):
    function = _function(function, "mapValues")
    runtime = runtime_unknown(obj)
    if runtime is not None:
        return runtime
    if not isinstance(obj, dict):
        raise TypeError(f"mapValues() needs an object, not {type(obj).__name__}")
    return {key: function(value) for key, value in obj.items()}
