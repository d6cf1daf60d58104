"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

The log is built from `sarif_om` classes but serialised by `to_sarif_json` below, not by
`jschema_to_python`: that library drops every value equal to its attrs default, including
`result.level == "warning"`, and a result without a level silently inherits its rule's default
level, so a warning under an error rule would be shown as an error.

GitHub-specific choices (see shared/reference/sarif-and-pre-commit.md):
- `results` is always present, even when empty, or upload-sarif rejects the run;
- URIs are relative to the base directory under `%SRCROOT%`, percent-encoded, so alerts do not
  multiply when the checkout moves;
- `partialFingerprints` hold a key without line numbers, so an alert survives unrelated edits above it;
- `security-severity` is a numeric string, or GitHub refuses the whole upload, and only rules about a
  security control carry it: GitHub files every result of such a rule as a security alert;
- at most 25,000 results per run (GitHub's hard limit): the most severe are kept and a tool
  notification says how many were left out;
- `invocations[0].executionSuccessful` is false, with a notification each, when the run met a bug.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path, PurePath
from typing import Any, cast
from urllib.parse import quote

import attr
import sarif_om as so

from byocni_lint import __version__
from byocni_lint.findings import Finding, Location, Severity
from byocni_lint.report import RunResult, display_path, encodable, finding_fingerprint
from byocni_lint.rulebook import RuleSpec

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/byocni-lint/byocni-lint"
DEFAULT_AUTOMATION_ID = "byocni-lint/"
"""`category/run-id` with an empty run id: GitHub's category becomes `byocni-lint`."""
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "byocniFinding/v1"

_DESCRIPTION_LIMIT = 1024  # GitHub's limit for shortDescription and fullDescription
_HELP_TEXT_LIMIT = 4096  # no documented limit; long enough for any rule text, short enough for a side panel
_MAX_TAGS = 10  # GitHub shows only the first 10
MAX_RESULTS = 25_000  # GitHub code scanning rejects a run with more ("results per run", hard limit)
_PROBLEM_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "recommendation"}

# A consumer fills a missing level by inheritance (result -> rule default -> "warning"), and a
# default-dropping serialiser would silently turn a warning under an error rule into an error.
_ALWAYS_KEPT = {(so.Result, "level"), (so.ReportingConfiguration, "level"), (so.Notification, "level")}


def render(result: RunResult, *, base_dir: Path, automation_id: str = DEFAULT_AUTOMATION_ID,
           max_results: int = MAX_RESULTS) -> str:
    document = to_sarif_json(build_log(result, base_dir=base_dir, automation_id=automation_id,
                                       max_results=max_results))
    # `$schema` and `version` first, as every SARIF example has them; attrs order would put them last.
    ordered = {"$schema": document.pop("$schema"), "version": document.pop("version"), **document}
    return json.dumps(ordered, indent=2)


def automation_id_for(category: str | None) -> str:
    """`--sarif-category X` -> `X/` (GitHub's category is what comes before the last `/`), so two uploads
    in one job (one per environment folder) do not collide."""
    if category is None:
        return DEFAULT_AUTOMATION_ID
    return category.rstrip("/") + "/"


def build_log(result: RunResult, *, base_dir: Path, automation_id: str = DEFAULT_AUTOMATION_ID,
              max_results: int = MAX_RESULTS) -> so.SarifLog:
    rule_index = {rule.id: index for index, rule in enumerate(result.rules)}
    findings, notifications = _capped(result, max_results)
    driver = so.ToolComponent(
        name="byocni-lint",
        version=__version__,
        semantic_version=__version__,
        information_uri=INFORMATION_URI,
        rules=[_rule(rule) for rule in result.rules],
    )
    run = so.Run(
        tool=so.Tool(driver=driver),
        results=[_result(finding, rule_index, base_dir) for finding in findings],
        invocations=[so.Invocation(execution_successful=not result.internal_errors,
                                   tool_execution_notifications=notifications or None)],
        column_kind="unicodeCodePoints",
        original_uri_base_ids={SRCROOT: so.ArtifactLocation(uri=_directory_uri(base_dir))},
        automation_details=so.RunAutomationDetails(id=automation_id),
    )
    return so.SarifLog(runs=[run], version="2.1.0", schema_uri=SCHEMA_URI)


def _capped(result: RunResult, max_results: int) -> tuple[list[Finding], list[so.Notification]]:
    """The results to write (the most severe first when over GitHub's limit), and the tool notifications."""
    notifications = [so.Notification(message=so.Message(text=f"internal error: {problem}"), level="error")
                     for problem in result.internal_errors]
    findings = result.sorted_findings(suppressed=True)
    if len(findings) > max_results:
        kept = sorted(findings, key=lambda f: (f.suppressed is not None, -f.severity))[:max_results]
        notifications.append(so.Notification(
            message=so.Message(text=f"{len(findings) - max_results} of {len(findings)} results were "
                                    f"left out: GitHub code scanning accepts at most {max_results} per run; "
                                    "the most severe are kept"),
            level="warning"))
        findings = sorted(kept, key=Finding.sort_key)
    return findings, notifications


def to_sarif_json(value: Any) -> Any:
    """sarif_om objects -> plain JSON values, named as the schema names them.

    Drops `None` and attrs defaults (the `-1` sentinels, `en-US`, default newline sequences mean
    "not set"), except the levels in `_ALWAYS_KEPT`; keeps empty lists (`results: []` matters);
    refuses values JSON cannot represent instead of stringifying them.
    """
    if attr.has(type(value)):
        out = {}
        for field in attr.fields(type(value)):
            item = getattr(value, field.name)
            if item is None:
                continue
            if (type(value), field.name) not in _ALWAYS_KEPT and _is_default(field, item):
                continue
            out[field.metadata["schema_property_name"]] = to_sarif_json(item)
        return out
    if isinstance(value, dict):
        return {key: to_sarif_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_sarif_json(item) for item in value]
    if isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot write {type(value).__name__} to SARIF: {value!r}")


# attrs' stubs declare Factory as a function returning the value; at run time it is the class of factory defaults.
_FACTORY: type[Any] = cast("type[Any]", attr.Factory)


def _is_default(field: attr.Attribute, value: Any) -> bool:
    default = field.default
    if default is attr.NOTHING:
        return False
    if isinstance(default, _FACTORY):
        default = default.factory()
    return type(value) is type(default) and value == default


def _rule(rule: RuleSpec) -> so.ReportingDescriptor:
    properties: dict[str, Any] = {
        "tags": list(dict.fromkeys(rule.tags))[:_MAX_TAGS],
        "precision": rule.precision,
        "problem.severity": _PROBLEM_SEVERITY[rule.severity],
    }
    if rule.security_severity is not None and "security" in rule.tags:
        properties["security-severity"] = _security_severity(rule)
    return so.ReportingDescriptor(
        id=rule.id,
        name=rule.name,
        short_description=so.MultiformatMessageString(text=_clip(rule.summary, _DESCRIPTION_LIMIT)),
        full_description=so.MultiformatMessageString(text=_clip(rule.summary, _DESCRIPTION_LIMIT)),
        help=so.MultiformatMessageString(
            text=_clip(_plain_text(rule.description), _HELP_TEXT_LIMIT), markdown=rule.description
        ),
        help_uri=rule.doc_url,
        default_configuration=so.ReportingConfiguration(level=rule.severity.label),
        properties=properties,
    )


def _security_severity(rule: RuleSpec) -> str:
    """GitHub rejects the whole upload when this is not a number, so fail here with the rule's name instead."""
    text = (rule.security_severity or "").strip()
    try:
        score: float | None = float(text)
    except ValueError:
        score = None
    if score is None or not 0.0 < score <= 10.0:
        raise ValueError(f"{rule.id}: security_severity must be a number in (0, 10], got {rule.security_severity!r}")
    return text


def _physical(where: Location, base_dir: Path) -> so.PhysicalLocation:
    uri, uri_base_id = _artifact_uri(where.path, base_dir)
    return so.PhysicalLocation(artifact_location=so.ArtifactLocation(uri=uri, uri_base_id=uri_base_id),
                               region=_region(where))


def _result(finding: Finding, rule_index: dict[str, int], base_dir: Path) -> so.Result:
    uri, _ = _artifact_uri(finding.location.path, base_dir)
    location = so.Location(physical_location=_physical(finding.location, base_dir))
    if finding.resource:
        location.logical_locations = [so.LogicalLocation(fully_qualified_name=finding.resource, kind="resource")]
    return so.Result(
        rule_id=finding.rule_id,
        # A finding of a rule outside the run's rule list keeps its ruleId; -1 is dropped as "unset".
        rule_index=rule_index.get(finding.rule_id, -1),
        level=finding.severity.label,
        message=so.Message(text=finding.message),
        locations=[location],
        # The other file a finding rests on (the cluster naming a subnet declared elsewhere).
        related_locations=[so.Location(id=index, physical_location=_physical(where, base_dir))
                           for index, where in enumerate(finding.related)] or None,
        partial_fingerprints={FINGERPRINT_KEY: finding_fingerprint(finding, base_dir)},
        # Every result says whether it is suppressed (SARIF: all results of a run carry the array or none do).
        suppressions=[] if finding.suppressed is None else [
            so.Suppression(kind="inSource", justification=finding.suppressed)],
        properties={"fix": finding.fix} if finding.fix else None,
    )


def _artifact_uri(path: str, base_dir: Path) -> tuple[str, str | None]:
    """A relative, percent-encoded URI under %SRCROOT%; an absolute file URI when no relative path exists.

    SARIF forbids a `uriBaseId` next to an absolute URI, hence the pair.
    """
    shown = display_path(path, base_dir)
    if PurePath(shown).is_absolute():
        return Path(encodable(shown)).as_uri(), None
    return quote(shown, safe="/", errors="surrogatepass"), SRCROOT


def _region(where: Location) -> so.Region:
    span = where.span
    if span is None:
        return so.Region(start_line=1)
    return so.Region(
        start_line=span.line, start_column=span.column, end_line=span.end_line, end_column=span.end_column
    )


def _directory_uri(base_dir: Path) -> str:
    """`originalUriBaseIds` entries must end with `/` or relative URIs would resolve against the parent."""
    uri = Path(os.path.abspath(base_dir)).as_uri()
    return uri if uri.endswith("/") else uri + "/"


_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_MARKUP = re.compile(r"`+|\*\*|__|^#+[ \t]*", re.MULTILINE)


def _plain_text(markdown: str) -> str:
    """Viewers that cannot render Markdown show `help.text`; links keep their targets, markup goes."""
    return _MARKUP.sub("", _LINK.sub(r"\1 (\2)", markdown))


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"
