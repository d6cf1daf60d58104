"""Terraform provider version constraints, for BYO001: does a pin or constraint admit a minimum version?

azurerm accepts `network_plugin = "none"` from 3.6.0 (CHANGELOG-v3.md, "3.6.0 (May 12, 2022)":
"`azurerm_kubernetes_cluster` - allow value `none` for `network_profile.network_plugin` (#16250)").
Constraint syntax: developer.hashicorp.com/terraform/language/expressions/version-constraints.
"""
from __future__ import annotations

import re

_CLAUSE = re.compile(r"^\s*(=|!=|>=|<=|>|<|~>)?\s*v?(\d+(?:\.\d+){0,2})(?:[-+][0-9A-Za-z.-]+)?\s*$")


def _version(text: str) -> tuple[int, int, int]:
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))  # type: ignore[return-value]


def allows_at_least(text: str, minimum: str, constraint: bool) -> bool | None:
    """Whether a pin (exact version) or a constraint admits some version >= minimum; None if unreadable."""
    floor = _version(minimum)
    if not constraint:
        match = _CLAUSE.match(text)
        return _version(match.group(2)) >= floor if match and not match.group(1) else None
    upper_ok = True
    for clause in text.split(","):
        match = _CLAUSE.match(clause)
        if match is None:
            return None
        operator, version = match.group(1) or "=", match.group(2)
        parts = version.split(".")
        value = _version(version)
        if operator == "=" and value < floor:
            upper_ok = False
        elif operator == "<" and value <= floor:
            upper_ok = False
        elif operator == "<=" and value < floor:
            upper_ok = False
        elif operator == "~>":
            if len(parts) == 1:
                continue
            bumped = [int(p) for p in parts[:-1]]
            bumped[-1] += 1
            if _version(".".join(map(str, bumped))) <= floor:
                upper_ok = False
    return upper_ok
