"""The JSONC parser: what ARM accepts (comments, trailing commas), exact positions, and useful errors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from byocni_lint.findings import Span
from byocni_lint.frontends.arm.documents import ARM_TEMPLATE, Document
from helpers import arm_document
from byocni_lint.load.jsonc import JsoncDepthError, JsoncError, parse
from byocni_lint.model.positions import member_span, node_span


def position_of(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """1-based line and column of `needle` in `text`, computed independently of the parser."""
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def span_of(text: str, needle: str, occurrence: int = 0) -> Span:
    """The span `needle` occupies (single line), end column exclusive."""
    line, column = position_of(text, needle, occurrence)
    return Span(line, column, line, column + len(needle))


def after(text: str, prefix: str, value: str) -> Span:
    """The span of `value` written right after the unique `prefix`."""
    line, column = position_of(text, prefix + value)
    return Span(line, column + len(prefix), line, column + len(prefix) + len(value))


# --- what ARM accepts beyond JSON -------------------------------------------------------------------


def test_line_and_block_comments_are_skipped_everywhere() -> None:
    text = """// leading comment
/* block
   comment */ {
  // before a member
  "a": /* between colon and value */ 1, // after a value
  "b": [ /* in an array */ 2, // after an element
         3 ],
  "c": "// not a comment", "d": "/* not a comment */"
} // trailing comment"""
    assert parse(text) == {"a": 1, "b": [2, 3], "c": "// not a comment", "d": "/* not a comment */"}


def test_comment_at_end_of_file_without_newline() -> None:
    assert parse('{"a": 1} // end') == {"a": 1}
    assert parse('{"a": 1} /* end */') == {"a": 1}


def test_trailing_commas_in_objects_and_arrays() -> None:
    text = '{"a": [1, 2,], "b": {"c": true,}, "d": [[],{},],}'
    assert parse(text) == {"a": [1, 2], "b": {"c": True}, "d": [[], {}]}


def test_trailing_comma_followed_by_comment_then_closer() -> None:
    assert parse('[1, // last\n]') == [1]
    assert parse('{"a": 1, /* last */ }') == {"a": 1}


def test_a_lone_comma_is_not_a_trailing_comma() -> None:
    for text, column in (("[,]", 2), ("{,}", 2), ("[1,,2]", 4)):
        with pytest.raises(JsoncError) as raised:
            parse(text)
        assert (raised.value.line, raised.value.column) == (1, column), text


# --- positions -------------------------------------------------------------------------------------

TEMPLATE = """{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  // the cluster
  "resources": [
    {
      "apiVersion": "2022-06-01",
      "properties": {"count": 3, "ratio": -1.5e3, "enabled": true, "off": false, "nothing": null,
        "networkProfile": {
          "serviceCidr": "10.0.0.0/16",
        },
      },
      "tags": ["a", true, null, 7],
    },
  ],
}
"""


def test_positions_of_strings() -> None:
    root = parse(TEMPLATE, "t.json")
    resource = root["resources"][0]
    assert node_span(resource["apiVersion"]) == span_of(TEMPLATE, '"2022-06-01"')
    assert node_span(resource["properties"]["networkProfile"]["serviceCidr"]) == span_of(TEMPLATE, '"10.0.0.0/16"')
    assert node_span(resource["properties"]["networkProfile"]["serviceCidr"]) == Span(9, 26, 9, 39)
    assert resource["apiVersion"].source.path == "t.json"


def test_positions_of_numbers() -> None:
    properties = parse(TEMPLATE)["resources"][0]["properties"]
    assert node_span(properties["count"]) == after(TEMPLATE, '"count": ', "3")
    assert node_span(properties["ratio"]) == span_of(TEMPLATE, "-1.5e3")
    assert properties["ratio"] == -1500.0 and isinstance(properties["ratio"], float)
    assert properties["count"] == 3 and isinstance(properties["count"], int)


def test_positions_of_containers_cover_brackets() -> None:
    root = parse(TEMPLATE)
    profile = root["resources"][0]["properties"]["networkProfile"]
    start_line, start_column = position_of(TEMPLATE, '{\n          "serviceCidr"')
    assert node_span(profile) == Span(start_line, start_column, 10, 10)
    assert node_span(root) == Span(1, 1, 15, 2)
    tags = root["resources"][0]["tags"]
    assert node_span(tags) == span_of(TEMPLATE, '["a", true, null, 7]')


def test_booleans_and_null_located_through_member_span() -> None:
    resource = parse(TEMPLATE)["resources"][0]
    properties = resource["properties"]
    assert properties["enabled"] is True and properties["off"] is False and properties["nothing"] is None
    assert member_span(properties, "enabled") == span_of(TEMPLATE, "true")
    assert member_span(properties, "off") == span_of(TEMPLATE, "false")
    assert member_span(properties, "nothing") == span_of(TEMPLATE, "null")
    tags = resource["tags"]
    assert member_span(tags, 1) == span_of(TEMPLATE, "true", 1)
    assert member_span(tags, 2) == span_of(TEMPLATE, "null", 1)
    assert member_span(tags, 3) == after(TEMPLATE, "null, ", "7")


def test_member_span_of_a_located_value_is_its_node_span() -> None:
    resource = parse(TEMPLATE)["resources"][0]
    assert member_span(resource, "apiVersion") == node_span(resource["apiVersion"])


def test_member_span_of_a_missing_key_falls_back_to_the_container() -> None:
    resource = parse(TEMPLATE)["resources"][0]
    assert member_span(resource, "absent") == node_span(resource)


def test_values_built_outside_the_parser_have_no_span() -> None:
    assert node_span("plain") is None
    assert node_span(3) is None


def test_multi_line_string_spans_lines() -> None:
    text = '{\n  "script": "line one\nline two\n  line three",\n  "after": 1\n}'
    root = parse(text)
    assert root["script"] == "line one\nline two\n  line three"
    start = position_of(text, '"line one')
    assert node_span(root["script"]) == Span(start[0], start[1], 4, 14)
    assert node_span(root["after"]) == Span(5, 12, 5, 13)


def test_escapes_are_decoded_and_span_the_raw_text() -> None:
    text = r'{"k\u0065y": "tab\there \"quoted\" \u00e9 \/ \\ \n end"}'
    root = parse(text)
    assert list(root) == ["key"]
    assert root["key"] == 'tab\there "quoted" é / \\ \n end'
    raw = r'"tab\there \"quoted\" \u00e9 \/ \\ \n end"'
    assert node_span(root["key"]) == span_of(text, raw)


def test_columns_count_code_points() -> None:
    text = '{"é😀": "v"}'
    assert node_span(parse(text)["é😀"]) == Span(1, 8, 1, 11)


def test_crlf_line_endings() -> None:
    text = '{\r\n  "a": 1,\r\n  "b": "x"\r\n}\r\n'
    root = parse(text)
    assert node_span(root["a"]) == Span(2, 8, 2, 9)
    assert node_span(root["b"]) == Span(3, 8, 3, 11)


def test_byte_order_mark_is_accepted() -> None:
    assert parse('\ufeff{"a": 1}') == {"a": 1}


def test_file_with_byte_order_mark_keeps_columns_of_first_line(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    text = '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "x": "y"}'
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    document, _ = arm_document(path, "bom.json")
    assert isinstance(document, Document) and document.kind == ARM_TEMPLATE
    assert node_span(document.root["x"]) == span_of(text, '"y"')


def test_duplicate_keys_keep_the_last_value_like_json() -> None:
    text = '{"a": 1, "a": 2}'
    assert parse(text) == json.loads(text)


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "needle"),
    [
        ('{\n  "a": "never closed\n}', "unterminated string", '"never'),
        ('{\n  "a": 1\n  "b": 2\n}', "expected ',' or '}' after object member", '"b"'),
        ('[\n  1\n  2\n]', "expected ',' or ']' after array element", "2"),
        ('{"a": 1}\n{"b": 2}', "unexpected content after the top-level value", '{"b"'),
        ('{"a": 1} garbage', "unexpected content after the top-level value", "garbage"),
        ('{\n  a: 1\n}', "expected a quoted property name", "a:"),
        ('{\n  "a" 1\n}', "expected ':' after property name", "1"),
        ('{\n  "a": tru\n}', "unexpected character 't'", "tru"),
        ('{\n  "a": 1 /* open', "unterminated /* comment", "/*"),
        ('{\n  "a": "\\q"\n}', "invalid escape in string", '"\\q"'),
        ('{\n  "a": .5\n}', "unexpected character '.'", ".5"),
        ('{\n  "a": -\n}', "invalid number", "-"),
        ('{\n  "a": ', "unexpected end of file", None),
    ],
)
def test_errors_carry_line_and_column(text: str, message: str, needle: str | None) -> None:
    with pytest.raises(JsoncError) as raised:
        parse(text)
    error = raised.value
    assert error.message == message
    expected = position_of(text, needle) if needle is not None else (text.count("\n") + 1, len(text.rsplit("\n", 1)[-1]) + 1)
    assert (error.line, error.column) == expected
    assert f"(line {error.line}, column {error.column})" in str(error)


def test_empty_input_is_an_error() -> None:
    with pytest.raises(JsoncError) as raised:
        parse("  // only a comment\n")
    assert raised.value.message == "unexpected end of file"
    assert (raised.value.line, raised.value.column) == (2, 1)


# --- depth limit ----------------------------------------------------------------------------------


def test_nesting_at_the_limit_parses() -> None:
    text = "[" * 200 + "]" * 200
    node = parse(text, max_depth=200)
    for _ in range(199):
        node = node[0]
    assert node == []


def test_nesting_past_the_limit_raises_depth_error_at_the_opening_bracket() -> None:
    text = '{"a":' * 10 + "1" + "}" * 10
    with pytest.raises(JsoncDepthError) as raised:
        parse(text, max_depth=5)
    assert isinstance(raised.value, JsoncError)
    assert (raised.value.line, raised.value.column) == (1, 1 + 5 * len('{"a":'))
    assert "5" in raised.value.message


def test_hostile_nesting_is_a_depth_error_not_a_recursion_error() -> None:
    with pytest.raises(JsoncDepthError) as raised:
        parse("[" * 100_000)
    assert (raised.value.line, raised.value.column) == (1, 201)


def test_depth_error_becomes_an_input_limit_problem(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 50 + "]" * 50)
    document, (problem,) = arm_document(path, "deep.json", max_json_depth=10)
    assert document is None
    assert problem.rule_id == "BYO903"
    assert problem.location.span is not None and problem.location.span.column == 11


# --- equivalence with json for plain JSON ---------------------------------------------------------

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=30,
)


def _tagged(value: object) -> object:
    """The value with its JSON type made explicit, so that True == 1 or 1 == 1.0 cannot hide a wrong type."""
    if value is None or isinstance(value, bool):
        return ("literal", value)
    if isinstance(value, int):
        return ("int", int(value))
    if isinstance(value, float):
        return ("float", float(value))
    if isinstance(value, str):
        return ("str", str(value))
    if isinstance(value, list):
        return ("list", [_tagged(item) for item in value])
    assert isinstance(value, dict)
    return ("dict", [(str(key), _tagged(item)) for key, item in value.items()])


def _check_spans(node: object, text: str) -> None:
    """Every located node's span holds text that decodes to the node itself."""
    start = getattr(node, "start", None)
    if start is not None:
        assert _tagged(json.loads(text[start : node.end])) == _tagged(node)  # type: ignore[attr-defined]
    if isinstance(node, list):
        for item in node:
            _check_spans(item, text)
    elif isinstance(node, dict):
        for item in node.values():
            _check_spans(item, text)


@settings(max_examples=300, deadline=None)
@given(value=_json_values, indent=st.sampled_from([None, 2]), ensure_ascii=st.booleans())
def test_any_json_parses_like_json_loads(value: object, indent: int | None, ensure_ascii: bool) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ensure_ascii)
    parsed = parse(text)
    assert _tagged(parsed) == _tagged(json.loads(text))
    _check_spans(parsed, text)


def test_duplicate_keys_are_recorded_case_insensitively_at_the_second_name() -> None:
    text = '{"podCidr": "a", "x": {"k": 1, "K": 2}, "podCidr": "b"}'
    root = parse(text)
    assert root["podCidr"] == "b"  # the last one wins, as in JSON parsers and ARM
    assert [(name, text[start:end]) for name, start, end in root.source.duplicates] == [("K", '"K"'), ("podCidr", '"podCidr"')]
