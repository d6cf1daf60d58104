"""Logical functions: if, and, or, not, true, false (ARM reference, "Logical functions":
https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-logical).

Three-valued, so that an unknown input only blocks the answers it could change:
`and(false(), x)` is false and `or(true(), x)` is true whatever `x` is; `and(true(), x)` is unknown.
`if` evaluates only the branch its condition picks, as the reference says ("When the condition is
True, only the true value is evaluated"); templates rely on that to guard `reference()` calls.
"""
from __future__ import annotations

from byocni_lint.evaluate.functions import arm_function
from byocni_lint.model.values import Unknown


def _truth(value: object, function: str) -> object:
    """A boolean, an Unknown, or a type error."""
    if isinstance(value, (bool, Unknown)):
        return value
    raise TypeError(f"{function}() needs booleans, not {type(value).__name__}")


def _invalid(function: str, exc: TypeError) -> Unknown:
    # lazy functions report their own errors: Scope only catches those of eagerly evaluated calls
    return Unknown(f"{function}() could not be evaluated: {exc}")


@arm_function("if", lazy=True)
def if_(scope, nodes):
    if len(nodes) != 3:
        return Unknown(f"if() needs 3 arguments, not {len(nodes)}")
    try:
        condition = _truth(scope.eval_node(nodes[0]), "if")
    except TypeError as exc:
        return _invalid("if", exc)
    if isinstance(condition, Unknown):
        return Unknown(condition.reason)
    return scope.eval_node(nodes[1] if condition else nodes[2])


@arm_function("and", lazy=True)
def and_(scope, nodes):
    return _combine(scope, nodes, decisive=False, function="and")


@arm_function("or", lazy=True)
def or_(scope, nodes):
    return _combine(scope, nodes, decisive=True, function="or")


def _combine(scope, nodes, decisive: bool, function: str) -> object:
    """Left to right, stopping at the first argument equal to `decisive` (false for and, true for or)."""
    pending: Unknown | None = None
    for node in nodes:
        try:
            value = _truth(scope.eval_node(node), function)
        except TypeError as exc:
            return _invalid(function, exc)
        if isinstance(value, Unknown):
            pending = pending or value
        elif value is decisive:
            return decisive
    return Unknown(pending.reason) if pending is not None else not decisive


@arm_function("not")
def not_(scope, value):
    if not isinstance(value, bool):
        raise TypeError(f"not() needs a boolean, not {type(value).__name__}")
    return not value


@arm_function("true")
def true(scope):
    return True


@arm_function("false")
def false(scope):
    return False
