"""Which azurerm provider a configuration runs on: the lock file's pin, else the `required_providers`
constraint (a plan also records the constraint). BYO001 judges it (semantics.providers)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from byocni_lint.frontends.terraform.hcl import HclFile, NotLiteral, literal, member_span

_AZURERM = re.compile(r"(^|/)hashicorp/azurerm$", re.IGNORECASE)


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
            if attribute is not None and isinstance(value, str):
                return ProviderPin(value, "azurerm version in .terraform.lock.hcl",
                                   (lock.source, attribute.start, attribute.end), False)
    return None


def required_pin(files: list[HclFile]) -> ProviderPin | None:
    for hcl in files:
        for terraform in hcl.body.blocks_named("terraform"):
            for required in terraform.body.blocks_named("required_providers"):
                attribute = required.body.attributes.get("azurerm")
                if attribute is None:
                    continue
                try:
                    value = literal(attribute.expr)
                except NotLiteral:
                    continue
                if isinstance(value, dict) and isinstance(value.get("version"), str):
                    start, end = member_span(attribute.expr, "version", hcl.offsets) or (attribute.start, attribute.end)
                    return ProviderPin(value["version"], "azurerm version constraint in required_providers",
                                       (hcl.source, start, end), True)
    return None
