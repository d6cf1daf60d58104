"""Issue 15 as properties: random ARM documents and random expressions never raise out of the engine.

The engine runs with debug on, so an internal error raises here instead of being recorded; budgets
end any example that would not stop by itself (no wall-clock bound is asserted).
"""
from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from byocni_lint.engine import Options, lint_paths
from byocni_lint.evaluate.functions import _REGISTRY, lookup

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
lookup("no such function")  # imports every category module
FUNCTIONS = sorted(name for name in _REGISTRY if name != "list*")
KEYS = ["type", "apiVersion", "name", "properties", "networkProfile", "networkPlugin", "podCidr", "serviceCidr",
        "agentPoolProfiles", "vnetSubnetID", "subnets", "addressPrefix", "securityRules", "copy", "count", "input",
        "condition", "resources", "template", "parameters", "variables", "value", "defaultValue", "priority",
        "access", "direction", "delegations", "dependsOn", "scope", "templateLink", "relativePath", "outputs"]
TYPES = ["Microsoft.ContainerService/managedClusters", "Microsoft.Network/virtualNetworks",
         "Microsoft.Network/virtualNetworks/subnets", "Microsoft.Network/networkSecurityGroups",
         "Microsoft.Resources/deployments", "Microsoft.Authorization/roleAssignments"]

literals = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.text(alphabet="ab/.{}0123456789 '\ud800\n", max_size=12).map(lambda s: "'" + s.replace("'", "''") + "'"),
    st.sampled_from(["true", "false", "null", "'10.0.0.0/16'", "'{0:D99999999}'", "'{0,-999999}'",
                     "variables('v')", "parameters('p')", "copyIndex()", "'*'"]),
)


def _call(args: st.SearchStrategy) -> st.SearchStrategy:
    return st.tuples(st.sampled_from(FUNCTIONS), st.lists(args, max_size=4)).map(
        lambda call: f"{call[0]}({', '.join(call[1])})")


expressions = st.recursive(literals, lambda inner: st.one_of(
    _call(inner), st.tuples(inner, st.sampled_from(KEYS)).map(lambda a: f"{a[0]}.{a[1]}"),
    st.tuples(inner, inner).map(lambda a: f"{a[0]}[{a[1]}]")), max_leaves=12)

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 900), st.sampled_from(TYPES),
              expressions.map(lambda e: f"[{e}]"), st.text(max_size=6)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)),
    max_leaves=25)


def _doubling_variables() -> dict:
    variables: dict = {"v": ["x"]}
    for n in range(1, 20):
        variables[f"v{n}"] = f"[createArray(variables('v{n - 1}'), variables('v{n - 1}'))]"
    return variables


def _lint(folder: Path, document: object) -> None:
    path = folder / "fuzz.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    run = lint_paths([str(path)], Options(debug=True))
    assert run.files_linted == 1


def _cluster(network_profile: object) -> dict:
    return {"type": TYPES[0], "apiVersion": "2024-05-01", "name": "aks", "location": "westeurope",
            "properties": {"dnsPrefix": "f", "agentPoolProfiles": [{"name": "system", "count": 1, "mode": "System"}],
                           "networkProfile": network_profile}}


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(expression=expressions)
def test_random_expressions_never_raise_out_of_the_engine(tmp_path: Path, expression: str) -> None:
    document = {"$schema": SCHEMA, "contentVersion": "1.0.0.0", "variables": _doubling_variables(),
                "parameters": {"p": {"type": "string"}},
                "resources": [_cluster({"networkPlugin": "none", "podCidr": f"[{expression}]",
                                        "serviceCidr": f"[string({expression})]"})]}
    _lint(tmp_path, document)


@FUZZ
@given(resources=st.lists(st.dictionaries(st.sampled_from(KEYS), json_values, max_size=8), max_size=4),
       parameters=json_values, variables=json_values)
def test_random_arm_documents_never_raise_out_of_the_engine(tmp_path: Path, resources, parameters, variables) -> None:
    document = {"$schema": SCHEMA, "contentVersion": "1.0.0.0", "parameters": parameters, "variables": variables,
                "resources": [*resources, _cluster({"networkPlugin": "none"})]}
    _lint(tmp_path, document)
