"""The Bicep translator on its own: constructs it does not support give a located note and never a
crash; the rest of the file is still linted; `.bicepparam` lines keep their positions."""
from __future__ import annotations

from pathlib import Path

import pytest

from byocni_lint.frontends.bicep.syntax import Parsed
from byocni_lint.frontends.bicep.translate import Translator
from byocni_lint.load.jsonc import Source
from helpers import lint, model_values_of
from shared_corpus import CORPUS

SEED = (Path(__file__).resolve().parents[1] / "fixtures" / "seed" / "main.bicep").read_text()


def _template(text: str):
    notes = []
    source = Source("t.bicep", text)
    template = Translator(Parsed(text), source, None, lambda m, s, a, b: notes.append((m, s.position(a)))).template()
    return template, notes


def test_expressions_become_the_arm_the_compiler_emits():
    template, notes = _template(
        "param p string = 'a'\n"
        "var s = '${p}-x'\n"
        "var t = p == 'a' ? 1 : 2\n"
        "var u = p.?b ?? 'd'\n"
        "var l = map([1, 2], x => x)\n"
        "var f = [for (x, i) in [1, 2]: if (i > 0) { v: x }]\n"
        "var m = '''\nline\n'''\n")
    variables = template["variables"]
    assert variables["s"] == "[format('{0}-x', parameters('p'))]"
    assert variables["t"] == "[if(equals(parameters('p'), 'a'), 1, 2)]"
    assert variables["u"] == "[coalesce(tryGet(parameters('p'), 'b'), 'd')]"
    assert variables["l"] == "[map(createArray(1, 2), lambda('x', lambdaVariables('x')))]"
    assert variables["f"].startswith("[map(filter(range(0, length(createArray(1, 2)))")
    assert variables["m"] == "line\n"
    assert notes == []


def test_resources_children_and_references():
    template, _ = _template(
        "resource v 'Microsoft.Network/virtualNetworks@2023-04-01' = {\n  name: 'v'\n"
        "  resource s 'subnets' = {\n    name: 's'\n  }\n}\n"
        "resource e 'Microsoft.Network/virtualNetworks@2023-04-01' existing = {\n  name: 'old'\n}\n"
        "output o string = v::s.id\noutput p string = e.properties.x\n")
    names = [(r["type"], r["name"]) for r in template["resources"]]
    assert names == [("Microsoft.Network/virtualNetworks/subnets", "v/s"), ("Microsoft.Network/virtualNetworks", "v")]
    assert template["outputs"]["o"]["value"] == "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'v', 's')]"
    assert template["outputs"]["p"]["value"].startswith("[reference(resourceId('Microsoft.Network/virtualNetworks', 'old')")
    subnet = template["resources"][0]
    assert Source.position(subnet["type"].source, subnet["type"].start) == (3, 14)  # the type string


@pytest.mark.parametrize(("line", "construct"), [
    ("import {a} from 'x.bicep'", "import"),
    ("type t = string", "user-defined type"),
    ("func f() string => 'a'", "user-defined function"),
    ("resource ]] = {", "cannot parse"),
])
def test_unsupported_constructs_are_located_notes_and_the_rest_is_linted(line, construct):
    _, notes = _template(line + "\n" + SEED)
    assert any(construct in message and position[0] == 1 for message, position in notes), notes


def test_unsupported_construct_in_a_file_still_lints_the_cluster(tmp_path):
    path = tmp_path / "main.bicep"
    path.write_text("func f() string => 'a'\n" + SEED)
    run = lint(path, no_bicep_cli=True)
    assert {f.rule_id for f in run.findings} == {"BYO901", "BYO010", "BYO011"}
    assert run.clusters == 1


def test_bicepparam_param_lines_parse_at_their_own_offsets():
    text = "using 'main.bicep'\nparam a = 'x'\n  param b = 2\nvar c = 1\n"
    parsed = Parsed(text, parameters_file=True)
    assert [s.type for s in parsed.tree.root_node.named_children] == \
        ["using_statement", "variable_declaration", "variable_declaration", "variable_declaration"]
    assert len(parsed.param_starts) == 2
    assert parsed.source_of(parsed.tree.root_node.named_children[1].named_children[-1]) == "'x'"


def test_non_ascii_text_keeps_code_point_positions():
    text = "// größe\nparam p string = 'ü'\n"
    template, _ = _template(text)
    default = template["parameters"]["p"]["defaultValue"]
    assert text[default.start:default.end] == "'ü'"


def _corpus_files() -> list[Path]:
    roots = [CORPUS / "bicep", CORPUS / "bicep-pairs"]
    return sorted(p for root in roots if root.is_dir() for p in root.rglob("*") if p.suffix in (".bicep", ".bicepparam"))


def test_every_corpus_bicep_file_lints_without_exception_or_file_error():
    files = _corpus_files()
    if not files:
        pytest.skip("../shared is absent")
    for path in files:
        run = lint(path, no_bicep_cli=True)
        assert not run.internal_errors, (path, run.internal_errors)
        assert not [f for f in run.findings if f.rule_id in ("BYO900", "BYO903")], path
        assert run.files_linted >= 1, path


def test_a_secure_parameter_is_unknown_not_its_default(tmp_path):
    path = tmp_path / "main.bicep"
    path.write_text(SEED.replace("param kubernetesVersion", "@secure()\nparam kubernetesVersion"))
    (model,) = model_values_of(path, no_bicep_cli=True)
    assert "unknown" in model["clusters"][0]["kubernetes_version"]


def test_hostile_nesting_is_an_input_limit_not_a_crash(tmp_path):
    path = tmp_path / "deep.bicep"
    path.write_text("var x = " + "[" * 20000 + "]" * 20000 + "\n" + SEED)
    run = lint(path, no_bicep_cli=True)
    assert not run.internal_errors
    assert [f.rule_id for f in run.findings if f.rule_id in ("BYO900", "BYO903")] == ["BYO903"]


def test_a_child_declared_in_a_loop_body_is_deployed_per_item():
    template, _ = _template(
        "param names array = ['a', 'b']\n"
        "resource v 'Microsoft.Network/virtualNetworks@2023-04-01' = [for n in names: {\n  name: n\n"
        "  resource s 'subnets' = {\n    name: 'nodes'\n  }\n}]\n")
    child = template["resources"][0]
    assert child["name"] == "[format('{0}/{1}', parameters('names')[copyIndex()], 'nodes')]"
    assert child["copy"]["count"] == "[length(parameters('names'))]"
