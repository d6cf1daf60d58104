"""Templates built to exhaust the linter end quickly with a finding, never a hang, a crash or a blown stack.

The linter runs on every commit (pre-commit, CI) over files it does not control. ARM itself caps copy
loops at 800 and nesting at 64 levels; the linter's own budgets (rules/BYO903.yaml: evaluation steps,
value size, copy count, deployment depth, JSON depth) must stop anything worse with BYO903. The tests end
because a budget stops the work; they assert that finding, never a time.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from byocni_lint.engine import LintRun, Options, lint_paths

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"


def template(resources: list, variables: dict | None = None, parameters: dict | None = None) -> dict:
    return {"$schema": SCHEMA, "contentVersion": "1.0.0.0", "parameters": parameters or {},
            "variables": variables or {}, "resources": resources}


def storage(name: str) -> dict:
    return {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "name": name,
            "location": "westeurope", "kind": "StorageV2", "sku": {"name": "Standard_LRS"}}


def cluster(network_profile: dict) -> dict:
    return {"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-05-01", "name": "aks-hostile",
            "location": "westeurope",
            "properties": {"dnsPrefix": "hostile",
                           "agentPoolProfiles": [{"name": "system", "count": 1, "mode": "System",
                                                  "vmSize": "Standard_D2s_v3"}],
                           "networkProfile": {"networkPlugin": "none", **network_profile}}}


def lint_text(tmp_path: Path, text: str, name: str = "hostile.json") -> LintRun:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return lint_paths([str(path)])


def lint(tmp_path: Path, document: dict) -> LintRun:
    return lint_text(tmp_path, json.dumps(document, indent=1))


def rule_ids(run: LintRun) -> set[str]:
    return {f.rule_id for f in run.findings}


def assert_stopped(run: LintRun, tmp_path: Path) -> None:
    stopped = [f for f in run.findings if f.rule_id == "BYO903"]
    assert stopped, [(f.rule_id, f.message) for f in run.findings]
    assert all(Path(f.location.path).parent == tmp_path for f in stopped)


# ----- size and depth of the JSON itself ---------------------------------------------------------------------


def test_deeply_nested_arrays(tmp_path: Path) -> None:
    depth = 100_000
    nested = "[" * depth + "]" * depth
    text = json.dumps(template([cluster({})]), indent=1).replace('"networkPlugin": "none"',
                                                                 f'"networkPlugin": "none", "deep": {nested}')
    assert_stopped(lint_text(tmp_path, text), tmp_path)


def test_deeply_nested_objects_in_a_parameters_file(tmp_path: Path) -> None:
    (tmp_path / "hostile.json").write_text(json.dumps(template([storage("st")])), encoding="utf-8")
    depth = 50_000
    value = '{"a": ' * depth + "1" + "}" * depth
    text = '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", ' \
           f'"parameters": {{"p": {{"value": {value}}}}}}}'
    assert_stopped(lint_text(tmp_path, text, "hostile.parameters.json"), tmp_path)


# ----- values that grow without bound --------------------------------------------------------------------------


def test_range_of_a_hundred_million(tmp_path: Path) -> None:
    document = template([storage("[concat('st', string(length(variables('all'))))]")],
                        variables={"all": "[range(0, 100000000)]"})
    assert_stopped(lint(tmp_path, document), tmp_path)


def test_string_doubling_through_forty_variables(tmp_path: Path) -> None:
    variables = {"v0": "ab"}
    for n in range(1, 41):
        variables[f"v{n}"] = f"[concat(variables('v{n - 1}'), variables('v{n - 1}'))]"
    document = template([storage("[take(variables('v40'), 20)]")], variables=variables)
    assert_stopped(lint(tmp_path, document), tmp_path)


def test_array_doubling_then_converting_to_a_string(tmp_path: Path) -> None:
    # Each array holds its predecessor twice: 2^40 leaves once written out by string().
    variables = {"a0": "[createArray('x')]"}
    for n in range(1, 41):
        variables[f"a{n}"] = f"[createArray(variables('a{n - 1}'), variables('a{n - 1}'))]"
    document = template([storage("[take(string(variables('a40')), 20)]")], variables=variables)
    assert_stopped(lint(tmp_path, document), tmp_path)


def test_object_doubling_then_converting_to_json_text(tmp_path: Path) -> None:
    variables = {"o0": {"k": "v"}}
    for n in range(1, 41):
        variables[f"o{n}"] = f"[createObject('l', variables('o{n - 1}'), 'r', variables('o{n - 1}'))]"
    document = template([cluster({"podCidr": "[substring(string(variables('o40')), 0, 10)]"})], variables=variables)
    assert_stopped(lint(tmp_path, document), tmp_path)


# ----- evaluation that never ends ----------------------------------------------------------------------------


@pytest.mark.parametrize("variables", [
    {"a": "[variables('a')]"},
    {"a": "[concat('x', variables('b'))]", "b": "[concat('y', variables('c'))]", "c": "[variables('a')]"},
], ids=["self", "cycle-of-three"])
def test_self_referential_variables(tmp_path: Path, variables: dict) -> None:
    document = template([cluster({"podCidr": "[variables('a')]"})], variables=variables)
    assert_stopped(lint(tmp_path, document), tmp_path)


def test_copy_count_of_a_hundred_thousand(tmp_path: Path) -> None:
    resource = {**storage("[concat('st', copyIndex())]"), "copy": {"name": "many", "count": 100_000}}
    assert_stopped(lint(tmp_path, template([resource])), tmp_path)


def test_property_copy_count_of_a_hundred_thousand(tmp_path: Path) -> None:
    vnet = {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-09-01", "name": "vnet", "location": "x",
            "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/8"]},
                           "copy": [{"name": "subnets", "count": 100_000,
                                     "input": {"name": "[concat('s', copyIndex('subnets'))]",
                                               "properties": {"addressPrefix": "10.0.0.0/24"}}}]}}
    assert_stopped(lint(tmp_path, template([vnet])), tmp_path)


def test_copies_of_modules_each_with_copies(tmp_path: Path) -> None:
    # 800 modules x 800 resources each: every count is within ARM's limit, the product is not reasonable.
    inner = template([{**storage("[concat('st', copyIndex())]"), "copy": {"name": "inner", "count": 800}}])
    module = {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
              "name": "[concat('module', copyIndex())]", "copy": {"name": "outer", "count": 800},
              "properties": {"mode": "Incremental", "expressionEvaluationOptions": {"scope": "inner"},
                             "template": inner}}
    assert_stopped(lint(tmp_path, template([module])), tmp_path)


def _nested_modules(levels: int, innermost: dict) -> dict:
    for level in range(levels):
        innermost = template([{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
                               "name": f"level{level}",
                               "properties": {"mode": "Incremental",
                                              "expressionEvaluationOptions": {"scope": "inner"},
                                              "template": innermost}}])
    return innermost


def test_nested_deployments_fifty_deep(tmp_path: Path) -> None:
    assert_stopped(lint(tmp_path, _nested_modules(50, template([cluster({"podCidr": "192.168.0.0/16"})]))), tmp_path)


def test_nested_deployments_deeper_than_the_budget_but_shallow_json(tmp_path: Path) -> None:
    # 30 levels stay under the JSON depth limit, so it is the deployment-depth budget that must stop this.
    run = lint(tmp_path, _nested_modules(30, template([cluster({"podCidr": "192.168.0.0/16"})])))
    assert_stopped(run, tmp_path)
    assert not any("JSON" in f.message for f in run.findings if f.rule_id == "BYO903")


def test_template_that_links_to_itself(tmp_path: Path) -> None:
    module = {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "again",
              "properties": {"mode": "Incremental", "templateLink": {"relativePath": "hostile.json"}}}
    assert_stopped(lint(tmp_path, template([module, cluster({"podCidr": "192.168.0.0/16"})])), tmp_path)


def test_chain_of_fifty_linked_files(tmp_path: Path) -> None:
    for level in range(1, 51):
        resources = [cluster({"podCidr": "192.168.0.0/16"})] if level == 50 else [
            {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": f"level{level}",
             "properties": {"mode": "Incremental", "templateLink": {"relativePath": f"level{level + 1}.json"}}}]
        (tmp_path / f"level{level}.json").write_text(json.dumps(template(resources)), encoding="utf-8")
    first = {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "level0",
             "properties": {"mode": "Incremental", "templateLink": {"relativePath": "level1.json"}}}
    assert_stopped(lint(tmp_path, template([first])), tmp_path)


def test_deeply_nested_expression(tmp_path: Path) -> None:
    depth = 4_000  # 20 004 characters: within ARM's expression length limit, far beyond Python's stack
    expression = "[" + "not(" * depth + "true" + ")" * depth + "]"
    run = lint(tmp_path, template([cluster({"podCidr": "192.168.0.0/16", "networkPolicy": expression})]))
    assert rule_ids(run) & {"BYO900", "BYO903"}, [(f.rule_id, f.message) for f in run.findings]


# ----- malformed expressions ------------------------------------------------------------------------------------


def _string_span(text: str, literal: str) -> tuple[int, int, int]:
    """(line, first column, last column) of `literal` written as a JSON string, quotes included."""
    written = json.dumps(literal)
    index = text.index(written)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column, column + len(written) - 1


@pytest.mark.parametrize("where", ["cluster", "storage"])
def test_malformed_expression_is_a_finding_inside_the_string(tmp_path: Path, where: str) -> None:
    broken = "[concat('a',]"
    resource = cluster({"podCidr": broken}) if where == "cluster" else {**storage("st"), "tags": {"t": broken}}
    text = json.dumps(template([resource, storage("healthy")]), indent=1)
    run = lint_text(tmp_path, text)
    malformed = [f for f in run.findings if f.rule_id == "BYO900"]
    assert len(malformed) == 1, [(f.rule_id, f.message) for f in run.findings]
    [finding] = malformed
    line, first, last = _string_span(text, broken)
    span = finding.location.span
    assert Path(finding.location.path).name == "hostile.json"
    assert span.line == line and first < span.column <= last, (span, first, last)
    assert "expression" in finding.message.lower()


@pytest.mark.parametrize("section, value", [
    ("parameters", "not-an-object"), ("variables", ["a", "list"]), ("functions", {"not": "a list"}),
    ("outputs", "not-an-object"), ("resources", "not-a-list"), ("functions", [{"members": "x"}]),
])
def test_sections_of_the_wrong_shape_are_linted_without_an_exception(tmp_path, section, value) -> None:
    """Found by fuzzing the corpus: a string where ARM requires an object crashed the evaluator.
    ARM rejects such a template; the linter must still finish and lint the rest of the file."""
    template = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "resources": [{"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2021-02-01",
                       "name": "aks", "properties": {"networkProfile": {"networkPlugin": "none"}}}],
        "outputs": {"x": {"type": "string", "value": "[reference('aks').fqdn]"}},
    }
    template[section] = value
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(template), encoding="utf-8")
    run = lint_paths([str(path)], Options(debug=True))  # debug: an internal error would raise here
    if section != "resources":
        assert "BYO001" in {f.rule_id for f in run.findings}  # the cluster was still judged
