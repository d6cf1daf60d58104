"""HCL files parsed by tree-sitter-hcl into blocks and attributes that know where they were written.

Why a real grammar: locations must be the line and column of the value in the `.tf` the user edits,
and python-hcl2 gives none. tree-sitter reports byte offsets; every position here is converted to
code-point offsets into the text (what `load.jsonc.Source` and the model count in).
Only the structure is built here (blocks, labels, attributes with their expression subtrees);
expressions are interpreted by their users (`literal` below for plain constants, `config` for the
static evaluation of a configuration).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from byocni_lint.load.jsonc import Source

if TYPE_CHECKING:  # tree-sitter is imported lazily at parse time
    from tree_sitter import Node


class HclSyntaxError(ValueError):
    def __init__(self, message: str, start: int, end: int) -> None:
        super().__init__(message)
        self.start, self.end = start, end


@dataclass
class Attribute:
    name: str
    expr: Node  # the tree-sitter `expression` node
    start: int  # the value's code-point offsets
    end: int
    name_start: int


@dataclass
class Block:
    type: str
    labels: list[str]
    body: "Body"
    start: int
    end: int
    header_end: int  # end of the line `resource "x" "y" {` (where the block is reported)


@dataclass
class Body:
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    def blocks_named(self, name: str) -> list[Block]:
        return [block for block in self.blocks if block.type == name]


@dataclass
class HclFile:
    source: Source
    body: Body
    offsets: "Offsets"


class Offsets:
    """Byte offsets of one text to code-point offsets (identity for ASCII text, the common case)."""

    def __init__(self, text: str, data: bytes) -> None:
        self._ascii = len(text) == len(data)
        self._data = data

    def __call__(self, byte_offset: int) -> int:
        return byte_offset if self._ascii else len(self._data[:byte_offset].decode("utf-8", "replace"))


@lru_cache(maxsize=1)
def _parser():
    import tree_sitter
    import tree_sitter_hcl

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))


def parse(text: str, path: str) -> HclFile:
    """The file's blocks and attributes; HclSyntaxError (with code-point offsets) where the grammar fails."""
    data = text.encode("utf-8")
    tree = _parser().parse(data)
    offsets = Offsets(text, data)
    root = tree.root_node
    if root.has_error:
        bad = _first_error(root)
        raise HclSyntaxError("HCL syntax error" if bad.type == "ERROR" else f"missing {bad.type}",
                             offsets(bad.start_byte), offsets(bad.end_byte))
    body_node = next((child for child in root.named_children if child.type == "body"), None)
    try:
        return HclFile(Source(path, text), _body(body_node, offsets) if body_node else Body(), offsets)
    except RecursionError:
        raise HclSyntaxError("blocks nested too deeply", 0, 0) from None


def _first_error(node):
    for child in node.children:
        if child.type == "ERROR" or child.is_missing:
            return child
        if child.has_error:
            return _first_error(child)
    return node


def _body(node, offsets: Offsets) -> Body:
    body = Body()
    for child in node.named_children:
        if child.type == "attribute":
            name_node, expr = child.named_children[0], child.named_children[-1]
            body.attributes[name_node.text.decode()] = Attribute(
                name_node.text.decode(), expr, offsets(expr.start_byte), offsets(expr.end_byte), offsets(child.start_byte))
        elif child.type == "block":
            labels = [label_text(label) for label in child.named_children[1:] if label.type in ("string_lit", "identifier")]
            inner = next((c for c in child.named_children if c.type == "body"), None)
            opening = next((c for c in child.named_children if c.type == "block_start"), child)
            body.blocks.append(Block(child.named_children[0].text.decode(), labels,
                                     _body(inner, offsets) if inner else Body(),
                                     offsets(child.start_byte), offsets(child.end_byte), offsets(opening.end_byte)))
    return body


def label_text(node) -> str:
    if node.type == "identifier":
        return node.text.decode()
    literal = next((c for c in node.named_children if c.type == "template_literal"), None)
    return literal.text.decode() if literal is not None else ""


class NotLiteral(Exception):
    """The expression is more than a constant (a reference, a function call, an interpolation)."""


def unwrap(node):
    """The meaningful node under `expression` / `literal_value` / `collection_value` wrappers."""
    while node.type in ("expression", "literal_value", "collection_value") and node.named_child_count == 1:
        node = node.named_children[0]
    return node


def literal(expr) -> object:
    """A constant expression's value (strings, numbers, bools, null, tuples, objects), else NotLiteral."""
    node = unwrap(expr)
    kind = node.type
    if kind == "string_lit" or kind == "template_expr":
        parts = [c for c in (node.named_children if kind == "string_lit" else node.named_children[0].named_children)
                 if c.type not in ("quoted_template_start", "quoted_template_end")]
        if all(part.type == "template_literal" for part in parts):
            return "".join(part.text.decode() for part in parts)
        raise NotLiteral
    if kind == "numeric_lit":
        text = node.text.decode()
        return float(text) if any(c in text for c in ".eE") else int(text)
    if kind == "bool_lit":
        return node.text.decode() == "true"
    if kind == "null_lit":
        return None
    if kind == "tuple":
        return [literal(child) for child in node.named_children if child.type == "expression"]
    if kind == "object":
        result = {}
        for elem in (c for c in node.named_children if c.type == "object_elem"):
            key_node = unwrap(elem.named_children[0])
            key = key_node.text.decode() if key_node.type in ("variable_expr", "identifier") else literal(key_node)
            result[str(key)] = literal(elem.named_children[-1])
        return result
    raise NotLiteral


def member_span(expr, key: str, offsets: Offsets) -> tuple[int, int] | None:
    """Code-point offsets of the value of `key` in an object expression (`{ version = "~> 3.5" }`)."""
    node = unwrap(expr)
    if node.type != "object":
        return None
    for elem in (c for c in node.named_children if c.type == "object_elem"):
        key_node = unwrap(elem.named_children[0])
        if key_node.text.decode().strip('"') == key:
            value = elem.named_children[-1]
            return offsets(value.start_byte), offsets(value.end_byte)
    return None
