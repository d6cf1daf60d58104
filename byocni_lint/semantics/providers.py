"""Which azurerm provider a configuration runs on, for BYO001: the lock file's pin, else the
`required_providers` constraint (and, in a plan, the recorded constraint).

azurerm accepts `network_plugin = "none"` from 3.6.0 (CHANGELOG-v3.md, "3.6.0 (May 12, 2022)":
"`azurerm_kubernetes_cluster` - allow value `none` for `network_profile.network_plugin` (#16250)").
A configuration whose pin or constraint admits only older versions cannot deploy a BYOCNI cluster.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from byocni_lint.frontends.terraform.hcl import HclFile, NotLiteral, literal

_AZURERM = re.compile(r"(^|/)hashicorp/azurerm$", re.IGNORECASE)
_CLAUSE = re.compile(r"^\s*(=|!=|>=|<=|>|<|~>)?\s*v?(\d+(?:\.\d+){0,2})(?:[-+][0-9A-Za-z.-]+)?\s*$")


@dataclass
class ProviderPin:
    text: str  # "3.5.0" or "~> 3.5.0"
    what: str  # how it is named in messages
    position: tuple  # (Source, start, end)
    is_constraint: bool


def lock_pin(lock: HclFile) -> ProviderPin | None:
    for block in lock.body.blocks_named("provider"):
        if block.labels and _AZURERM.search(block.labels[0]):
            attribute = block.body.attributes.get("version")
            try:
                value = literal(attribute.expr) if attribute is not None else None
            except NotLiteral:
                value = None
            if isinstance(value, str):
                return ProviderPin(value, "azurerm version in .terraform.lock.hcl",
                                   (lock.source, attribute.start, attribute.end), False)
    return None


def required_pin(files: list[HclFile]) -> ProviderPin | None:
    for hcl in files:
        for terraform in hcl.body.blocks_named("terraform"):
            for required in terraform.body.blocks_named("required_providers"):
                attribute = required.body.attributes.get("azurerm")
                try:
                    value = literal(attribute.expr) if attribute is not None else None
                except NotLiteral:
                    continue
                if isinstance(value, dict) and isinstance(value.get("version"), str):
                    return ProviderPin(value["version"], "azurerm version constraint in required_providers",
                                       (hcl.source, attribute.start, attribute.end), True)
    return None


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
