"""Translated Bicep values: a literal node that keeps its position, or an ARM expression text.

Bicep literals become the position-carrying nodes of `load.jsonc` (so a finding on a literal points at
the Bicep text); anything computed becomes an ARM expression, the way the Bicep compiler emits it,
located at the Bicep expression it came from.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeGuard

from byocni_lint.load.jsonc import JDict, JList, JStr, Source
from byocni_lint.load.nodes import located, located_dict, located_list

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class Lit:
    """A literal value, already a node (booleans/None carry their span here, for their container)."""

    node: object
    start: int
    end: int


@dataclass
class Ex:
    """An ARM expression (without the brackets)."""

    text: str
    start: int
    end: int


Value = Lit | Ex


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def arm_text(value: Value) -> str:
    """The value as ARM expression text (a literal becomes `'text'`, `createObject(...)`, ...)."""
    if isinstance(value, Ex):
        return value.text
    return literal_text(value.node)


def literal_text(node: object) -> str:
    if isinstance(node, bool):
        return "true()" if node else "false()"
    if node is None:
        return "null()"
    if isinstance(node, str):
        text = str(node)
        if text.startswith("[[") :
            return quote(text[1:])
        if text.startswith("[") and text.endswith("]"):
            return text[1:-1]  # an expression member of a literal container
        return quote(text)
    if isinstance(node, int):
        return str(int(node)) if node >= 0 else f"sub(0, {-int(node)})"
    if isinstance(node, float):
        return f"json('{float(node)}')"
    if isinstance(node, dict):
        if getattr(node, "bicep_text", None):
            return node.bicep_text  # type: ignore[attr-defined]
        members = ", ".join(f"{quote(str(k))}, {literal_text(v)}" for k, v in node.items())
        return f"createObject({members})"
    if isinstance(node, list):
        return f"createArray({', '.join(literal_text(v) for v in node)})"
    return "null()"


def as_node(value: Value, source: Source) -> object:
    """The value as a JSON node of the produced template."""
    if isinstance(value, Lit):
        node = value.node
        if isinstance(node, str) and node.startswith("["):
            return located("[" + node, source, value.start, value.end)  # ARM's escape for a leading bracket
        return node
    return located(f"[{value.text}]", source, value.start, value.end)


def member_text(base: str, name: str) -> str:
    return f"{base}.{name}" if _IDENTIFIER.match(name) else f"{base}[{quote(name)}]"


def obj(items: list[tuple[str, Value]], source: Source, start: int, end: int) -> JDict:
    node = located_dict({}, source, start, end)
    for key, value in items:
        node[key] = as_node(value, source)
        if isinstance(value, Lit) and (value.node is None or isinstance(value.node, bool)):
            node.scalar_spans[key] = (value.start, value.end)
    return node


def arr(items: list[Value], source: Source, start: int, end: int) -> JList:
    node = located_list([], source, start, end)
    for index, value in enumerate(items):
        node.append(as_node(value, source))
        if isinstance(value, Lit) and (value.node is None or isinstance(value.node, bool)):
            node.scalar_spans[index] = (value.start, value.end)
    return node


def lit_str(text: str, source: Source, start: int, end: int) -> Lit:
    return Lit(located(text, source, start, end), start, end)


def is_lit_str(value: Value) -> TypeGuard[Lit]:
    return isinstance(value, Lit) and isinstance(value.node, str)


__all__ = ["Ex", "JStr", "Lit", "Value", "arm_text", "arr", "as_node", "is_lit_str", "lit_str", "member_text", "obj", "quote"]
