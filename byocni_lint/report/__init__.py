"""Turn a finished run into text for a human, JSON for scripts or SARIF for code-scanning services.

Reporters see only findings and rule specs, never the model or the input files, so adding a format
never means learning about ARM, Bicep or Terraform. Each format lives in its own module and is
imported only when asked for: the text output of a pre-commit hook must not pay for `sarif_om`.
"""
from __future__ import annotations

import importlib
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from byocni_lint.findings import Finding, Severity
from byocni_lint.rulebook import RuleSpec

FORMATS = ("text", "json", "sarif", "model")


@dataclass(frozen=True)
class RunResult:
    findings: list[Finding]
    """Already filtered (select/ignore/suppressions); reporters only order them."""
    rules: list[RuleSpec]
    """Every rule that ran, in id order, so SARIF consumers learn that a rule ran and found nothing."""
    files_linted: int
    kinds: dict[str, int] = field(default_factory=dict)
    """Files read, by kind ("ARM template" -> 2), for the summary: what was read, not just how much."""
    skipped: dict[str, int] = field(default_factory=dict)
    """Files under the given folders that no front end reads, by suffix."""
    clusters: int | None = None
    """BYOCNI clusters found (None: not counted)."""
    models: tuple = ()
    """The models, only for `--format model` (the one reporter that shows what was understood)."""

    def sorted_findings(self) -> list[Finding]:
        """Deterministic order, so that two runs over the same inputs produce byte-identical reports."""
        return sorted(self.findings, key=Finding.sort_key)

    def severity_counts(self) -> dict[Severity, int]:
        """Every severity is present (zero when unused) so summaries never have holes."""
        counts = Counter(finding.severity for finding in self.findings)
        return {severity: counts[severity] for severity in sorted(Severity, reverse=True)}


def display_path(path: str, base_dir: Path) -> str:
    """The path relative to `base_dir` with `/` separators, or the given path when there is no such path.

    Relative output keeps reports identical across checkouts (and is what SARIF viewers resolve
    against the repository root); `relpath` fails only when no relative path exists, e.g. another
    drive on Windows, and then the path as the user named it is the most honest thing to show.
    """
    try:
        relative = os.path.relpath(path, base_dir)
    except ValueError:
        return path
    return relative.replace(os.sep, "/")


_SURROGATE = re.compile("[\ud800-\udfff]")
# C0/C1 controls (newline, ESC of ANSI sequences), line/paragraph separators and bidi controls, which
# would let a file name forge a finding line or reorder what a terminal shows.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def encodable(text: str) -> str:
    """`text` with lone surrogates (from a `\\ud800` escape in a template, or a file name that is not
    UTF-8) written as `\\udXXX`, so that every report encodes and no finding is lost at output."""
    return _SURROGATE.sub(_escape, text)


def printable(text: str) -> str:
    """`text` safe to show on a terminal: control, bidi and surrogate characters as escapes."""
    return _UNPRINTABLE.sub(_escape, text)


def render(fmt: str, result: RunResult, *, base_dir: Path, color: bool = False, show_fixes: bool = False) -> str:
    """The whole report in `fmt`, without a trailing newline (`click.echo` adds one).

    `color` applies to the text format only: machine-read formats are never coloured.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")
    module = importlib.import_module(f"{__name__}.{fmt}")
    if fmt == "text":
        return module.render(result, base_dir=base_dir, color=color, show_fixes=show_fixes)
    if fmt == "model":
        return module.render(result.models, base_dir=base_dir)
    return module.render(result, base_dir=base_dir)
