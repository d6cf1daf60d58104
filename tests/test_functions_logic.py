"""Logical functions, with the examples of the ARM reference ("Logical functions"), and the
three-valued behaviour unknown inputs need."""
from __future__ import annotations

from arm_eval import UNSET, evaluate
from byocni_lint.model.values import Unknown

UNKNOWN = {"u": UNSET}


def test_and_or_not_reference_example() -> None:
    assert evaluate("[and(bool('true'), bool('false'))]") is False
    assert evaluate("[or(bool('true'), bool('false'))]") is True
    assert evaluate("[not(bool('true'))]") is False


def test_if_reference_example() -> None:
    assert evaluate("[if(equals('a', 'a'), 'yes', 'no')]") == "yes"
    assert evaluate("[if(equals('a', 'b'), 'yes', 'no')]") == "no"
    assert evaluate("[if(equals('a', 'a'), json('{\"test\": \"value1\"}'), json('null'))]") == {"test": "value1"}


def test_if_evaluates_only_the_chosen_branch() -> None:
    assert evaluate("[if(true(), 'a', parameters('u'))]", UNKNOWN) == "a"
    assert evaluate("[if(false(), div(1, 0), 'safe')]") == "safe"
    assert evaluate("[if(true(), 'safe', range(0, 100000000))]") == "safe"


def test_if_with_an_unknown_condition_is_unknown() -> None:
    result = evaluate("[if(parameters('u'), 'a', 'b')]", UNKNOWN)
    assert isinstance(result, Unknown) and "parameter 'u'" in result.reason


def test_if_needs_a_boolean_condition() -> None:
    result = evaluate("[if('yes', 'a', 'b')]")
    assert isinstance(result, Unknown) and "boolean" in result.reason


def test_and_is_false_if_any_known_argument_is_false() -> None:
    assert evaluate("[and(false(), parameters('u'))]", UNKNOWN) is False
    assert evaluate("[and(parameters('u'), false())]", UNKNOWN) is False
    unknown = evaluate("[and(true(), parameters('u'))]", UNKNOWN)
    assert isinstance(unknown, Unknown) and "parameter 'u'" in unknown.reason
    assert evaluate("[and(true(), true(), true())]") is True


def test_or_is_true_if_any_known_argument_is_true() -> None:
    assert evaluate("[or(true(), parameters('u'))]", UNKNOWN) is True
    assert evaluate("[or(parameters('u'), true())]", UNKNOWN) is True
    assert isinstance(evaluate("[or(false(), parameters('u'))]", UNKNOWN), Unknown)
    assert evaluate("[or(false(), false())]") is False


def test_and_short_circuits() -> None:
    assert evaluate("[and(false(), equals(div(1, 0), 1))]") is False
    assert evaluate("[or(true(), equals(div(1, 0), 1))]") is True


def test_and_rejects_non_booleans() -> None:
    result = evaluate("[and(true(), 'true')]")
    assert isinstance(result, Unknown) and "booleans" in result.reason


def test_not_of_unknown_is_unknown_and_of_a_string_an_error() -> None:
    assert isinstance(evaluate("[not(parameters('u'))]", UNKNOWN), Unknown)
    assert isinstance(evaluate("[not('false')]"), Unknown)


def test_true_and_false_functions() -> None:
    assert evaluate("[true()]") is True
    assert evaluate("[false()]") is False
