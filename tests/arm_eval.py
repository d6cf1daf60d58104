"""Evaluate ARM expressions through a real Scope, so function tests exercise parsing and evaluation
together (tests/ is not a package; test modules import this by name, as conftest imports sarif_schema)."""
from __future__ import annotations

from byocni_lint.evaluate.deployment import new_scope
from byocni_lint.evaluate.references import ReferenceResolver
from byocni_lint.evaluate.scope import Budget, DeploymentContext, Scope

UNSET = {"type": "string"}


def shipped_budget(**overrides: int) -> Budget:
    """The shipped evaluation limits (rules/BYO903.yaml), with some changed for a test."""
    from byocni_lint.rulebook import load_rulebook

    return Budget.from_limits(load_rulebook()["BYO903"].params, **overrides)  # a parameter declaration without a default: its value is unknown


def scope_for(parameters: dict | None = None, variables: dict | None = None, budget: Budget | None = None) -> Scope:
    """A template scope with these `parameters` declarations and `variables`, as a template writes them."""
    template = {"parameters": parameters or {}, "variables": variables or {}}
    return new_scope(template, budget or shipped_budget(), DeploymentContext(), ReferenceResolver(), {})


def evaluate(expression: str, parameters: dict | None = None, variables: dict | None = None) -> object:
    return scope_for(parameters, variables).evaluate(expression)


def defaults(**values: object) -> dict:
    """Parameter declarations with these default values."""
    return {name: {"type": "object", "defaultValue": value} for name, value in values.items()}
