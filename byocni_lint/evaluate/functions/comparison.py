"""Comparison functions: equals, less, lessOrEquals, greater, greaterOrEquals, coalesce (ARM reference,
"Comparison functions": https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-comparison).

Equality is three-valued because values can hold unknowns: `equals(createArray(1, x), createArray(2, 3))`
is false whatever `x` is, while `equals(createArray(1, x), createArray(1, 3))` is unknown. Other
modules (contains, indexOf, union, intersection) use `equal()` so that they agree with `equals()`.

String order follows the documented examples, `greater('A', 'a')` is true: .NET culture order, which
compares letters case-insensitively first and puts lower case first among otherwise equal strings.
"""
from __future__ import annotations

from byocni_lint.evaluate.functions import arm_function
from byocni_lint.evaluate.references import RuntimeObject
from byocni_lint.model.values import Unknown


def equal(scope, left: object, right: object) -> object:
    """True, False, or an Unknown when only the unknown parts could decide. Strings compare
    case-sensitively, property names case-insensitively (as ARM reads them)."""
    scope.budget.tick()
    if isinstance(left, Unknown) or isinstance(right, Unknown):
        return Unknown((left if isinstance(left, Unknown) else right).reason)
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if is_number(left) and is_number(right):
        return left == right
    if isinstance(left, str) and isinstance(right, str):
        return left == right
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and _all_equal(scope, zip(left, right))
    if isinstance(left, dict) and isinstance(right, dict):
        return _objects_equal(scope, left, right)
    return left is None and right is None


def _objects_equal(scope, left: dict, right: dict) -> object:
    left_keys = {str(k).lower(): v for k, v in left.items()}
    right_keys = {str(k).lower(): v for k, v in right.items()}
    shared = [(left_keys[k], right_keys[k]) for k in left_keys.keys() & right_keys.keys()]
    result = _all_equal(scope, shared)
    if result is False:
        return False
    runtime = runtime_unknown(left) or runtime_unknown(right)
    if runtime is not None:
        return runtime
    return result if left_keys.keys() == right_keys.keys() else False


def _all_equal(scope, pairs) -> object:
    return kleene((equal(scope, left, right) for left, right in pairs), decisive=False)


def kleene(verdicts, decisive: bool) -> object:
    """Three-valued 'any' (decisive=True) or 'all' (decisive=False): the decisive value wins as soon as
    it appears; otherwise an unknown verdict makes the answer unknown."""
    pending: object = not decisive
    for verdict in verdicts:
        if verdict is decisive:
            return decisive
        if isinstance(verdict, Unknown):
            pending = verdict
    return pending


def runtime_unknown(value: object) -> Unknown | None:
    """A `reference()` object gains properties at deployment: questions about its whole set of properties
    (its length, its keys, its text) are unknown."""
    if isinstance(value, RuntimeObject):
        return Unknown(f"the properties of {value.ref} are known only at deployment")
    return None


def integer(value: object, name: str) -> int:
    """An integer argument (booleans are not integers in ARM)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an integer, not {type(value).__name__}")
    return int(value)


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def compare(left: object, right: object) -> int:
    """-1, 0 or 1 for two ints or two strings, as ARM orders them; anything else is a type error."""
    if is_number(left) and is_number(right):
        return (left > right) - (left < right)
    if isinstance(left, str) and isinstance(right, str):
        left_key, right_key = string_order(left), string_order(right)
        return (left_key > right_key) - (left_key < right_key)
    raise TypeError(f"cannot compare {type(left).__name__} with {type(right).__name__}")


def string_order(text: str) -> tuple:
    """Culture-like order: case-insensitive first, then lower case before upper case."""
    return text.casefold(), tuple(char.isupper() for char in text)


@arm_function("equals")
def equals(scope, left, right):
    return equal(scope, left, right)


@arm_function("less")
def less(scope, left, right):
    return compare(left, right) < 0


@arm_function("lessOrEquals")
def less_or_equals(scope, left, right):
    return compare(left, right) <= 0


@arm_function("greater")
def greater(scope, left, right):
    return compare(left, right) > 0


@arm_function("greaterOrEquals")
def greater_or_equals(scope, left, right):
    return compare(left, right) >= 0


@arm_function("coalesce", accepts_unknown=True)
def coalesce(scope, *args):
    """The first non-null argument; an unknown before it could itself be that value, so it wins (and
    keeps the resource it refers to, e.g. a runtime `principalId`)."""
    for arg in args:
        if isinstance(arg, Unknown) or arg is not None:
            return arg
    return None
