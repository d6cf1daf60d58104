"""What a check is handed besides the model: its rule's params, today's date, and ways to report.

Reporting goes through here so every rule words the shared parts the same way: where a bad value was
set (parameter default or parameters file), "if deployed" for resources behind an unknown condition
(capped at warning), and BYO901 notes for values that could not be resolved (never errors).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, TypeVar

from byocni_lint.findings import Finding, Location, Severity
from byocni_lint.model import Field, Resource
from byocni_lint.model.spellings import spell
from byocni_lint.rulebook import RuleSpec

UNRESOLVED = "BYO901"
R = TypeVar("R", bound=Resource)
T = TypeVar("T")


def reported(resource: R, *context: object) -> R:
    """`resource` as a finding names it, carrying what else the finding depends on: a condition (the
    cluster, the subnet, one rule may not be deployed: "if deployed") and a link to another file (the
    node subnet declared elsewhere: named, and a `maybe` link caps the finding at warning)."""
    condition = resource.conditional or _first(context, "conditional")
    link = resource.link or _first(context, "link")
    if (condition, link) == (resource.conditional, resource.link):
        return resource
    return replace(resource, conditional=condition, link=link)


def through(resource: R, *context: object) -> R:
    """`resource` carrying only the link of what a finding about it rests on (a cluster whose service
    range overlaps a VNet declared in another file), not those resources' conditions."""
    link = resource.link or _first(context, "link")
    return resource if link is resource.link else replace(resource, link=link)


def _first(context: tuple[object, ...], attribute: str):
    """The first set `conditional` / `link` among what a finding rests on (rules, subnets, None)."""
    return next((getattr(c, attribute) for c in context if getattr(c, attribute, None)), None)


class CheckLimitExceeded(Exception):
    """A check ran out of its work budget (an 800-rule NSG): BYO903 at `location`, never a hang."""

    def __init__(self, message: str, location: Location) -> None:
        super().__init__(message)
        self.location = location


@dataclass
class CheckContext:
    """What a check receives besides the model: its rule, the date, and where it appends findings."""

    spec: RuleSpec
    today: date
    format: str = "arm"  # how the model's source spells settings (model/spellings.py)
    findings: list[Finding] = field(default_factory=list)
    limits: dict = field(default_factory=dict)  # BYO903's params: the work bounds every check shares
    run_cache: dict[tuple[str, Callable], Any] = field(default_factory=dict)
    """What `prepared` worked out, shared by every context of one run (one rulebook: a rule's params
    are the same for every model)."""

    @property
    def params(self) -> dict:
        return self.spec.params

    def prepared(self, build: Callable[[dict], T]) -> T:
        """`build(params)`, worked out once per run and rule rather than once per model: the rule's
        params parsed into what the check compares with (networks, flows, a sorted calendar), which
        otherwise costs each of thousands of files as much as checking it. `build` must depend on
        the params alone; what it returns is shared, so the check must not change it."""
        key = (self.spec.id, build)
        if key not in self.run_cache:
            self.run_cache[key] = build(self.params)
        return self.run_cache[key]

    def spell(self, property_path: str) -> str:
        """A setting as the user's format spells it: `podCidr`, `network_profile.pod_cidr`, `--pod-cidr`."""
        return spell(self.format, property_path)

    def name(self, field: Field) -> str:
        """The setting a field holds, as the user's format spells it."""
        return self.spell(field.property_path)

    def fail(self, where: Field | Location, message: str, resource: Resource | None = None,
             severity: Severity | None = None, key: str = "", fix: str | None = None) -> None:
        """Report a violation at a value (or a location) of `resource`."""
        severity = severity or self.spec.severity
        location = where.location if isinstance(where, Field) else where
        prop = where.property_path if isinstance(where, Field) else None
        identity = key or message  # before "value set in X:15": a fingerprint holds no line number
        value_origin: tuple[Location, ...] = ()
        if isinstance(where, Field) and where.origin is not None:
            origin = where.origin
            line = f":{origin.span.line}" if origin.span else ""
            message += f" (value set in {_short(origin.path)}{line})"
            value_origin = (origin,)  # SARIF relatedLocations: where the value was set
        if resource is not None and resource.conditional:
            message = f"if deployed, {message[0].lower()}{message[1:]}"
            severity = min(severity, Severity.WARNING)
        link = resource.link if resource is not None else None
        related: tuple[Location, ...] = ()
        if link is not None:
            message, severity, related = _linked(message, severity, link, location)
        self.findings.append(Finding(
            rule_id=self.spec.id, severity=severity, message=message, location=location,
            resource=resource.display if resource else None, property=prop,
            fingerprint_key=f"{resource.display if resource else ''}|{prop or ''}|{identity}",
            fix=fix, related=related or value_origin,  # a link names the files it rests on itself
        ))

    def unknown(self, where: Field, resource: Resource | None, what: str = "") -> None:
        """A value the rule needed is unknown: a BYO901 note naming the rule, the property and the reason."""
        reason = getattr(where.value, "reason", "its value is unknown")
        subject = what or (self.spell(where.property_path) if where.property_path else "a value")
        on = f" of {resource.display}" if resource else ""
        self.findings.append(Finding(
            rule_id=UNRESOLVED, severity=Severity.NOTE,
            message=f"{subject}{on}: {reason}",
            location=where.location, resource=resource.display if resource else None,
            property=where.property_path or None,
            fingerprint_key=f"{resource.display if resource else ''}|{where.property_path}",
            rules=(self.spec.id,),
        ))


def _linked(message: str, severity: Severity, link, location: Location) -> tuple[str, Severity, tuple[Location, ...]]:
    """A finding resting on a resource from another file names that file and line; on a link that
    may be wrong it names the assumption and is at most a warning."""
    related = link.related(location.path)
    if link.assumption:
        message = f"{link.assumption}: {message[0].lower()}{message[1:]}"
        severity = min(severity, Severity.WARNING)
    elif link.declared.path != location.path:
        message += f" (declared in {_line(link.declared)})"
    if link.reference.path != location.path:
        message += f" (referenced at {_line(link.reference)})"
    return message, severity, related


def _line(where: Location) -> str:
    return f"{where.path}:{where.span.line}" if where.span else where.path


def and_list(items) -> str:
    """`a`, `a and b`, `a, b and c`: how every message lists things."""
    texts = [str(item) for item in items]
    return ", ".join(texts[:-1]) + f" and {texts[-1]}" if len(texts) > 1 else texts[0]


def _short(path: str) -> str:
    from os.path import basename

    return basename(path)
