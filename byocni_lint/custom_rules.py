"""Custom rules without Python (checkov has YAML policies): a rule file names an ARM resource type,
a JSONPath into the resource's ARM body, and a predicate the selected values must satisfy.

    id: ORG001                       # letters then digits; BYO is ours
    name: pod-cidr-in-cgnat
    severity: error                  # error | warning | note
    summary: podCidr must lie inside 100.64.0.0/10
    resource: Microsoft.ContainerService/managedClusters
    select: $.properties.networkProfile.podCidr
    predicate:
      within_cidrs: [100.64.0.0/10]

Predicates: `equals`, `in`, `not_in`, `matches` (a regex, whole value), `within_cidrs`, `overlaps_cidrs`,
`version_at_least`, combined with `all` / `any` (lists) and `not`; `absent: true` / `present: true`
judge whether `select` finds anything (top level only). The body is the evaluated ARM resource the
model sees, whatever the input format, so a rule runs on every format. Each selected value that
fails is a finding at that value; a value that is unknown before deployment is a BYO901 note,
never a finding (three-valued, like the built-in rules). A malformed rule file is a usage error
naming the file and the key (exit 2).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from byocni_lint.findings import Location, Severity
from byocni_lint.rulebook import RuleSpec

_ID = re.compile(r"^[A-Z][A-Z_-]*[0-9]+$")
_VALUE_OPS = ("equals", "in", "not_in", "matches", "within_cidrs", "overlaps_cidrs", "version_at_least")
_OPS = (*_VALUE_OPS, "all", "any", "not", "absent", "present")
_KEYS = ("id", "name", "severity", "summary", "description", "help_uri", "resource", "select", "predicate", "tags")
UNKNOWN = object()  # the third truth value


class CustomRuleError(Exception):
    """A rule file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class CustomRule:
    spec: RuleSpec
    path: Path
    resource: str  # lower-case ARM type
    select: str
    expression: Any  # the parsed JSONPath
    predicate: dict

    def check(self, model, ctx) -> None:
        """Judge every resource of the rule's type in the model (the engine calls this like a built-in check)."""
        for arm in model.resources:
            if arm.type.lower() == self.resource:
                self._judge(arm, ctx)

    def _judge(self, arm, ctx) -> None:
        from byocni_lint.model import Field
        from byocni_lint.model.values import Unknown

        body = arm.body
        matches = [] if isinstance(body, Unknown) else list(self.expression.find(body))
        where_resource = arm.resource.location
        top = next(iter(self.predicate))
        if top in ("absent", "present"):
            if not matches and (isinstance(body, Unknown) or _unknown_prefix(self.expression, body) is not None):
                hidden = body if isinstance(body, Unknown) else _unknown_prefix(self.expression, body)
                ctx.unknown(Field(hidden, where_resource, property_path=self.select), arm.resource)
                return
            found = bool(matches)
            if found != (top == "present") and self.predicate[top]:
                state = "is set" if found else "is not set"
                at = _location(matches[0].value, where_resource) if matches else where_resource
                ctx.fail(at, f"{self.spec.summary} ({self.select} {state})", arm.resource, key=self.select)
            return
        if not matches:
            hidden = body if isinstance(body, Unknown) else _unknown_prefix(self.expression, body)
            if hidden is not None:
                ctx.unknown(Field(hidden, where_resource, property_path=self.select), arm.resource)
            return
        for match in matches:
            verdict = evaluate(self.predicate, match.value)
            where = _location(match.value, where_resource)
            if verdict is UNKNOWN:
                unknown = match.value if isinstance(match.value, Unknown) else Unknown("its value is unknown")
                ctx.unknown(Field(unknown, where, property_path=str(match.full_path)), arm.resource)
            elif verdict is False:
                ctx.fail(where, f"{self.spec.summary} ({match.full_path} is {_shown(match.value)})", arm.resource,
                         key=f"{self.select}|{match.full_path}")


def evaluate(predicate: dict, value: Any):
    """True, False or UNKNOWN (Kleene logic: an unknown value decides nothing it cannot)."""
    from byocni_lint.model.values import Unknown, contains_unknown

    (op, argument), = predicate.items()
    if op == "all":
        results = [evaluate(p, value) for p in argument]
        return False if False in results else UNKNOWN if UNKNOWN in results else True
    if op == "any":
        results = [evaluate(p, value) for p in argument]
        return True if True in results else UNKNOWN if UNKNOWN in results else False
    if op == "not":
        result = evaluate(argument, value)
        return result if result is UNKNOWN else not result
    if isinstance(value, Unknown) or contains_unknown(value) is not None:
        return UNKNOWN
    if op == "equals":
        return _plain(value) == argument
    if op == "in":
        return _plain(value) in argument
    if op == "not_in":
        return _plain(value) not in argument
    if op == "matches":
        return isinstance(value, str) and re.fullmatch(argument, value) is not None
    if op in ("within_cidrs", "overlaps_cidrs"):
        from byocni_lint.semantics.cidr import overlaps, parse_network, within

        network = parse_network(value)
        if network is None:
            return False
        ranges = [other for other in map(parse_network, argument) if other is not None]
        if op == "overlaps_cidrs":
            return any(overlaps(network, other) for other in ranges)
        return any(within(network, other) for other in ranges)
    if op == "version_at_least":
        have, want = _version(value), _version(argument)
        return have is not None and want is not None and have >= want
    raise AssertionError(op)  # load_custom_rules admits no other operator


def load_custom_rules(folder: Path, builtin_ids: set[str]) -> list[CustomRule]:
    """Every `*.yaml`/`*.yml` rule file in `folder`, checked; a bad one raises CustomRuleError."""
    if not folder.is_dir():
        raise CustomRuleError(f"{folder}: not a folder of rule files")
    rules: dict[str, CustomRule] = {}
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        rule = _load(path, builtin_ids)
        if rule.spec.id in rules:
            raise CustomRuleError(f"{path}: id: {rule.spec.id} is also defined in {rules[rule.spec.id].path}")
        rules[rule.spec.id] = rule
    return list(rules.values())


def _load(path: Path, builtin_ids: set[str]) -> CustomRule:
    import yaml

    def fail(key: str, problem: str) -> CustomRuleError:
        return CustomRuleError(f"{path}: {key}: {problem}")

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CustomRuleError(f"{path}: cannot read the rule: {exc}") from None
    if not isinstance(raw, dict):
        raise CustomRuleError(f"{path}: a rule file is a mapping of {', '.join(_KEYS)}")
    for key in raw:
        if key not in _KEYS:
            raise fail(str(key), f"unknown key; allowed: {', '.join(_KEYS)}")
    for key in ("id", "name", "severity", "summary", "resource", "select", "predicate"):
        if key not in raw:
            raise fail(key, "missing")
    rule_id = str(raw["id"])
    if not _ID.match(rule_id) or rule_id.startswith("BYO") or rule_id in builtin_ids:
        raise fail("id", f"{rule_id!r}: letters then digits (e.g. ORG001), not starting with BYO")
    if raw["severity"] not in ("error", "warning", "note"):
        raise fail("severity", f"{raw['severity']!r}; allowed: error, warning, note")
    resource = raw["resource"]
    if not isinstance(resource, str) or "/" not in resource:
        raise fail("resource", f"{resource!r} is not an ARM type such as Microsoft.ContainerService/managedClusters")
    from jsonpath_ng import parse as parse_jsonpath
    from jsonpath_ng.exceptions import JsonPathLexerError, JsonPathParserError

    try:
        expression = parse_jsonpath(str(raw["select"]))
    except (JsonPathLexerError, JsonPathParserError, Exception) as exc:  # jsonpath-ng raises plain Exception too
        raise fail("select", f"not a JSONPath: {exc}") from None
    _check_predicate(raw["predicate"], "predicate", fail, top=True)
    help_uri = raw.get("help_uri")
    if help_uri is not None and not str(help_uri).startswith("https://"):
        raise fail("help_uri", "must be an https:// address")
    spec = RuleSpec(id=rule_id, name=str(raw["name"]), severity=Severity.parse(raw["severity"]),
                    summary=str(raw["summary"]).strip(),
                    description=str(raw.get("description") or raw["summary"]).strip() + f"\n\n(custom rule: {path.name})",
                    help_uri=str(help_uri or ""), tags=tuple(raw.get("tags") or ("custom",)))
    return CustomRule(spec, path, resource.lower(), str(raw["select"]), expression, raw["predicate"])


def _check_predicate(node: Any, key: str, fail, top: bool = False) -> None:
    if not isinstance(node, dict) or len(node) != 1:
        raise fail(key, f"one of {', '.join(_OPS)}, got {node!r}")
    (op, argument), = node.items()
    if op not in _OPS:
        raise fail(f"{key}.{op}", f"unknown predicate; allowed: {', '.join(_OPS)}")
    where = f"{key}.{op}"
    if op in ("absent", "present"):
        if not top or not isinstance(argument, bool):
            raise fail(where, "true or false, and only as the whole predicate")
    elif op in ("all", "any"):
        if not isinstance(argument, list) or not argument:
            raise fail(where, "a non-empty list of predicates")
        for index, item in enumerate(argument):
            _check_predicate(item, f"{where}[{index}]", fail)
    elif op == "not":
        _check_predicate(argument, where, fail)
    elif op in ("in", "not_in"):
        if not isinstance(argument, list):
            raise fail(where, "a list of values")
    elif op == "matches":
        try:
            re.compile(str(argument))
        except re.error as exc:
            raise fail(where, f"not a regular expression: {exc}") from None
    elif op in ("within_cidrs", "overlaps_cidrs"):
        from byocni_lint.semantics.cidr import parse_network

        if not isinstance(argument, list) or not argument or any(parse_network(item) is None for item in argument):
            raise fail(where, f"a list of CIDR ranges, got {argument!r}")
    elif op == "version_at_least":
        if _version(argument) is None:
            raise fail(where, f"a dotted version such as 1.30, got {argument!r}")


def _version(value: Any) -> tuple[int, ...] | None:
    match = re.fullmatch(r"v?(\d+(?:\.\d+)*)", str(value).strip()) if isinstance(value, (str, int, float)) else None
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def _plain(value: Any) -> Any:
    """Located nodes compare as their builtin values."""
    if isinstance(value, bool) or value is None:
        return value
    for kind in (str, int, float):
        if isinstance(value, kind):
            return kind(value)
    return value


def _shown(value: Any) -> str:
    import json

    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return str(value)


def _location(value: Any, fallback: Location) -> Location:
    from byocni_lint.model.positions import node_span

    span = node_span(value)
    source = getattr(value, "source", None)
    return Location(source.path, span) if span is not None and source is not None else fallback


def _unknown_prefix(expression: Any, body: Any):
    """The unknown value that hides what `select` asks for (e.g. all of networkProfile is unknown)."""
    from jsonpath_ng.jsonpath import Child

    from byocni_lint.model.values import Unknown

    while isinstance(expression, Child):
        expression = expression.left
        for match in expression.find(body):
            if isinstance(match.value, Unknown):
                return match.value
    return None
