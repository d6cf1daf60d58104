"""Our Bicep front end against the real compiler: for every pair in ../shared/corpus/bicep-pairs, the
model of `main.bicep` (no compiler) equals the model of the JSON the compiler produced, and so do the
findings (rule, severity). BYO901 notes are compared apart: a construct we only note may differ."""
from __future__ import annotations

import json
import re

import pytest

from helpers import lint, model_values_of
from shared_corpus import CORPUS

PAIRS = CORPUS / "bicep-pairs"
# Pairs that do not agree, with the construct our front end lacks (none may lack a finding or add an error).
DIFFERING: dict[str, str] = {}  # all 25 agree (BYO901 notes compared apart; unknown IDs by unknown-ness)


def _pairs() -> list[str]:
    return sorted(p.name for p in PAIRS.iterdir() if (p / "main.bicep").is_file()) if PAIRS.is_dir() else []


def _compiled(folder):
    return folder / "main.json" if (folder / "main.json").is_file() else folder / "azuredeploy.json"


def _options(folder) -> dict:
    parameters = folder / "azuredeploy.parameters.json"
    return {"parameters": str(parameters)} if parameters.is_file() else {}


def _normalised(values: list[dict]) -> str:
    # An unknown resource-group name is spelled with the unknown's identity; only its unknown-ness counts.
    return re.sub(r"\{unknown\}\d+", "{unknown}", json.dumps(values, sort_keys=True, default=str))


def _findings(run) -> list[tuple[str, str]]:
    return sorted((f.rule_id, f.severity.name) for f in run.findings if f.rule_id != "BYO901")


@pytest.mark.parametrize("name", _pairs() or [pytest.param("none", marks=pytest.mark.skip("../shared is absent"))])
def test_pair_agrees_with_the_compiler(name):
    folder = PAIRS / name
    options = _options(folder)
    ours = lint(folder / "main.bicep", **options)
    assert not [f for f in ours.findings if f.rule_id in ("BYO900", "BYO903")], name
    assert ours.files_linted >= 1 and not ours.internal_errors
    if name in DIFFERING:
        pytest.xfail(DIFFERING[name])
    compiled = lint(_compiled(folder), **options)
    assert _findings(ours) == _findings(compiled)
    assert _normalised(model_values_of(folder / "main.bicep", **options)) == \
        _normalised(model_values_of(_compiled(folder), **options))


def test_enough_pairs_agree_and_some_carry_a_model():
    names = _pairs()
    if not names:
        pytest.skip("../shared is absent")
    assert len(names) - len(DIFFERING) >= 22
    with_clusters = [n for n in names if any(m["clusters"] for m in model_values_of(PAIRS / n / "main.bicep", **_options(PAIRS / n)))]
    assert len(with_clusters) >= 5  # the comparison is not between empty models
