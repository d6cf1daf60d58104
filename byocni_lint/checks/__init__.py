"""Checks: pure functions from the model (and their rule's YAML params) to findings.

A check is bound to its rule by id with `@check("BYO003")`. One module per rule family:
versions.py (API and Kubernetes versions), addresses.py (CIDR rules), settings.py (network profile
settings), network.py (subnets, NSGs, outbound), permissions.py (RBAC on the node subnet).
"""
from __future__ import annotations

from typing import Callable

from byocni_lint.checks.context import CheckContext
from byocni_lint.model import Model
from byocni_lint.lazy_imports import import_modules

CheckFunction = Callable[[Model, CheckContext], None]

_FAMILIES = ("versions", "addresses", "settings", "network", "permissions")
_CHECKS: dict[str, CheckFunction] = {}


def check(rule_id: str) -> Callable[[CheckFunction], CheckFunction]:
    def register(function: CheckFunction) -> CheckFunction:
        _CHECKS[rule_id] = function
        return function

    return register


def registered_checks() -> dict[str, CheckFunction]:
    if not _CHECKS:
        import_modules(__name__, _FAMILIES)
    return dict(_CHECKS)

