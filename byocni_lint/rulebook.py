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


def load_rulebook(directory: Path | None = None) -> dict[str, RuleSpec]:
    import yaml  # imported here: `--version` and friends should not pay for it

    directory = directory or rules_dir()
    specs: dict[str, RuleSpec] = {}
    files = sorted(directory.glob("BYO*.yaml"))
    if not files:
        raise RulebookError(f"no rule files found in {directory}")
    for path in files:
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise RulebookError(f"{path}: {exc}") from exc
        missing = [key for key in _REQUIRED if not isinstance(raw, dict) or key not in raw]
        if missing:
            raise RulebookError(f"{path}: missing {', '.join(missing)}")
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
