"""Comparison functions, with the examples of the ARM reference ("Comparison functions")."""
from __future__ import annotations

import pytest

from arm_eval import UNSET, defaults, evaluate
from byocni_lint.model.values import Unknown

COALESCE_OBJECT = defaults(objectToTest={
    "null1": None, "null2": None, "string": "default", "int": 1, "object": {"first": "default"}, "array": [1],
})


@pytest.mark.parametrize(
    ("last", "expected"),
    [("string", "default"), ("int", 1), ("object", {"first": "default"}), ("array", [1])],
)
def test_coalesce_reference_example(last: str, expected: object) -> None:
    expression = f"[coalesce(parameters('objectToTest').null1, parameters('objectToTest').null2, parameters('objectToTest').{last})]"
    assert evaluate(expression, COALESCE_OBJECT) == expected


def test_coalesce_of_nulls_is_null_and_empty() -> None:
    assert evaluate("[coalesce(null(), null())]") is None
    expression = "[empty(coalesce(parameters('objectToTest').null1, parameters('objectToTest').null2))]"
    assert evaluate(expression, COALESCE_OBJECT) is True


def test_coalesce_skips_nulls_but_not_empty_values() -> None:
    assert evaluate("[coalesce(null(), 'x')]") == "x"
    assert evaluate("[coalesce('', 'x')]") == ""
    assert evaluate("[coalesce(createArray(), 'x')]") == []


def test_coalesce_with_unknowns() -> None:
    assert evaluate("[coalesce(null(), 'x', parameters('u'))]", {"u": UNSET}) == "x"
    before = evaluate("[coalesce(parameters('u'), 'x')]", {"u": UNSET})
    assert isinstance(before, Unknown) and "parameter 'u'" in before.reason


@pytest.mark.parametrize(
    ("first", "second"),
    [(1, 1), ("a", "a"), (["a", "b"], ["a", "b"]), ({"a": "b"}, {"a": "b"})],
)
def test_equals_reference_example(first: object, second: object) -> None:
    assert evaluate("[equals(parameters('first'), parameters('second'))]", defaults(first=first, second=second)) is True


def test_not_equals_reference_example() -> None:
    assert evaluate("[not(equals(1, 2))]") is True


def test_equals_is_strict_about_types_and_case_of_values() -> None:
    assert evaluate("[equals('a', 'A')]") is False
    assert evaluate("[equals(1, '1')]") is False
    assert evaluate("[equals(true(), 1)]") is False
    assert evaluate("[equals(createArray(1, 2), createArray(2, 1))]") is False
    assert evaluate("[equals(null(), null())]") is True
    assert evaluate("[equals(createObject('A', 1), createObject('a', 1))]") is True


def test_equals_with_unknown_parts() -> None:
    params = {"u": UNSET}
    assert isinstance(evaluate("[equals(parameters('u'), 'x')]", params), Unknown)
    assert evaluate("[equals(createArray(1, parameters('u')), createArray(2, 3))]", params) is False
    assert isinstance(evaluate("[equals(createArray(1, parameters('u')), createArray(1, 3))]", params), Unknown)
    assert evaluate("[equals(createObject('a', parameters('u')), createObject('b', 1))]", params) is False


@pytest.mark.parametrize(
    ("function", "ints", "strings"),
    [("greater", False, True), ("greaterOrEquals", False, True), ("less", True, False), ("lessOrEquals", True, False)],
)
def test_ordering_reference_examples(function: str, ints: bool, strings: bool) -> None:
    assert evaluate(f"[{function}(1, 2)]") is ints
    assert evaluate(f"[{function}('A', 'a')]") is strings


def test_ordering_of_equal_values_and_letters() -> None:
    assert evaluate("[greaterOrEquals(2, 2)]") is True
    assert evaluate("[greater(2, 2)]") is False
    assert evaluate("[less('apple', 'Banana')]") is True
    assert evaluate("[lessOrEquals('b', 'b')]") is True


def test_ordering_of_mixed_types_is_unknown_with_a_reason() -> None:
    result = evaluate("[less(1, 'a')]")
    assert isinstance(result, Unknown) and "cannot compare" in result.reason


def test_ordering_with_an_unknown_operand() -> None:
    result = evaluate("[greater(parameters('u'), 1)]", {"u": UNSET})
    assert isinstance(result, Unknown) and "parameter 'u'" in result.reason
