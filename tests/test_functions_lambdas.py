"""Lambda functions, with the examples of the ARM reference ("Lambda functions")."""
from __future__ import annotations

import pytest

from arm_eval import UNSET, evaluate, scope_for
from arm_eval import shipped_budget
from byocni_lint.evaluate.scope import LimitExceeded
from byocni_lint.model.values import Unknown

DOGS = {"dogs": [
    {"name": "Evie", "age": 5, "interests": ["Ball", "Frisbee"]},
    {"name": "Casper", "age": 3, "interests": ["Other dogs"]},
    {"name": "Indy", "age": 2, "interests": ["Butter"]},
    {"name": "Kira", "age": 8, "interests": ["Rubs"]},
]}
EVIE, CASPER, INDY, KIRA = DOGS["dogs"]


def test_filter_reference_examples() -> None:
    expression = "[filter(variables('dogs'), lambda('dog', greaterOrEquals(lambdaVariables('dog').age, 5)))]"
    assert evaluate(expression, variables=DOGS) == [EVIE, KIRA]
    loop = {"copy": [{"name": "itemForLoop", "count": "[length(range(0, 10))]",
                      "input": "[range(0, 10)[copyIndex('itemForLoop')]]"}]}
    assert evaluate("[filter(variables('itemForLoop'), lambda('i', greater(lambdaVariables('i'), 5)))]",
                    variables=loop) == [6, 7, 8, 9]
    assert evaluate("[filter(range(0, 10), lambda('i', equals(0, mod(lambdaVariables('i'), 2))))]") == [0, 2, 4, 6, 8]


def test_map_reference_examples() -> None:
    assert evaluate("[map(variables('dogs'), lambda('dog', lambdaVariables('dog').name))]", variables=DOGS) == \
        ["Evie", "Casper", "Indy", "Kira"]
    assert evaluate("[map(variables('dogs'), lambda('dog', format('Hello {0}!', lambdaVariables('dog').name)))]",
                    variables=DOGS) == ["Hello Evie!", "Hello Casper!", "Hello Indy!", "Hello Kira!"]
    expression = ("[map(range(0, length(variables('dogs'))), lambda('i', createObject('i', lambdaVariables('i'), "
                  "'dog', variables('dogs')[lambdaVariables('i')].name, 'greeting', "
                  "format('Ahoy, {0}!', variables('dogs')[lambdaVariables('i')].name))))]")
    assert evaluate(expression, variables=DOGS) == [
        {"i": i, "dog": dog["name"], "greeting": f"Ahoy, {dog['name']}!"} for i, dog in enumerate(DOGS["dogs"])]


def test_map_and_filter_can_name_the_index() -> None:
    assert evaluate("[map(createArray('a', 'b'), lambda('x', 'i', concat(lambdaVariables('x'), string(lambdaVariables('i')))))]") \
        == ["a0", "b1"]
    assert evaluate("[filter(createArray('a', 'b', 'c'), lambda('x', 'i', not(equals(lambdaVariables('i'), 1))))]") \
        == ["a", "c"]


def test_reduce_reference_examples() -> None:
    variables = {**DOGS, "ages": "[map(variables('dogs'), lambda('dog', lambdaVariables('dog').age))]"}
    add = "lambda('cur', 'next', add(lambdaVariables('cur'), lambdaVariables('next')))"
    assert evaluate(f"[reduce(variables('ages'), 0, {add})]", variables=variables) == 18
    assert evaluate(f"[reduce(variables('ages'), 1, {add})]", variables=variables) == 19
    expression = ("[reduce(createArray(createObject('foo', 123), createObject('bar', 456), createObject('baz', 789)), "
                  "createObject(), lambda('cur', 'next', union(lambdaVariables('cur'), lambdaVariables('next'))))]")
    assert evaluate(expression) == {"foo": 123, "bar": 456, "baz": 789}


def test_sort_reference_example() -> None:
    expression = "[sort(variables('dogs'), lambda('a', 'b', less(lambdaVariables('a').age, lambdaVariables('b').age)))]"
    assert evaluate(expression, variables=DOGS) == [INDY, CASPER, EVIE, KIRA]


def test_to_object_reference_examples() -> None:
    by_name = {dog["name"]: dog for dog in DOGS["dogs"]}
    assert evaluate("[toObject(variables('dogs'), lambda('entry', lambdaVariables('entry').name))]",
                    variables=DOGS) == by_name
    assert evaluate("[toObject(variables('dogs'), lambda('entry', lambdaVariables('entry').name), "
                    "lambda('entry', lambdaVariables('entry')))]", variables=DOGS) == by_name
    nested = {"dogs": [{"name": d["name"], "properties": {"age": d["age"], "interests": d["interests"]}}
                       for d in DOGS["dogs"]]}
    assert evaluate("[toObject(variables('dogs'), lambda('entry', lambdaVariables('entry').name), "
                    "lambda('entry', lambdaVariables('entry').properties))]", variables=nested) == \
        {d["name"]: {"age": d["age"], "interests": d["interests"]} for d in DOGS["dogs"]}


def test_group_by_and_map_values() -> None:
    assert evaluate("[groupBy(createArray('foo', 'bar', 'baz'), lambda('x', substring(lambdaVariables('x'), 0, 1)))]") \
        == {"f": ["foo"], "b": ["bar", "baz"]}
    assert evaluate("[mapValues(createObject('a', 'x', 'b', 'y'), lambda('v', toUpper(lambdaVariables('v'))))]") \
        == {"a": "X", "b": "Y"}


def test_nested_lambdas_see_outer_variables() -> None:
    expression = ("[map(createArray(1, 2), lambda('x', map(createArray(10, 20), "
                  "lambda('y', add(lambdaVariables('x'), lambdaVariables('y'))))))]")
    assert evaluate(expression) == [[11, 21], [12, 22]]


def test_unknown_elements_stay_leaves_in_map() -> None:
    result = evaluate("[map(createArray('a', parameters('u')), lambda('x', toUpper(lambdaVariables('x'))))]",
                      {"u": UNSET})
    assert result[0] == "A" and isinstance(result[1], Unknown)


@pytest.mark.parametrize(
    "expression",
    [
        "filter(createArray('a', parameters('u')), lambda('x', equals(lambdaVariables('x'), 'a')))",
        "sort(createArray(2, parameters('u')), lambda('a', 'b', less(lambdaVariables('a'), lambdaVariables('b'))))",
        "toObject(createArray('a', parameters('u')), lambda('x', lambdaVariables('x')))",
    ],
)
def test_unknowns_that_decide_the_shape_make_the_result_unknown(expression: str) -> None:
    result = evaluate(f"[{expression}]", {"u": UNSET})
    assert isinstance(result, Unknown) and "parameter 'u'" in result.reason


def test_lambda_variables_outside_a_lambda_are_unknown() -> None:
    result = evaluate("[lambdaVariables('x')]")
    assert isinstance(result, Unknown) and "not defined" in result.reason


def test_higher_order_functions_need_a_lambda() -> None:
    assert isinstance(evaluate("[map(createArray(1), 'not a lambda')]"), Unknown)


def test_lambda_bodies_tick_the_step_budget() -> None:
    scope = scope_for(budget=shipped_budget(max_steps=500))
    with pytest.raises(LimitExceeded, match="steps"):
        scope.evaluate("[map(range(0, 1000), lambda('i', add(lambdaVariables('i'), 1)))]")
