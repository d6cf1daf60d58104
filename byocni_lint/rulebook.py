"""The rule catalogue: `rules/*.yaml` is the single source of ids, names, severities, texts and params.

Checks are bound to a rule by id; everything a user may want to tune (ranges, calendars, severities)
lives in the YAML so that changing it changes behaviour without touching code.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, NamedTuple

from byocni_lint.findings import Severity
from byocni_lint.rule_params import params_problem

_REQUIRED = ("id", "name", "severity", "summary", "description", "help_uri")
PRECISIONS = ("very-high", "high", "medium", "low")  # SARIF's `precision` values, as GitHub reads them
DOCS_BASE = "https://github.com/byocni-lint/byocni-lint/blob/main/docs/rules/"


class RuleSpec(NamedTuple):
    """One rule as `rules/*.yaml` describes it: what checks, reports and the docs read about a rule
    (read-only: the shared empty defaults are never written to; `_replace` makes a variant)."""

    id: str
    name: str
    severity: Severity
    summary: str
    description: str
    help_uri: str
    tags: tuple[str, ...] = ()
    security_severity: str | None = None
    """Only on rules about a security control (tagged `security`): GitHub files every result of a rule
    with a security severity as a security alert."""
    params: dict[str, Any] = {}
    precision: str = "high"
    """How often a finding is right (SARIF `precision`); notes about unknown values are not `high`."""
    options: dict[str, str] = {}
    """What each parameter in `params` means, for the rule's documentation."""
    limits: tuple[str, ...] = ()
    """What the rule cannot see, for the rule's documentation."""

    @property
    def doc_url(self) -> str:
        """The rule's page, generated from this file (docs/rules/), on the project's site; a custom
        rule's own `help_uri` (or none)."""
        if not self.id.startswith("BYO"):
            return self.help_uri or None  # type: ignore[return-value]
        return f"{DOCS_BASE}{self.id}.md"


class RulebookError(Exception):
    """A rule file is missing or malformed: a packaging bug, reported as exit code 2."""


def rules_dir() -> Path:
    """The installed wheel carries the rules as `byocni_lint/rules`; a source checkout keeps them at the top."""
    packaged = Path(__file__).with_name("rules")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[1] / "rules"


RULEBOOK_JSON = Path(__file__).with_name("data") / "rulebook.json"
"""The shipped rule files, parsed: generated from rules/*.yaml by `python -m byocni_lint.tools.generate_data`."""
_SHIPPED_RULES = rules_dir()


def load_rulebook(directory: Path | None = None) -> dict[str, RuleSpec]:
    """The rule catalogue of `directory` (default: rules_dir()). The shipped rules come from their
    generated JSON form (no YAML parser at start-up, no cache to keep fresh); any other folder's rule
    files are parsed as YAML."""
    directory = directory or rules_dir()
    if directory == _SHIPPED_RULES:
        return dict(_shipped_specs())
    return specs_of(parse_rule_files(sorted(directory.glob("BYO*.yaml"))), directory)


@functools.cache
def _shipped_specs() -> dict[str, RuleSpec]:
    """The shipped rules, read once per process: a CLI run asks for the rulebook three times (options,
    settings, engine), 2 ms each after the first. Callers get a copy of the mapping; the specs are frozen."""
    import json

    try:
        entries = json.loads(RULEBOOK_JSON.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RulebookError(f"{RULEBOOK_JSON}: {exc}") from exc
    return specs_of(entries, _SHIPPED_RULES)


def specs_of(entries: list[tuple[str, object]], directory: Path) -> dict[str, RuleSpec]:
    """RuleSpecs from (file name, parsed content) pairs, each validated; errors name the rule file."""
    if not entries:
        raise RulebookError(f"no rule files found in {directory}")
    specs: dict[str, RuleSpec] = {}
    for name, raw in entries:
        path = directory / name
        missing = [key for key in _REQUIRED if not isinstance(raw, dict) or key not in raw]
        if missing or not isinstance(raw, dict):
            raise RulebookError(f"{path}: missing {', '.join(missing)}")
        problem = params_problem(str(raw["id"]), raw.get("params") or {})
        if problem:
            raise RulebookError(f"{path}: {problem}")
        sev = raw.get("security_severity")
        precision = raw.get("precision", "high")
        if precision not in PRECISIONS:
            raise RulebookError(f"{path}: precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
        specs[raw["id"]] = RuleSpec(
            id=raw["id"],
            name=raw["name"],
            severity=Severity.parse(raw["severity"]),
            summary=raw["summary"].strip(),
            description=raw["description"].strip(),
            help_uri=raw["help_uri"],
            tags=tuple(raw.get("tags") or ()),
            security_severity=None if sev is None else str(sev),
            params=dict(raw.get("params") or {}),
            precision=precision,
            options={str(k): str(v) for k, v in (raw.get("options") or {}).items()},
            limits=tuple(str(item) for item in raw.get("limits") or ()),
        )
    return specs


def parse_rule_files(files: list[Path]) -> list[tuple[str, object]]:
    """Each rule file's name and parsed YAML content (what the generated JSON holds for the shipped rules)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when libyaml is there
    parsed = []
    for path in files:
        try:
            parsed.append((path.name, yaml.load(path.read_text(encoding="utf-8"), Loader=loader)))
        except (OSError, yaml.YAMLError) as exc:
            raise RulebookError(f"{path}: {exc}") from exc
    return parsed
