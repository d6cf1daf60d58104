from __future__ import annotations

import copy
import hashlib
import json
import os
from pathlib import Path

import pytest
import sarif_om as so

from byocni_lint import __version__
from byocni_lint.findings import Finding, Location, Severity, Span
from byocni_lint.report import RunResult, render
from byocni_lint.report import sarif
from byocni_lint.rulebook import RuleSpec
from sarif_schema import SHARED_SCHEMA, VENDORED_SCHEMA


def make_rule(rule_id: str, severity: Severity = Severity.ERROR, **overrides) -> RuleSpec:
    fields = dict(
        name=f"rule-{rule_id.lower()}",
        summary=f"Summary of {rule_id}.",
        description=f"Why **{rule_id}** matters; see [the docs](https://learn.microsoft.com/azure/aks/use-byo-cni).",
        help_uri=f"https://example.invalid/rules/{rule_id}",
    )
    fields.update(overrides)
    return RuleSpec(id=rule_id, severity=severity, **fields)


def make_finding(path: str, rule_id: str = "BYO001", severity: Severity = Severity.ERROR,
                 span: Span | None = Span(4, 9, 4, 21), **extra) -> Finding:
    return Finding(rule_id, severity, extra.pop("message", "service CIDR overlaps the VNet"), Location(path, span), **extra)


RULES = [make_rule("BYO001"), make_rule("BYO002", Severity.WARNING), make_rule("BYO003", Severity.NOTE)]


@pytest.fixture
def sarif_log(tmp_path: Path, assert_valid_sarif):
    """Render, validate (every log a test sees is validated) and parse."""

    def produce(findings: list[Finding], rules: list[RuleSpec] = RULES, base_dir: Path = tmp_path, **options) -> dict:
        result = RunResult(findings, rules, 1)
        output = sarif.render(result, base_dir=base_dir, **options) if options else render(
            "sarif", result, base_dir=base_dir
        )
        return assert_valid_sarif(output)

    return produce


def only_result(log: dict) -> dict:
    (result,) = log["runs"][0]["results"]
    return result


# --- the validator itself -------------------------------------------------------------------------


def test_vendored_schema_is_the_shared_reference() -> None:
    if not SHARED_SCHEMA.is_file():
        pytest.skip("../shared is not available")
    assert VENDORED_SCHEMA.read_bytes() == SHARED_SCHEMA.read_bytes()


def test_vendored_schema_is_oasis_errata01() -> None:
    digest = hashlib.sha256(VENDORED_SCHEMA.read_bytes()).hexdigest()
    assert digest == "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
    assert json.loads(VENDORED_SCHEMA.read_text())["id"].endswith("/errata01/os/schemas/sarif-schema-2.1.0.json")


@pytest.mark.parametrize(
    ("breakage", "complaint"),
    [
        (lambda log: only_result(log).update(level="fatal"), "'fatal' is not one of"),
        (lambda log: only_result(log)["locations"][0]["physicalLocation"]["region"].update(startLine=0), "minimum"),
        (lambda log: log["runs"][0].pop("results"), "results array missing"),
        (lambda log: log["runs"][0]["tool"]["driver"]["rules"][0]["properties"].update({"security-severity": "high"}),
         "security-severity is not a number"),
    ],
)
def test_validator_rejects_broken_logs(tmp_path: Path, sarif_log, assert_valid_sarif, breakage, complaint) -> None:
    log = sarif_log([make_finding(str(tmp_path / "a.json"))], rules=[make_rule("BYO001", security_severity="5.0")])
    broken = copy.deepcopy(log)
    breakage(broken)
    with pytest.raises(AssertionError, match=complaint):
        assert_valid_sarif(broken)


# --- run, tool and rules ---------------------------------------------------------------------------


def test_clean_run_keeps_empty_results_and_all_rules(sarif_log) -> None:
    log = sarif_log([])
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    assert run["results"] == []
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["BYO001", "BYO002", "BYO003"]


def test_run_properties(tmp_path: Path, sarif_log) -> None:
    (run,) = sarif_log([make_finding(str(tmp_path / "a.json"))])["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["semanticVersion"]) == ("byocni-lint", __version__, __version__)
    assert driver["informationUri"].startswith("https://")
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.as_uri() + "/"}}
    assert run["automationDetails"] == {"id": "byocni-lint/"}
    # attrs sentinels and defaults that mean "not set" stay out of the log
    assert "language" not in run and "newlineSequences" not in run and "contents" not in driver


def test_automation_id_can_be_overridden(sarif_log) -> None:
    assert sarif_log([], automation_id="byocni-lint-prod/")["runs"][0]["automationDetails"] == {
        "id": "byocni-lint-prod/"
    }


def test_rule_descriptor(sarif_log) -> None:
    rule = make_rule("BYO010", Severity.WARNING, tags=("security", "network", "cidr"), security_severity="7.5")
    (descriptor,) = sarif_log([], rules=[rule])["runs"][0]["tool"]["driver"]["rules"]
    assert descriptor == {
        "id": "BYO010",
        "defaultConfiguration": {"level": "warning"},
        "fullDescription": {"text": "Summary of BYO010."},
        "help": {
            "text": "Why BYO010 matters; see the docs (https://learn.microsoft.com/azure/aks/use-byo-cni).",
            "markdown": rule.description,
        },
        "helpUri": "https://github.com/byocni-lint/byocni-lint/blob/main/docs/rules/BYO010.md",
        "name": "rule-byo010",
        "properties": {
            "tags": ["security", "network", "cidr"],
            "precision": "high",
            "problem.severity": "warning",
            "security-severity": "7.5",
        },
        "shortDescription": {"text": "Summary of BYO010."},
    }


def test_security_severity_absent_when_unset_and_rejected_when_not_a_score(sarif_log, tmp_path: Path) -> None:
    (descriptor,) = sarif_log([], rules=[make_rule("BYO001")])["runs"][0]["tool"]["driver"]["rules"]
    assert "security-severity" not in descriptor["properties"]
    for bad in ("high", "0", "11", "nan"):
        with pytest.raises(ValueError, match=f"BYO001: security_severity .*{bad}"):
            render("sarif", RunResult([], [make_rule("BYO001", security_severity=bad, tags=("security",))], 0),
                   base_dir=tmp_path)


def test_note_rule_is_a_recommendation_and_keeps_its_level(sarif_log) -> None:
    (descriptor,) = sarif_log([], rules=[make_rule("BYO003", Severity.NOTE)])["runs"][0]["tool"]["driver"]["rules"]
    assert descriptor["properties"]["problem.severity"] == "recommendation"
    assert descriptor["defaultConfiguration"] == {"level": "note"}


def test_long_texts_and_many_tags_are_cut_to_github_limits(sarif_log) -> None:
    rule = make_rule("BYO001", summary="x" * 2000, tags=tuple(f"t{i}" for i in range(15)) + ("t0",))
    (descriptor,) = sarif_log([], rules=[rule])["runs"][0]["tool"]["driver"]["rules"]
    assert len(descriptor["fullDescription"]["text"]) == 1024
    assert descriptor["fullDescription"]["text"].endswith("\u2026")
    assert descriptor["properties"]["tags"] == [f"t{i}" for i in range(10)]


# --- results -------------------------------------------------------------------------------------


def test_warning_result_under_error_rule_keeps_explicit_level(tmp_path: Path, sarif_log) -> None:
    log = sarif_log([make_finding(str(tmp_path / "a.json"), "BYO001", Severity.WARNING)])
    assert log["runs"][0]["tool"]["driver"]["rules"][0]["defaultConfiguration"] == {"level": "error"}
    assert only_result(log)["level"] == "warning"


def test_warning_level_written_even_when_it_equals_every_default(tmp_path: Path, sarif_log) -> None:
    log = sarif_log([make_finding(str(tmp_path / "a.json"), "BYO002", Severity.WARNING)])
    assert log["runs"][0]["tool"]["driver"]["rules"][1]["defaultConfiguration"] == {"level": "warning"}
    assert only_result(log)["level"] == "warning"


def test_rule_index_points_at_the_rule(tmp_path: Path, sarif_log) -> None:
    path = str(tmp_path / "a.json")
    log = sarif_log([make_finding(path, "BYO003", Severity.NOTE), make_finding(path, "BYO001", span=Span(9, 1, 9, 2))])
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    results = log["runs"][0]["results"]
    assert [(r["ruleId"], r["ruleIndex"]) for r in results] == [("BYO003", 2), ("BYO001", 0)]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)


def test_finding_of_unlisted_rule_has_no_rule_index(tmp_path: Path, sarif_log) -> None:
    result = only_result(sarif_log([make_finding(str(tmp_path / "a.json"), "BYO000")]))
    assert result["ruleId"] == "BYO000"
    assert "ruleIndex" not in result


def test_result_location_message_and_region(tmp_path: Path, sarif_log) -> None:
    result = only_result(sarif_log([make_finding(str(tmp_path / "infra" / "aks.json"), span=Span(4, 9, 6, 2))]))
    assert result["message"] == {"text": "service CIDR overlaps the VNet"}
    (location,) = result["locations"]
    assert location == {
        "physicalLocation": {
            "artifactLocation": {"uri": "infra/aks.json", "uriBaseId": "%SRCROOT%"},
            "region": {"endColumn": 2, "endLine": 6, "startColumn": 9, "startLine": 4},
        }
    }


def test_finding_without_span_starts_at_line_one(tmp_path: Path, sarif_log) -> None:
    result = only_result(sarif_log([make_finding(str(tmp_path / "a.json"), span=None)]))
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}


def test_resource_becomes_logical_location(tmp_path: Path, sarif_log) -> None:
    log = sarif_log([
        make_finding(str(tmp_path / "a.json"), resource="managedClusters/aks1"),
        make_finding(str(tmp_path / "b.json")),
    ])
    with_resource, without = log["runs"][0]["results"]
    assert with_resource["locations"][0]["logicalLocations"] == [
        {"fullyQualifiedName": "managedClusters/aks1", "kind": "resource"}
    ]
    assert "logicalLocations" not in without["locations"][0]


def test_path_with_space_is_percent_encoded(tmp_path: Path, sarif_log) -> None:
    result = only_result(sarif_log([make_finding(str(tmp_path / "my infra" / "aks #1.json"))]))
    artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "my%20infra/aks%20%231.json", "uriBaseId": "%SRCROOT%"}


def test_relative_input_path_is_made_relative_to_base_dir(tmp_path: Path, sarif_log, monkeypatch) -> None:
    (tmp_path / "env").mkdir()
    monkeypatch.chdir(tmp_path / "env")
    result = only_result(sarif_log([make_finding("aks.json")], base_dir=tmp_path))
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "env/aks.json"


def test_path_without_relative_form_becomes_absolute_uri_without_base(tmp_path: Path, sarif_log, monkeypatch) -> None:
    def no_relative_path(path: str, start: str) -> str:
        raise ValueError("path is on mount 'D:', start on mount 'C:'")

    monkeypatch.setattr(os.path, "relpath", no_relative_path)
    result = only_result(sarif_log([make_finding("/elsewhere/my aks.json")]))
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "file:///elsewhere/my%20aks.json"}


# --- fingerprints --------------------------------------------------------------------------------


def fingerprint_of(log: dict) -> str:
    return only_result(log)["partialFingerprints"]["byocniFinding/v1"]


def test_fingerprint_is_sha256_of_rule_uri_and_key(tmp_path: Path, sarif_log) -> None:
    with_key = make_finding(str(tmp_path / "a b.json"), fingerprint_key="aks1/serviceCidr")
    expected = hashlib.sha256("BYO001\0a%20b.json\0aks1/serviceCidr".encode()).hexdigest()
    assert fingerprint_of(sarif_log([with_key])) == expected
    without_key = make_finding(str(tmp_path / "a b.json"), message="overlap")
    assert fingerprint_of(sarif_log([without_key])) == hashlib.sha256(b"BYO001\0a%20b.json\0overlap").hexdigest()


def test_fingerprint_ignores_line_moves_and_tracks_rule_and_file(tmp_path: Path, sarif_log) -> None:
    def fp(path: str = "a.json", rule: str = "BYO001", span: Span = Span(4, 9, 4, 21), message: str = "m") -> str:
        finding = make_finding(str(tmp_path / path), rule, span=span, message=message, fingerprint_key="aks1/cidr")
        return fingerprint_of(sarif_log([finding]))

    original = fp()
    assert fp(span=Span(40, 3, 41, 2)) == original
    assert fp(span=None) == original
    assert fp(message="reworded") == original
    assert fp(rule="BYO002") != original
    assert fp(path="b.json") != original


# --- the serialiser ------------------------------------------------------------------------------


def test_serialiser_uses_schema_names_and_drops_unset_values() -> None:
    region = so.Region(start_line=3, char_offset=-1)
    assert sarif.to_sarif_json(region) == {"startLine": 3}
    assert sarif.to_sarif_json(so.Run(tool=so.Tool(driver=so.ToolComponent(name="t")), results=[])) == {
        "tool": {"driver": {"name": "t"}},
        "results": [],
    }


def test_serialiser_refuses_values_json_cannot_hold() -> None:
    with pytest.raises(TypeError, match="set"):
        sarif.to_sarif_json(so.ReportingDescriptor(id="X", properties={"tags": {"a"}}))


# --- day 30: code-scanning refinements ------------------------------------------------------------


def test_security_severity_only_on_rules_about_a_security_control(sarif_log) -> None:
    rules = [make_rule("BYO001", security_severity="7.0"), make_rule("BYO005", security_severity="5.0", tags=("security",))]
    descriptors = {rule["id"]: rule for rule in sarif_log([], rules=rules)["runs"][0]["tool"]["driver"]["rules"]}
    assert "security-severity" not in descriptors["BYO001"]["properties"]
    assert descriptors["BYO005"]["properties"]["security-severity"] == "5.0"


def test_precision_comes_from_the_rule(sarif_log) -> None:
    rules = [make_rule("BYO901", Severity.NOTE, precision="medium"), make_rule("BYO003")]
    precision = {rule["id"]: rule["properties"]["precision"]
                 for rule in sarif_log([], rules=rules)["runs"][0]["tool"]["driver"]["rules"]}
    assert precision == {"BYO901": "medium", "BYO003": "high"}


def test_invocation_records_success_and_internal_errors(tmp_path: Path, assert_valid_sarif) -> None:
    clean = assert_valid_sarif(sarif.render(RunResult([], RULES, 1), base_dir=tmp_path))
    assert clean["runs"][0]["invocations"] == [{"executionSuccessful": True}]
    broken = RunResult([], RULES, 1, internal_errors=("a.json: BYO005 failed: KeyError: 'x'",))
    (invocation,) = assert_valid_sarif(sarif.render(broken, base_dir=tmp_path))["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"] == [
        {"level": "error", "message": {"text": "internal error: a.json: BYO005 failed: KeyError: 'x'"}}]


def test_results_are_capped_most_severe_first_with_a_notification(tmp_path: Path, assert_valid_sarif) -> None:
    findings = [make_finding(str(tmp_path / "a.json"), "BYO003", Severity.NOTE, span=Span(n, 1, n, 2), message=f"n{n}")
                for n in range(1, 4)] + [make_finding(str(tmp_path / "a.json"), "BYO001", span=Span(9, 1, 9, 2))]
    log = assert_valid_sarif(sarif.render(RunResult(findings, RULES, 1), base_dir=tmp_path, max_results=2))
    (run,) = log["runs"]
    assert [r["level"] for r in run["results"]] == ["note", "error"]
    (notification,) = run["invocations"][0]["toolExecutionNotifications"]
    assert notification["level"] == "warning" and notification["message"]["text"].startswith("2 of 4 results were left out")
    assert sarif.MAX_RESULTS == 25_000


def test_value_set_elsewhere_is_a_related_location(tmp_path: Path, sarif_log) -> None:
    origin = Location(str(tmp_path / "aks.parameters.json"), Span(15, 18, 15, 33))
    result = only_result(sarif_log([make_finding(str(tmp_path / "aks.json"), related=(origin,))]))
    assert result["relatedLocations"] == [{
        "id": 0,
        "physicalLocation": {"artifactLocation": {"uri": "aks.parameters.json", "uriBaseId": "%SRCROOT%"},
                             "region": {"startLine": 15, "startColumn": 18, "endLine": 15, "endColumn": 33}},
    }]

def test_category_sets_the_automation_id() -> None:
    assert sarif.automation_id_for(None) == "byocni-lint/"
    assert sarif.automation_id_for("byocni-lint-prod") == "byocni-lint-prod/"
