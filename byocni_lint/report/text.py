"""One line per finding in the `path:line:col: RULE message [severity]` shape, then a summary line.

The shape is the one GCC, ruff and most editors' problem matchers understand, so findings are
clickable in terminals and CI logs without any plugin.
"""
from __future__ import annotations

from pathlib import Path

import click

from byocni_lint.findings import Finding, Severity
from byocni_lint.report import RunResult, display_path

_SEVERITY_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.NOTE: "blue"}


def render(result: RunResult, *, base_dir: Path, color: bool = False, summary: bool = True,
           show_suppressed: bool = False) -> str:
    """`summary=False` (`--quiet`) leaves only the finding lines, for scripts that count lines;
    `show_suppressed` lists suppressed findings too, each with its reason."""
    lines = [_finding_line(finding, base_dir, color) for finding in result.sorted_findings(show_suppressed)]
    if summary:
        lines.append(_summary_line(result))
    return "\n".join(lines)


def _finding_line(finding: Finding, base_dir: Path, color: bool) -> str:
    span = finding.location.span
    line, column = (span.line, span.column) if span else (1, 1)
    rule = finding.rule_id
    tag = f"[{finding.severity.label}]"
    if color:
        rule = click.style(rule, bold=True)
        tag = click.style(tag, fg=_SEVERITY_COLOURS[finding.severity])
    # A message spanning several lines would break the one-finding-per-line contract that grep relies on.
    message = " ".join(finding.message.splitlines())
    if finding.suppressed is not None:
        tag += f" (suppressed: {finding.suppressed})"
    return f"{display_path(finding.location.path, base_dir)}:{line}:{column}: {rule} {message} {tag}"


def _summary_line(result: RunResult) -> str:
    files = _plural(result.files_linted, "file")
    hidden = [f"{n} {what}" for n, what in ((result.suppressed_count(), "suppressed"),
                                            (result.baselined, "in the baseline")) if n]
    suppressed = f" ({', '.join(hidden)})" if hidden else ""
    if not result.active():
        return f"Linted {files}: no findings{suppressed}."
    counts = ", ".join(_plural(n, severity.label) for severity, n in result.severity_counts().items())
    return f"Linted {files}: {counts}{suppressed}."


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
