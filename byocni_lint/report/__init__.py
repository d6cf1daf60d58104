"""Turn a finished run into text for a human, JSON for scripts or SARIF for code-scanning services.

Reporters see only findings and rule specs, never the model or the input files, so adding a format
never means learning about ARM, Bicep or Terraform. Each format lives in its own module and is
imported only when asked for: the text output of a pre-commit hook must not pay for `sarif_om`.
"""
from __future__ import annotations

import functools
import importlib
import os
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from byocni_lint.findings import Finding, Severity
from byocni_lint.rulebook import RuleSpec

FORMATS = ("text", "json", "sarif", "model", "github", "junit", "gitlab")


class RunResult(NamedTuple):
    """Everything a report format needs about one run, so that each renderer is a pure function of it
    (read-only: the shared empty defaults are never written to)."""

    findings: list[Finding]
    """Already filtered by select/ignore; suppressed findings are kept, marked, for the formats that show them."""
    rules: list[RuleSpec]
    """Every rule that ran, in id order, so SARIF consumers learn that a rule ran and found nothing."""
    files_linted: int
    internal_errors: tuple[str, ...] = ()
    """Bugs met on the way (the run exits 2): SARIF says the execution did not succeed."""
    baselined: int = 0
    """Findings left out because the `--baseline` file already records them."""
    kinds: Mapping[str, int] = {}
    """Files read, by kind ("ARM template" -> 2), for the summary: what was read, not just how much."""
    skipped: Mapping[str, int] = {}
    """Files under the given folders that no front end reads, by suffix."""
    clusters: int | None = None
    """BYOCNI clusters found (None: not counted)."""
    models: tuple = ()
    """The models, only for `--format model` (the one reporter that shows what was understood)."""

    def sorted_findings(self, suppressed: bool = False) -> list[Finding]:
        """Deterministic order, so that two runs over the same inputs produce byte-identical reports;
        suppressed findings only when asked for (JSON, SARIF, `--show-suppressed`)."""
        return sorted((f for f in self.findings if suppressed or f.suppressed is None), key=Finding.sort_key)

    def active(self) -> list[Finding]:
        """The findings that count: not suppressed."""
        return [finding for finding in self.findings if finding.suppressed is None]

    def suppressed_count(self) -> int:
        return sum(finding.suppressed is not None for finding in self.findings)

    def severity_counts(self) -> dict[Severity, int]:
        """Every severity is present (zero when unused) so summaries never have holes; suppressed ones do not count."""
        counts = Counter(finding.severity for finding in self.active())
        return {severity: counts[severity] for severity in sorted(Severity, reverse=True)}


def display_path(path: str, base_dir: Path) -> str:
    """The path relative to `base_dir` with `/` separators, or the given path when there is no such path.

    Relative output keeps reports identical across checkouts (and is what SARIF viewers resolve
    against the repository root); `relpath` fails only when no relative path exists, e.g. another
    drive on Windows, and then the path as the user named it is the most honest thing to show.
    Cached: a report names each file once per finding, and `relpath` makes both paths absolute each
    time (against the working folder, hence part of the key).
    """
    return _relative(path, base_dir, os.getcwd())


@functools.lru_cache(maxsize=4096)
def _relative(path: str, base_dir: Path, _working_folder: str) -> str:
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


def finding_fingerprint(finding: Finding, base_dir: Path) -> str:
    """A finding's identity across line moves: rule, file (relative, URI-encoded as in SARIF) and its key
    (resource, property and what is wrong), never a line number. SARIF partialFingerprints, GitLab
    fingerprints and baselines all use this one."""
    import hashlib
    from urllib.parse import quote

    uri = quote(display_path(finding.location.path, base_dir), safe="/")
    identity = finding.fingerprint_key or finding.message
    return hashlib.sha256(f"{finding.rule_id}\0{uri}\0{identity}".encode("utf-8", "surrogatepass")).hexdigest()


def render(fmt: str, result: RunResult, *, base_dir: Path, **options) -> str:
    """The whole report in `fmt`, without a trailing newline (the CLI adds one).

    `options` are the format's own (`color` for text, `automation_id` for SARIF); machine-read formats
    are never coloured.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")
    module = importlib.import_module(f"{__name__}.{fmt}")
    if fmt == "model":
        return module.render(result.models, base_dir=base_dir)
    return module.render(result, base_dir=base_dir, **options)


def repository_root(start: Path) -> Path:
    """The git top level above `start` (where a `.git` folder or file is), else `start` itself.

    Code scanning, annotations and Code Quality reports resolve paths against the repository root,
    not the folder the linter ran in; found without running git (nothing is executed).
    """
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start
