"""Inline suppressions with a reason, for every input format, applied in one place after the checks.

Rules never look at suppressions (yamllint handles `# yamllint disable` in its linter, not in rules):
the engine hands every text it read to `Suppressions.collect`, and `Suppressions.apply` marks the
findings a suppression covers and reports the suppressions themselves when they are wrong (BYO904).

Syntax, one line before the resource or property it is about:
- ARM JSON and Bicep: `// byocni-lint: ignore[BYO006,BYO003] why`
- Terraform, shell scripts, YAML workflows: `# byocni-lint: ignore[BYO006] why`
- ARM JSON resources also: `"metadata": {"byocni-lint": {"ignore": {"BYO006": "why"}}}` (checkov
  reads ARM resource metadata the same way), which survives tools that strip comments.

A comment covers the next line that is not blank or a comment, and when that line opens a `{`/`[`
block (a resource, an object property, a Terraform block), the whole block; a shell line continued
with `\\` covers its continuation lines; in YAML the more indented lines after it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import PurePath

from byocni_lint.findings import Finding, Location, Severity, Span

RULE = "BYO904"
_MARK = "byocni-lint"
_COMMENT = re.compile(r"^(?P<indent>\s*)(?P<marker>//|#)\s*byocni-lint:\s*ignore\[(?P<ids>[^\]]*)\](?P<reason>.*)$")
_RULE_ID = re.compile(r"^[A-Z]+[0-9]+$")
_SLASH_FORMATS = (".json", ".jsonc", ".bicep", ".bicepparam")
_HCL_FORMATS = (".tf", ".tfvars", ".hcl")
_YAML_FORMATS = (".yml", ".yaml")


@dataclass
class Suppression:
    """One inline `byocni-lint: ignore[...]` comment or metadata entry: the lines and rules it covers."""

    path: str
    rules: tuple[str, ...]
    reason: str
    where: Location
    """The comment or metadata entry, where BYO904 points."""
    first_line: int
    last_line: int
    used: set[str] = field(default_factory=set)

    def covers(self, finding: Finding) -> bool:
        span = finding.location.span
        line = span.line if span else 1
        return (finding.rule_id in self.rules and _same_file(finding.location.path, self.path)
                and self.first_line <= line <= self.last_line)


class Suppressions:
    """The suppressions of one run, gathered file by file and applied once at the end."""

    def __init__(self) -> None:
        self.found: list[Suppression] = []
        self.problems: list[Finding] = []
        self._seen: set[str] = set()

    def collect(self, path: str, text: str) -> None:
        """Read the suppressions of one file's text (`path` as findings name it); cheap when there are none."""
        if _MARK not in text or path in self._seen:
            return
        self._seen.add(path)
        lines = text.splitlines()
        markers = _markers(path)
        for index, line in enumerate(lines):
            match = _COMMENT.match(line)
            if match and match["marker"] in markers:
                self._comment(path, lines, index, match)
        if path.lower().endswith((".json", ".jsonc")):
            self._metadata(path, text)

    def merge(self, other: "Suppressions") -> None:
        """Add what another process collected (parallel.py), each file once, as `collect` would have."""
        fresh = other._seen - self._seen
        self._seen |= fresh
        self.found += [s for s in other.found if s.path in fresh]
        self.problems += [p for p in other.problems if p.location.path in fresh]

    def apply(self, findings: list[Finding], known_rules: set[str], rules_run: set[str]) -> list[Finding]:
        """The findings, those covered by a suppression carrying its reason in `suppressed`, plus BYO904s."""
        marked = []
        for finding in findings:
            cover = None if finding.rule_id == RULE else next((s for s in self.found if s.covers(finding)), None)
            if cover is not None:
                cover.used.add(finding.rule_id)
                finding = replace(finding, suppressed=cover.reason or "no reason given")
            marked.append(finding)
        for suppression in self.found:
            for rule_id in suppression.rules:
                if rule_id not in known_rules:
                    self._problem(suppression.where, f"suppression names {rule_id}, which is not a rule "
                                  "(see byocni-lint --list-rules)", f"unknown|{rule_id}")
                elif rule_id in rules_run and rule_id not in suppression.used:
                    self._problem(suppression.where, f"suppression of {rule_id} matches no finding: remove it "
                                  "(a fixed problem, or the wrong place or rule)", f"unused|{rule_id}")
        return marked + self.problems

    def _comment(self, path: str, lines: list[str], index: int, match: re.Match) -> None:
        where = Location(path, Span(index + 1, len(match["indent"]) + 1, index + 1, len(lines[index]) + 1))
        ids = tuple(part.strip().upper() for part in match["ids"].split(",") if part.strip())
        reason = match["reason"].strip()
        target = _next_code_line(lines, index + 1)
        if not ids:
            self._problem(where, "suppression names no rule: write ignore[BYO0NN] reason", "empty")
            return
        if target is None:
            self._problem(where, f"suppression of {', '.join(ids)} is not followed by anything to suppress", "dangling")
            return
        self._add(Suppression(path, ids, reason, where, target + 1, _block_end(path, lines, target) + 1))

    def _metadata(self, path: str, text: str) -> None:
        from byocni_lint.load.jsonc import JsoncError, parse
        from byocni_lint.model.positions import node_span

        try:
            root = parse(text, path)
        except (JsoncError, RecursionError):
            return  # the front end reports the parse error
        for container in _objects(root):
            metadata = container.get("metadata")
            ours = metadata.get(_MARK) if isinstance(metadata, dict) else None
            if ours is None:
                continue
            span = node_span(container)
            where = Location(path, node_span(ours) or span)
            ignore = ours.get("ignore") if isinstance(ours, dict) else None
            if not isinstance(ignore, dict) or not all(isinstance(v, str) for v in ignore.values()):
                self._problem(where, 'metadata "byocni-lint" must be {"ignore": {"BYO0NN": "reason", ...}}', "metadata")
                continue
            for rule_id, reason in ignore.items():
                self._add(Suppression(path, (str(rule_id).upper(),), reason.strip(), where,
                                      span.line if span else 1, span.end_line if span else 1))

    def _add(self, suppression: Suppression) -> None:
        self.found.append(suppression)
        if not suppression.reason:
            self._problem(suppression.where, f"suppression of {', '.join(suppression.rules)} gives no reason: say why "
                          "after it, e.g. ignore[BYO006] the platform team grants this", "reason")

    def _problem(self, where: Location, message: str, key: str) -> None:
        self.problems.append(Finding(RULE, Severity.WARNING, message, where,
                                     fingerprint_key=f"{key}|{message}"))


def _markers(path: str) -> tuple[str, ...]:
    name = path.lower()
    if name.endswith(_SLASH_FORMATS):
        return ("//",)
    if name.endswith(_HCL_FORMATS):
        return ("#", "//")
    return ("#",)


def _next_code_line(lines: list[str], start: int) -> int | None:
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith(("//", "#", "/*", "*")):
            return index
    return None


def _block_end(path: str, lines: list[str], start: int) -> int:
    """The last line (0-based) of what starts on line `start`: its bracketed block, its `\\`
    continuation lines, or (YAML) its more indented lines."""
    name = path.lower()
    comments = ("//",) if name.endswith(_SLASH_FORMATS) else ("#", "//") if name.endswith(_HCL_FORMATS) else ("#",)
    quotes = '"' if name.endswith((".json", ".jsonc")) else "\"'"
    depth, opened, index = 0, False, start
    while index < len(lines):
        depth, opened = _scan(lines[index], depth, opened, comments, quotes)
        if opened and depth <= 0:
            return index
        if not opened:
            if lines[index].rstrip().endswith("\\") and index + 1 < len(lines):
                index += 1
                continue
            return _yaml_block_end(path, lines, index)
        index += 1
    return len(lines) - 1


def _scan(line: str, depth: int, opened: bool, comments: tuple[str, ...], quotes: str) -> tuple[int, bool]:
    """Bracket depth after one line, skipping strings (which end with the line) and comments."""
    quote, position = "", 0
    while position < len(line):
        char = line[position]
        if quote:
            if char == "\\":
                position += 1
            elif char == quote:
                quote = ""
        elif char in quotes:
            quote = char
        elif line.startswith(comments, position):
            break
        elif char in "{[(":
            depth, opened = depth + 1, True
        elif char in "}])":
            depth -= 1
        position += 1
    return depth, opened


def _yaml_block_end(path: str, lines: list[str], index: int) -> int:
    if not path.lower().endswith(_YAML_FORMATS):
        return index
    indent = len(lines[index]) - len(lines[index].lstrip())
    end = index
    for later in range(index + 1, len(lines)):
        text = lines[later]
        if text.strip() and len(text) - len(text.lstrip()) <= indent:
            break
        if text.strip():
            end = later
    return end


def _objects(node):
    """Every JSON object in a parsed document, depth first (resources can be nested anywhere)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            yield current
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


def _same_file(a: str, b: str) -> bool:
    return a == b or PurePath(a).as_posix().lstrip("./") == PurePath(b).as_posix().lstrip("./")
