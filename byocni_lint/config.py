"""Project settings: `[tool.byocni-lint]` in pyproject.toml, or `.byocni-lint.toml` / `.byocni-lint.yaml`.

Found like ruff finds its settings: the closest settings file in the folder of a linted path or any
folder above it (in one folder `.byocni-lint.toml` wins over `.byocni-lint.yaml`/`.yml`, which win
over `pyproject.toml`, and a pyproject.toml counts only with a `[tool.byocni-lint]` table).
`--config FILE` names the file instead; `--isolated` uses none. Every key is checked: an unknown key
or a bad value is an error naming the file, the key and what is allowed (exit 2), never ignored,
because a setting silently ignored is a check silently not run. Paths in the file are relative to
the folder it is in. Options given on the command line win over the file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CANDIDATES = (".byocni-lint.toml", ".byocni-lint.yaml", ".byocni-lint.yml", "pyproject.toml")
FAIL_ON = ("error", "warning", "note", "never")
KEYS = ("select", "extend-select", "ignore", "fail-on", "exclude", "extend-exclude", "per-file-ignores", "rules",
        "parameters", "bicep", "terraform", "context", "respect-gitignore")
BICEP_KEYS = ("compiler",)
TERRAFORM_KEYS = ("var-files",)


class ConfigError(Exception):
    """A settings file that cannot be used; the message names the file and the key."""


@dataclass
class Settings:
    """The resolved settings; `source` is the file they came from (None: the built-in defaults)."""

    source: Path | None = None
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    parameters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    bicep: dict[str, str] = field(default_factory=dict)
    terraform_var_files: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    respect_gitignore: bool = True

    @property
    def root(self) -> Path:
        """The folder that paths and patterns in the file are relative to."""
        return self.source.parent if self.source else Path.cwd()

    def as_dict(self) -> dict[str, Any]:
        """What `--show-settings` prints, keys spelled as in the file."""
        return {
            "settings-file": str(self.source) if self.source else None,
            "select": list(self.select), "extend-select": list(self.extend_select), "ignore": list(self.ignore),
            "fail-on": self.fail_on or "error", "exclude": list(self.exclude), "extend-exclude": list(self.extend_exclude),
            "per-file-ignores": {k: list(v) for k, v in self.per_file_ignores.items()}, "rules": self.rules,
            "parameters": {k: list(v) for k, v in self.parameters.items()}, "bicep": self.bicep,
            "terraform": {"var-files": list(self.terraform_var_files)}, "context": list(self.context),
            "respect-gitignore": self.respect_gitignore,
        }


def find_settings_file(path: Path) -> Path | None:
    """The closest settings file at or above `path` (a file's folder, or the folder itself)."""
    start = path.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate_folder in (folder, *folder.parents):
        for name in CANDIDATES:
            candidate = candidate_folder / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_tool_table(candidate)):
                return candidate
    return None


def load_settings(path: Path, rulebook: dict) -> Settings:
    """Read and check one settings file against the rules (ids and parameters must exist)."""
    raw = _read(path)
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the settings must be a table of keys, got {type(raw).__name__}")
    return _Checker(path, rulebook).settings(raw)


def _has_tool_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return False
    return "byocni-lint" in text and "byocni-lint" in (_toml(path, text).get("tool") or {})


def _read(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read settings: {exc.strerror or exc}") from None
    if path.name == "pyproject.toml":
        return (_toml(path, text).get("tool") or {}).get("byocni-lint", {})
    if path.suffix == ".toml":
        return _toml(path, text)
    import yaml

    try:
        return yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None


def _toml(path: Path, text: str) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


class _Checker:
    """Checks each key and converts it; every complaint names the file, the key and what is allowed."""

    def __init__(self, path: Path, rulebook: dict) -> None:
        self.path = path
        self.rulebook = rulebook
        self.where = "[tool.byocni-lint]" if path.name == "pyproject.toml" else "settings"

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.path}: {key}: {problem}")

    def settings(self, raw: dict) -> Settings:
        unknown = [key for key in raw if key not in KEYS]
        if unknown:
            raise self.fail(str(unknown[0]), f"unknown key in the {self.where}; allowed: {', '.join(KEYS)}")
        terraform = self.table(raw, "terraform", TERRAFORM_KEYS)
        fail_on = raw.get("fail-on")
        if fail_on is not None and fail_on not in FAIL_ON:
            raise self.fail("fail-on", f"{fail_on!r} is not allowed; allowed: {', '.join(FAIL_ON)}")
        respect = raw.get("respect-gitignore", True)
        if not isinstance(respect, bool):
            raise self.fail("respect-gitignore", "must be true or false")
        return Settings(
            source=self.path,
            select=self.selectors(raw, "select"), extend_select=self.selectors(raw, "extend-select"),
            ignore=self.selectors(raw, "ignore"), fail_on=fail_on,
            exclude=self.strings(raw, "exclude"), extend_exclude=self.strings(raw, "extend-exclude"),
            per_file_ignores=self.per_file_ignores(raw), rules=self.rules(raw),
            parameters=self.parameters(raw), bicep={k: self.string(v, f"bicep.{k}") for k, v in
                                                    self.table(raw, "bicep", BICEP_KEYS).items()},
            terraform_var_files=self.strings(terraform, "var-files", prefix="terraform."),
            context=self.strings(raw, "context"), respect_gitignore=respect,
        )

    def string(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value:
            raise self.fail(key, f"must be a non-empty string, got {value!r}")
        return value

    def strings(self, raw: dict, key: str, prefix: str = "") -> tuple[str, ...]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            raise self.fail(prefix + key, f"must be a list of strings, got {value!r}")
        return tuple(value)

    def selectors(self, raw: dict, key: str, value: Any = None) -> tuple[str, ...]:
        items = self.strings(raw, key) if value is None else value
        for item in items:
            if not any(rule_id.startswith(item.upper()) for rule_id in self.rulebook):
                raise self.fail(key, f"{item!r} selects no rule; allowed: rule ids or prefixes such as "
                                     f"BYO00, BYO9 ({', '.join(sorted(self.rulebook))})")
        return tuple(item.upper() for item in items)

    def table(self, raw: dict, key: str, allowed: tuple[str, ...]) -> dict:
        value = raw.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(key, f"must be a table, got {value!r}")
        for name in value:
            if name not in allowed:
                raise self.fail(f"{key}.{name}", f"unknown key; allowed: {', '.join(allowed)}")
        return value

    def per_file_ignores(self, raw: dict) -> dict[str, tuple[str, ...]]:
        value = raw.get("per-file-ignores", {})
        if not isinstance(value, dict):
            raise self.fail("per-file-ignores", "must be a table of glob = [rule ids]")
        result = {}
        for pattern, ids in value.items():
            if not isinstance(ids, list) or not all(isinstance(item, str) for item in ids):
                raise self.fail(f"per-file-ignores.{pattern}", f"must be a list of rule ids, got {ids!r}")
            result[str(pattern)] = self.selectors({}, f"per-file-ignores.{pattern}", ids)
        return result

    def rules(self, raw: dict) -> dict[str, dict[str, Any]]:
        value = raw.get("rules", {})
        if not isinstance(value, dict):
            raise self.fail("rules", "must be a table of rule ids, each a table of parameters")
        result: dict[str, dict[str, Any]] = {}
        for rule_id, overrides in value.items():
            spec = self.rulebook.get(str(rule_id).upper())
            if spec is None:
                raise self.fail(f"rules.{rule_id}", f"no such rule; allowed: {', '.join(sorted(self.rulebook))}")
            if not isinstance(overrides, dict):
                raise self.fail(f"rules.{rule_id}", "must be a table of parameters")
            for name, new in overrides.items():
                if name not in spec.params:
                    allowed = ", ".join(spec.params) or "none (this rule takes no parameters)"
                    raise self.fail(f"rules.{rule_id}.{name}", f"unknown parameter; allowed: {allowed}")
                default = spec.params[name]
                if not _same_shape(default, new):
                    raise self.fail(f"rules.{rule_id}.{name}",
                                    f"must be a {type(default).__name__} like the default {default!r}, got {new!r}")
            result[spec.id] = dict(overrides)
        return result

    def parameters(self, raw: dict) -> dict[str, tuple[str, ...]]:
        value = raw.get("parameters", {})
        if not isinstance(value, dict):
            raise self.fail("parameters", "must be a table of template = parameters file (or list of files)")
        result = {}
        for template, files in value.items():
            files = [files] if isinstance(files, str) else files
            result[str(template)] = self._files(files, f"parameters.{template}")
        return result

    def _files(self, files: Any, key: str) -> tuple[str, ...]:
        if not isinstance(files, list) or not files or not all(isinstance(item, str) and item for item in files):
            raise self.fail(key, f"must be a file or a list of files, got {files!r}")
        return tuple(files)


def _same_shape(default: Any, value: Any) -> bool:
    """A parameter keeps the type of its default (a list stays a list, a number a number)."""
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    return isinstance(value, type(default))
