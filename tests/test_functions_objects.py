"""Object functions, with the examples of the ARM reference ("Object functions"), unknown leaves and
objects returned by reference()."""
from __future__ import annotations

import pytest

from arm_eval import UNSET, defaults, evaluate, scope_for
from byocni_lint.evaluate.references import RuntimeObject
from byocni_lint.model.values import Unknown

UNKNOWN = {"u": UNSET}


def test_create_object_reference_example() -> None:
    expression = ("[createObject('intProp', 1, 'stringProp', 'abc', 'boolProp', true(), "
                  "'arrayProp', createArray('a', 'b', 'c'), 'objectProp', createObject('key1', 'value1'))]")
    assert evaluate(expression) == {"intProp": 1, "stringProp": "abc", "boolProp": True,
                                    "arrayProp": ["a", "b", "c"], "objectProp": {"key1": "value1"}}
    assert evaluate("[createObject()]") == {}


def test_create_object_keeps_unknown_values_but_not_unknown_keys() -> None:
    built = evaluate("[createObject('addressPrefix', parameters('u'), 'name', 'snet')]", UNKNOWN)
    assert built["name"] == "snet" and isinstance(built["addressPrefix"], Unknown)
    assert isinstance(evaluate("[createObject(parameters('u'), 'x')]", UNKNOWN), Unknown)
    assert isinstance(evaluate("[createObject('odd')]"), Unknown)


def test_union_reference_example() -> None:
    params = defaults(firstObject={"one": "a", "two": "b", "three": "c1"},
                      secondObject={"three": "c2", "four": "d", "five": "e"},
                      firstArray=["one", "two", "three"], secondArray=["three", "four"])
    assert evaluate("[union(parameters('firstObject'), parameters('secondObject'))]", params) == \
        {"one": "a", "two": "b", "three": "c2", "four": "d", "five": "e"}
    assert evaluate("[union(parameters('firstArray'), parameters('secondArray'))]", params) == \
        ["one", "two", "three", "four"]


def test_union_deep_merge_reference_example() -> None:
    variables = {
        "firstObject": {"property": {"one": "a", "two": "b", "three": "c1"}, "nestedArray": [1, 2]},
        "secondObject": {"property": {"three": "c2", "four": "d", "five": "e"}, "nestedArray": [3, 4]},
        "firstArray": [["one", "two"], ["three"]],
        "secondArray": [["three"], ["four", "two"]],
    }
    assert evaluate("[union(variables('firstObject'), variables('secondObject'))]", variables=variables) == \
        {"property": {"one": "a", "two": "b", "three": "c2", "four": "d", "five": "e"}, "nestedArray": [3, 4]}
    assert evaluate("[union(variables('firstArray'), variables('secondArray'))]", variables=variables) == \
        [["one", "two"], ["three"], ["four", "two"]]


def test_union_keeps_unknown_leaves_and_rejects_mixed_kinds() -> None:
    merged = evaluate("[union(createObject('a', parameters('u')), createObject('b', 1))]", UNKNOWN)
    assert merged["b"] == 1 and isinstance(merged["a"], Unknown)
    assert isinstance(evaluate("[union(parameters('u'), createObject('b', 1))]", UNKNOWN), Unknown)
    assert isinstance(evaluate("[union(createArray(1), createObject('b', 1))]"), Unknown)


def test_union_property_names_are_case_insensitive() -> None:
    assert evaluate("[union(createObject('Name', 'a'), createObject('name', 'b'))]") == {"Name": "b"}


def test_intersection_reference_example() -> None:
    params = defaults(firstObject={"one": "a", "two": "b", "three": "c"},
                      secondObject={"one": "a", "two": "z", "three": "c"},
                      firstArray=["one", "two", "three"], secondArray=["two", "three"])
    assert evaluate("[intersection(parameters('firstObject'), parameters('secondObject'))]", params) == \
        {"one": "a", "three": "c"}
    assert evaluate("[intersection(parameters('firstArray'), parameters('secondArray'))]", params) == ["two", "three"]


def test_intersection_decided_by_an_unknown_is_unknown() -> None:
    assert isinstance(evaluate("[intersection(createArray('a'), createArray(parameters('u')))]", UNKNOWN), Unknown)
    assert evaluate("[intersection(createArray('a'), createArray(parameters('u'), 'a'))]", UNKNOWN) == ["a"]


ENTITIES = {"entities": {"item002": {"enabled": False, "displayName": "Example item 2", "number": 200},
                         "item001": {"enabled": True, "displayName": "Example item 1", "number": 300}}}


def test_items_reference_example_sorted_by_key() -> None:
    assert evaluate("[items(variables('entities'))]", variables=ENTITIES) == [
        {"key": "item001", "value": {"displayName": "Example item 1", "enabled": True, "number": 300}},
        {"key": "item002", "value": {"displayName": "Example item 2", "enabled": False, "number": 200}},
    ]


def test_items_copy_loop_reference_example() -> None:
    variables = {**ENTITIES, "copy": [{
        "name": "modifiedListOfEntities",
        "count": "[length(items(variables('entities')))]",
        "input": {
            "key": "[items(variables('entities'))[copyIndex('modifiedListOfEntities')].key]",
            "fullName": "[items(variables('entities'))[copyIndex('modifiedListOfEntities')].value.displayName]",
            "itemEnabled": "[items(variables('entities'))[copyIndex('modifiedListOfEntities')].value.enabled]",
        },
    }]}
    assert evaluate("[variables('modifiedListOfEntities')]", variables=variables) == [
        {"fullName": "Example item 1", "itemEnabled": True, "key": "item001"},
        {"fullName": "Example item 2", "itemEnabled": False, "key": "item002"},
    ]


def test_object_keys() -> None:
    assert evaluate("[objectKeys(createObject('b', 2, 'a', 1))]") == ["a", "b"]
    assert isinstance(evaluate("[objectKeys(createArray())]"), Unknown)


def test_shallow_merge_reference_example() -> None:
    variables = {"firstArray": [{"one": "a"}, {"two": "b"}, {"two": "c"}],
                 "secondArray": [{"one": "a", "nested": {"a": 1, "nested": {"c": 3}}}, {"two": "b", "nested": {"b": 2}}]}
    assert evaluate("[shallowMerge(variables('firstArray'))]", variables=variables) == {"one": "a", "two": "c"}
    assert evaluate("[shallowMerge(variables('secondArray'))]", variables=variables) == \
        {"one": "a", "nested": {"b": 2}, "two": "b"}


def test_null_reference_example() -> None:
    assert evaluate("[empty(null())]") is True
    assert evaluate("[null()]") is None


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("tryGet(parameters('o'), 'name')", "x"),
        ("tryGet(parameters('o'), 'NAME')", "x"),
        ("tryGet(parameters('o'), 'missing')", None),
        ("tryGet(parameters('o'), 'list', 1)", "b"),
        ("tryGet(parameters('o'), 'list', 5)", None),
        ("tryGet(parameters('o'), 'list', createObject('value', 1, 'fromEnd', true()))", "b"),
        ("tryGet(parameters('o'), 'list', createObject('value', 3, 'fromEnd', true()))", None),
        ("tryGet(parameters('o'), 'missing', 'deeper')", None),
        ("tryGet(null(), 'kind')", None),
        ("coalesce(tryGet(parameters('o'), 'kind'), 'default')", "default"),
    ],
)
def test_try_get(expression: str, expected: object) -> None:
    assert evaluate(f"[{expression}]", defaults(o={"name": "x", "list": ["a", "b"]})) == expected


def test_try_get_on_unknown_keeps_the_unknown() -> None:
    result = evaluate("[tryGet(parameters('u'), 'kind')]", UNKNOWN)
    assert isinstance(result, Unknown) and "parameter 'u'" in result.reason


def test_try_get_of_an_undeclared_property_of_a_deployed_resource_is_unknown_not_null() -> None:
    scope = scope_for()
    scope.lambda_vars = {"r": RuntimeObject.of({"name": "aks"}, "/subscriptions/s/aks")}
    assert scope.evaluate("[tryGet(lambdaVariables('r'), 'name')]") == "aks"
    missing = scope.evaluate("[tryGet(lambdaVariables('r'), 'fqdn')]")
    assert isinstance(missing, Unknown) and missing.ref == "/subscriptions/s/aks" and missing.path == ("fqdn",)
