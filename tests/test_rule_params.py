"""Rule parameters are validated once, when the rules load: a bad one is one clear error (exit 2)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from byocni_lint.rule_params import SCHEMAS, params_problem
from byocni_lint.rulebook import RulebookError, load_rulebook, rules_dir
from helpers import FIXTURES, cli


def test_every_shipped_rule_declares_and_passes_its_parameter_types() -> None:
    rulebook = load_rulebook()
    assert set(rulebook) == set(SCHEMAS)
    for rule_id, spec in rulebook.items():
        assert params_problem(rule_id, spec.params) is None
        assert set(spec.params) == set(SCHEMAS[rule_id])  # each default has its one home: the YAML


@pytest.mark.parametrize(("rule_id", "params", "problem"), [
    ("BYO003", {"reserved_ranges": ["169.254.0.0/16", "not-a-range"]}, "params.reserved_ranges[1]: 'not-a-range' is not a CIDR range"),
    ("BYO001", {"min_stable": "June 2022", "min_preview": "2022-01-02-preview"}, "params.min_stable: 'June 2022' is not an api-version"),
    ("BYO903", {"max_file_bytes": -1, "max_json_depth": 200, "max_eval_steps": 1, "max_deployment_depth": 1,
                "max_copy_count": 1}, "params.max_file_bytes: must be a positive integer"),
    ("BYO009", {"aks_defaults": {"serviceCidr": "10.0.0.0/16"}}, "params.aks_defaults: missing key 'dnsServiceIP'"),
    ("BYO005", {"extra_flows": [{"protocol": "Vxlan", "ports": "8472"}], "pod_flow_severity": "warning"},
     "params.extra_flows[0].protocol: 'Vxlan' is not an NSG protocol"),
    ("BYO008", {"incompatible_policies": [], "incompatible_dataplanes": [], "warn_plugin_modes": [],
                "warn_dual_stack": True, "warn_windows_pools": True, "typo": 1}, "params.typo: unknown parameter"),
])
def test_a_bad_parameter_names_the_key_and_what_is_wrong(rule_id: str, params: dict, problem: str) -> None:
    found = params_problem(rule_id, params)
    assert found is not None and found.startswith(problem), found


def test_a_bad_parameter_in_a_rule_file_is_one_error_naming_file_and_key(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(rules_dir(), rules)
    raw = yaml.safe_load((rules / "BYO003.yaml").read_text())
    raw["params"]["reserved_ranges"].append("172.16.0.0/33")
    (rules / "BYO003.yaml").write_text(yaml.safe_dump(raw))
    with pytest.raises(RulebookError) as raised:
        load_rulebook(rules)
    assert str(raised.value) == f"{rules / 'BYO003.yaml'}: params.reserved_ranges[4]: '172.16.0.0/33' is not a CIDR range"


def test_the_cli_exits_2_with_one_line_for_a_bad_rule_parameter(tmp_path: Path, monkeypatch) -> None:
    from byocni_lint import rulebook
    from run_cli import invoke

    rules = tmp_path / "rules"
    shutil.copytree(rules_dir(), rules)
    raw = yaml.safe_load((rules / "BYO011.yaml").read_text())
    raw["params"]["calendar"][0]["end_of_life"] = "soon"
    (rules / "BYO011.yaml").write_text(yaml.safe_dump(raw))
    monkeypatch.setattr(rulebook, "rules_dir", lambda: rules)
    result = invoke([str(FIXTURES / "seed" / "azuredeploy.json")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"byocni-lint: error: {rules / 'BYO011.yaml'}: params.calendar[0].end_of_life: 'soon' is not a YYYY-MM-DD date"]
    assert "internal error" not in result.output
    assert cli(FIXTURES / "seed" / "azuredeploy.json").returncode == 0  # the shipped rules are fine


def test_a_rules_params_are_parsed_once_per_run_and_each_run_reads_its_own(tmp_path: Path, monkeypatch) -> None:
    """CheckContext.prepared: the reserved ranges are parsed once for all files of a run, not once per
    model, and a second run with other params (`rule_params`, as from pyproject) parses those."""
    from byocni_lint.bench import write_templates
    from byocni_lint.checks import addresses
    from byocni_lint.engine import Options, lint_paths
    from helpers import TODAY, of

    builds: list[list[str]] = []
    parse = addresses._reserved

    def counted(params: dict):
        builds.append(list(params["reserved_ranges"]))
        return parse(params)

    monkeypatch.setattr(addresses, "_reserved", counted)
    write_templates(tmp_path, 4)
    default = lint_paths([str(tmp_path)], Options(today=TODAY, select=("BYO003",)))
    everything = lint_paths([str(tmp_path)], Options(today=TODAY, select=("BYO003",),
                                                      rule_params={"BYO003": {"reserved_ranges": ["0.0.0.0/0"]}}))
    assert default.files_linted == everything.files_linted == 4
    assert builds == [load_rulebook()["BYO003"].params["reserved_ranges"], ["0.0.0.0/0"]]
    assert len(of(everything.findings, "BYO003")) > len(of(default.findings, "BYO003"))
    assert all("0.0.0.0/0" in finding.message for finding in of(everything.findings, "BYO003"))
