"""Evaluate ARM expressions through a real Scope, so function tests exercise parsing and evaluation
together (tests/ is not a package; test modules import this by name, as conftest imports sarif_schema)."""
from __future__ import annotations

from byocni_lint.evaluate.deployment import new_scope
from byocni_lint.evaluate.references import ReferenceResolver
from byocni_lint.evaluate.scope import Budget, DeploymentContext, Scope

UNSET = {"type": "string"}  # a parameter declaration without a default: its value is unknown
MIB = 1024 * 1024


def peak_bytes(function) -> int:
    """The most memory `function()` held at once (tracemalloc): proof that a limit stopped the work
    before the value was built, with no clock involved. `function` is expected to raise."""
    import tracemalloc

    tracemalloc.start()
    try:
        function()
    except Exception:  # noqa: BLE001 - the caller asserts which exception, with pytest.raises inside
        pass
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


def shipped_budget(**overrides: int) -> Budget:
    """The shipped evaluation limits (rules/BYO903.yaml), with some changed for a test."""
    from byocni_lint.rulebook import load_rulebook

    return Budget.from_limits(load_rulebook()["BYO903"].params, **overrides)


def scope_for(parameters: dict | None = None, variables: dict | None = None, budget: Budget | None = None) -> Scope:
    """A template scope with these `parameters` declarations and `variables`, as a template writes them."""
    template = {"parameters": parameters or {}, "variables": variables or {}}
    return new_scope(template, budget or shipped_budget(), DeploymentContext(), ReferenceResolver(), {})


def evaluate(expression: str, parameters: dict | None = None, variables: dict | None = None) -> object:
    return scope_for(parameters, variables).evaluate(expression)


def defaults(**values: object) -> dict:
    """Parameter declarations with these default values."""
    return {name: {"type": "object", "defaultValue": value} for name, value in values.items()}
