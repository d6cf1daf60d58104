"""Parser for the ARM template expression language: `[concat(parameters('a'), '/16')]` to a small AST.

Grammar (ARM template syntax reference, "Expressions"):
https://learn.microsoft.com/azure/azure-resource-manager/templates/template-expressions

    expression := value
    value      := literal | call | value '.' name | value '[' value ']' | value '.?' name | value '?[' value ']'
    call       := name ('.' name)? '(' [value (',' value)*] ')'     # `ns.fn(...)` for user-defined functions
    literal    := 'text with '' escapes' | integer | true | false | null

Each distinct expression text is parsed once (`parse_expression` is cached): compiled Bicep repeats the
same `[format(...)]` and `[resourceId(...)]` hundreds of times. Nesting (calls, and chains of `.x`/`[i]`)
and length are bounded, so a hostile expression fails here instead of exhausting the evaluator's stack.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

MAX_EXPRESSION_DEPTH = 64
MAX_NUMBER_LENGTH = 400
MAX_EXPRESSION_LENGTH = 24_576  # ARM rejects longer expressions ("Syntax and expressions in ARM templates")


class ExpressionError(ValueError):
    """A malformed expression; `offset` is the position inside the expression string (0-based)."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(f"{message} at character {offset + 1}")
        self.message = message
        self.offset = offset


# Syntax-tree nodes: immutable named tuples (cheap to define at start-up, compared by value in tests).
class Literal(NamedTuple):
    value: object


class Call(NamedTuple):
    name: str  # lower-case; ARM function names are case-insensitive
    args: tuple
    offset: int = 0


class Access(NamedTuple):
    target: object
    key: object  # a node: Literal for `.name`, any node for `[expr]`
    safe: bool = False


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^']|'')*')
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<name>[A-Za-z_$][A-Za-z0-9_$]*)
      | (?P<punct>\.\?|\?\[|[(),.\[\]])
    )""",
    re.VERBOSE,
)


_ACCESSORS = frozenset({".", ".?", "[", "?["})


def _tokenize(text: str) -> list[tuple[str, object, int]]:
    tokens = []
    pos = 0
    end = len(text)
    while pos < end:
        match = _TOKEN.match(text, pos)
        if match is None:
            bad = pos + len(text[pos:]) - len(text[pos:].lstrip())
            if bad == end:
                break
            if text[bad] == "'":
                raise ExpressionError("string literal is not closed", bad)
            raise ExpressionError(f"unexpected character {text[bad]!r}", bad)
        kind = match.lastgroup
        assert kind is not None  # every alternative of _TOKEN is a named group
        raw = match.group(kind)
        start = match.start(kind)
        if kind == "string":
            tokens.append(("literal", raw[1:-1].replace("''", "'"), start))
        elif kind == "number":
            if len(raw) > MAX_NUMBER_LENGTH:  # int() refuses 4,301+ digits; ARM integers are 64-bit
                raise ExpressionError(f"number of {len(raw)} characters, longer than any ARM number", start)
            tokens.append(("literal", float(raw) if "." in raw else int(raw), start))
        else:
            tokens.append((kind, raw, start))
        pos = match.end()
    tokens.append(("end", None, end))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.index = 0

    def peek(self) -> tuple[str, object, int]:
        return self.tokens[self.index]

    def take(self, kind: str, value: object = None) -> tuple[str, object, int]:
        token = self.tokens[self.index]
        if token[0] != kind or (value is not None and token[1] != value):
            expected = repr(value) if value is not None else kind
            found = "end of expression" if token[0] == "end" else repr(token[1])
            raise ExpressionError(f"expected {expected}, found {found}", token[2])
        self.index += 1
        return token

    def take_name(self) -> tuple[str, int]:
        """A name token's text and offset: the tokenizer makes name values strings."""
        _, name, offset = self.take("name")
        return str(name), offset

    def at(self, kind: str, value: object = None) -> bool:
        token = self.tokens[self.index]
        return token[0] == kind and (value is None or token[1] == value)

    def value(self, depth: int):
        self.check_depth(depth)
        kind, raw, offset = self.peek()
        if kind == "literal":
            self.index += 1
            node = Literal(raw)
        elif kind == "name":
            node = self.call_or_keyword(depth)
        else:
            found = "end of expression" if kind == "end" else repr(raw)
            raise ExpressionError(f"expected a value, found {found}", offset)
        return self.accessors(node, depth)

    def check_depth(self, depth: int) -> None:
        if depth > MAX_EXPRESSION_DEPTH:
            raise ExpressionError(f"expression nested deeper than {MAX_EXPRESSION_DEPTH} levels", self.peek()[2])

    def call_or_keyword(self, depth: int):
        name, offset = self.take_name()
        if self.at("punct", ".") and self.tokens[self.index + 1][0] == "name" and \
                self.tokens[self.index + 2][:2] == ("punct", "("):
            self.index += 1
            name = f"{name}.{self.take('name')[1]}"
        if not self.at("punct", "("):
            keyword = name.lower()
            if keyword in ("true", "false", "null"):
                return Literal({"true": True, "false": False, "null": None}[keyword])
            raise ExpressionError(f"expected '(' after function name {name!r}", offset + len(name))
        self.take("punct", "(")
        args = []
        if not self.at("punct", ")"):
            args.append(self.value(depth + 1))
            while self.at("punct", ","):
                self.index += 1
                args.append(self.value(depth + 1))
        self.take("punct", ")")
        return Call(name.lower(), tuple(args), offset)

    def accessors(self, node, depth: int):
        """`.x`, `[i]` and their safe forms; each link counts as a level, since evaluating a chain recurses."""
        tokens = self.tokens
        while True:
            kind, link, _ = tokens[self.index]
            if kind != "punct" or link not in _ACCESSORS:
                return node
            depth += 1
            self.check_depth(depth)
            self.index += 1
            if link == "." or link == ".?":
                node = Access(node, Literal(self.take("name")[1]), link == ".?")
            else:
                key = self.value(depth + 1)
                self.take("punct", "]")
                node = Access(node, key, link == "?[")


@lru_cache(maxsize=8192)
def parse_expression(text: str):
    """Parse the inside of `[...]` (without the brackets); raise ExpressionError when malformed."""
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(f"expression longer than ARM's limit of {MAX_EXPRESSION_LENGTH} characters", 0)
    parser = _Parser(text)
    node = parser.value(0)
    parser.take("end")
    return node


def expression_text(value: object) -> str | None:
    """The expression inside an ARM string value, or None for a literal (including `[[` escapes)."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == "[" and value[-1] == "]" and value[1:2] != "[":
        return value[1:-1]
    return None


def literal_text(value: str) -> str:
    """An ARM string that is not an expression; `[[` at the start stands for a literal `[`."""
    return value[1:] if value.startswith("[[") else value


def malformed_expressions(document: object):
    """Every expression string in a template that does not parse, with its error, wherever it is.

    ARM rejects a template with any malformed expression, even in a resource no rule reads, so the
    whole document is checked, not just what evaluation happens to touch.
    """
    stack = [document]
    pop, extend = stack.pop, stack.extend
    while stack:
        value = pop()
        if isinstance(value, str):  # most values: asked first
            if value[:1] == "[":
                text = expression_text(value)
                if text is not None:
                    try:
                        parse_expression(text)
                    except ExpressionError as error:
                        yield value, error
        elif isinstance(value, dict):
            extend(value)  # the property names: `[format(...)]` may be one
            extend(value.values())
        elif isinstance(value, list):
            extend(value)
