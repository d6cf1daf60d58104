"""The rule catalogue: `rules/*.yaml` is the single source of ids, names, severities, texts and params.

Checks are bound to a rule by id; everything a user may want to tune (ranges, calendars, severities)
lives in the YAML so that changing it changes behaviour without touching code.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from byocni_lint.findings import Severity

_REQUIRED = ("id", "name", "severity", "summary", "description", "help_uri")


@dataclass(frozen=True)
class RuleSpec:
    id: str
    name: str
    severity: Severity
    summary: str
    description: str
    help_uri: str
    tags: tuple[str, ...] = ()
    security_severity: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


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


def load_rulebook(directory: Path | None = None) -> dict[str, RuleSpec]:
    """The rule catalogue: the shipped rules from their generated JSON form (no YAML parser at start-up,
    no cache to keep fresh), or the rule files of `directory` parsed as YAML."""
    if directory is None:
        import json

        try:
            entries = json.loads(RULEBOOK_JSON.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RulebookError(f"{RULEBOOK_JSON}: {exc}") from exc
        where = RULEBOOK_JSON
    else:
        entries = parse_rule_files(sorted(directory.glob("BYO*.yaml")))
        where = directory
    if not entries:
        raise RulebookError(f"no rule files found in {where}")
    specs: dict[str, RuleSpec] = {}
    for name, raw in entries:
        missing = [key for key in _REQUIRED if not isinstance(raw, dict) or key not in raw]
        if missing:
            raise RulebookError(f"{name}: missing {', '.join(missing)}")
        sev = raw.get("security_severity")
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
