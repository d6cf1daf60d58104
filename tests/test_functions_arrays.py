"""Array functions (and those that also take strings and objects), with the examples of the ARM
reference ("Array functions"), unknown elements, and the limits that stop hostile templates."""
from __future__ import annotations

import pytest

from arm_eval import MIB, UNSET, defaults, evaluate, peak_bytes, scope_for
from arm_eval import shipped_budget
from byocni_lint.evaluate.references import RuntimeObject
from byocni_lint.evaluate.scope import LimitExceeded
from byocni_lint.model.values import Unknown

UNKNOWN = {"u": UNSET}


def test_array_reference_example() -> None:
    params = defaults(intToConvert=1, stringToConvert="efgh", objectToConvert={"a": "b", "c": "d"})
    assert evaluate("[array(parameters('intToConvert'))]", params) == [1]
    assert evaluate("[array(parameters('stringToConvert'))]", params) == ["efgh"]
    assert evaluate("[array(parameters('objectToConvert'))]", params) == [{"a": "b", "c": "d"}]
    assert evaluate("[array(createArray(1, 2))]") == [1, 2]


CONTAINS_EXAMPLE = defaults(stringToTest="OneTwoThree", objectToTest={"one": "a", "two": "b", "three": "c"},
                            arrayToTest=["one", "two", "three"])


@pytest.mark.parametrize(
    ("parameter", "item", "expected"),
    [("stringToTest", "e", True), ("stringToTest", "z", False), ("objectToTest", "one", True),
     ("objectToTest", "a", False), ("arrayToTest", "three", True), ("arrayToTest", "four", False)],
)
def test_contains_reference_example(parameter: str, item: str, expected: bool) -> None:
    assert evaluate(f"[contains(parameters('{parameter}'), '{item}')]", CONTAINS_EXAMPLE) is expected


def test_contains_case_rules() -> None:
    assert evaluate("[contains('OneTwo', 'one')]") is False
    assert evaluate("[contains(createObject('One', 1), 'ONE')]") is True
    assert evaluate("[contains(createArray('One'), 'one')]") is False
    assert evaluate("[contains(createArray(createArray(1)), createArray(1))]") is True


def test_contains_with_unknown_elements() -> None:
    assert evaluate("[contains(createArray(parameters('u'), 'a'), 'a')]", UNKNOWN) is True
    undecided = evaluate("[contains(createArray(parameters('u'), 'a'), 'b')]", UNKNOWN)
    assert isinstance(undecided, Unknown) and "parameter 'u'" in undecided.reason
    assert isinstance(evaluate("[contains(parameters('u'), 'a')]", UNKNOWN), Unknown)


def test_contains_on_a_deployed_resource_is_unknown_for_undeclared_keys() -> None:
    scope = scope_for()
    declared = RuntimeObject.of({"addressPrefix": "10.0.0.0/24"}, "/subscriptions/s/x")
    scope.lambda_vars = {"r": declared}
    assert scope.evaluate("[contains(lambdaVariables('r'), 'addressPrefix')]") is True
    assert isinstance(scope.evaluate("[contains(lambdaVariables('r'), 'provisioningState')]"), Unknown)


def test_create_array_reference_example() -> None:
    params = defaults(objectToTest={"one": "a", "two": "b", "three": "c"}, arrayToTest=["one", "two", "three"])
    assert evaluate("[createArray('a', 'b', 'c')]") == ["a", "b", "c"]
    assert evaluate("[createArray(1, 2, 3)]") == [1, 2, 3]
    assert evaluate("[createArray(parameters('objectToTest'))]", params) == [{"one": "a", "two": "b", "three": "c"}]
    assert evaluate("[createArray(parameters('arrayToTest'))]", params) == [["one", "two", "three"]]
    assert evaluate("[createArray()]") == []


def test_create_array_keeps_unknown_elements_as_leaves() -> None:
    result = evaluate("[createArray('a', parameters('u'))]", UNKNOWN)
    assert result[0] == "a" and isinstance(result[1], Unknown)
    assert evaluate("[length(createArray('a', parameters('u')))]", UNKNOWN) == 2
    assert evaluate("[empty(createArray(parameters('u')))]", UNKNOWN) is False


def test_empty_reference_example() -> None:
    params = defaults(testArray=[], testObject={}, testString="")
    for name in ("testArray", "testObject", "testString"):
        assert evaluate(f"[empty(parameters('{name}'))]", params) is True
    assert evaluate("[empty(null())]") is True
    assert evaluate("[empty('x')]") is False
    assert isinstance(evaluate("[empty(parameters('u'))]", UNKNOWN), Unknown)


def test_first_and_last_reference_examples() -> None:
    params = defaults(arrayToTest=["one", "two", "three"])
    assert evaluate("[first(parameters('arrayToTest'))]", params) == "one"
    assert evaluate("[first('One Two Three')]") == "O"
    assert evaluate("[last(parameters('arrayToTest'))]", params) == "three"
    assert evaluate("[last('One Two Three')]") == "e"


def test_first_and_last_of_empty_values() -> None:
    assert evaluate("[first(createArray())]") is None
    assert evaluate("[last('')]") == ""


INDEX_EXAMPLE = {"names": ["one", "two", "three"], "numbers": [4, 5, 6],
                 "collection": ["[variables('names')]", "[variables('numbers')]"], "duplicates": [1, 2, 3, 1]}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("lastIndexOf(variables('names'), 'two')", 1),
        ("indexOf(variables('names'), 'one')", 0),
        ("lastIndexOf(variables('names'), 'Three')", -1),
        ("lastIndexOf(variables('numbers'), 4)", 0),
        ("indexOf(variables('numbers'), 6)", 2),
        ("lastIndexOf(variables('numbers'), '5')", -1),
        ("indexOf(variables('collection'), variables('numbers'))", 1),
        ("indexOf(variables('duplicates'), 1)", 0),
        ("lastIndexOf(variables('duplicates'), 1)", 3),
    ],
)
def test_index_of_arrays_reference_example(expression: str, expected: int) -> None:
    assert evaluate(f"[{expression}]", variables=INDEX_EXAMPLE) == expected


def test_index_of_with_an_unknown_element_before_the_match() -> None:
    assert evaluate("[indexOf(createArray('a', parameters('u')), 'a')]", UNKNOWN) == 0
    assert isinstance(evaluate("[indexOf(createArray(parameters('u'), 'a'), 'a')]", UNKNOWN), Unknown)


def test_length_reference_example() -> None:
    params = defaults(arrayToTest=["one", "two", "three"], stringToTest="One Two Three",
                      objectToTest={"propA": "one", "propB": "two", "propC": "three",
                                    "propD": {"propD-1": "sub", "propD-2": "sub"}})
    assert evaluate("[length(parameters('arrayToTest'))]", params) == 3
    assert evaluate("[length(parameters('stringToTest'))]", params) == 13
    assert evaluate("[length(parameters('objectToTest'))]", params) == 4


def test_range_reference_example() -> None:
    assert evaluate("[range(parameters('startingInt'), parameters('numberOfElements'))]",
                    defaults(startingInt=5, numberOfElements=3)) == [5, 6, 7]
    assert evaluate("[range(0, 0)]") == []
    assert isinstance(evaluate("[range(0, -1)]"), Unknown)


def test_range_of_a_hundred_million_hits_the_limit_before_it_is_built() -> None:
    with pytest.raises(LimitExceeded, match="range"):
        evaluate("[range(0, 100000000)]")
    assert peak_bytes(lambda: evaluate("[range(0, 100000000)]")) < 8 * MIB  # the list would be ~800 MiB


def test_arrays_built_by_doubling_hit_the_limit() -> None:
    doubling = {"v0": "[range(0, 10000)]"}
    for step in range(1, 12):
        doubling[f"v{step}"] = f"[concat(variables('v{step - 1}'), variables('v{step - 1}'))]"
    with pytest.raises(LimitExceeded, match="over the limit"):
        scope_for(variables=doubling).evaluate("[variables('v11')]")
    assert peak_bytes(lambda: scope_for(variables=doubling).evaluate("[variables('v11')]")) < 64 * MIB  # the unbounded value holds 20 million items


def test_array_limit_follows_the_budget() -> None:
    scope = scope_for(budget=shipped_budget(max_value_size=1000))
    assert len(scope.evaluate("[concat(range(0, 500), range(0, 500))]")) == 1000
    with pytest.raises(LimitExceeded, match="concat"):
        scope.evaluate("[concat(range(0, 500), range(0, 501))]")
    with pytest.raises(LimitExceeded, match="union"):
        scope.evaluate("[union(range(0, 600), range(600, 600))]")
    with pytest.raises(LimitExceeded, match="flatten"):
        scope.evaluate("[flatten(createArray(range(0, 600), range(0, 600)))]")


def test_skip_and_take_reference_examples() -> None:
    params = defaults(testArray=["one", "two", "three"], testString="one two three")
    assert evaluate("[skip(parameters('testArray'), 2)]", params) == ["three"]
    assert evaluate("[skip(parameters('testString'), 4)]", params) == "two three"
    assert evaluate("[take(parameters('testArray'), 2)]", params) == ["one", "two"]
    assert evaluate("[take(parameters('testString'), 2)]", params) == "on"


def test_skip_and_take_clamp_their_counts() -> None:
    assert evaluate("[skip(createArray(1, 2), -1)]") == [1, 2]
    assert evaluate("[skip('ab', 5)]") == ""
    assert evaluate("[take(createArray(1, 2), 0)]") == []
    assert evaluate("[take('ab', 5)]") == "ab"


def test_flatten_one_level() -> None:
    assert evaluate("[flatten(createArray(createArray('one', 'two'), createArray('three'), "
                    "createArray('four', createArray('five'))))]") == ["one", "two", "three", "four", ["five"]]
    assert isinstance(evaluate("[flatten(createArray(1))]"), Unknown)


def test_index_from_end() -> None:
    assert evaluate("[indexFromEnd(createArray('a', 'b', 'c'), 1)]") == "c"
    assert evaluate("[indexFromEnd(createArray('a', 'b', 'c'), 3)]") == "a"
    assert isinstance(evaluate("[indexFromEnd(createArray('a'), 2)]"), Unknown)
    assert evaluate("[tryIndexFromEnd(createArray('a'), 2)]") is None
    assert evaluate("[tryIndexFromEnd(createArray('a', 'b'), 2)]") == "a"


def test_distinct_keeps_first_occurrences() -> None:
    assert evaluate("[distinct(createArray('a', 'b', 'a', 'c', 'b'))]") == ["a", "b", "c"]
    assert evaluate("[distinct(createArray(createObject('a', 1), createObject('a', 1), createObject('b', 2)))]") \
        == [{"a": 1}, {"b": 2}]
