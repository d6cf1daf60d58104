"""One ARM-shaped template, evaluated and folded into the model.

Every front end that ends in ARM-shaped templates (ARM itself, Bicep, Terraform, scripts) comes
through here, so evaluation limits are applied and reported the same way for all of them.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from byocni_lint.findings import Location, Span

if TYPE_CHECKING:
    from byocni_lint.frontends.run import Run
    from byocni_lint.model import Model


def model_of_template(run: "Run", template: object, path: str, parameter_values: dict | None,
                      load_linked: Callable[[str], dict | None] | None, parameters_source: str | None,
                      format: str) -> "Model | None":
    """The model of one evaluation, or None when an evaluation limit stopped it (reported as BYO903)."""
    from byocni_lint.evaluate.deployment import TemplateInput, evaluate_template
    from byocni_lint.evaluate.scope import Budget, LimitExceeded, RunBudget
    from byocni_lint.frontends.arm.to_model import build_model

    if run.run_budget is None:
        run.run_budget = RunBudget(int(run.limits["max_run_steps"]))
    spent = run.out_of_steps.get(id(template))
    if spent is not None or run.run_budget.exhausted:
        # Work shared between evaluations of one template: one that ran out of steps with one parameters
        # file is not run again with the next (the cost is in the template), and the run has one total.
        limit = spent or f"the run took more than {run.run_budget.max_steps} evaluation steps in total"
        where = f" with {parameters_source}" if parameters_source else ""
        run.problem("BYO903", f"not evaluated{where}: {limit}", Location(path))
        return None
    budget = Budget.from_limits(run.limits, run=run.run_budget)
    source = TemplateInput(template if isinstance(template, dict) else {}, path, parameter_values, load_linked)
    evaluation = evaluate_template(source, budget)
    limit = evaluation.limit
    model = None
    if limit is None:
        try:
            model = build_model(evaluation, path, parameters_source)
            model.format = format
        except LimitExceeded as exc:  # bodies are evaluated while modelling
            limit = str(exc)
        except RecursionError:
            limit = "expressions nested too deeply"
    _report_rejected_input(run, evaluation.problems, path)
    if limit is None:
        return model
    if budget.steps > budget.max_steps:
        run.out_of_steps[id(template)] = limit
    run.problem("BYO903", f"evaluation stopped: {limit}", Location(path))
    return None


def _report_rejected_input(run: "Run", problems: list, path: str) -> None:
    """Values ARM rejects (a wrong parameter type, a negative copy count): BYO900 where they were written."""
    from byocni_lint.model.positions import node_span

    for message, node in problems:
        span = node_span(node)
        run.problem("BYO900", message, Location(node.source.path, span) if span is not None else Location(path))


def report_malformed_expressions(run: "Run", root: object, path: str) -> None:
    """BYO900 at the character inside the string where the expression parser stopped."""
    from byocni_lint.evaluate.expressions import malformed_expressions
    from byocni_lint.model.positions import node_span

    for node, error in malformed_expressions(root):
        span = node_span(node)
        if span is None:
            location = Location(path)
        else:
            column = span.column + 2 + error.offset if span.line == span.end_line else span.column  # after `"[`
            location = Location(node.source.path, Span(span.line, column, span.line, column + 1))  # type: ignore[attr-defined]
        run.problem("BYO900", f"malformed expression: {error.message} (character {error.offset + 1} of the expression)",
                    location)
