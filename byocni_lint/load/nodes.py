"""Building position-carrying values for front ends that do not parse JSON.

Every front end ends in ARM-shaped templates made of the node classes of `load.jsonc`, whose `source`
is the file the user edits (a `.bicep`, a `.tf`, a script). Values built here are indistinguishable
from parsed JSON, so the evaluator, the model and every finding's location work unchanged.
Offsets are code points into `source.text` (tree-sitter's byte offsets must be converted first).
"""
from __future__ import annotations

from byocni_lint.load.jsonc import JDict, JFloat, JInt, JList, JStr, Source
from byocni_lint.model.values import Unknown

_NODE_TYPES = {str: JStr, int: JInt, float: JFloat}


def located(value: object, source: Source, start: int, end: int) -> object:
    """`value` as a node written at `source[start:end]`; booleans, None and unknowns cannot carry a
    position themselves (their container's `scalar_spans` does: see `located_dict`)."""
    if isinstance(value, bool) or value is None or isinstance(value, Unknown):
        return value
    if isinstance(value, dict):
        return located_dict(value, source, start, end)
    if isinstance(value, list):
        return located_list(value, source, start, end)
    node_type = _NODE_TYPES.get(type(value)) or next((t for base, t in _NODE_TYPES.items() if isinstance(value, base)), None)
    if node_type is None:
        return value
    node = node_type(value)
    node.source, node.start, node.end = source, start, end
    return node


class _OpenJDict(JDict):
    """A container a front end built: it may carry a note of its own (the Bicep translator keeps an
    object's `bicep_text`), so it has a `__dict__`; parsed JSON containers, the bulk, have only slots."""


class _OpenJList(JList):
    """See `_OpenJDict`."""


def located_dict(items: dict, source: Source, start: int, end: int,
                 scalar_spans: dict | None = None) -> JDict:
    """An object node; `scalar_spans` maps keys of boolean/null/unknown members to their (start, end)."""
    return _container(_OpenJDict(items), source, start, end, scalar_spans)


def located_list(items: list, source: Source, start: int, end: int,
                 scalar_spans: dict | None = None) -> JList:
    """An array node; `scalar_spans` maps indexes of boolean/null/unknown items to their (start, end)."""
    return _container(_OpenJList(items), source, start, end, scalar_spans)


def _container(node, source: Source, start: int, end: int, scalar_spans: dict | None):
    node.source, node.start, node.end = source, start, end
    node.scalar_spans = dict(scalar_spans or {})
    return node


def set_member(container: JDict | JList, key: object, value: object, start: int, end: int) -> None:
    """Put `value` (already a node, or a scalar) into `container[key]`, remembering where a scalar that
    cannot carry a position was written."""
    if isinstance(container, JList) and isinstance(key, int) and key == len(container):
        container.append(value)
    else:
        container[key] = value  # type: ignore[index,call-overload]
    if value is None or isinstance(value, (bool, Unknown)):
        container.scalar_spans[key] = (start, end)


def unknown_value(reason: str) -> Unknown:
    """A value the front end cannot know (known after apply, an unset variable): it reaches the rules as
    unknown with this reason, so they report a note and never guess."""
    return Unknown(reason)
