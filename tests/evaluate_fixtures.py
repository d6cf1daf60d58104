"""Evaluating the templates in fixtures/evaluate/, shared by the walker and model-linking tests."""
from __future__ import annotations

from pathlib import Path

from arm_eval import shipped_budget
from byocni_lint.evaluate.deployment import Evaluation, TemplateInput, evaluate_template
from byocni_lint.evaluate.scope import DeploymentContext
from byocni_lint.load.jsonc import parse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "evaluate"
CONTEXT = DeploymentContext()
RG = f"/subscriptions/{CONTEXT.subscription_id}/resourcegroups/{CONTEXT.resource_group}".lower()


def parse_file(path: str) -> object:
    return parse(Path(path).read_text(encoding="utf-8"), path)


def evaluate_fixture(name: str, parameters: str | None = None, values: dict | None = None) -> Evaluation:
    """Evaluate fixtures/evaluate/<name>, with a parameters file and/or extra parameter values."""
    path = FIXTURES / name
    supplied: dict = {}
    if parameters is not None:
        supplied.update(parse_file(str(FIXTURES / parameters))["parameters"])
    supplied.update({key: {"value": value} for key, value in (values or {}).items()})
    evaluation = evaluate_template(TemplateInput(parse_file(str(path)), str(path), supplied or None,
                                                 lambda relative: parse_file(str(path.parent / relative))
                                                 if (path.parent / relative).is_file() else None),
                                 shipped_budget())
    assert evaluation.limit is None, evaluation.limit
    return evaluation
