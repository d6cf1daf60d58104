"""Shell words with positions: a POSIX-style tokenizer for the commands that scripts run.

Why our own tokenizer and not `shlex`: every finding must point at the flag value in the file, and
`shlex` does not say where a token started; it also knows nothing of `$VAR`, `$(...)` or heredocs.
This scanner follows the shell's quoting rules (single quotes, double quotes with `$` and `\\`
escapes, backslash-newline continuations, comments) and splits commands at `;`, `&`, `|`, `&&`,
`||`, newlines and parentheses, which is all the linter needs: it never runs anything.

Text that a templating layer expanded before the shell saw it (a workflow's `${{ }}`, a Makefile's
`$(VAR)`) arrives already substituted; a substitution the front end could not resolve arrives as a
private-use placeholder character that makes the word unknown (see `Snippet.unknown`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from byocni_lint.frontends.azcli.commands import Ref

MAX_NESTING = 20  # `$(...)` inside `$(...)`: real scripts nest two or three deep
PLACEHOLDER_BASE = 0xE000  # private-use code points stand for unresolved template substitutions


@dataclass
class Snippet:
    """Script text with, for each character, its offset in the file the user edits."""

    text: str
    offsets: list[int]  # len(text) + 1 entries
    reasons: list[str] = field(default_factory=list)  # placeholder k -> why it is unknown
    ends: list[int] | None = None  # per character, where its source ends (an expansion: the reference's end)

    @classmethod
    def plain(cls, text: str, base: int = 0) -> "Snippet":
        return cls(text, list(range(base, base + len(text) + 1)))

    def at(self, index: int) -> int:
        return self.offsets[min(index, len(self.offsets) - 1)]

    def end(self, index: int) -> int:
        """Where the text before `index` ends in the file."""
        if index <= 0 or self.ends is None:
            return self.at(index)
        return self.ends[min(index, len(self.ends)) - 1]

    def latest_end(self, a: int, b: int) -> int:
        """`max(self.end(k) for k in a+1..b)`: where the characters a..b-1 end at the latest (those of an
        expanded value end where its reference does, so ends need not grow with the index)."""
        values = self.offsets[a + 1:b + 1] if self.ends is None else self.ends[a:b]
        return max(values) if values else self.end(b)

    def slice(self, a: int, b: int) -> "Snippet":
        return Snippet(self.text[a:b], self.offsets[a:b + 1], self.reasons,
                       self.ends[a:b] if self.ends is not None else None)


@dataclass
class Piece:
    """A run of a word's characters: literal text, or an unknown value with the reason."""

    text: str
    start: int
    end: int
    unknown: str | None = None
    ref: Ref | None = None  # what a `$(az ... --query id)` substitution names (see commands.Ref)


@dataclass
class Word:
    """One shell word after expansion: its text (None when any part is unknown) and where it was written."""

    pieces: list[Piece]
    raw: str  # the word as written, for comparing two unresolved words

    @property
    def start(self) -> int:
        return self.pieces[0].start if self.pieces else 0

    @property
    def end(self) -> int:
        return self.pieces[-1].end if self.pieces else 0

    @property
    def unknown(self) -> str | None:
        return next((p.unknown for p in self.pieces if p.unknown), None)

    @property
    def text(self) -> str | None:
        return None if self.unknown else "".join(p.text for p in self.pieces)

    @property
    def ref(self) -> Ref | None:
        """The resource a word names when it is exactly one `$(az ... --query id)` value."""
        refs = [p.ref for p in self.pieces if p.ref is not None]
        others = [p for p in self.pieces if p.ref is None and (p.text or p.unknown)]
        return refs[0] if len(refs) == 1 and not others else None


@dataclass
class Command:
    """A simple command: its words (assignments already applied) and whether it runs conditionally."""

    words: list[Word]
    start: int
    end: int
    redirects: list[Word] = field(default_factory=list)  # targets of `>`/`>>` (e.g. "$GITHUB_OUTPUT")


Env = dict[str, Word]
Substitute = Callable[[list[Command], int, int], Piece]
"""Turns the commands of a `$(...)` into the piece it expands to (see commands.substitution)."""

_KEYWORDS_OPEN = {"if", "while", "until", "for", "case", "select", "{", "("}
_KEYWORDS_CLOSE = {"fi", "done", "esac", "}", ")"}
_PREFIX = {"then", "do", "else", "elif", "!", "time", "if", "while", "until", "{"}
_ASSIGNERS = {"export", "local", "readonly", "declare", "typeset"}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_OPERATORS = set(";&|()\n")
_PRIVATE_USE = "\ue000-\uf8ff"  # where placeholders live (PLACEHOLDER_BASE on)
# Runs of characters that are plain text in an unquoted word / inside double quotes: taken in one step
# instead of one by one. Private-use characters are left out: they may be placeholders.
_UNQUOTED_RUN = re.compile(f"[^ \t\r;&|()\n<>\\\\'\"$`{_PRIVATE_USE}]+")
_DOUBLE_QUOTED_RUN = re.compile(f"[^\"\\\\$`{_PRIVATE_USE}]+")
_PLACEHOLDER_CANDIDATE = re.compile(f"[{_PRIVATE_USE}]")


def _unknown_piece(reason: str, start: int, end: int) -> Piece:
    return Piece("", start, end, unknown=reason)


class _Scanner:
    def __init__(self, snippet: Snippet, env: Env, substitute: Substitute | None, depth: int = 0,
                 nesting: int = 0) -> None:
        self.nesting = nesting  # how many `$(...)` this text is inside (hostile input nests without end)
        self.s = snippet
        self.t = snippet.text
        self.env = env
        self.substitute = substitute
        self.i = 0
        self.depth = depth  # nesting of if/loops/functions: assignments there are not certain
        self.heredocs: list[tuple[str, bool]] = []
        self.commands: list[Command] = []

    # ----- helpers -----
    def off(self, index: int) -> int:
        return self.s.at(index)

    def placeholder(self, ch: str) -> str | None:
        k = ord(ch) - PLACEHOLDER_BASE
        if 0 <= k < len(self.s.reasons):
            return self.s.reasons[k]
        return None

    def skip_blanks(self) -> None:
        t = self.t
        while self.i < len(t):
            if t[self.i] in " \t\r":
                self.i += 1
            elif t.startswith("\\\n", self.i):
                self.i += 2
            elif t[self.i] == "#":
                while self.i < len(t) and t[self.i] != "\n":
                    self.i += 1
            else:
                return

    def skip_heredocs(self) -> None:
        """After a newline, skip the bodies of heredocs opened on the line just ended."""
        t = self.t
        for delimiter, strip in self.heredocs:
            while self.i < len(t):
                end = t.find("\n", self.i)
                end = len(t) if end < 0 else end
                line = t[self.i:end]
                self.i = end + 1
                if (line.lstrip("\t") if strip else line) == delimiter:
                    break
        self.heredocs = []

    # ----- commands -----
    def run(self) -> list[Command]:
        t = self.t
        while self.i < len(t):
            self.skip_blanks()
            if self.i >= len(t):
                break
            ch = t[self.i]
            if ch in _OPERATORS:
                self.i += 1
                if ch == "\n":
                    self.skip_heredocs()
                elif ch == "(":
                    self.depth += 1
                elif ch == ")":
                    self.depth = max(0, self.depth - 1)
                continue
            self.command()
        return self.commands

    def command(self) -> None:
        start = self.i
        words: list[Word] = []
        self.targets: list[Word] = []
        while True:
            self.skip_blanks()
            if self.i >= len(self.t) or self.t[self.i] in _OPERATORS:
                break
            if self.t[self.i] in "<>":
                self.redirect(words)
                continue
            word = self.word()
            if word is not None:
                words.append(word)
        self.finish(words, start)

    def redirect(self, words: list[Word]) -> None:
        """Drop a redirection and its target; remember heredoc delimiters so their bodies are skipped."""
        if words and words[-1].raw.isdigit() and self.s.end(self.i) == words[-1].end:
            words.pop()
        t = self.t
        if t.startswith("<<", self.i):
            self.i += 2
            strip = t.startswith("-", self.i)
            self.i += 1 if strip else 0
            if t.startswith("<", self.i):  # here-string <<< word
                self.i += 1
                self.skip_blanks()
                self.word()
                return
            self.skip_blanks()
            delimiter = self.word()
            if delimiter is not None:
                self.heredocs.append((re.sub(r"[\"'\\]", "", delimiter.raw), strip))
            return
        while self.i < len(t) and t[self.i] in "<>&|":
            self.i += 1
        self.skip_blanks()
        if self.i < len(t) and t[self.i] not in _OPERATORS:
            target = self.word()
            if target is not None:
                self.targets.append(target)

    def finish(self, words: list[Word], start: int) -> None:
        while words and words[0].raw in _PREFIX:
            if words[0].raw in _KEYWORDS_OPEN:
                self.depth += 1
            words.pop(0)
        while words and words[0].raw in _KEYWORDS_CLOSE:
            self.depth = max(0, self.depth - 1)
            words.pop(0)
        if not words:
            return
        first = words[0].raw
        if first in ("for", "select", "case", "while", "until"):
            self.depth += 1
            if first in ("for", "select") and len(words) > 1:
                self.env[words[1].raw] = _unset_word(words[1], "a loop variable")
            return
        if first == "function" or (len(words) >= 1 and first.endswith("()")):
            self.depth += 1
            return
        if first == "read":
            for word in words[1:]:
                if _NAME.match(word.raw):
                    self.env[word.raw] = _unset_word(word, "read at run time")
            return
        assignments = words
        if first in _ASSIGNERS:
            assignments = [w for w in words[1:] if not w.raw.startswith("-")]
            self.assign_all(assignments)
            return
        index = 0
        pending: list[Word] = []
        while index < len(words) and _assignment(words[index]) is not None:
            pending.append(words[index])
            index += 1
        if index == len(words):
            self.assign_all(pending)
            return
        self.commands.append(Command(words[index:], self.off(start), self.s.end(self.i), self.targets))

    def assign_all(self, words: list[Word]) -> None:
        for word in words:
            split = _assignment(word)
            if split is None:
                continue
            name, value = split
            if self.depth > 0:
                value = _unset_word(value, f"${name} is assigned inside a condition, loop or function")
            self.env[name] = value

    # ----- words -----
    def word(self) -> Word | None:
        """Read one word from the current position; unquoted expansions may split into several words,
        which are returned joined here and split by `fields` later."""
        t = self.t
        begin = self.i
        pieces: list[Piece] = []
        while self.i < len(t):
            ch = t[self.i]
            if ch in " \t\r" or ch in _OPERATORS or ch in "<>":
                break
            if t.startswith("\\\n", self.i):
                self.i += 2
                continue
            if ch == "\\":
                self.literal(pieces, self.i + 1, self.i + 2, self.i)
                self.i += 2
            elif ch == "'":
                close = t.find("'", self.i + 1)
                close = len(t) if close < 0 else close
                self.literal(pieces, self.i + 1, close, self.i + 1)
                self.i = close + 1
            elif ch == '"':
                self.double_quoted(pieces)
            elif ch == "$" or ch == "`":
                pieces.append(self.expansion())
            else:
                run = _UNQUOTED_RUN.match(t, self.i)
                if run is not None:
                    self.plain(pieces, self.i, run.end())
                    self.i = run.end()
                    continue
                reason = self.placeholder(ch)
                if reason is not None:
                    pieces.append(_unknown_piece(reason, self.off(self.i), self.s.end(self.i + 1)))
                else:
                    self.literal(pieces, self.i, self.i + 1, self.i)
                self.i += 1
        if self.i == begin:
            self.i += 1
            return None
        raw = t[begin:self.i]
        if not pieces:  # '' or ""
            pieces = [Piece("", self.off(begin), self.s.end(self.i))]
        return Word(pieces, raw)

    def literal(self, pieces: list[Piece], a: int, b: int, at: int) -> None:
        text = self.t[a:b]
        if _PLACEHOLDER_CANDIDATE.search(text):
            for index, ch in enumerate(text):
                reason = self.placeholder(ch)
                if reason is not None:
                    pieces.append(_unknown_piece(reason, self.off(a + index), self.s.end(a + index + 1)))
                    return
        self.append_text(pieces, text, at, self.s.end(b))

    def plain(self, pieces: list[Piece], a: int, b: int) -> None:
        """Characters a..b-1, none a placeholder, as if each were read as a `literal` of its own."""
        self.append_text(pieces, self.t[a:b], a, self.s.latest_end(a, b))

    def append_text(self, pieces: list[Piece], text: str, at: int, end: int) -> None:
        """Known text written from `at` up to `end`: it extends the word's last piece when that is known text too."""
        if pieces and pieces[-1].unknown is None and pieces[-1].ref is None:
            last = pieces[-1]
            pieces[-1] = Piece(last.text + text, last.start, max(last.end, end))
        else:
            pieces.append(Piece(text, self.off(at), end))

    def double_quoted(self, pieces: list[Piece]) -> None:
        t = self.t
        self.i += 1
        if not pieces:
            pieces.append(Piece("", self.s.end(self.i), self.s.end(self.i)))
        while self.i < len(t) and t[self.i] != '"':
            ch = t[self.i]
            if ch == "\\" and self.i + 1 < len(t) and t[self.i + 1] in '$`"\\\n':
                if t[self.i + 1] != "\n":
                    self.literal(pieces, self.i + 1, self.i + 2, self.i)
                self.i += 2
            elif ch in "$`":
                pieces.append(self.expansion())
            else:
                run = _DOUBLE_QUOTED_RUN.match(t, self.i)
                if run is not None:
                    self.plain(pieces, self.i, run.end())
                    self.i = run.end()
                    continue
                self.literal(pieces, self.i, self.i + 1, self.i)
                self.i += 1
        self.i += 1

    def expansion(self) -> Piece:
        """`$NAME`, `${NAME}`, `${NAME:-default}`, `$(...)`, backticks: the value, or unknown with why."""
        t = self.t
        begin = self.i
        if t[self.i] == "`":
            close = t.find("`", self.i + 1)
            close = len(t) if close < 0 else close
            self.i = close + 1
            return self.command_substitution(begin + 1, close, begin)
        nxt = t[self.i + 1] if self.i + 1 < len(t) else ""
        if t.startswith("$((", self.i):
            close = _matching(t, self.i + 1)
            self.i = close + 1
            return _unknown_piece("an arithmetic expansion", self.off(begin), self.s.end(self.i))
        if nxt == "(":
            close = _matching(t, self.i + 1)
            self.i = close + 1
            return self.command_substitution(begin + 2, close, begin)
        if nxt == "{":
            close = _matching(t, self.i + 1, "{", "}")
            self.i = close + 1
            return self.parameter(t[begin + 2:close], begin)
        match = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-]").match(t, self.i + 1)
        if match is None:
            self.i += 1
            return Piece("$", self.off(begin), self.s.end(self.i))
        self.i = match.end()
        return self.variable(match.group(), begin)

    def variable(self, name: str, begin: int) -> Piece:
        start, end = self.off(begin), self.s.end(self.i)
        value = self.env.get(name)
        if value is None:
            return _unknown_piece(f"${name} is not set in this script", start, end)
        if value.unknown:
            return _unknown_piece(value.unknown, start, end)
        return Piece(value.text or "", start, end, ref=value.ref)

    def parameter(self, body: str, begin: int) -> Piece:
        match = re.match(r"([A-Za-z_][A-Za-z0-9_]*)(?::?([-=])(.*))?\Z", body, re.DOTALL)
        if match is None:
            return _unknown_piece(f"${{{body}}} is a parameter expansion the linter does not evaluate",
                                  self.off(begin), self.s.end(self.i))
        name, operator, default = match.groups()
        piece = self.variable(name, begin)
        if operator and (name not in self.env) and "$" not in default:
            return Piece(default, piece.start, piece.end)
        if operator and name not in self.env:
            return _unknown_piece(f"the default of ${{{name}}} is not a plain value", piece.start, piece.end)
        return piece

    def command_substitution(self, a: int, b: int, begin: int) -> Piece:
        start, end = self.off(begin), self.s.end(self.i)
        if self.nesting >= MAX_NESTING:
            return _unknown_piece("command substitutions nested too deeply", start, end)
        inner = self.s.slice(a, b)
        commands = _Scanner(inner, dict(self.env), self.substitute, nesting=self.nesting + 1).run()
        if self.substitute is not None:
            return self.substitute(commands, start, end)
        return _unknown_piece("the output of a command", start, end)


def _matching(t: str, i: int, opening: str = "(", closing: str = ")") -> int:
    """Index of the bracket closing the one at `i`, skipping quoted text."""
    depth = 0
    quote = ""
    while i < len(t):
        ch = t[i]
        if quote:
            if ch == quote:
                quote = ""
            elif ch == "\\" and quote == '"':
                i += 1
        elif ch in "'\"":
            quote = ch
        elif ch == "\\":
            i += 1
        elif ch == opening:
            depth += 1
        elif ch == closing:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(t)


def _assignment(word: Word) -> tuple[str, Word] | None:
    """`NAME=value` as written (the name unquoted): the name and the value word."""
    match = re.match(r"([A-Za-z_][A-Za-z0-9_]*)(\+?)=", word.raw)
    if match is None or not word.pieces or not word.pieces[0].text.startswith(match.group(0)):
        return None
    name = match.group(1)
    first = word.pieces[0]
    cut = len(match.group(0))
    rest = [Piece(first.text[cut:], first.start + cut, first.end, first.unknown, first.ref)] + word.pieces[1:]
    rest = [p for p in rest if p.text or p.unknown or p.ref] or [Piece("", first.end, first.end)]
    value = Word(rest, word.raw[cut:])
    if match.group(2):
        return name, _unset_word(value, f"${name} is appended to")
    return name, value


def _unset_word(word: Word, reason: str) -> Word:
    return Word([_unknown_piece(reason, word.start, word.end)], word.raw)


def fields(word: Word) -> list[Word]:
    """Field splitting of an unquoted expansion: `$ARGS` holding `--a 1` is two words, each located at
    the reference (only when its raw text has no quotes, so `"$X"` stays one word)."""
    if word.unknown or any(q in word.raw for q in "'\"") or not any(" " in p.text for p in word.pieces):
        return [word]
    out: list[Word] = []
    for piece in word.pieces:
        for part in piece.text.split():
            out.append(Word([Piece(part, piece.start, piece.end)], part))
    return out or [word]


def parse(snippet: Snippet, env: Env | None = None, substitute: Substitute | None = None) -> list[Command]:
    """The simple commands of a script, in order, with variables expanded from earlier assignments."""
    commands = _Scanner(snippet, env if env is not None else {}, substitute).run()
    for command in commands:
        command.words = [part for word in command.words for part in fields(word)]
    return commands
