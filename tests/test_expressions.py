"""The ARM expression parser: literals and escapes, calls, property and index access, limits, and
errors that point at the offending character."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arm_eval import UNSET, evaluate
from byocni_lint.evaluate import expressions
from byocni_lint.evaluate.expressions import (
    MAX_EXPRESSION_DEPTH,
    Access,
    Call,
    ExpressionError,
    Literal,
    expression_text,
    literal_text,
    parse_expression,
)
from byocni_lint.model.values import Unknown, property_name


def test_string_literal_with_doubled_quote_escape() -> None:
    assert parse_expression("'it''s'") == Literal("it's")
    assert evaluate("[concat('it''s', ' ', '''quoted''')]") == "it's 'quoted'"


def test_numbers_and_keywords() -> None:
    assert parse_expression("42") == Literal(42)
    assert parse_expression("-7") == Literal(-7)
    assert parse_expression("TRUE") == Literal(True)
    assert parse_expression("false") == Literal(False)
    assert parse_expression("Null") == Literal(None)


def test_nested_calls_keep_argument_order_and_lower_case_names() -> None:
    node = parse_expression("Concat(parameters('a'), toUpper('b'), 3)")
    assert node == Call("concat", (Call("parameters", (Literal("a"),), 7), Call("toupper", (Literal("b"),), 24),
                                   Literal(3)), 0)


NAMES = st.text(alphabet="aAbB", max_size=2)  # few letters: keys that differ only in case are common


@given(st.dictionaries(st.one_of(NAMES, st.integers(0, 2)), st.none(), max_size=5), NAMES)
def test_property_name_finds_what_a_key_by_key_comparison_finds(container: dict, key: str) -> None:
    """The miss test runs in C (`map(str.lower, ...)`); the answer must be the plain loop's: the key as
    given, else the first key equal to it ignoring case, else None, whatever other keys there are."""
    expected = key if key in container else next(
        (name for name in container if isinstance(name, str) and name.lower() == key.lower()), None)
    assert property_name(container, key) == expected


def test_function_and_property_names_are_case_insensitive() -> None:
    assert evaluate("[CONCAT('a', TOUPPER('b'))]") == "aB"
    assert evaluate("[parameters('Obj').NAME]", {"obj": {"type": "object", "defaultValue": {"name": "x"}}}) == "x"


def test_property_access_index_and_string_index() -> None:
    node = parse_expression("f().a[0]['b c']")
    assert node == Access(Access(Access(Call("f", (), 0), Literal("a")), Literal(0)), Literal("b c"))
    params = {"o": {"type": "object", "defaultValue": {"a": [{"b c": "found"}]}}}
    assert evaluate("[parameters('o').a[0]['b c']]", params) == "found"


def test_index_with_an_expression() -> None:
    params = {"names": {"type": "array", "defaultValue": ["zero", "one", "two"]}}
    assert evaluate("[parameters('names')[add(1, 1)]]", params) == "two"


def test_safe_access_yields_null_where_plain_access_is_unknown() -> None:
    params = {"o": {"type": "object", "defaultValue": {"a": 1}}}
    assert parse_expression("f().?x") == Access(Call("f", (), 0), Literal("x"), safe=True)
    assert parse_expression("f()?[0]") == Access(Call("f", (), 0), Literal(0), safe=True)
    assert evaluate("[parameters('o').?missing]", params) is None
    assert evaluate("[createArray(1)?[5]]") is None
    assert isinstance(evaluate("[parameters('o').missing]", params), Unknown)


def test_user_defined_function_names_parse_as_one_call() -> None:
    assert parse_expression("ns.greet('x')") == Call("ns.greet", (Literal("x"),), 0)


def test_whitespace_between_tokens_is_ignored() -> None:
    assert evaluate("[ concat ( 'a' , 'b' ) ]") == "ab"


def test_double_bracket_escapes_a_literal_string() -> None:
    assert expression_text("[[test value]") is None
    assert literal_text("[[test value]") == "[test value]"
    assert evaluate("[[test value]") == "[test value]"


def test_only_strings_framed_by_brackets_are_expressions() -> None:
    assert expression_text("[concat('a')]") == "concat('a')"
    assert expression_text("[test] value") is None
    assert evaluate("[test] value") == "[test] value"
    assert expression_text("plain") is None


def test_each_distinct_expression_is_parsed_once() -> None:
    text = "concat('cached', 'once')"
    assert parse_expression(text) is parse_expression(text)


@pytest.mark.parametrize(
    ("text", "offset", "message"),
    [
        ("concat('a', )", 12, "expected a value, found ')'"),
        ("concat('a'", 10, "expected ')', found end of expression"),
        ("concat('a' 'b')", 11, "expected ')'"),
        ("concat('unterminated)", 7, "string literal is not closed"),
        ("concat(  #)", 9, "unexpected character '#'"),
        ("foo.bar", 3, "expected '(' after function name 'foo'"),
        ("", 0, "expected a value, found end of expression"),
        ("concat('a'))", 11, "expected end, found ')'"),
        ("f()[1", 5, "expected ']'"),
    ],
)
def test_malformed_expressions_report_the_offset_inside_the_expression(text: str, offset: int, message: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text)
    assert caught.value.offset == offset
    assert message in caught.value.message
    assert f"at character {offset + 1}" in str(caught.value)


def test_a_malformed_expression_evaluates_to_unknown_with_the_reason() -> None:
    result = evaluate("[concat('a', ]")
    assert isinstance(result, Unknown)
    assert "malformed expression" in result.reason and "character 13" in result.reason


def test_nesting_deeper_than_the_limit_is_an_error() -> None:
    deep = "createArray(" * (MAX_EXPRESSION_DEPTH + 1) + "1" + ")" * (MAX_EXPRESSION_DEPTH + 1)
    with pytest.raises(ExpressionError, match="nested deeper"):
        parse_expression(deep)
    shallow = "createArray(" * MAX_EXPRESSION_DEPTH + "1" + ")" * MAX_EXPRESSION_DEPTH
    assert isinstance(parse_expression(shallow), Call)


def test_long_access_chains_count_as_nesting() -> None:
    with pytest.raises(ExpressionError, match="nested deeper"):
        parse_expression("f()" + ".a" * (MAX_EXPRESSION_DEPTH + 1))
    assert isinstance(parse_expression("f()" + ".a" * 10), Access)


def test_expressions_longer_than_arm_allows_are_rejected() -> None:
    with pytest.raises(ExpressionError, match="longer than"):
        parse_expression("concat('" + "x" * 30_000 + "')")


def test_unknown_parameters_flow_through_access() -> None:
    result = evaluate("[parameters('o').a.b]", {"o": UNSET})
    assert isinstance(result, Unknown)
    assert "no default" in result.reason


class _OneLinkAtATime(expressions._Parser):
    """The accessor chain read as it was first written, one `at` test per kind of link: an oracle for
    the parser's own loop, which reads each link's token once."""

    def accessors(self, node, depth: int):
        while True:
            if self.at("punct", ".") or self.at("punct", ".?") or self.at("punct", "[") or self.at("punct", "?["):
                depth += 1
                self.check_depth(depth)
            if self.at("punct", ".") or self.at("punct", ".?"):
                safe = self.take("punct")[1] == ".?"
                node = expressions.Access(node, expressions.Literal(self.take("name")[1]), safe)
            elif self.at("punct", "[") or self.at("punct", "?["):
                safe = self.take("punct")[1] == "?["
                key = self.value(depth + 1)
                self.take("punct", "]")
                node = expressions.Access(node, key, safe)
            else:
                return node


def _parsed_by(parser_class, text: str):
    try:
        parser = parser_class(text)
        node = parser.value(0)
        parser.take("end")
        return node
    except expressions.ExpressionError as error:
        return ("error", error.message, error.offset)


_PIECES = ["parameters('a')", "variables('b')", "reference(x, '2020-01-01', 'Full')", ".", ".?", "[", "?[", "]", "(",
           ")", ",", "name", "properties", "0", "'s'", "concat", "ns.fn", "true", " ", "'", "-1.5"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=30))
def test_accessor_chains_parse_as_the_one_link_at_a_time_oracle(pieces) -> None:
    text = "".join(pieces)
    assert _parsed_by(expressions._Parser, text) == _parsed_by(_OneLinkAtATime, text)


def test_accessor_chain_depth_limit_as_the_oracle() -> None:
    text = "parameters('a')" + ".x" * (expressions.MAX_EXPRESSION_DEPTH + 1)
    assert _parsed_by(expressions._Parser, text) == _parsed_by(_OneLinkAtATime, text)
    assert _parsed_by(expressions._Parser, text)[0] == "error"
