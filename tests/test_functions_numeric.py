"""Integer functions, with the examples of the ARM reference ("Numeric functions")."""
from __future__ import annotations

import pytest

from arm_eval import UNSET, defaults, evaluate
from byocni_lint.model.values import Unknown


@pytest.mark.parametrize(
    ("expression", "expected"),
    [("add(5, 3)", 8), ("sub(7, 3)", 4), ("mul(5, 3)", 15), ("div(8, 3)", 2), ("mod(7, 3)", 1)],
)
def test_reference_examples(expression: str, expected: int) -> None:
    assert evaluate(f"[{expression}]") == expected


def test_division_truncates_toward_zero_like_dotnet() -> None:
    assert evaluate("[div(-7, 2)]") == -3
    assert evaluate("[div(7, -2)]") == -3
    assert evaluate("[mod(-7, 3)]") == -1
    assert evaluate("[mod(7, -3)]") == 1


def test_division_by_zero_is_unknown_with_a_reason() -> None:
    for expression in ("[div(1, 0)]", "[mod(1, 0)]"):
        result = evaluate(expression)
        assert isinstance(result, Unknown) and "division by zero" in result.reason


def test_arithmetic_needs_integers() -> None:
    assert isinstance(evaluate("[add('1', 2)]"), Unknown)
    assert isinstance(evaluate("[add(true(), 2)]"), Unknown)


def test_results_stay_in_64_bits() -> None:
    assert evaluate("[mul(4294967296, 2147483647)]") == 4294967296 * 2147483647
    assert isinstance(evaluate("[mul(4294967296, 4294967296)]"), Unknown)


@pytest.mark.parametrize(("function", "expected"), [("max", 5), ("min", 0)])
def test_min_max_reference_examples(function: str, expected: int) -> None:
    assert evaluate(f"[{function}(parameters('arrayToTest'))]", defaults(arrayToTest=[0, 3, 2, 5, 4])) == expected
    assert evaluate(f"[{function}(0, 3, 2, 5, 4)]") == expected


def test_min_max_with_unknowns() -> None:
    result = evaluate("[max(createArray(1, parameters('u')))]", {"u": UNSET})
    assert isinstance(result, Unknown) and "parameter 'u'" in result.reason
    assert isinstance(evaluate("[min(parameters('u'), 1)]", {"u": UNSET}), Unknown)
    assert isinstance(evaluate("[max(createArray())]"), Unknown)


def test_arithmetic_with_an_unknown_operand_keeps_the_reason() -> None:
    result = evaluate("[add(parameters('u'), 1)]", {"u": UNSET})
    assert isinstance(result, Unknown) and "parameter 'u' has no default" in result.reason
