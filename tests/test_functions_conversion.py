"""string, int, float, bool and json, with the examples of the ARM reference."""
from __future__ import annotations

import pytest

from arm_eval import UNSET, defaults, evaluate
from byocni_lint.model.values import Unknown

STRING_EXAMPLE = defaults(testObject={"valueA": 10, "valueB": "Example Text"}, testArray=["a", "b", "c"], testInt=5)


@pytest.mark.parametrize(
    ("parameter", "expected"),
    [("testObject", '{"valueA":10,"valueB":"Example Text"}'), ("testArray", '["a","b","c"]'), ("testInt", "5")],
)
def test_string_reference_example(parameter: str, expected: str) -> None:
    assert evaluate(f"[string(parameters('{parameter}'))]", STRING_EXAMPLE) == expected


def test_string_of_booleans_null_and_text() -> None:
    assert evaluate("[string(true())]") == "True"
    assert evaluate("[string(null())]") == ""
    assert evaluate("[string('as is')]") == "as is"
    assert evaluate("[string(createObject('name', 'café'))]") == '{"name":"café"}'


def test_string_of_a_value_holding_an_unknown_is_unknown() -> None:
    result = evaluate("[string(createArray('a', parameters('u')))]", {"u": UNSET})
    assert isinstance(result, Unknown) and "parameter 'u'" in result.reason


def test_int_reference_example() -> None:
    assert evaluate("[int(parameters('stringToConvert'))]", defaults(stringToConvert="4")) == 4


def test_int_conversions() -> None:
    assert evaluate("[int(7)]") == 7
    assert evaluate("[int('-12')]") == -12
    assert isinstance(evaluate("[int('4.5')]"), Unknown)
    assert isinstance(evaluate("[int(true())]"), Unknown)


def test_float_reference_example() -> None:
    assert evaluate("[float('3.0')]") == 3.0
    assert evaluate("[float(3)]") == 3.0


@pytest.mark.parametrize(
    ("expression", "expected"),
    [("bool('true')", True), ("bool('false')", False), ("bool(1)", True), ("bool(0)", False), ("bool('True')", True)],
)
def test_bool_reference_example(expression: str, expected: bool) -> None:
    assert evaluate(f"[{expression}]") is expected


def test_bool_of_other_text_is_unknown() -> None:
    assert isinstance(evaluate("[bool('yes')]"), Unknown)


JSON_EXAMPLE = defaults(
    jsonEmptyObject="null", jsonObject='{"a": "b"}', jsonString='"test"', jsonBoolean="true", jsonInt="3",
    jsonArray="[[1,2,3 ]", concatValue="demo value",
)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("[empty(json(parameters('jsonEmptyObject')))]", True),
        ("[json(parameters('jsonObject'))]", {"a": "b"}),
        ("[json(parameters('jsonString'))]", "test"),
        ("[json(parameters('jsonBoolean'))]", True),
        ("[json(parameters('jsonInt'))]", 3),
        ("[json(parameters('jsonArray'))]", [1, 2, 3]),
        ("[json(concat('{\"a\": \"', parameters('concatValue'), '\"}'))]", {"a": "demo value"}),
    ],
)
def test_json_reference_example(expression: str, expected: object) -> None:
    assert evaluate(expression, JSON_EXAMPLE) == expected


def test_json_accepts_single_quoted_strings_like_arm() -> None:
    assert evaluate("[json('{''one'': ''a'', \"two\": \"it''s\"}')]") == {"one": "a", "two": "it's"}


def test_malformed_json_is_unknown() -> None:
    assert isinstance(evaluate("[json('{not json')]"), Unknown)
