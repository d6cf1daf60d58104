"""JSON with comments and trailing commas (what ARM accepts), parsed once, every value keeping its position.

Why not `json.loads`: real templates carry `//` and `/* */` comments and trailing commas (see the corpus),
and every finding must point at the line and column of the value that causes it. Like cfn-lint's
`decode/` nodes, strings, numbers, objects and arrays come back as subclasses of the builtin types, so
the rest of the program treats them as plain values while a finding can ask where one was written.
Because the nodes survive evaluation unchanged (`parameters('x')` hands back the very same node),
a value that came from a parameter default or a parameters file still knows its origin.

Positions are byte-cheap: a node stores two offsets; line and column are computed only when a
finding needs them.
"""
from __future__ import annotations

import functools
import json
import re
from bisect import bisect_right

from byocni_lint.findings import Span


class JsoncError(ValueError):
    """Malformed input, with the 1-based line and column where the parser gave up."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"{message} (line {line}, column {column})")
        self.message = message
        self.line = line
        self.column = column


class JsoncDepthError(JsoncError):
    """Nesting deeper than the limit: hostile or broken input, reported as BYO903."""


class Source:
    """One parsed file: its display path and text, with a lazily built line index."""

    __slots__ = ("duplicates", "path", "text", "_line_starts")

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self._line_starts: list[int] | None = None
        self.duplicates: list[tuple[str, int, int]] = []
        """Property names written twice in one object (ARM compares them case-insensitively and keeps
        one): (name, start, end) of the later occurrence, so it can be reported where it is."""

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column), columns counted in code points."""
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        index = bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(line, column, end_line, end_column)


class JStr(str):
    source: Source
    start: int
    end: int


class JInt(int):
    source: Source
    start: int
    end: int


class JFloat(float):
    __slots__ = ("source", "start", "end")
    source: Source
    start: int
    end: int


# Containers are most of a parsed file's nodes; slots instead of a per-node __dict__, and one shared
# empty `scalar_spans` until a member needs one, keep a 4 MB file of `{}` from costing gigabytes.
# (str and int subclasses cannot have slots.) `raw` is the written form of a rebuilt container.
_CONTAINER_SLOTS = ("source", "start", "end", "scalar_spans", "raw")
NO_SPANS: dict = {}  # shared: never written to (the parser gives a container its own dict first)


class JDict(dict):
    """An object; `scalar_spans` keeps offsets of `true`/`false`/`null` members, which cannot carry them."""

    __slots__ = _CONTAINER_SLOTS
    source: Source
    start: int
    end: int
    scalar_spans: dict
    raw: object


class JList(list):
    __slots__ = _CONTAINER_SLOTS
    source: Source
    start: int
    end: int
    scalar_spans: dict
    raw: object


# The grammar as one regex per place in a container, each taking whatever comes there in one match:
# past a value, the comma, the next name, its colon and the value after it (all but the contents of a
# nested container), skipping whitespace and comments on the way. One regex call per member and one loop
# with an explicit stack (no recursion, no method call per value) make the parser about twice as fast
# as the recursive-descent one it replaced, which tests/jsonc_reference.py keeps as the tests' oracle.
# When a pattern does not match, the error path for that place retraces the old parser's steps, so
# messages and positions stay what they were.
#
# The gap is written so that it can be split in only one way: a whitespace run or a comment is always
# taken whole (a `//` comment runs to the end of its line), so when what follows it does not match the
# regex engine backtracks through the gap in linear time, and cannot find a token inside a comment.
# Optional parts are written as alternatives that start with a literal (`(?:/...|)`, not `(?:...)?`):
# the engine passes such an alternative after one character comparison. The gap itself is one repeat:
# spelling out its first comment the same way matched about 8% faster but wrote the comment pattern
# three times into every gap, and compiling the patterns took 10 ms instead of 4 ms of each cold start.
_COMMENT = r"/(?:/[^\n]*(?![^\n])|\*[^*]*\*+(?:[^/*][^*]*\*+)*/)"
_GAP = rf"[ \t\r\n]*(?:(?:{_COMMENT}|\ufeff)[ \t\r\n]*)*"
# A string's contents as an "unrolled loop" (a run of plain characters, then escape-and-run pairs): the same
# language as `(?:[^"\\]|\\.)*`, but the regex engine takes a run in one step instead of one alternation
# per character.
_CONTENTS = r'[^"\\]*(?:\\.[^"\\]*(?:\\.[^"\\]*)*|)'
# A value is the last thing a pattern matches, so it ends at match.end(); `lastindex` says which kind it
# is. Group 1 holds a member's name (it is empty in arrays and at the top, so that every pattern numbers
# the value groups alike); 2 a string's contents, 3 and 4 are empty groups after an opening bracket;
# a number is its integer part (5) with an optional fraction (6) and exponent (7), the last of which that
# matched says whether it is a float; 8 to 10 follow the literals and 11 the container's closer.
_VALUES = (rf'"({_CONTENTS})"|\{{()|\[()|(-?(?:0|[1-9][0-9]*))(?:\.([0-9]+)|)(?:[eE]([-+]?[0-9]+)|)'
           "|true()|false()|null()")
_NAME, _STR, _OBJECT, _ARRAY, _INT, _TRUE, _CLOSE = 1, 2, 3, 4, 5, 8, 11
_LITERALS = {8: (True, 4), 9: (False, 5), 10: (None, 4)}


@functools.cache  # compiled on first use: most runs never see a byte order mark
def _patterns(mark: bool, escapes: bool) -> tuple[re.Pattern[str], ...]:
    """Patterns for the top level, an object's first and next members, an array's first and next elements.

    Where the old parser's fast paths (which skipped only [ \t\r\n]) met a byte order mark after a value
    or after a name's colon, they stopped at it and failed, while its full skip passes over one. For
    text holding a mark (`mark`), the patterns decline those cases with a negative lookahead, leaving
    them to the error paths; text without one (nearly all) pays nothing for this.

    Text without a backslash (`escapes` false; generated templates, most real ones) can have no escape,
    so its strings are `[^"]*`, which the regex engine scans several times faster than `[^"\\\\]`.
    """
    contents = _CONTENTS if escapes else '[^"]*'
    values = _VALUES.replace(_CONTENTS, contents)
    after_value = "(?![ \t\r\n]*,?[ \t\r\n]*\ufeff)" if mark else ""
    after_name = "(?![ \t\r\n]*:[ \t\r\n]*\ufeff)" if mark else ""
    member = rf'(?:"({contents})"{after_name}{_GAP}:{_GAP}(?:{values}|)|\}}())'
    element = rf"()(?:{values}|\]())"
    comma = rf"{after_value}{_GAP}(?:,{_GAP}|(?=[{{closer}}]))"  # a comma, or no comma before the closer
    return tuple(re.compile(pattern, re.DOTALL) for pattern in (
        rf"{_GAP}()(?:{values})", _GAP + member, comma.format(closer=r"\}") + member,
        _GAP + element, comma.format(closer=r"\]") + element))


_SKIP = re.compile(_GAP)
_STRING = re.compile(rf'"{_CONTENTS}"', re.DOTALL)
# The old parser's fast paths, which the error paths retrace.
_KEY = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"[ \t\r\n]*:[ \t\r\n]*', re.DOTALL)
_AFTER_VALUE = re.compile(r"[ \t\r\n]*(,?)[ \t\r\n]*")
MAX_NUMBER_LENGTH = 400  # far beyond 64-bit integers and doubles, far below Python's int-string limit


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

    def decode(self, start: int, end: int) -> str:
        """The string literal text[start:end] with its escapes decoded as json does."""
        try:
            return json.loads(self.text[start:end], strict=False)
        except ValueError:
            raise self.fail("invalid escape in string", start) from None

    def parse(self):
        """The top-level value and where it ends."""
        text, source, max_depth = self.text, self.source, self.max_depth
        top, first_member, next_member, first_element, next_element = (
            pattern.match for pattern in _patterns("\ufeff" in text, "\\" in text))
        duplicates = source.duplicates
        # Names already built, with their lowered forms (ARM compares names case-insensitively): a file
        # repeats few distinct names many times, and one string per name is stored instead of one per use.
        known: dict[str, tuple[str, str]] = {}
        # The innermost open container with the lowered names seen in it (None for an array); the
        # enclosing ones wait on the stack. At the top level there is no container.
        node: JDict | JList | None = None
        names: set[str] | None = None
        stack: list[tuple[JDict | JList | None, set[str] | None]] = []
        name = ""
        match = top
        pos = 0
        while True:
            found = match(text, pos)
            if found is None:
                raise self.mismatch(node, pos)
            kind = found.lastindex
            if names is not None and kind != _CLOSE:
                raw = found.group(1)
                entry = known.get(raw)
                if entry is None:
                    decoded = self.decode(found.start(1) - 1, found.end(1) + 1) if "\\" in raw else raw
                    entry = known[raw] = (decoded, decoded.lower())
                name, lowered = entry
                if lowered in names:
                    start = found.start(1) - 1
                    duplicates.append((name, start, start + len(name) + 2))
                names.add(lowered)
                if kind == _NAME:  # a name and its colon, but no value after them
                    raise self.value_error(self.skip(found.end()))
            member: JStr | JInt | JFloat | JDict | JList | bool | None
            if kind == _STR:
                start, pos = found.span(2)
                raw = text[start:pos]
                start -= 1
                pos += 1
                member = JStr(self.decode(start, pos) if "\\" in raw else raw)
            elif kind == _OBJECT or kind == _ARRAY:
                pos = found.end()
                start = pos - 1
                if len(stack) >= max_depth:
                    line, column = source.position(start)
                    raise JsoncDepthError(f"nesting deeper than {max_depth} levels", line, column)
                container = JDict() if kind == _OBJECT else JList()
                container.source = source
                container.start = start
                container.scalar_spans = NO_SPANS
                if names is not None:
                    node[name] = container  # type: ignore[index]
                elif node is not None:
                    node.append(container)  # type: ignore[union-attr]
                stack.append((node, names))
                node = container
                if kind == _OBJECT:
                    names = set()
                    match = first_member
                else:
                    names = None
                    match = first_element
                continue
            elif kind == _CLOSE:
                pos = found.end()
                closed = node
                closed.end = pos  # type: ignore[union-attr]
                node, names = stack.pop()
                if names is not None:
                    match = next_member
                elif node is not None:
                    match = next_element
                else:
                    return closed, pos
                continue
            elif kind < _TRUE:
                start = found.start(_INT)
                pos = found.end()
                if pos - start > MAX_NUMBER_LENGTH:
                    # Python refuses int() of 4,301+ digits (a ValueError that used to end the whole run);
                    # ARM numbers are 64-bit, so such a literal is malformed input, not a number to compute.
                    raise self.fail(f"number of {pos - start} characters, longer than any ARM number", start)
                member = JInt(text[start:pos]) if kind == _INT else JFloat(text[start:pos])
            else:
                member, length = _LITERALS[kind]
                pos = found.end()
                if node is not None:
                    if node.scalar_spans is NO_SPANS:
                        node.scalar_spans = {}
                    node.scalar_spans[name if names is not None else len(node)] = (pos - length, pos)
            if kind < _TRUE:  # a string or a number: a node that keeps where it was written
                member.source = source
                member.start = start
                member.end = pos
            if names is not None:
                node[name] = member  # type: ignore[index]
                match = next_member
            elif node is not None:
                node.append(member)  # type: ignore[union-attr]
                match = next_element
            else:
                return member, pos

    def mismatch(self, node: JDict | JList | None, pos: int) -> JsoncError:
        """Why the pattern for this place did not match at `pos`: at the top, right after a container's
        opening bracket (the only place `pos` is one past its start), or after one of its values."""
        if node is None:
            return self.value_error(self.skip(pos))
        is_object = type(node) is JDict
        if pos == node.start + 1:
            return self.member_error(pos) if is_object else self.value_error(self.skip(pos))
        text = self.text
        fast = _always(_AFTER_VALUE, text, pos)
        if text.startswith("\ufeff", fast.end()):
            # The old fast path past a value stopped at a byte order mark, and what it expected there failed.
            pos = fast.end()
            if fast.group(1):
                return self.fail("expected a quoted property name", pos) if is_object else self.value_error(pos)
        else:
            pos = self.skip(pos)
            if text.startswith(",", pos):  # what follows the comma failed
                return self.member_error(pos + 1) if is_object else self.value_error(self.skip(pos + 1))
        closer, what = ("}", "object member") if is_object else ("]", "array element")
        return self.fail(f"expected ',' or '{closer}' after {what}", pos)

    def value_error(self, pos: int) -> JsoncError:
        """Why no value starts at `pos`."""
        char = self.text[pos : pos + 1]
        if char == '"':
            return self.fail("unterminated string", pos)
        if char == "-" or char.isdigit():
            return self.fail("invalid number", pos)
        if not char:
            return self.fail("unexpected end of file", pos)
        return self.fail(f"unexpected character {char!r}", pos)

    def member_error(self, pos: int) -> JsoncError:
        """Why no member (nor `}`) follows at `pos`."""
        text = self.text
        pos = self.skip(pos)
        key = _KEY.match(text, pos)
        if key is not None and not text.startswith("/", key.end()):
            # The old fast path for a name: the name decodes, but the value after it is a byte order mark.
            self.decode(pos, key.end(1) + 1)
            return self.value_error(key.end())
        if not text.startswith('"', pos):
            return self.fail("expected a quoted property name", pos)
        string = _STRING.match(text, pos)
        if string is None:
            return self.fail("unterminated string", pos)
        self.decode(pos, string.end())
        return self.fail("expected ':' after property name", self.skip(string.end()))


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
        node, pos = parser.parse()
        pos = parser.skip(pos)
    finally:
        if collecting:
            gc.enable()
    if pos != len(text):
        raise parser.fail("unexpected content after the top-level value", pos)
    return node
