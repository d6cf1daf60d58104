"""Principle 4 as a property: whatever a template file holds, linting it ends in findings, never an
exception. Templates from fixtures/ are mutated at random (members dropped, values swapped for odd
ones: wrong types, malformed or failing expressions, bad CIDRs) and linted with debug on, so an
internal error raises here instead of being recorded."""
from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from byocni_lint.engine import Options, lint_paths
from byocni_lint.load.jsonc import JsoncError, parse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _templates() -> list[object]:
    """Every fixture template that parses (some fixtures are malformed on purpose)."""
    found = []
    for path in sorted(FIXTURES.rglob("*.json")):
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        if "deploymentTemplate" in text:
            try:
                found.append(parse(text, str(path)))
            except JsoncError:
                continue
    return found


TEMPLATES = _templates()
ODD_VALUES = [
    None, True, 0, -1, 1.5, "", "[", "[]", "[parameters('missing')]", "[concat(", "[reference('a').b.c]",
    "[variables('v')[0]]", [], {}, [None], {"value": None}, "[copyIndex()]", "[resourceId()]",
    "[format('{0}')]", "[int('a')]", "[range(0, -5)]", "[split(1, 2)]", "[union(1, 'a')]", "10.0.0.0/33",
    "::/0", "0.0.0.0/0", "[json('{')]", "[createObject('a')]", "[last(null())]", "[listKeys('x', '1').k]",
]


def _mutate(node: object, rng: random.Random, rate: float) -> object:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            roll = rng.random()
            if roll < rate:
                continue
            out[key] = rng.choice(ODD_VALUES) if roll < 2.5 * rate else _mutate(value, rng, rate)
        return out
    if isinstance(node, list):
        out = [_mutate(value, rng, rate) for value in node if rng.random() > rate]
        return out + [rng.choice(ODD_VALUES)] if rng.random() < rate else out
    return rng.choice(ODD_VALUES) if rng.random() < 2 * rate else node


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(index=st.integers(min_value=0, max_value=len(TEMPLATES) - 1), seed=st.integers(0, 2**32 - 1),
       rate=st.sampled_from([0.02, 0.08, 0.2]))
def test_mutated_templates_lint_without_an_exception(tmp_path, index, seed, rate) -> None:
    path = tmp_path / "mutated.json"
    path.write_text(json.dumps(_mutate(TEMPLATES[index], random.Random(seed), rate)), encoding="utf-8")
    run = lint_paths([str(path)], Options(today=date(2026, 11, 28), debug=True))
    assert run.internal_errors == []
    assert all(f.location.path == str(path) for f in run.findings)
