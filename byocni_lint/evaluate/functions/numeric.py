"""Integer functions: add, sub, mul, div, mod, min, max (ARM reference, "Numeric functions":
https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-numeric).

ARM computes with .NET 64-bit integers: div() truncates toward zero and mod() takes the sign of the
dividend (`div(-7, 2)` is -3, `mod(-7, 3)` is -1), unlike Python's floor division. Results outside the
64-bit range are errors there, so they are unknown here rather than silently large.
"""
from __future__ import annotations

from byocni_lint.evaluate.functions import arm_function
from byocni_lint.evaluate.functions.comparison import integer
from byocni_lint.model.values import Unknown, first_unknown

_INT64 = range(-(2**63), 2**63)


def _operand(value: object) -> int:
    return integer(value, "each operand")


def _int64(value: int) -> int:
    if value not in _INT64:
        raise OverflowError("the result does not fit in a 64-bit integer")
    return value


def _truncated_division(dividend: int, divisor: int) -> int:
    if divisor == 0:
        raise ZeroDivisionError("division by zero")
    quotient = abs(dividend) // abs(divisor)
    return quotient if (dividend < 0) == (divisor < 0) else -quotient


@arm_function("add")
def add(scope, left, right):
    return _int64(_operand(left) + _operand(right))


@arm_function("sub")
def sub(scope, left, right):
    return _int64(_operand(left) - _operand(right))


@arm_function("mul")
def mul(scope, left, right):
    return _int64(_operand(left) * _operand(right))


@arm_function("div")
def div(scope, dividend, divisor):
    return _int64(_truncated_division(_operand(dividend), _operand(divisor)))


@arm_function("mod")
def mod(scope, dividend, divisor):
    dividend, divisor = _operand(dividend), _operand(divisor)
    return dividend - divisor * _truncated_division(dividend, divisor)


def _extreme(args: tuple, pick) -> object:
    """max(1, 2, 3) and max(createArray(1, 2, 3)) alike; an unknown element makes the answer unknown."""
    items = [item for arg in args for item in (arg if isinstance(arg, list) else [arg])]
    unknown = first_unknown(items)
    if unknown is not None:
        return Unknown(unknown.reason)
    if not items:
        raise ValueError("needs at least one integer")
    return pick(_operand(item) for item in items)


@arm_function("min")
def min_(scope, *args):
    return _extreme(args, min)


@arm_function("max")
def max_(scope, *args):
    return _extreme(args, max)
