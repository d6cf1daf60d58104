"""GitHub Actions workflow commands, so a pull request shows findings inline without code scanning.

One line per finding, the syntax of GitHub's "Workflow commands for GitHub Actions" page:

    ::error file=infra/aks.json,line=12,col=7,endLine=12,endColumn=30,title=BYO003 reserved-address-range::message

`notice` stands for a note. Values are escaped as the Actions toolkit does (`@actions/core`
`command.ts`): `%`, CR and LF in the message; also `:` and `,` in properties, which would otherwise
end the property. Columns are sent only for a one-line region, as the toolkit requires.
"""
from __future__ import annotations

from pathlib import Path

from byocni_lint.findings import Finding, Severity
from byocni_lint.report import RunResult, display_path

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: RunResult, *, base_dir: Path) -> str:
    names = {rule.id: rule.name for rule in result.rules}
    return "\n".join(_command(finding, names, base_dir) for finding in result.sorted_findings())


def _command(finding: Finding, names: dict[str, str], base_dir: Path) -> str:
    properties = [("file", display_path(finding.location.path, base_dir))]
    span = finding.location.span
    if span is not None:
        properties.append(("line", str(span.line)))
        if span.line == span.end_line:
            properties += [("col", str(span.column)), ("endColumn", str(span.end_column))]
        else:
            properties.append(("endLine", str(span.end_line)))
    title = f"{finding.rule_id} {names[finding.rule_id]}" if finding.rule_id in names else finding.rule_id
    properties.append(("title", title))
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{_COMMAND[finding.severity]} {joined}::{escape_data(finding.message)}"
