"""The rule catalogue: `rules/*.yaml` is the single source of ids, names, severities, texts and params.

Checks are bound to a rule by id; everything a user may want to tune (ranges, calendars, severities)
lives in the YAML so that changing it changes behaviour without touching code.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from byocni_lint.findings import Severity
from byocni_lint.rule_params import params_problem

_REQUIRED = ("id", "name", "severity", "summary", "description", "help_uri")
PRECISIONS = ("very-high", "high", "medium", "low")  # SARIF's `precision` values, as GitHub reads them
DOCS_BASE = "https://github.com/byocni-lint/byocni-lint/blob/main/docs/rules/"


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
    """Only on rules about a security control (tagged `security`): GitHub files every result of a rule
    with a security severity as a security alert."""
    params: dict[str, Any] = field(default_factory=dict)
    precision: str = "high"
    """How often a finding is right (SARIF `precision`); notes about unknown values are not `high`."""
    options: dict[str, str] = field(default_factory=dict)
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


def load_rulebook(directory: Path | None = None) -> dict[str, RuleSpec]:
    directory = directory or rules_dir()
    files = sorted(directory.glob("BYO*.yaml"))
    if not files:
        raise RulebookError(f"no rule files found in {directory}")
    specs: dict[str, RuleSpec] = {}
    for path, raw in zip(files, _read_rule_files(files)):
        missing = [key for key in _REQUIRED if not isinstance(raw, dict) or key not in raw]
        if missing:
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


_MAX_CACHE_BYTES = 1_000_000  # the shipped rules' cache is about 60 KB


def _read_rule_files(files: list[Path]) -> list[object]:
    """The parsed rule files, through a JSON cache keyed by their paths and contents.

    The linter runs on every commit: importing and running a YAML parser for sixteen small files
    costs about as much as starting Python, so, like ruff and pre-commit, it keeps a cache (under
    $XDG_CACHE_HOME or ~/.cache) and reads YAML only when a rule file changed. CI may restore a shared
    ~/.cache, so the cache is never trusted: it is read as a bounded regular file (a FIFO cannot hang
    the run), and used only if it has the shape of these rule files and agrees with their texts on
    every rule's id and severity (a forged cache cannot turn errors into notes); otherwise it is rebuilt.
    """
    import json
    import os
    import zlib  # two 32-bit checksums make a 64-bit key; hashlib alone costs milliseconds to import

    from byocni_lint.load.files import FileProblem, read_bytes

    try:
        texts = [path.read_text(encoding="utf-8") for path in files]
    except (OSError, UnicodeDecodeError) as exc:
        raise RulebookError(f"cannot read the rule files: {exc}") from exc
    listing = "".join(f"{path.resolve()}|{zlib.crc32(text.encode())}|{len(text)}\n"
                      for path, text in zip(files, texts)).encode()
    cache_root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "byocni-lint"
    cache = cache_root / f"rules-{zlib.crc32(listing):08x}{zlib.adler32(listing):08x}.json"
    try:
        cached = json.loads(read_bytes(cache, _MAX_CACHE_BYTES))
        if _agrees(cached, texts):
            return cached
    except (FileProblem, ValueError, RecursionError):
        pass
    parsed = _parse_yaml(files)
    try:
        cache_root.mkdir(parents=True, exist_ok=True)
        temporary = cache.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(parsed), encoding="utf-8")
        os.replace(temporary, cache)
        for stale in cache_root.glob("rules-*.json"):  # one cache, not one per rules version ever seen
            if stale != cache:
                stale.unlink()
    except (OSError, TypeError, ValueError):
        pass  # a read-only home or a value JSON cannot hold: just parse YAML every time
    return parsed


def _agrees(cached: object, texts: list[str]) -> bool:
    """Whether a cache holds one rule per file, each with the id and severity its YAML text states."""
    import re

    if not isinstance(cached, list) or len(cached) != len(texts):
        return False
    for raw, text in zip(cached, texts):
        if not isinstance(raw, dict) or not all(isinstance(raw.get(key), str) for key in _REQUIRED):
            return False
        if not isinstance(raw.get("params", {}), (dict, type(None))):
            return False
        for key in ("id", "severity"):
            stated = re.search(rf"^{key}:[ \t]*['\"]?([A-Za-z0-9_-]+)", text, re.MULTILINE)
            if stated is None or stated.group(1) != raw[key]:
                return False
    return True


def _parse_yaml(files: list[Path]) -> list[object]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when libyaml is there
    parsed = []
    for path in files:
        try:
            parsed.append(yaml.load(path.read_text(encoding="utf-8"), Loader=loader))
        except (OSError, yaml.YAMLError) as exc:
            raise RulebookError(f"{path}: {exc}") from exc
    return parsed
