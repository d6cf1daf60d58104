"""Inline suppressions: every syntax, reasons carried to JSON and SARIF, and BYO904 for bad ones."""
from __future__ import annotations

import json

import pytest

from byocni_lint.findings import Finding, Location, Severity, Span
from byocni_lint.suppress import Suppressions
from run_cli import REPO, cli

FIXTURES = REPO / "fixtures" / "suppress"
RULE_IDS = {"BYO003", "BYO004", "BYO006", "BYO904"}


@pytest.mark.parametrize("name", ["arm-comments.json", "arm-metadata.json"])
def test_suppressed_findings_leave_text_and_exit_code(name):
    code, out, _ = cli([FIXTURES / name])
    assert code == 0
    assert out.strip() == "Linted 1 file (1 ARM template): 1 BYOCNI cluster; no findings (2 suppressed)."
    code, out, _ = cli(["--show-suppressed", FIXTURES / name])
    lines = out.splitlines()
    assert any(" BYO003 " in line and "(suppressed: lab cluster: this range was agreed with the network team)" in line
               for line in lines)
    assert any(" BYO006 " in line and "(suppressed: the platform team grants" in line for line in lines)
    assert code == 0


def test_without_the_suppressions_the_same_file_fails():
    """Proof the file was read and the findings exist: the unsuppressed original."""
    code, out, _ = cli([REPO / "fixtures" / "foundation" / "rules" / "byo003-service-cidr-17.json"])
    assert code == 1 and " BYO003 " in out and " BYO006 " in out


def test_json_keeps_suppressed_findings_with_their_reason():
    code, out, _ = cli(["--format", "json", FIXTURES / "arm-comments.json"])
    document = json.loads(out)
    assert code == 0
    by_rule = {f["rule"]: f for f in document["findings"]}
    assert by_rule["BYO003"]["suppression"] == {
        "kind": "inSource", "justification": "lab cluster: this range was agreed with the network team"}
    assert document["summary"]["findings"] == 0 and document["summary"]["suppressed"] == 2


def test_sarif_marks_suppressed_results(assert_valid_sarif):
    code, out, _ = cli(["--format", "sarif", FIXTURES / "arm-metadata.json"])
    results = assert_valid_sarif(out)["runs"][0]["results"]
    suppressed = {r["ruleId"]: r["suppressions"] for r in results if r["suppressions"]}
    assert suppressed["BYO006"] == [{"kind": "inSource", "justification":
                                     "the platform team grants Network Contributor on vnet1 outside this template"}]
    assert all("suppressions" in r for r in results)


def test_reasonless_unused_and_unknown_suppressions_are_byo904():
    code, out, _ = cli([FIXTURES / "arm-invalid.json"])
    lines = [line for line in out.splitlines() if " BYO904 " in line]
    assert any(line.startswith("fixtures/suppress/arm-invalid.json:55:11: BYO904 suppression of BYO003 gives no reason")
               for line in lines), lines
    assert any("suppression of BYO004 matches no finding" in line for line in lines)
    assert any("BYO999, which is not a rule" in line for line in lines)
    assert " BYO003 " not in out.replace("BYO904 suppression of BYO003", ""), "a reasonless suppression still suppresses"
    assert "(1 suppressed)" in out
    assert code == 0, "BYO904 is a warning"
    code, _, _ = cli(["--fail-on", "warning", FIXTURES / "arm-invalid.json"])
    assert code == 1


def test_a_suppression_of_a_rule_that_did_not_run_is_not_called_unused():
    code, out, _ = cli(["--select", "BYO003,BYO9", FIXTURES / "arm-invalid.json"])
    assert "BYO004 matches no finding" not in out


# --- the other formats' syntax, on their texts (their front ends hand the text over the same way) ------


def _finding(path: str, rule: str, line: int) -> Finding:
    return Finding(rule, Severity.ERROR, "x", Location(path, Span(line, 3, line, 9)))


def _apply(path: str, text: str, findings: list[Finding]) -> list[Finding]:
    suppressions = Suppressions()
    suppressions.collect(path, text)
    return suppressions.apply(findings, RULE_IDS, RULE_IDS)


BICEP = """\
// byocni-lint: ignore[BYO006] identity is granted by the platform team
resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
  name: 'aks1'
  properties: {
    networkProfile: {
      #disable-next-line BYO003
      serviceCidr: '172.30.128.0/17'
    }
  }
}
"""


def test_bicep_comment_covers_the_resource_block_and_disable_next_line_is_not_ours():
    out = _apply("main.bicep", BICEP, [_finding("main.bicep", "BYO006", 5), _finding("main.bicep", "BYO003", 7)])
    assert [(f.rule_id, f.suppressed) for f in out] == [
        ("BYO006", "identity is granted by the platform team"), ("BYO003", None)]


TERRAFORM = """\
resource "azurerm_kubernetes_cluster" "aks" {
  network_profile {
    network_plugin = "none"
    # byocni-lint: ignore[BYO003] agreed with the network team
    service_cidr   = "172.30.128.0/17"
    dns_service_ip = "172.30.128.10"
  }
}
"""


def test_terraform_hash_comment_covers_the_next_attribute_only():
    out = _apply("main.tf", TERRAFORM, [_finding("main.tf", "BYO003", 5), _finding("main.tf", "BYO003", 6)])
    assert [f.suppressed for f in out] == ["agreed with the network team", None]


SCRIPT = """\
#!/bin/sh
# byocni-lint: ignore[BYO003] lab only
az aks create -g rg -n aks \\
  --network-plugin none \\
  --service-cidr 172.30.128.0/17
az aks create -g rg -n other --service-cidr 172.30.0.0/17
"""


def test_script_comment_covers_continued_lines():
    out = _apply("deploy.sh", SCRIPT, [_finding("deploy.sh", "BYO003", 5), _finding("deploy.sh", "BYO003", 6)])
    assert [f.suppressed for f in out] == ["lab only", None]


WORKFLOW = """\
jobs:
  deploy:
    steps:
      # byocni-lint: ignore[BYO003] lab only
      - run: |
          az aks create -g rg -n aks \\
            --service-cidr 172.30.128.0/17
      - run: az aks create -g rg -n b --service-cidr 172.30.0.0/17
"""


def test_yaml_comment_covers_the_more_indented_lines():
    out = _apply(".github/workflows/d.yml", WORKFLOW,
                 [_finding(".github/workflows/d.yml", "BYO003", 7), _finding(".github/workflows/d.yml", "BYO003", 8)])
    assert [f.suppressed for f in out] == ["lab only", None]


def test_a_comment_inside_a_json_string_is_not_a_suppression():
    text = '{\n  "note": "// byocni-lint: ignore[BYO003] not a comment",\n  "serviceCidr": "172.30.0.0/17"\n}\n'
    out = _apply("a.json", text, [_finding("a.json", "BYO003", 3)])
    assert out[0].suppressed is None


def test_malformed_metadata_is_byo904():
    text = '{"resources": [{"type": "x", "metadata": {"byocni-lint": {"ignore": ["BYO003"]}}}]}'
    out = _apply("a.json", text, [])
    assert [f.rule_id for f in out] == ["BYO904"] and "must be" in out[0].message


def test_bicep_comment_suppression_through_the_cli():
    code, out, _ = cli(["--show-suppressed", FIXTURES / "main.bicep"])
    lines = out.splitlines()
    assert any(" BYO010 " in line and "(suppressed: the Cilium install chart sets the pod range)" in line for line in lines)
    # Bicep's own #disable-next-line is for Bicep's linter: BYO011 still counts
    assert any(" BYO011 " in line and "suppressed" not in line for line in lines)
    assert "(1 Bicep file)" in lines[-1] and "(1 suppressed)" in lines[-1]
