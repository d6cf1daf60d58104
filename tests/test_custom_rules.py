"""Custom rules from --rules-dir through the CLI: both shipped examples, unknowns, SARIF, bad files."""
from __future__ import annotations

import pytest

from run_cli import REPO, cli

RULES = REPO / "fixtures" / "custom-rules" / "rules"
TEMPLATES = REPO / "fixtures" / "custom-rules" / "templates"


def _lint(name: str, *extra: str):
    return cli(["--rules-dir", RULES, "--select", "ORG,BYO901", *extra, TEMPLATES / name])


def test_violations_are_located_at_the_values():
    code, out, _ = _lint("violating.json")
    lines = out.splitlines()
    assert code == 1
    assert any(line.startswith("fixtures/custom-rules/templates/violating.json:52:22: ORG001 podCidr must lie inside "
                               "100.64.0.0/10 (properties.networkProfile.podCidr is \"10.244.0.0/16\") [error]")
               for line in lines), lines
    assert any(": ORG002 kubernetesVersion must be set and at least 1.30" in line and line.endswith("[warning]")
               for line in lines)


def test_a_compliant_template_lints_clean_and_was_read():
    code, out, _ = _lint("compliant.json")
    assert code == 0
    assert out.strip() == "Linted 1 file (1 ARM template): 1 BYOCNI cluster; no findings."


def test_an_unknown_value_is_a_note_never_a_finding():
    code, out, _ = _lint("unknown.json")
    assert code == 0
    (line,) = [line for line in out.splitlines() if ": BYO" in line or ": ORG" in line]
    assert "BYO901 ORG001 could not check podCidr of managedClusters/aks1: parameter 'podCidr' has no default" in line


def test_custom_rules_appear_in_sarif(assert_valid_sarif):
    code, out, _ = _lint("violating.json", "--format", "sarif")
    run = assert_valid_sarif(out)["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert {"ORG001", "ORG002"} <= set(rules)
    assert "security-severity" not in rules["ORG001"]["properties"]
    (result,) = [r for r in run["results"] if r["ruleId"] == "ORG001"]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 52
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "ORG001"


@pytest.mark.parametrize(("text", "says"), [
    ("id: ORG9\nname: x\nseverity: error\nsummary: s\nresource: Microsoft.X/y\nselect: $.a\npredicate: {equal: 1}\n",
     "predicate.equal: unknown predicate; allowed: equals"),
    ("id: BYO100\nname: x\nseverity: error\nsummary: s\nresource: Microsoft.X/y\nselect: $.a\npredicate: {equals: 1}\n",
     "id: 'BYO100'"),
    ("id: ORG9\nname: x\nseverity: fatal\nsummary: s\nresource: Microsoft.X/y\nselect: $.a\npredicate: {equals: 1}\n",
     "severity: 'fatal'; allowed: error, warning, note"),
    ("id: ORG9\nname: x\nseverity: error\nsummary: s\nresource: Microsoft.X/y\nselect: '$.[[['\npredicate: {equals: 1}\n",
     "select: not a JSONPath"),
    ("id: ORG9\nname: x\nseverity: error\nsummary: s\nresource: Microsoft.X/y\nselect: $.a\n"
     "predicate: {within_cidrs: [nope]}\n", "predicate.within_cidrs: a list of CIDR ranges"),
    ("id: ORG9\nname: x\nseverity: error\nsummary: s\nresource: Microsoft.X/y\nselect: $.a\n", "predicate: missing"),
])
def test_a_malformed_rule_is_exit_2_naming_file_and_key(tmp_path, text, says):
    (tmp_path / "bad.yaml").write_text(text)
    code, out, err = cli(["--rules-dir", tmp_path, TEMPLATES / "compliant.json"])
    assert code == 2 and not out
    assert f"{tmp_path / 'bad.yaml'}: " in err and says in err, err


def test_predicates_combine_three_valued():
    from byocni_lint.custom_rules import UNKNOWN, evaluate
    from byocni_lint.model.values import Unknown

    unknown = Unknown("parameter has no value")
    assert evaluate({"any": [{"equals": "a"}, {"equals": "b"}]}, "b") is True
    assert evaluate({"not": {"in": ["x", "y"]}}, "z") is True
    assert evaluate({"not_in": ["x"]}, "x") is False
    assert evaluate({"overlaps_cidrs": ["10.0.0.0/8"]}, "10.1.0.0/16") is True
    assert evaluate({"within_cidrs": ["100.64.0.0/10"]}, "not a range") is False
    assert evaluate({"version_at_least": "1.30"}, "1.29.4") is False
    assert evaluate({"all": [{"equals": "a"}, {"matches": "a+"}]}, unknown) is UNKNOWN
    assert evaluate({"any": [{"equals": "a"}]}, unknown) is UNKNOWN
    assert evaluate({"not": {"equals": "a"}}, unknown) is UNKNOWN


def test_absent_and_present(tmp_path):
    (tmp_path / "r.yaml").write_text(
        "id: ORG010\nname: pinned\nseverity: error\nsummary: clusters must not set dockerBridgeCidr\n"
        "resource: Microsoft.ContainerService/managedClusters\nselect: $.properties.networkProfile.dockerBridgeCidr\n"
        "predicate: {absent: true}\n")
    code, out, _ = cli(["--rules-dir", tmp_path, "--select", "ORG", REPO / "fixtures" / "foundation" / "rules" /
                        "byo012-docker-bridge.json"])
    assert code == 1 and ": ORG010 clusters must not set dockerBridgeCidr" in out
    code, out, _ = cli(["--rules-dir", tmp_path, "--select", "ORG", TEMPLATES / "compliant.json"])
    assert code == 0 and "no findings" in out


def test_the_same_rules_run_on_bicep():
    """The rule queries the ARM-shaped body, so the Bicep front end's resources are judged the same way,
    located in the .bicep file."""
    code, out, _ = cli(["--rules-dir", RULES, "--select", "ORG", TEMPLATES / "violating.bicep"])
    assert code == 1
    assert "fixtures/custom-rules/templates/violating.bicep:22:16: ORG001 podCidr must lie inside 100.64.0.0/10" in out
    assert "violating.bicep:11:24: ORG002 " in out
    assert "(1 Bicep file)" in out
