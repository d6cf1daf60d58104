"""The ARM template function library, one module per category of Microsoft's function reference:
https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions

Each function registers itself with `@arm_function`. By default arguments are evaluated first and an
unknown argument makes the result unknown (ARM cannot compute it either); `lazy` functions receive the
argument nodes (`if`, `and`, `or`, `lambda`) and `accepts_unknown` ones decide for themselves
(`coalesce`, `createObject`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from byocni_lint.lazy_imports import import_modules

# Category modules, imported on the first lookup so that start-up does not pay for them.
_CATEGORIES = ("template", "resources", "strings", "logic", "comparison", "arrays", "objects", "conversion",
               "numeric", "lambdas", "networking")


@dataclass(frozen=True)
class ArmFunction:
    """An ARM template function implementation and how the evaluator calls it (lazy arguments, unknowns)."""

    name: str
    impl: Callable
    lazy: bool = False
    accepts_unknown: bool = False


_REGISTRY: dict[str, ArmFunction] = {}
_pending = list(_CATEGORIES)


def arm_function(*names: str, lazy: bool = False, accepts_unknown: bool = False) -> Callable:
    def register(impl: Callable) -> Callable:
        for name in names:
            _REGISTRY[name.lower()] = ArmFunction(name, impl, lazy, accepts_unknown)
        return impl

    return register


def lookup(name: str) -> ArmFunction | None:
    """The function called `name` (lower-case); category modules are imported in order of how often
    templates use them, only until the name is found."""
    function = _REGISTRY.get(name)
    while function is None and _pending:
        import_modules(__name__, [_pending.pop(0)])
        function = _REGISTRY.get(name)
    if function is None and name.startswith("list"):
        return _REGISTRY.get("list*")
    return function
