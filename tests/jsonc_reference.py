"""The JSONC parser as it was before the single-regex rewrite, kept only as a test oracle.

This is the recursive-descent parser of byocni_lint/load/jsonc.py at commit 6d31366, unchanged except
that it builds the real module's node classes and errors (so results compare by type and identity of
NO_SPANS). tests/test_jsonc_reference.py checks that the new parser returns exactly what this one
does (values, types, offsets, scalar_spans, duplicates) and fails with the same errors. Do not use it
in the program and do not "improve" it: its quirks are the behaviour being pinned.
"""
from __future__ import annotations

import json
import re

from byocni_lint.load.jsonc import (
    MAX_NUMBER_LENGTH,
    NO_SPANS,
    JDict,
    JFloat,
    JInt,
    JList,
    JsoncDepthError,
    JsoncError,
    JStr,
    Source,
)

_SKIP = re.compile(r"(?:[ \t\r\n\ufeff]+|//[^\n]*|/\*(?:[^*]|\*(?!/))*\*/)*")
# Strings as "unrolled loops" (a run of plain characters, then escape-and-run pairs): the same language as
# `"(?:[^"\\]|\\.)*"`, but the regex engine takes a run in one step instead of one alternation per character.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_LITERALS = {"true": True, "false": False, "null": None}
# Fast paths for the common layout (no comments between tokens); anything else takes the general path.
_KEY = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"[ \t\r\n]*:[ \t\r\n]*', re.DOTALL)
_AFTER_VALUE = re.compile(r"[ \t\r\n]*(,?)[ \t\r\n]*")


def _always(pattern: re.Pattern[str], text: str, pos: int) -> re.Match[str]:
    """`pattern.match` for _SKIP and _AFTER_VALUE: they also match the empty string, so never fail."""
    match = pattern.match(text, pos)
    assert match is not None
    return match


class _Parser:
    __slots__ = ("text", "source", "max_depth")

    def __init__(self, source: Source, max_depth: int) -> None:
        self.text = source.text
        self.source = source
        self.max_depth = max_depth

    def fail(self, message: str, offset: int) -> JsoncError:
        line, column = self.source.position(offset)
        return JsoncError(message, line, column)

    def skip(self, pos: int) -> int:
        pos = _always(_SKIP, self.text, pos).end()
        if self.text.startswith("/*", pos):
            raise self.fail("unterminated /* comment", pos)
        return pos

    def value(self, pos: int, depth: int):
        """Parse one value starting at `pos` (no leading whitespace); return (node, end)."""
        text = self.text
        char = text[pos : pos + 1]
        node: JStr | JInt | JFloat
        if char == '"':
            match = _STRING.match(text, pos)
            if match is None:
                raise self.fail("unterminated string", pos)
            end = match.end()
            raw = text[pos + 1 : end - 1]
            if "\\" in raw:
                try:
                    raw = json.loads(text[pos:end], strict=False)
                except ValueError:
                    raise self.fail("invalid escape in string", pos) from None
            node = JStr(raw)
        elif char == "{":
            return self.container(pos, depth, JDict(), "}")
        elif char == "[":
            return self.container(pos, depth, JList(), "]")
        elif char == "-" or char.isdigit():
            match = _NUMBER.match(text, pos)
            if match is None:
                raise self.fail("invalid number", pos)
            end = match.end()
            token = match.group()
            if end - pos > MAX_NUMBER_LENGTH:
                # Python refuses int() of 4,301+ digits (a ValueError that used to end the whole run);
                # ARM numbers are 64-bit, so such a literal is malformed input, not a number to compute.
                raise self.fail(f"number of {end - pos} characters, longer than any ARM number", pos)
            node = JFloat(token) if match.group(1) or match.group(2) else JInt(token)
        else:
            for word, literal in _LITERALS.items():
                if text.startswith(word, pos):
                    return literal, pos + len(word)
            if not char:
                raise self.fail("unexpected end of file", pos)
            raise self.fail(f"unexpected character {char!r}", pos)
        node.source = self.source
        node.start = pos
        node.end = end
        return node, end

    def container(self, pos: int, depth: int, node, closer: str):
        if depth >= self.max_depth:
            line, column = self.source.position(pos)
            raise JsoncDepthError(f"nesting deeper than {self.max_depth} levels", line, column)
        text = self.text
        is_object = closer == "}"
        node.source = self.source
        node.start = pos
        node.scalar_spans = NO_SPANS
        if text.startswith(closer, pos + 1):  # `{}` and `[]` are common (dependsOn, properties): no scan
            node.end = pos + 2
            return node, pos + 2
        pos = self.skip(pos + 1)
        names: set[str] = set()
        slot: str | int
        while not text.startswith(closer, pos):
            if is_object:
                name_start = pos
                slot, pos = self.member_name(pos, depth)
                lowered = slot.lower()
                if lowered in names:
                    self.source.duplicates.append((slot, name_start, name_start + len(slot) + 2))
                names.add(lowered)
                start = pos
                member, pos = self.value(pos, depth + 1)
                node[slot] = member
            else:
                start = pos
                member, pos = self.value(pos, depth + 1)
                node.append(member)
                slot = len(node) - 1
            if member is None or member is True or member is False:
                if node.scalar_spans is NO_SPANS:
                    node.scalar_spans = {}
                node.scalar_spans[slot] = (start, pos)
            pos, comma = self.separator(pos)
            if not comma and not text.startswith(closer, pos):
                what = "object member" if is_object else "array element"
                raise self.fail(f"expected ',' or '{closer}' after {what}", pos)
            # A comma right before the closer is a trailing comma, which ARM accepts.
        node.end = pos + 1
        return node, pos + 1

    def member_name(self, pos: int, depth: int) -> tuple[str, int]:
        """A property name and the colon after it; returns the name and where its value starts."""
        text = self.text
        match = _KEY.match(text, pos)
        if match is not None and not text.startswith("/", match.end()):
            name = match.group(1)
            if "\\" in name:
                name = str(self.value(pos, depth + 1)[0])
            return name, match.end()
        if not text.startswith('"', pos):
            raise self.fail("expected a quoted property name", pos)
        key, pos = self.value(pos, depth + 1)
        pos = self.skip(pos)
        if not text.startswith(":", pos):
            raise self.fail("expected ':' after property name", pos)
        return str(key), self.skip(pos + 1)

    def separator(self, pos: int) -> tuple[int, bool]:
        """Skip to the next member: whitespace, comments and at most one comma."""
        match = _always(_AFTER_VALUE, self.text, pos)
        if not self.text.startswith("/", match.end()):
            return match.end(), bool(match.group(1))
        pos = self.skip(pos)
        if self.text.startswith(",", pos):
            return self.skip(pos + 1), True
        return pos, False


def parse(text: str, path: str = "<string>", max_depth: int = 200):
    """Parse JSONC text into position-carrying nodes; raise JsoncError on malformed input."""
    import gc

    source = Source(path, text)
    parser = _Parser(source, max_depth)
    # Parsed JSON has no reference cycles, yet every container it allocates makes the cyclic collector
    # walk all live objects again: three 4 MB files of `{}` took 28 s instead of 10. It stays off while
    # parsing only.
    collecting = gc.isenabled()
    gc.disable()
    try:
        pos = parser.skip(0)
        node, pos = parser.value(pos, 0)
        pos = parser.skip(pos)
    finally:
        if collecting:
            gc.enable()
    if pos != len(text):
        raise parser.fail("unexpected content after the top-level value", pos)
    return node
