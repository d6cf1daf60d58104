"""One line per finding in the `path:line:col: RULE message [severity]` shape, then a summary line.

The shape is the one GCC, ruff and most editors' problem matchers understand, so findings are
clickable in terminals and CI logs without any plugin.
"""
from __future__ import annotations

from pathlib import Path

from byocni_lint.findings import Finding, Severity
from byocni_lint.report import RunResult, display_path, printable

BOLD = 1
_SEVERITY_COLOURS = {Severity.ERROR: 31, Severity.WARNING: 33, Severity.NOTE: 34}  # ANSI red, yellow, blue


def render(result: RunResult, *, base_dir: Path, color: bool = False, show_fixes: bool = False,
           summary: bool = True, show_suppressed: bool = False) -> str:
    """`summary=False` (`--quiet`) leaves only the finding lines, for scripts that count lines;
    `show_suppressed` lists suppressed findings too, each with its reason."""
    lines = [_finding_line(finding, base_dir, color, show_fixes) for finding in result.sorted_findings(show_suppressed)]
    if summary:
        lines.append(_summary_line(result))
    return "\n".join(lines)


def _finding_line(finding: Finding, base_dir: Path, color: bool, show_fixes: bool) -> str:
    span = finding.location.span
    line, column = (span.line, span.column) if span else (1, 1)
    rule = finding.rule_id
    tag = f"[{finding.severity.label}]"
    if color:
        rule = styled(rule, BOLD)
        tag = styled(tag, _SEVERITY_COLOURS[finding.severity])
    # A message spanning several lines would break the one-finding-per-line contract that grep relies on;
    # a newline in a file name could forge a finding line, an ANSI or bidi sequence rewrite the terminal.
    message = " ".join(finding.message.splitlines())
    if finding.suppressed is not None:
        tag += f" (suppressed: {finding.suppressed})"
    if show_fixes and finding.fix:
        message += f"; fix: {finding.fix}"
    message = printable(message)
    return f"{printable(display_path(finding.location.path, base_dir))}:{line}:{column}: {rule} {message} {tag}"


def styled(text: str, code: int) -> str:
    """`text` in one ANSI style (SGR `code`), reset after it: the sequences every terminal and CI log
    viewer renders."""
    return f"\x1b[{code}m{text}\x1b[0m"


def _summary_line(result: RunResult) -> str:
    """What was read and what was found: `Linted 3 files (2 ARM templates, 1 Bicep file): 1 BYOCNI
    cluster; 1 error, 0 warnings, 0 notes; skipped 4 files (2 .md, 2 .py).` A run that read nothing
    or found no BYOCNI cluster says so, so silence is never mistaken for a pass."""
    files = _plural(result.files_linted, "file")
    if result.kinds:
        files += " (" + ", ".join(_plural(n, kind) for kind, n in sorted(result.kinds.items())) + ")"
    parts = []
    if result.clusters is not None:
        parts.append(_plural(result.clusters, "BYOCNI cluster") if result.clusters else "no BYOCNI cluster")
    if result.active():
        parts.append(", ".join(_plural(n, severity.label) for severity, n in result.severity_counts().items()))
    else:
        parts.append("no findings")
    hidden = [f"{n} {what}" for n, what in ((result.suppressed_count(), "suppressed"),
                                            (result.baselined, "in the baseline")) if n]
    summary = f"Linted {files}: {'; '.join(parts)}"
    if hidden:
        summary += f" ({', '.join(hidden)})"
    if result.skipped:
        total = sum(result.skipped.values())
        by_suffix = ", ".join(f"{n} {suffix}" for suffix, n in result.skipped.items())
        summary += f"; skipped {_plural(total, 'file')} no front end reads ({by_suffix})"
    return summary + "."


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
