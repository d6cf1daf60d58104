"""The JSONC parser against the one it replaced (tests/jsonc_reference.py): same nodes, same errors.

Generated texts are JSONC as templates write it (comments and byte order marks between tokens, trailing
commas, escapes, names repeated in other cases, every kind of number and literal), then often broken
(cut short, a character dropped, doubled or swapped for one that matters to the grammar), so that both
the nodes of valid text and the message, line and column of every error are compared.
"""
from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

import jsonc_reference
from byocni_lint.load.jsonc import NO_SPANS, JsoncError, parse

def _mostly(good: list[str], bad: list[str], odds: int) -> st.SearchStrategy[str]:
    """One of `good`, and one of `bad` about one time in `odds` (a plain choice, which hypothesis does not
    steer towards the rare entries as it does towards an integer's bounds)."""
    return st.sampled_from(good * -(-len(bad) * (odds - 1) // len(good)) + bad)


_gaps = _mostly(["", "", "", " ", "\n  ", "\t", "\r\n", "// note\n", "/* c */", "/**/", "/* * / **/", "/*\n*/",
                 " // note\n  /* c */ ", "/**/\n"], ["\ufeff", " \ufeff ", "/**/\ufeff", "// end", "/", "/*"], 40)
_names = _mostly(["a", "A", "name", "Name", "type", "k\\u0065y", "key", "é", "", "a b", '\\"'], ["\\q", "\\u12"], 20)
_strings = _mostly(["", "x", "// no comment", "/* no */", "tab\\t", "\\u00e9", "\\ud83d\\ude00", "line\nbreak",
                    "[parameters('p')]"], ["\\x", "\\u12", "\\"], 20).map(lambda s: f'"{s}"')
_scalars = _strings | _mostly(["0", "-1", "12", "1.5", "-0.0", "1e5", "2E-3", "1" + "0" * 399, "true", "false", "null"],
                              ["1.", "01", "-", ".5", "1e", "9" * 401, "tru", "nul", "truex", "٣"], 20)


@st.composite
def _values(draw, depth: int = 0) -> str:
    if depth >= 4 or (depth and draw(st.integers(0, 2)) == 0):
        return draw(_scalars)
    members = draw(st.lists(_values(depth + 1), max_size=6))
    if draw(st.booleans()):
        items = [f"{draw(_gaps)}\"{draw(_names)}\"{draw(_gaps)}:{draw(_gaps)}{value}" for value in members]
        opener, closer = "{", "}"
    else:
        items = [f"{draw(_gaps)}{value}" for value in members]
        opener, closer = "[", "]"
    trailing = "," if items and draw(st.integers(0, 3)) == 0 else ""
    return opener + ",".join(f"{item}{draw(_gaps)}" for item in items) + trailing + draw(_gaps) + closer


@st.composite
def _texts(draw) -> str:
    text = draw(_gaps) + draw(_values()) + draw(_gaps)
    for _ in range(draw(st.sampled_from([0, 0, 1, 2]))):
        if not text:
            break
        at = draw(st.integers(0, len(text) - 1))
        edit = draw(st.sampled_from(["cut", "drop", "double", "replace"]))
        if edit == "cut":
            text = text[:at]
        elif edit == "drop":
            text = text[:at] + text[at + 1 :]
        elif edit == "double":
            text = text[: at + 1] + text[at:]
        else:
            text = text[:at] + draw(st.sampled_from(list('{}[],:"/*\\ \n\ufeffx1-e.'))) + text[at + 1 :]
    return text


def _outcome(parser, text: str, max_depth: int) -> tuple:
    """What one parser makes of the text: the nodes with everything they carry, or the error."""
    try:
        root = parser(text, "t.json", max_depth)
    except JsoncError as error:
        return ("error", type(error), error.message, error.line, error.column, str(error))
    duplicates = getattr(root, "source", None) and root.source.duplicates
    return ("parsed", _described(root), duplicates)


def _described(node: object) -> tuple:
    """The node's type, value and offsets, recursively; containers also their scalar_spans."""
    if node is None or isinstance(node, bool):
        return (node,)
    offsets = (type(node), node.start, node.end, node.source.path)  # type: ignore[attr-defined]
    if isinstance(node, dict):
        return (*offsets, [(type(key), key, _described(value)) for key, value in node.items()],
                node.scalar_spans, node.scalar_spans is NO_SPANS)
    if isinstance(node, list):
        return (*offsets, [_described(value) for value in node], node.scalar_spans, node.scalar_spans is NO_SPANS)
    return (*offsets, repr(node))


@settings(max_examples=500, deadline=None)
@given(text=_texts(), max_depth=st.sampled_from([200, 200, 3, 1, 0]))
@example(text='{"a": \ufeff1}', max_depth=200)
@example(text='{"a": /**/\ufeff1}', max_depth=200)
@example(text='{"a" \ufeff: 1, "A": true,\ufeff"b": 2}', max_depth=200)
@example(text='[1 \ufeff, 2]', max_depth=200)
@example(text='[1, \ufeff2]', max_depth=200)
@example(text='[1 /**/ \ufeff, \ufeff2]', max_depth=200)
@example(text='{"a": 1 // x,\n}', max_depth=200)
@example(text='{"a" //x:1\n: 2}', max_depth=200)
@example(text='[' + ' ' * 5000 + 'x]', max_depth=200)
def test_parses_like_the_old_parser(text: str, max_depth: int) -> None:
    assert _outcome(parse, text, max_depth) == _outcome(jsonc_reference.parse, text, max_depth)
