"""What a check reports, independent of how it is shown.

Reporters see only these objects (and the rule metadata), never the model or the input files,
so a new output format never has to learn about ARM, Bicep or Terraform.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import NamedTuple


class Severity(IntEnum):
    """Ordered so that `--fail-on` is a single comparison."""

    NOTE = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> "Severity":
        return cls[text.strip().upper()]

    @property
    def label(self) -> str:
        return self.name.lower()


class Span(NamedTuple):
    """A 1-based region; `end_column` is exclusive, as SARIF defines it. (Named tuples, not dataclasses,
    for these small immutable values: they order and hash as tuples and cost far less at start-up.)"""

    line: int
    column: int
    end_line: int
    end_column: int


class Location(NamedTuple):
    """Where a finding points. `path` is the file as the user named it (not normalised)."""

    path: str
    span: Span | None = None


@dataclass(frozen=True)
class Finding:
    """One problem a check found, as every report format shows it (a class docstring also spares
    the dataclass machinery an `inspect.signature` call at start-up)."""

    rule_id: str
    severity: Severity
    message: str
    location: Location
    resource: str | None = None
    """Display name of the resource the finding is about, e.g. `managedClusters/aks1`."""
    property: str | None = None
    """Property path inside the resource, e.g. `properties.networkProfile.serviceCidr`."""
    fingerprint_key: str = field(default="", compare=False)
    """Stable identity across unrelated edits (no line numbers); reporters hash it."""
    suppressed: str | None = field(default=None, compare=False)
    """The reason of the inline suppression that covers it (suppress.py); such findings do not count."""
    rules: tuple[str, ...] = ()
    """For a BYO901 note: the rules that needed the unresolved value (data, so notes merge without parsing)."""
    fix: str | None = None
    """How to fix it, kept apart from the message (it becomes SARIF help and keeps messages short)."""
    related: tuple[Location, ...] = field(default=(), compare=False)
    """Other places the finding rests on (the cluster's reference to a subnet declared in another file)."""

    def sort_key(self) -> tuple:
        span = self.location.span or Span(0, 0, 0, 0)
        return (self.location.path, span.line, span.column, self.rule_id, self.message)
