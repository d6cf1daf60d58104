"""The CI-facing formats through the CLI: github annotations, junit, gitlab Code Quality, SARIF paths
and category, --statistics and --quiet."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

from byocni_lint.report.github import escape_data, escape_property
from run_cli import REPO, cli

ERROR = REPO / "fixtures" / "foundation" / "rules" / "byo003-service-cidr-17.json"
SEED = REPO / "fixtures" / "seed"
# GitHub's documented syntax: ::{command} file={name},line={line},endLine={endLine},col=..,endColumn=..,title={title}::{message}
ANNOTATION = re.compile(r"^::(?P<command>error|warning|notice) (?P<properties>[^:]*)::(?P<message>.*)$")
PROPERTY = re.compile(r"^(file|line|endLine|col|endColumn|title)=[^,:\r\n]*$")


def _repo_copy(tmp_path: Path) -> Path:
    """A git work tree (a `.git` folder is what marks its top) holding one failing template two levels down."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    target = root / "infra" / "prod"
    target.mkdir(parents=True)
    shutil.copy(ERROR, target / "aks.json")
    return root


def test_github_annotations_follow_the_documented_syntax():
    code, out, _ = cli(["--format", "github", str(SEED), str(ERROR)])
    assert code == 1
    lines = out.splitlines()
    assert lines
    for line in lines:
        match = ANNOTATION.match(line)
        assert match, line
        properties = match["properties"].split(",")
        assert all(PROPERTY.match(item) for item in properties), properties
        keys = [item.split("=", 1)[0] for item in properties]
        assert keys[0] == "file" and "line" in keys and keys[-1] == "title"
    assert any(line.startswith("::error file=fixtures/foundation/rules/byo003-service-cidr-17.json,line=") for line in lines)
    assert any(line.startswith("::warning ") and "title=BYO011 kubernetes-version-unsupported" in line for line in lines)
    assert any(line.startswith("::notice ") for line in lines)


def test_github_escaping_is_the_toolkits():
    assert escape_data("50% of\r\nit") == "50%25 of%0D%0Ait"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_paths_are_relative_to_the_repository_root(tmp_path):
    root = _repo_copy(tmp_path)
    code, out, _ = cli(["--format", "github", "aks.json"], cwd=root / "infra" / "prod")
    assert code == 1
    assert "::error file=infra/prod/aks.json,line=" in out and "file=aks.json" not in out


def test_sarif_paths_category_and_base_dir(tmp_path, assert_valid_sarif):
    root = _repo_copy(tmp_path)
    code, out, _ = cli(["--format", "sarif", "--sarif-category", "prod", "aks.json"], cwd=root / "infra" / "prod")
    assert code == 1
    (run,) = assert_valid_sarif(out)["runs"]
    assert run["automationDetails"] == {"id": "prod/"}
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris == {"infra/prod/aks.json"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == root.resolve().as_uri() + "/"
    assert run["invocations"] == [{"executionSuccessful": True}]
    code, out, _ = cli(["--format", "sarif", "--base-dir", str(root / "infra"), "prod/aks.json"], cwd=root / "infra")
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in json.loads(out)["runs"][0]["results"]}
    assert uris == {"prod/aks.json"}


def test_sarif_of_every_fixture_is_valid(assert_valid_sarif):
    code, out, _ = cli(["--format", "sarif", "fixtures"])
    log = assert_valid_sarif(out)
    assert log["runs"][0]["results"]
    rules = {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    assert "security-severity" not in rules["BYO900"]["properties"]
    assert rules["BYO901"]["properties"]["precision"] != "high"


def test_junit_has_a_failing_case_per_finding():
    code, out, _ = cli(["--format", "junit", str(ERROR)])
    assert code == 1
    root = ET.fromstring(out)
    cases = root.findall("./testsuite/testcase")
    failures = [case.find("failure") for case in cases]
    assert cases and all(failure is not None for failure in failures)
    assert {failure.get("type") for failure in failures} >= {"BYO003"}
    assert root.get("failures") == str(len(cases))


def test_junit_of_a_clean_run_is_one_passing_case():
    code, out, _ = cli(["--format", "junit", "--select", "BYO001", str(ERROR)])
    assert code == 0
    (case,) = ET.fromstring(out).findall("./testsuite/testcase")
    assert case.find("failure") is None


def test_gitlab_code_quality_issues(tmp_path):
    root = _repo_copy(tmp_path)
    code, out, _ = cli(["--format", "gitlab", "infra"], cwd=root)
    assert code == 1
    issues = json.loads(out)
    assert issues
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["path"] == "infra/prod/aks.json"
        assert issue["location"]["lines"]["begin"] >= 1
        assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    assert {"BYO003": "major"}.items() <= {i["check_name"]: i["severity"] for i in issues}.items()


def test_statistics_counts_findings_per_rule():
    code, out, _ = cli(["--statistics", str(SEED)])
    document = json.loads(cli(["--format", "json", str(SEED)])[1])
    expected: dict[str, int] = {}
    for finding in document["findings"]:
        expected[finding["rule"]] = expected.get(finding["rule"], 0) + 1
    lines = out.splitlines()
    shown = {match[2]: int(match[1]) for line in lines[:-1] for match in [re.match(r"^\s+(\d+)\s+(\w+)\s", line)]}
    assert shown == expected and "BYO011" in shown
    assert [int(line.split()[0]) for line in lines[:-1]] == sorted(shown.values(), reverse=True)
    assert re.match(r"^\s+\d+\s+BYO011\s+kubernetes-version-unsupported\s+warning$", lines[0])
    assert lines[-1] == f"{len(document['findings'])} findings in {document['summary']['files']} files."
    assert code == 0


def test_quiet_prints_findings_without_the_summary():
    code, out, _ = cli(["--quiet", str(ERROR)])
    assert code == 1
    assert out.strip() and all(": BYO" in line for line in out.splitlines())
    assert "Linted" not in out


def test_verbose_says_what_was_read_as_what_and_what_was_skipped():
    code, out, err = cli(["--verbose", "fixtures/seed"])
    lines = err.splitlines()
    assert "byocni-lint: read fixtures/seed/azuredeploy.json as ARM template" in lines
    assert "byocni-lint: read fixtures/seed/main.bicep as Bicep file" in lines
    assert "byocni-lint: skipped 1 .md file no front end reads" in lines
    assert "byocni-lint:" not in out, "stdout stays the report"


def test_sarif_related_location_for_a_value_set_in_the_parameters_file(assert_valid_sarif):
    paired = REPO / "fixtures" / "foundation" / "values" / "paired"
    code, out, _ = cli(["--format", "sarif", "--select", "BYO003", str(paired)])
    (result,) = [r for r in assert_valid_sarif(out)["runs"][0]["results"] if r["ruleId"] == "BYO003"]
    (related,) = result["relatedLocations"]
    assert related["physicalLocation"]["artifactLocation"]["uri"].endswith("paired/aks.parameters.json")
    assert related["physicalLocation"]["region"]["startLine"] == 9
