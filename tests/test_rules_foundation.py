"""The foundation rules end to end (discover, load, evaluate, model, check), one passing and one failing
template each, with the finding's exact position.

Expected positions are computed from the fixture text (the line and column where the offending value
is written), never copied from the linter's output, so a finding that drifts to the wrong line fails.
"""
from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from byocni_lint.engine import Options, lint_paths
from byocni_lint.findings import Finding, Severity
from byocni_lint.report import RunResult, render

REPO = Path(__file__).resolve().parents[1]
FOUNDATION = REPO / "fixtures" / "foundation"
RULES = FOUNDATION / "rules"
VALUES = FOUNDATION / "values"
SHAPES = FOUNDATION / "shapes"
SEED = REPO / "fixtures" / "seed" / "azuredeploy.json"
TODAY = date(2026, 11, 28)
RESERVED_LIST = "169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16 and 192.0.2.0/24"


# The rules this issue implements, plus the input problems. Later rules (subnets, NSGs, RBAC, outbound)
# have their own tests and fixtures; selecting keeps these fixtures about one thing each.
FOUNDATION_RULES = ("BYO001", "BYO003", "BYO008", "BYO009", "BYO010", "BYO011", "BYO012", "BYO900", "BYO901", "BYO903")


def lint(*paths: Path | str, today: date = TODAY, select: tuple[str, ...] = FOUNDATION_RULES) -> list[Finding]:
    return lint_paths([str(path) for path in paths], Options(today=today, select=select)).findings


def of(findings: list[Finding], rule_id: str) -> list[Finding]:
    return [finding for finding in findings if finding.rule_id == rule_id]


def the(findings: list[Finding], rule_id: str) -> Finding:
    matching = of(findings, rule_id)
    assert len(matching) == 1, f"expected one {rule_id}, got {[(f.rule_id, f.message) for f in findings]}"
    return matching[0]


def position(path: Path, needle: str, value: str | None = None) -> tuple[int, int]:
    """Line and column of `value` inside the one occurrence of `needle` in the file (of `needle` itself
    when no value is given)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(needle) == 1, f"{needle!r} occurs {text.count(needle)} times in {path.name}"
    index = text.index(needle) + (needle.index(value) if value is not None else 0)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def value_position(path: Path, key: str, value_json: str) -> tuple[int, int]:
    """Where the value of `"key": value_json` is written."""
    return position(path, f'"{key}": {value_json}', value_json)


def at(finding: Finding) -> tuple[int, int]:
    span = finding.location.span
    assert span is not None, f"{finding.rule_id} has no position"
    return span.line, span.column


def line_of(path: Path, needle: str) -> int:
    return position(path, needle)[0]


# --- BYO001 api-version-too-old ---------------------------------------------------------------------


def test_byo001_stable_2022_04_01_fails_at_the_api_version() -> None:
    path = RULES / "byo001-stable-2022-04-01.json"
    finding = the(lint(path), "BYO001")
    assert finding.severity is Severity.ERROR
    assert at(finding) == value_position(path, "apiVersion", '"2022-04-01"')
    assert finding.location.path == str(path)
    assert "apiVersion 2022-04-01 predates networkPlugin 'none'" in finding.message
    assert finding.fix == "use 2022-06-01 or newer"
    assert finding.resource == "managedClusters/aks1"


def test_byo001_old_preview_fails_and_suggests_the_first_preview() -> None:
    path = RULES / "byo001-preview-2021-11-01.json"
    finding = the(lint(path), "BYO001")
    assert at(finding) == value_position(path, "apiVersion", '"2021-11-01-preview"')
    assert "apiVersion 2021-11-01-preview" in finding.message
    assert finding.fix == "use 2022-01-02-preview or newer"


@pytest.mark.parametrize("name", ["byo001-preview-2022-01-02", "byo001-stable-2022-06-01", "clean"])
def test_byo001_versions_with_none_pass(name: str) -> None:
    assert lint(RULES / f"{name}.json") == []


def test_byo001_non_byocni_cluster_with_an_old_api_passes() -> None:
    assert lint(RULES / "byo001-kubenet-2021-03-01.json") == []


# --- BYO003 reserved-address-range ------------------------------------------------------------------


def test_byo003_a_17_inside_a_reserved_16_fails_with_the_full_message() -> None:
    path = RULES / "byo003-service-cidr-17.json"
    findings = lint(path)
    finding = the(findings, "BYO003")
    assert finding.severity is Severity.ERROR
    assert at(finding) == value_position(path, "serviceCidr", '"172.30.128.0/17"')
    assert finding.message == ("serviceCidr 172.30.128.0/17 overlaps reserved range 172.30.0.0/16; "
                               f"pick a range outside {RESERVED_LIST}")
    assert finding.property == "properties.networkProfile.serviceCidr"
    assert [f.rule_id for f in findings] == ["BYO003"]


def test_byo003_a_12_containing_reserved_ranges_fails_once_naming_each_range() -> None:
    path = RULES / "byo003-pod-cidr-12.json"
    findings = of(lint(path), "BYO003")
    where = value_position(path, "podCidr", '"172.16.0.0/12"')
    assert [at(f) for f in findings] == [where]  # one value, one finding
    assert findings[0].message.split(";")[0] == \
        "podCidr 172.16.0.0/12 overlaps reserved ranges 172.30.0.0/16 and 172.31.0.0/16"
    assert RESERVED_LIST in findings[0].message


def test_byo003_vnet_address_space_and_node_subnet_prefix() -> None:
    path = RULES / "byo003-network.json"
    findings = of(lint(path), "BYO003")
    by_position = {at(f): f for f in findings}
    assert set(by_position) == {position(path, '"192.0.2.0/24"'),
                                value_position(path, "addressPrefix", '"192.0.2.0/26"')}
    vnet = by_position[position(path, '"192.0.2.0/24"')]
    subnet = by_position[value_position(path, "addressPrefix", '"192.0.2.0/26"')]
    assert "VNet vnet1 192.0.2.0/24 overlaps reserved range 192.0.2.0/24" in vnet.message
    assert "node subnet nodes 192.0.2.0/26 overlaps reserved range 192.0.2.0/24" in subnet.message
    assert all(f.severity is Severity.ERROR for f in findings)


def test_byo003_plural_pod_and_service_cidrs() -> None:
    path = RULES / "byo003-plural-fields.json"
    findings = of(lint(path), "BYO003")
    assert sorted((at(f), f.message.split(";")[0]) for f in findings) == sorted([
        (position(path, '"172.31.16.0/20"'), "podCidr 172.31.16.0/20 overlaps reserved range 172.31.0.0/16"),
        (position(path, '"169.254.0.0/24"'), "serviceCidr 169.254.0.0/24 overlaps reserved range 169.254.0.0/16"),
    ])


def test_byo003_applies_to_any_aks_cluster() -> None:
    path = RULES / "byo003-azure-cni.json"
    finding = the(lint(path), "BYO003")
    assert at(finding) == value_position(path, "serviceCidr", '"172.31.0.0/16"')


@pytest.mark.parametrize("name", ["clean", "byo003-clean-172-16"])
def test_byo003_ranges_next_to_reserved_ones_pass(name: str) -> None:
    assert of(lint(RULES / f"{name}.json"), "BYO003") == []


def test_byo003_reserved_ranges_come_from_the_rule_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    """Changing the YAML params changes behaviour without touching code."""
    from byocni_lint import engine
    from byocni_lint.rulebook import load_rulebook

    def patched():
        book = load_rulebook()
        spec = book["BYO003"]
        book["BYO003"] = spec._replace(params={**spec.params, "reserved_ranges": ["192.168.0.0/24"]})
        return book

    monkeypatch.setattr(engine, "load_rulebook", patched)
    path = RULES / "clean.json"
    finding = the(lint(path), "BYO003")
    assert at(finding) == value_position(path, "podCidr", '"192.168.0.0/16"')
    assert finding.message == ("podCidr 192.168.0.0/16 overlaps reserved range 192.168.0.0/24; "
                               "pick a range outside 192.168.0.0/24")


# --- BYO008 byocni-incompatible-setting -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key", "value", "severity", "says"),
    [
        ("byo008-network-policy-calico", "networkPolicy", '"calico"', Severity.ERROR, "networkPolicy 'calico'"),
        ("byo008-network-policy-azure", "networkPolicy", '"Azure"', Severity.ERROR, "networkPolicy 'Azure'"),
        ("byo008-dataplane-cilium", "networkDataplane", '"cilium"', Severity.ERROR, "networkDataplane 'cilium'"),
        ("byo008-overlay", "networkPluginMode", '"overlay"', Severity.WARNING, "networkPluginMode 'overlay'"),
        ("byo008-windows-pool", "osType", '"Windows"', Severity.WARNING, "Windows node pool win1"),
    ],
)
def test_byo008_incompatible_settings(name: str, key: str, value: str, severity: Severity, says: str) -> None:
    path = RULES / f"{name}.json"
    findings = lint(path)
    finding = the(findings, "BYO008")
    assert finding.severity is severity
    assert at(finding) == value_position(path, key, value)
    assert says in finding.message and "networkPlugin 'none'" in finding.message
    assert [f.rule_id for f in findings] == ["BYO008"]


def test_byo008_dual_stack_is_a_warning_at_ip_families() -> None:
    path = RULES / "byo008-dual-stack.json"
    findings = lint(path)
    finding = the(findings, "BYO008")
    assert finding.severity is Severity.WARNING
    assert at(finding) == position(path, '"ipFamilies": [', "[")
    assert "dual-stack ipFamilies" in finding.message
    assert [f.rule_id for f in findings] == ["BYO008"]


def test_byo008_policy_none_dataplane_azure_and_pod_subnet_are_fine() -> None:
    assert lint(RULES / "byo008-compatible.json") == []


def test_byo008_judges_only_byocni_clusters() -> None:
    assert of(lint(RULES / "byo008-azure-cni-calico.json"), "BYO008") == []


# --- BYO009 address-ranges-conflict -----------------------------------------------------------------


def test_byo009_service_cidr_overlapping_the_node_subnet_is_an_error() -> None:
    path = RULES / "byo009-service-in-node-subnet.json"
    findings = lint(path)
    finding = the(findings, "BYO009")
    assert finding.severity is Severity.ERROR
    assert at(finding) == value_position(path, "serviceCidr", '"10.224.0.0/20"')
    assert "serviceCidr 10.224.0.0/20 overlaps node subnet nodes (10.224.0.0/16)" in finding.message
    assert [f.rule_id for f in findings] == ["BYO009"]  # not also the VNet warning


def test_byo009_pod_cidr_overlapping_the_node_subnet_is_an_error() -> None:
    path = RULES / "byo009-pod-in-node-subnet.json"
    finding = the(lint(path), "BYO009")
    assert finding.severity is Severity.ERROR
    assert at(finding) == value_position(path, "podCidr", '"10.224.128.0/17"')
    assert "podCidr 10.224.128.0/17 overlaps node subnet nodes (10.224.0.0/16)" in finding.message


def test_byo009_service_cidr_overlapping_only_the_vnet_is_a_warning() -> None:
    path = RULES / "byo009-service-in-vnet.json"
    findings = lint(path)
    finding = the(findings, "BYO009")
    assert finding.severity is Severity.WARNING
    assert at(finding) == value_position(path, "serviceCidr", '"10.225.0.0/16"')
    assert "serviceCidr 10.225.0.0/16 overlaps the address space of VNet vnet1 (10.224.0.0/12)" in finding.message
    assert [f.rule_id for f in findings] == ["BYO009"]


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("byo009-dns-outside", "10.1.0.10", "dnsServiceIP 10.1.0.10 is outside serviceCidr 10.0.0.0/16"),
        ("byo009-dns-first-host", "10.0.0.1", "dnsServiceIP 10.0.0.1 is the first address of serviceCidr 10.0.0.0/16"),
        ("byo009-dns-network-address", "10.0.0.0", "dnsServiceIP 10.0.0.0 is the network address of serviceCidr 10.0.0.0/16"),
    ],
)
def test_byo009_unusable_dns_service_ip(name: str, value: str, says: str) -> None:
    path = RULES / f"{name}.json"
    findings = lint(path)
    finding = the(findings, "BYO009")
    assert finding.severity is Severity.ERROR
    assert at(finding) == value_position(path, "dnsServiceIP", f'"{value}"')
    assert says in finding.message
    assert [f.rule_id for f in findings] == ["BYO009"]


def test_byo009_dns_service_ip_dot_10_inside_the_range_passes() -> None:
    assert of(lint(RULES / "clean.json"), "BYO009") == []


def test_byo009_dual_stack_dns_is_compared_within_its_family() -> None:
    assert of(lint(RULES / "byo008-dual-stack.json"), "BYO009") == []


# --- BYO010 missing-pod-cidr ------------------------------------------------------------------------


def test_byo010_byocni_without_a_pod_cidr_warns_at_network_plugin() -> None:
    path = RULES / "byo010-no-pod-cidr.json"
    findings = lint(path)
    finding = the(findings, "BYO010")
    assert finding.severity is Severity.WARNING
    assert at(finding) == value_position(path, "networkPlugin", '"none"')
    assert "without podCidr or podCidrs" in finding.message
    assert [f.rule_id for f in findings] == ["BYO010"]


def test_byo010_pod_cidrs_alone_is_enough() -> None:
    assert lint(RULES / "byo010-pod-cidrs.json") == []


def test_byo010_non_byocni_cluster_needs_no_pod_cidr() -> None:
    assert of(lint(RULES / "byo003-azure-cni.json"), "BYO010") == []


# --- BYO011 kubernetes-version-unsupported ----------------------------------------------------------


def test_byo011_kubernetes_1_22_warns_at_the_version() -> None:
    path = RULES / "byo011-k8s-1.22.json"
    findings = lint(path)
    finding = the(findings, "BYO011")
    assert finding.severity is Severity.WARNING
    assert at(finding) == value_position(path, "kubernetesVersion", '"1.22"')
    assert finding.message.startswith("kubernetesVersion 1.22 is past end of life")
    assert finding.fix == "upgrade to 1.34 or newer"
    assert [f.rule_id for f in findings] == ["BYO011"]


@pytest.mark.parametrize(("today", "warns"), [(date(2026, 11, 28), False), (date(2026, 11, 30), False),
                                             (date(2026, 12, 1), True)])
def test_byo011_end_of_life_follows_the_injected_date(today: date, warns: bool) -> None:
    path = RULES / "byo011-k8s-1.34.json"
    findings = of(lint(path, today=today), "BYO011")
    if not warns:
        assert findings == []
        return
    (finding,) = findings
    assert at(finding) == value_position(path, "kubernetesVersion", '"1.34.2"')
    assert "AKS support for 1.34 ended 2026-11-30" in finding.message
    assert finding.fix == "upgrade to 1.35 or newer"


def test_byo011_lts_support_plan_uses_the_lts_date() -> None:
    lts = RULES / "byo011-k8s-1.31-lts.json"
    regular = RULES / "byo011-k8s-1.31.json"
    assert of(lint(lts), "BYO011") == []
    finding = the(lint(regular), "BYO011")
    assert at(finding) == value_position(regular, "kubernetesVersion", '"1.31.5"')
    assert "AKS support for 1.31 ended 2025-11-30" in finding.message
    late = the(lint(lts, today=date(2026, 12, 1)), "BYO011")
    assert "ended 2026-11-30 (LTS)" in late.message


def test_byo011_no_version_means_the_aks_default() -> None:
    assert lint(RULES / "byo011-no-version.json", today=date(2030, 1, 1)) == []


# --- BYO012 docker-bridge-cidr-deprecated -----------------------------------------------------------


def test_byo012_docker_bridge_cidr_warns() -> None:
    path = RULES / "byo012-docker-bridge.json"
    findings = lint(path)
    finding = the(findings, "BYO012")
    assert finding.severity is Severity.WARNING
    assert at(finding) == value_position(path, "dockerBridgeCidr", '"172.17.0.1/16"')
    assert "dockerBridgeCidr is deprecated and removed from the API from 2023-04-01" in finding.message
    assert [f.rule_id for f in findings] == ["BYO012"]


def test_byo012_names_the_api_version_that_no_longer_has_it() -> None:
    path = RULES / "byo012-docker-bridge-2023-05-01.json"
    finding = the(lint(path), "BYO012")
    assert at(finding) == value_position(path, "dockerBridgeCidr", '"172.17.0.1/16"')
    assert "not part of apiVersion 2023-05-01 (removed from 2023-04-01)" in finding.message


def test_byo012_absent_passes() -> None:
    assert of(lint(RULES / "clean.json"), "BYO012") == []


# --- where values come from -------------------------------------------------------------------------


def test_value_from_a_parameter_default_names_the_default() -> None:
    path = VALUES / "parameter-default.json"
    findings = lint(path)
    finding = the(findings, "BYO003")
    assert at(finding) == value_position(path, "serviceCidr", '"[parameters(\'serviceCidr\')]"')
    default_line = line_of(path, '"defaultValue": "172.30.0.0/16"')
    assert finding.message.startswith("serviceCidr 172.30.0.0/16 overlaps reserved range 172.30.0.0/16")
    assert finding.message.endswith(f"(value set in parameter-default.json:{default_line})")
    # dnsServiceIP 172.30.0.10 comes from a default too, and is a usable address.
    assert [f.rule_id for f in findings] == ["BYO003"]


def test_value_from_a_paired_parameters_file_names_that_file_and_line() -> None:
    template = VALUES / "paired" / "aks.json"
    parameters = VALUES / "paired" / "aks.parameters.json"
    findings = lint(template)
    reserved = the(findings, "BYO003")
    assert reserved.location.path == str(template)
    assert at(reserved) == value_position(template, "serviceCidr", '"[parameters(\'serviceCidr\')]"')
    assert reserved.message.endswith(f"(value set in aks.parameters.json:{line_of(parameters, '172.31.0.0/16')})")
    # Parameter names are case-insensitive: KUBERNETESVERSION in the file sets kubernetesVersion.
    version = the(findings, "BYO011")
    assert version.message.startswith("kubernetesVersion 1.22.6 is past end of life")
    assert version.message.endswith(f"(value set in aks.parameters.json:{line_of(parameters, '1.22.6')})")


def test_values_from_variables_concat_and_format() -> None:
    path = VALUES / "variables-concat.json"
    findings = lint(path)
    assert sorted((f.rule_id, at(f)) for f in findings) == sorted([
        ("BYO003", value_position(path, "podCidr", '"[variables(\'podCidr\')]"')),
        ("BYO003", value_position(path, "serviceCidr", '"[variables(\'serviceCidr\')]"')),
        ("BYO009", value_position(path, "dnsServiceIP", '"[variables(\'dnsServiceIP\')]"')),
    ])
    messages = sorted(f.message for f in findings)
    assert messages[0].startswith("dnsServiceIP 172.30.0.1 is the first address of serviceCidr 172.30.0.0/16")
    assert messages[1].startswith("podCidr 169.254.0.0/16 overlaps reserved range 169.254.0.0/16")
    variable_line = line_of(path, '"podCidr": "169.254.0.0/16"')
    assert messages[1].endswith(f"(value set in variables-concat.json:{variable_line})")
    assert messages[2].startswith("serviceCidr 172.30.0.0/16 overlaps reserved range 172.30.0.0/16")


# --- template shapes --------------------------------------------------------------------------------


def test_template_with_comments_and_trailing_commas() -> None:
    path = SHAPES / "comments-trailing-commas.json"
    findings = lint(path)
    finding = the(findings, "BYO003")
    assert at(finding) == value_position(path, "serviceCidr", '"172.30.128.0/17"') == (26, 49)
    assert [f.rule_id for f in findings] == ["BYO003"]


def test_symbolic_name_template() -> None:
    path = SHAPES / "symbolic-names.json"
    findings = lint(path)
    assert sorted((f.rule_id, at(f)) for f in findings) == [
        ("BYO001", value_position(path, "apiVersion", '"2022-04-01"')),
        ("BYO003", value_position(path, "serviceCidr", '"[parameters(\'serviceCidr\')]"')),
        ("BYO009", value_position(path, "podCidr", '"10.224.0.0/17"')),
    ]
    assert all(f.resource == "managedClusters/aks-symbolic" for f in findings)  # never the existing one


def test_unresolvable_parameter_gives_notes_and_no_error() -> None:
    path = SHAPES / "unresolvable.json"
    findings = lint(path)
    assert findings, "unknown values must be reported as BYO901 notes"
    assert {f.rule_id for f in findings} == {"BYO901"}
    assert all(f.severity is Severity.NOTE for f in findings)
    service = [f for f in findings if "serviceCidr" in f.message]
    # Both rules that needed the value are named in one note.
    assert len(service) == 1 and service[0].message.startswith("BYO003, BYO009 could not check")
    assert all(at(f) == value_position(path, "serviceCidr", '"[parameters(\'serviceCidr\')]"') for f in service)
    assert all("parameter 'serviceCidr' has no default and no parameters file sets it" in f.message for f in service)
    assert all("managedClusters/aks-unknown" in f.message for f in service)


def test_unknown_network_profile_gives_notes_only() -> None:
    """An unknown object is unknown in every property: no rule may warn about a setting it cannot see."""
    path = SHAPES / "unknown-network-profile.json"
    findings = lint(path)
    assert [(f.rule_id, f.severity, f.message) for f in findings if f.severity > Severity.NOTE] == []
    assert findings and {f.rule_id for f in findings} == {"BYO901"}
    where = value_position(path, "networkProfile", '"[parameters(\'networkProfile\')]"')
    assert all(at(f) == where for f in findings)
    assert all("parameter 'networkProfile' has no default and no parameters file sets it" in f.message for f in findings)


def test_resources_with_condition_false_are_not_judged() -> None:
    assert lint(SHAPES / "condition-false.json") == []


def test_resources_behind_an_unknown_condition_are_judged_if_deployed_as_warnings() -> None:
    path = SHAPES / "condition-unknown.json"
    finding = the(lint(path), "BYO003")
    assert finding.severity is Severity.WARNING
    assert finding.message.startswith("if deployed, serviceCidr 172.30.0.0/16 overlaps reserved range")
    assert at(finding) == value_position(path, "serviceCidr", '"172.30.0.0/16"')


def test_existing_resources_are_never_judged() -> None:
    assert lint(SHAPES / "existing.json") == []


# --- unreadable input -------------------------------------------------------------------------------


def test_malformed_explicit_file_gives_byo900_with_the_parser_position_and_others_are_linted() -> None:
    malformed = SHAPES / "malformed.json"
    other = RULES / "byo001-stable-2022-04-01.json"
    findings = lint(malformed, other)
    parse_error = the(findings, "BYO900")
    assert parse_error.severity is Severity.ERROR
    assert parse_error.location.path == str(malformed)
    assert at(parse_error) == position(malformed, '"apiVersion"')
    assert "expected ',' or '}' after object member" in parse_error.message
    assert the(findings, "BYO001").location.path == str(other)


def test_unparseable_json_naming_the_arm_schema_in_a_folder_gives_byo900() -> None:
    folder = FOUNDATION / "broken-folder"
    findings = lint(folder)
    parse_error = the(findings, "BYO900")
    assert Path(parse_error.location.path).name == "broken-template.json"
    assert at(parse_error) == position(folder / "broken-template.json", "'single-quoted'")
    assert "unexpected character" in parse_error.message
    assert the(findings, "BYO001").location.path.endswith("cluster.json")
    assert not [f for f in findings if "package.json" in f.location.path]


def test_unparseable_non_arm_json_named_explicitly_gives_byo900() -> None:
    path = FOUNDATION / "broken-folder" / "package.json"
    finding = the(lint(path), "BYO900")
    assert finding.location.path == str(path)
    assert finding.location.span is not None


def test_explicit_file_that_is_not_utf8_gives_byo900(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"$schema": "deploymentTemplate.json#", "x": "caf\xe9"}')
    finding = the(lint(path), "BYO900")
    assert "not UTF-8" in finding.message


# --- the BYOCNI article's template ------------------------------------------------------------------


def test_seed_template_warns_byo010_and_byo011_only() -> None:
    findings = lint(SEED, select=())  # every rule: the acceptance is about the whole tool
    assert [(f.rule_id, f.severity, at(f)) for f in findings] == [
        ("BYO011", Severity.WARNING, (45, 30)),
        ("BYO010", Severity.WARNING, (47, 28)),
    ]
    assert at(findings[0]) == value_position(SEED, "kubernetesVersion", '"[parameters(\'kubernetesVersion\')]"')
    assert at(findings[1]) == value_position(SEED, "networkPlugin", '"none"')
    assert "kubernetesVersion 1.22" in findings[0].message
    assert findings[0].message.endswith("(value set in azuredeploy.json:15)")


def test_seed_template_exits_0_through_the_cli() -> None:
    result = subprocess.run([sys.executable, "-m", "byocni_lint", str(SEED.relative_to(REPO)), "--today", "2026-11-28"],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("fixtures/seed/azuredeploy.json:45:30: BYO011 ")
    assert lines[1].startswith("fixtures/seed/azuredeploy.json:47:28: BYO010 ")


# --- every fixture renders to valid SARIF -----------------------------------------------------------


@pytest.mark.parametrize("path", sorted(FOUNDATION.rglob("*.json")) + [SEED], ids=lambda p: str(p.relative_to(REPO)))
def test_findings_of_every_fixture_render_to_valid_sarif(path: Path, assert_valid_sarif) -> None:
    run = lint_paths([str(path)], Options(today=TODAY, select=FOUNDATION_RULES))
    log = assert_valid_sarif(render("sarif", RunResult(run.findings, run.rules, run.files_linted), base_dir=REPO))
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == [f.rule_id for f in run.findings]


@pytest.mark.parametrize("plugin, mode, judged", [
    ("azure", None, False),        # Azure CNI in VNet mode: pods get VNet addresses, podCidr is ignored
    ("azure", "overlay", True),    # Azure CNI Overlay takes pod addresses from podCidr
    ("kubenet", None, True),
    ("none", None, True),
])
def test_pod_cidr_is_judged_only_where_pods_use_it(tmp_path, plugin, mode, judged) -> None:
    import json

    profile = {"networkPlugin": plugin, "podCidr": "172.30.0.0/16", "serviceCidr": "10.0.0.0/16",
               "dnsServiceIP": "10.0.0.10"}
    if mode:
        profile["networkPluginMode"] = mode
    template = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "resources": [{"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-05-01",
                       "name": "aks", "properties": {"networkProfile": profile}}],
    }
    path = tmp_path / "cluster.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    pod_findings = [f for f in lint(path, select=("BYO003",)) if "podCidr" in f.message]
    assert bool(pod_findings) is judged, pod_findings


def test_byo009_judges_the_default_service_range_when_service_cidr_is_left_out() -> None:
    """AKS applies serviceCidr 10.0.0.0/16 when it is not set: a node subnet inside it fails to deploy."""
    path = RULES / "byo009-default-service-cidr.json"
    (finding,) = of(lint(path), "BYO009")
    assert finding.severity.label == "error"
    assert finding.message.startswith("the default serviceCidr (not set) 10.0.0.0/16 overlaps node subnet nodes (10.0.0.0/22)")
    assert at(finding) == position(path, '"networkProfile": {', "{")  # located at the profile that leaves it out
    assert finding.fix == "set serviceCidr to a range outside the subnet"


def test_byo009_default_service_range_outside_the_network_is_clean() -> None:
    findings = lint(RULES / "byo009-default-service-cidr-clear.json")
    assert of(findings, "BYO009") == [] and of(findings, "BYO900") == []
    assert of(findings, "BYO010") == []  # the file was read: its podCidr was seen
