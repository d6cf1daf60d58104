"""The Azure CLI front end end to end: scripts of our own under fixtures/azcli, each finding located at
the value in the script (or at the CLI pin), and every negative case proven read."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import lint, model_values_of

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "azcli"


def found(path: Path, **options) -> list[tuple[str, int]]:
    """(rule, line) of every finding except notes, sorted."""
    run = lint(path, **options)
    assert not [f for f in run.findings if f.rule_id.startswith("BYO90") and f.rule_id != "BYO901"], run.findings
    return sorted((f.rule_id, f.location.span.line) for f in run.findings if f.rule_id != "BYO901")


def line_of(path: Path, needle: str) -> int:
    """1-based line of the first line containing `needle` (expected lines are read from the fixture)."""
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_reserved_pod_cidr_from_a_variable_is_reported_at_the_flag() -> None:
    script = FIXTURES / "byo003-pod-cidr-variable.sh"
    run = lint(script)
    [finding] = [f for f in run.findings if f.rule_id == "BYO003"]
    assert finding.location.span.line == line_of(script, "--pod-cidr")
    assert "--pod-cidr" in finding.message  # the CLI's spelling, not podCidr


def test_powershell_backticks_and_variables() -> None:
    script = FIXTURES / "powershell-backticks.ps1"
    assert ("BYO003", line_of(script, "--service-cidr")) in found(script)


def test_network_policy_calico_with_none() -> None:
    script = FIXTURES / "byo008-network-policy-calico.sh"
    assert found(script) == [("BYO008", line_of(script, "--network-policy calico"))]


def test_vnet_delegated_subnet_and_cluster_in_one_script() -> None:
    script = FIXTURES / "byo004-delegated-subnet.sh"
    assert ("BYO004", line_of(script, "--delegations")) in found(script)


def test_pipeline_macro_resolves_from_variables() -> None:
    pipeline = FIXTURES / "pipelines" / "azure-pipelines.yml"
    assert found(pipeline) == [("BYO003", line_of(pipeline, "--pod-cidr $(podCidr)"))]


def test_unknown_variables_are_notes_not_errors() -> None:
    script = FIXTURES / "unknown-variables.sh"
    run = lint(script)
    assert run.files_linted == 1
    assert found(script) == []
    notes = [f for f in run.findings if f.rule_id == "BYO901"]
    assert any("$POD_CIDR is not set in this script" in f.message for f in notes)


def test_valid_byocni_script_lints_clean() -> None:
    script = FIXTURES / "clean-byocni.sh"
    run = lint(script)
    assert run.files_linted == 1 and run.findings == [], run.findings


def test_model_of_the_clean_script_has_the_cluster_subnet_and_assignment() -> None:

    [model] = model_values_of(FIXTURES / "clean-byocni.sh")
    assert len(model["clusters"]) == 1 and len(model["role_assignments"]) == 1 and model["subnets"]


@pytest.mark.parametrize("version, expected", [("2.38.0", True), ("2.39.0", False)])
def test_workflow_azcliversion(version: str, expected: bool) -> None:
    workflow = FIXTURES / "workflows" / f"cli-{version}.yml"
    run = lint(workflow)
    assert run.files_linted == 1 and not [f for f in run.findings if f.rule_id.startswith("BYO90")]
    byo002 = [f for f in run.findings if f.rule_id == "BYO002"]
    assert [f.location.span.line for f in byo002] == ([line_of(workflow, "azcliversion")] if expected else [])
    assert [f.rule_id for f in run.findings if f.rule_id != "BYO002"] == []


def test_dockerfile_image_pins_the_script_it_runs() -> None:
    run = lint(FIXTURES / "docker")
    [finding] = [f for f in run.findings if f.rule_id == "BYO002"]
    assert finding.location.path.endswith("Dockerfile") and finding.location.span.line == 1
    assert "2.30.0" in finding.message


def test_installed_cli_is_checked_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    from byocni_lint.frontends.azcli.versions import installed_cli_version

    script = FIXTURES / "byo008-network-policy-calico.sh"
    monkeypatch.setenv("PATH", str(Path(__file__).parent / "doubles") + os.pathsep + os.environ.get("PATH", ""))
    monkeypatch.setenv("FAKE_AZ_VERSION", "2.30.0")
    installed_cli_version.cache_clear()
    try:
        assert "BYO002" not in [f.rule_id for f in lint(script).findings]
        asked = [f for f in lint(script, check_installed_cli=True).findings if f.rule_id == "BYO002"]
        assert len(asked) == 1 and "installed" in asked[0].message
    finally:
        installed_cli_version.cache_clear()


def test_script_without_az_is_read_and_skipped(tmp_path: Path) -> None:
    script = tmp_path / "build.sh"
    script.write_text("#!/bin/sh\nmake all\n")
    run = lint(script)
    assert run.files_linted == 1 and run.findings == []


def test_script_builds_the_same_model_as_its_arm_twin() -> None:
    [script] = model_values_of(FIXTURES / "equivalence" / "cluster.sh")
    [template] = model_values_of(FIXTURES / "equivalence" / "cluster.json")
    assert script["clusters"] and script["subnets"] and script["vnets"]
    assert script == template


def test_check_installed_cli_flag_runs_the_test_double() -> None:
    from helpers import cli

    env = dict(os.environ, PATH=str(Path(__file__).parent / "doubles") + os.pathsep + os.environ.get("PATH", ""),
               FAKE_AZ_VERSION="2.38.1")
    script = FIXTURES / "byo008-network-policy-calico.sh"
    assert "BYO002" not in cli(script, env=env).stdout
    asked = cli(script, "--check-installed-cli", env=env)
    assert "BYO002 Azure CLI 2.38.1 (installed az)" in asked.stdout, asked.stdout + asked.stderr


def test_nsg_route_table_and_windows_pool_commands_reach_their_rules() -> None:
    script = FIXTURES / "nsg-route-windows.sh"
    assert found(script) == [("BYO005", line_of(script, "nsg rule create")),
                             ("BYO006", line_of(script, "az aks create")),
                             ("BYO007", line_of(script, "route-table create")),
                             ("BYO008", line_of(script, "--os-type Windows"))]


def test_subscription_from_az_account_set_makes_ids_concrete(tmp_path: Path) -> None:
    script = tmp_path / "sub.sh"
    sub = "11111111-2222-3333-4444-555555555555"
    script.write_text(f"az account set --subscription {sub}\n"
                      "az network vnet create -g rg -n v --address-prefixes 10.50.0.0/16 --subnet-name s "
                      "--subnet-prefixes 10.50.0.0/24\n"
                      "az aks create -g rg -n aks --network-plugin none --pod-cidr 192.168.0.0/16 --vnet-subnet-id "
                      f"/subscriptions/{sub}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s\n")
    [model] = model_values_of(script)
    [cluster] = model["clusters"]
    assert cluster["id"].startswith(f"/subscriptions/{sub}/resourcegroups/rg/")
    assert cluster["pools"][0]["subnet"] == f"/subscriptions/{sub}/resourcegroups/rg/providers/" \
                                            "microsoft.network/virtualnetworks/v/subnets/s"
