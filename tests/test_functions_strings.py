"""String functions, with the examples of the ARM reference ("String functions")."""
from __future__ import annotations

import re

import pytest

from arm_eval import MIB, UNSET, defaults, evaluate, peak_bytes, scope_for
from byocni_lint.evaluate.scope import LimitExceeded
from byocni_lint.model.values import Unknown

UNKNOWN = {"u": UNSET}


def test_base64_reference_example() -> None:
    params = defaults(stringData="one, two, three", jsonFormattedData="{'one': 'a', 'two': 'b'}")
    assert evaluate("[base64(parameters('stringData'))]", params) == "b25lLCB0d28sIHRocmVl"
    assert evaluate("[base64ToString(base64(parameters('stringData')))]", params) == "one, two, three"
    assert evaluate("[base64ToJson(base64(parameters('jsonFormattedData')))]", params) == {"one": "a", "two": "b"}


def test_base64_to_string_of_invalid_text_is_unknown() -> None:
    assert isinstance(evaluate("[base64ToString('not base64!')]"), Unknown)


def test_concat_reference_examples() -> None:
    params = defaults(firstArray=["1-1", "1-2", "1-3"], secondArray=["2-1", "2-2", "2-3"], prefix="prefix")
    assert evaluate("[concat(parameters('firstArray'), parameters('secondArray'))]", params) == \
        ["1-1", "1-2", "1-3", "2-1", "2-2", "2-3"]
    unique = evaluate("[concat(parameters('prefix'), '-', uniqueString(resourceGroup().id))]", params)
    assert re.fullmatch(r"prefix-[a-z2-7]{13}", unique)


def test_concat_of_numbers_and_mixed_kinds() -> None:
    assert evaluate("[concat('vm', 1, '-', true())]") == "vm1-True"
    assert isinstance(evaluate("[concat('a', createArray('b'))]"), Unknown)
    assert isinstance(evaluate("[concat(createArray('a'), 'b')]"), Unknown)


def test_concat_with_an_unknown_keeps_the_original_reason() -> None:
    result = evaluate("[concat(parameters('u'), '/16')]", UNKNOWN)
    assert isinstance(result, Unknown)
    assert result.reason == "parameter 'u' has no default and no parameters file sets it"


def test_concat_of_arrays_keeps_unknown_elements() -> None:
    result = evaluate("[concat(createArray('a'), createArray(parameters('u')))]", UNKNOWN)
    assert result[0] == "a" and isinstance(result[1], Unknown)


def test_data_uri_reference_example() -> None:
    assert evaluate("[dataUri('Hello')]") == "data:text/plain;charset=utf8;base64,SGVsbG8="
    assert evaluate("[dataUriToString('data:;base64,SGVsbG8sIFdvcmxkIQ==')]") == "Hello, World!"
    assert evaluate("[dataUriToString('data:text/plain,a%20b')]") == "a b"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("startsWith('abcdef', 'ab')", True), ("startsWith('abcdef', 'A')", True), ("startsWith('abcdef', 'e')", False),
        ("endsWith('abcdef', 'ef')", True), ("endsWith('abcdef', 'F')", True), ("endsWith('abcdef', 'e')", False),
    ],
)
def test_starts_and_ends_with_reference_example(expression: str, expected: bool) -> None:
    assert evaluate(f"[{expression}]") is expected


def test_format_reference_example() -> None:
    params = defaults(greeting="Hello", name="User", numberToFormat=8175133)
    expression = ("[format('{0}, {1}. Formatted number: {2:N0}', parameters('greeting'), parameters('name'), "
                  "parameters('numberToFormat'))]")
    assert evaluate(expression, params) == "Hello, User. Formatted number: 8,175,133"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("format('{0:D3}', 7)", "007"),
        ("format('{0:000}', 7)", "007"),
        ("format('{0,4}|{1,-3}|', 'ab', 'c')", "  ab|c  |"),
        ("format('{{literal}} {0}', 1)", "{literal} 1"),
        ("format('{0:x}', 255)", "ff"),
        ("format('{0}', true())", "True"),
        ("format('{0}', createArray(1, 'a'))", '[1,"a"]'),
    ],
)
def test_format_specifiers(expression: str, expected: str) -> None:
    assert evaluate(f"[{expression}]") == expected


def test_format_with_missing_argument_or_unknown() -> None:
    assert isinstance(evaluate("[format('{1}', 'only one')]"), Unknown)
    nested = evaluate("[format('{0}', createArray(parameters('u')))]", UNKNOWN)
    assert isinstance(nested, Unknown) and "parameter 'u'" in nested.reason


def test_guid_is_a_stable_guid_of_its_arguments() -> None:
    first = evaluate("[guid(resourceGroup().id, 'name')]")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", first)
    assert evaluate("[guid(resourceGroup().id, 'name')]") == first
    assert evaluate("[guid(resourceGroup().id, 'other')]") != first
    assert evaluate("[guid('ab', 'c')]") != evaluate("[guid('a', 'bc')]")


def test_unique_string_is_thirteen_stable_lower_case_characters() -> None:
    first = evaluate("[uniqueString(resourceGroup().id, deployment().name)]")
    assert re.fullmatch(r"[a-z2-7]{13}", first)
    assert evaluate("[uniqueString(resourceGroup().id, deployment().name)]") == first
    assert evaluate("[uniqueString(resourceGroup().id)]") != first


def test_guid_and_unique_string_of_an_unknown_are_unknown() -> None:
    assert isinstance(evaluate("[guid(parameters('u'))]", UNKNOWN), Unknown)
    assert isinstance(evaluate("[uniqueString('a', parameters('u'))]", UNKNOWN), Unknown)


def test_new_guid_and_utc_now_are_unknown() -> None:
    assert "every deployment" in evaluate("[newGuid()]").reason
    assert "time of the deployment" in evaluate("[utcNow('u')]").reason
    assert isinstance(evaluate("[uniqueString(utcNow())]"), Unknown)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("indexOf('test', 't')", 0), ("lastIndexOf('test', 't')", 3), ("indexOf('abcdef', 'CD')", 2),
        ("lastIndexOf('abcdef', 'AB')", 0), ("indexOf('abcdef', 'z')", -1),
    ],
)
def test_index_of_strings_reference_example(expression: str, expected: int) -> None:
    assert evaluate(f"[{expression}]") == expected


def test_join_reference_example() -> None:
    variables = {"arrayString": ["one", "two", "three"]}
    assert evaluate("[join(variables('arrayString'), ',')]", variables=variables) == "one,two,three"
    assert evaluate("[join(variables('arrayString'), ';')]", variables=variables) == "one;two;three"
    assert isinstance(evaluate("[join(createArray('a', parameters('u')), ',')]", UNKNOWN), Unknown)


def test_pad_left_reference_example() -> None:
    assert evaluate("[padLeft(parameters('testString'), 10, '0')]", defaults(testString="123")) == "0000000123"
    assert evaluate("[padLeft(7, 3, '0')]") == "007"
    assert evaluate("[padLeft('long text', 3)]") == "long text"
    assert isinstance(evaluate("[padLeft('a', 3, 'ab')]"), Unknown)


TOO_LARGE = {  # function name -> an expression whose result would be far over the value-size limit
    "padLeft": "[padLeft('a', 2000000000)]",  # 2 GB of text
    "replace": "[replace(padLeft('a', 100000, 'a'), 'a', padLeft('b', 100000, 'b'))]",  # 10 G characters
    "format": "[format(concat(" + ", ".join(["'{0}'"] * 20) + "), padLeft('x', 100000))]",
}


@pytest.mark.parametrize("function", sorted(TOO_LARGE))
def test_text_larger_than_the_budget_is_refused_before_it_is_built(function: str) -> None:
    with pytest.raises(LimitExceeded, match=function):
        evaluate(TOO_LARGE[function])
    assert peak_bytes(lambda: evaluate(TOO_LARGE[function])) < 8 * MIB  # the inputs, never the result


def test_strings_built_by_doubling_hit_the_limit() -> None:
    doubling = {"v0": "[padLeft('x', 4096)]"}
    for step in range(1, 16):
        doubling[f"v{step}"] = f"[concat(variables('v{step - 1}'), variables('v{step - 1}'))]"
    with pytest.raises(LimitExceeded, match="over the limit"):
        scope_for(variables=doubling).evaluate("[variables('v15')]")
    assert peak_bytes(lambda: scope_for(variables=doubling).evaluate("[variables('v15')]")) < 16 * MIB  # the unbounded value is 134 million characters


def test_replace_reference_example() -> None:
    params = defaults(testString="123-123-1234")
    assert evaluate("[replace(parameters('testString'), '-', '')]", params) == "1231231234"
    assert evaluate("[replace(parameters('testString'), '1234', 'xxxx')]", params) == "123-123-xxxx"
    assert evaluate("[replace('Aa', 'a', 'b')]") == "Ab"


def test_split_reference_example() -> None:
    variables = {"delimiters": [",", ";"]}
    assert evaluate("[split('one,two,three', ',')]") == ["one", "two", "three"]
    assert evaluate("[split('one;two,three', variables('delimiters'))]", variables=variables) == ["one", "two", "three"]
    assert evaluate("[last(split('/subscriptions/s/resourceGroups/rg', '/'))]") == "rg"


def test_substring_reference_example_and_its_documented_failure() -> None:
    assert evaluate("[substring(parameters('testString'), 4, 3)]", defaults(testString="one two three")) == "two"
    assert evaluate("[substring('abc', 1)]") == "bc"
    failure = evaluate("[substring(parameters('inputString'), 0, 11)]", defaults(inputString="1234567890"))
    assert isinstance(failure, Unknown) and "within a string of length 10" in failure.reason


def test_to_lower_to_upper_and_trim_reference_examples() -> None:
    params = defaults(testString="One Two Three", padded="    one two three   ")
    assert evaluate("[toLower(parameters('testString'))]", params) == "one two three"
    assert evaluate("[toUpper(parameters('testString'))]", params) == "ONE TWO THREE"
    assert evaluate("[trim(parameters('padded'))]", params) == "one two three"


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("http://contoso.org/firstpath", "http://contoso.org/myscript.sh"),
        ("http://contoso.org/firstpath/", "http://contoso.org/firstpath/myscript.sh"),
        ("http://contoso.org/firstpath/azuredeploy.json", "http://contoso.org/firstpath/myscript.sh"),
        ("http://contoso.org/firstpath/azuredeploy.json/", "http://contoso.org/firstpath/azuredeploy.json/myscript.sh"),
    ],
)
def test_uri_reference_examples(base: str, expected: str) -> None:
    assert evaluate(f"[uri('{base}', 'myscript.sh')]") == expected


def test_uri_component_reference_example() -> None:
    variables = {"uriFormat": "[uri('http://contoso.com/resources/', 'nested/azuredeploy.json')]",
                 "uriEncoded": "[uriComponent(variables('uriFormat'))]"}
    assert evaluate("[variables('uriFormat')]", variables=variables) == "http://contoso.com/resources/nested/azuredeploy.json"
    assert evaluate("[variables('uriEncoded')]", variables=variables) == \
        "http%3A%2F%2Fcontoso.com%2Fresources%2Fnested%2Fazuredeploy.json"
    assert evaluate("[uriComponentToString(variables('uriEncoded'))]", variables=variables) == \
        "http://contoso.com/resources/nested/azuredeploy.json"


def test_string_functions_reject_non_strings() -> None:
    result = evaluate("[toLower(1)]")
    assert isinstance(result, Unknown) and "must be a string" in result.reason
