"""Which files are linted, how templates find their parameter files, and classification by content."""
from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from byocni_lint.discover import discover
from byocni_lint.frontends import frontends
from byocni_lint.frontends.arm.pairing import template_for_parameters
from byocni_lint.engine import LintRun, Options, lint_paths
from byocni_lint.findings import Severity
from byocni_lint.frontends.arm.documents import ARM_PARAMETERS, ARM_TEMPLATE, classify

REPO = Path(__file__).resolve().parents[1]
FOUNDATION = REPO / "fixtures" / "foundation"
BAD_API = FOUNDATION / "rules" / "byo001-stable-2022-04-01.json"  # one BYO001 finding, nothing else
TWO_FILES = FOUNDATION / "values" / "two-parameter-files"
FOUNDATION_RULES = ("BYO001", "BYO003", "BYO008", "BYO009", "BYO010", "BYO011", "BYO012", "BYO900", "BYO901", "BYO903")


def run(*paths: Path | str, parameters: Path | str | None = None) -> LintRun:
    options = Options(today=date(2026, 11, 28), select=FOUNDATION_RULES,
                      parameters=str(parameters) if parameters is not None else None)
    return lint_paths([str(path) for path in paths], options)


def flagged(result: LintRun, rule_id: str = "BYO001") -> list[str]:
    """Paths (with `/` separators) of the files a rule reported on."""
    return sorted(Path(f.location.path).as_posix() for f in result.findings if f.rule_id == rule_id)


def place(path: Path, source: Path = BAD_API) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, path)
    return path


def parameters_file(path: Path, values: dict[str, str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {name: {"value": value} for name, value in values.items()},
    }
    path.write_text(json.dumps(document, indent=2))
    return path


# --- walking folders --------------------------------------------------------------------------------


def test_folders_skip_vcs_dependency_and_hidden_folders_but_not_github(tmp_path: Path, monkeypatch) -> None:
    for relative in ("a.json", "sub/deeper/b.json", ".github/workflows/c.json", ".git/d.json",
                     "node_modules/pkg/e.json", ".terraform/modules/f.json", ".hidden/g.json",
                     "sub/.cache/h.json", "sub/node_modules/i.json"):
        place(tmp_path / relative)
    monkeypatch.chdir(tmp_path)
    result = run(".")
    assert flagged(result) == [".github/workflows/c.json", "a.json", "sub/deeper/b.json"]
    assert result.files_linted == 3
    found = discover(["."], frontends())
    candidates = found.claimed["arm"]
    assert [Path(c.display).as_posix() for c in candidates] == [".github/workflows/c.json", "a.json", "sub/deeper/b.json"]
    assert found.missing == []
    assert not any(c.explicit for c in candidates)


def test_only_lintable_suffixes_are_picked_up_in_folders(tmp_path: Path) -> None:
    place(tmp_path / "cluster.json")
    place(tmp_path / "cluster.JSONC")
    place(tmp_path / "cluster.json.bak")
    place(tmp_path / "cluster.yaml")
    assert [Path(p).name for p in flagged(run(tmp_path))] == ["cluster.JSONC", "cluster.json"]


def test_a_file_named_twice_is_linted_once(tmp_path: Path) -> None:
    path = place(tmp_path / "x.json")
    result = run(tmp_path, path, path)
    assert len(flagged(result)) == 1
    assert result.files_linted == 1


def test_missing_paths_are_reported_not_linted(tmp_path: Path) -> None:
    place(tmp_path / "x.json")
    result = run(tmp_path, tmp_path / "nope.json", "also-missing")
    assert result.missing_paths == [str(tmp_path / "nope.json"), "also-missing"]
    assert len(flagged(result)) == 1


def test_finding_paths_are_as_the_user_named_them(tmp_path: Path, monkeypatch) -> None:
    place(tmp_path / "infra" / "aks.json")
    monkeypatch.chdir(tmp_path)
    (finding,) = run("infra").findings
    assert finding.location.path == str(Path("infra", "aks.json"))
    (finding,) = run("./infra/aks.json").findings
    assert finding.location.path == "./infra/aks.json"


# --- pairing parameter files ------------------------------------------------------------------------


PAIRED_TEMPLATE = FOUNDATION / "values" / "paired" / "aks.json"  # serviceCidr and dnsServiceIP have no default


def needs_parameters(path: Path) -> Path:
    return place(path, PAIRED_TEMPLATE)


def reserved_parameters(path: Path, cidr: str) -> Path:
    """A parameters file whose serviceCidr is reserved, so the BYO003 message names the file it came from."""
    network = cidr.split("/")[0].rsplit(".", 1)[0]
    return parameters_file(path, {"clusterName": "c", "serviceCidr": cidr, "dnsServiceIP": f"{network}.10"})


def parameter_sources(result: LintRun) -> list[str]:
    """The parameters files the template was evaluated with, as the BYO003 messages name them."""
    return sorted(re.search(r"value set in (\S+?):\d+", f.message).group(1)
                  for f in result.findings if f.rule_id == "BYO003")


def test_parameter_files_pair_by_name(tmp_path: Path) -> None:
    template = needs_parameters(tmp_path / "X.json")
    reserved_parameters(tmp_path / "X.parameters.json", "172.30.0.0/16")
    reserved_parameters(tmp_path / "X.parameters.dev.json", "172.31.0.0/16")
    reserved_parameters(tmp_path / "Y.parameters.json", "192.0.2.0/24")
    reserved_parameters(tmp_path / "X.parametersfile.json", "169.254.0.0/16")
    reserved_parameters(tmp_path / "other" / "X.parameters.json", "169.254.0.0/16")
    result = run(template)
    assert parameter_sources(result) == ["X.parameters.dev.json", "X.parameters.json"]
    assert not [f for f in result.findings if f.rule_id == "BYO901"]  # never also evaluated without values


@pytest.mark.parametrize(("template", "parameters"), [
    ("azuredeploy.json", "azuredeploy.parameters.json"),
    ("aks-eslz-aks.template.json", "aks-eslz-aks.parameters.json"),
    ("main.json", "main.parameters.prod.json"),
    ("AzureDeploy.json", "azuredeploy.Parameters.json"),
])
def test_parameters_file_pairs_with_its_template(tmp_path: Path, template: str, parameters: str) -> None:
    template_path = needs_parameters(tmp_path / template)
    parameters_path = reserved_parameters(tmp_path / parameters, "172.30.0.0/16")
    assert parameter_sources(run(template_path)) == [parameters]
    # The other way round (a pre-commit run on a changed parameters file) finds the same template.
    assert template_for_parameters(parameters_path) == template_path
    from_parameters = run(parameters_path)
    assert [Path(f.location.path).name for f in from_parameters.findings] == [template]
    assert parameter_sources(from_parameters) == [parameters]


def test_template_without_parameter_files_uses_its_defaults(tmp_path: Path) -> None:
    template = needs_parameters(tmp_path / "X.json")
    reserved_parameters(tmp_path / "other.parameters.json", "172.30.0.0/16")
    result = run(template)
    assert parameter_sources(result) == []
    assert {f.rule_id for f in result.findings} == {"BYO901"}  # serviceCidr and dnsServiceIP are unknown


def test_parameters_file_without_a_template_beside_it(tmp_path: Path) -> None:
    assert template_for_parameters(parameters_file(tmp_path / "lonely.parameters.json", {})) is None
    assert template_for_parameters(parameters_file(tmp_path / "params.json", {})) is None
    assert run(tmp_path / "lonely.parameters.json").findings == []


def test_paired_file_supplies_values_when_the_folder_is_linted(tmp_path: Path) -> None:
    shutil.copyfile(FOUNDATION / "values" / "paired" / "aks.json", tmp_path / "main.template.json")
    parameters_file(tmp_path / "main.parameters.json",
                    {"clusterName": "c", "serviceCidr": "192.0.2.0/24", "dnsServiceIP": "192.0.2.10"})
    result = run(tmp_path)
    (finding,) = result.findings
    assert finding.rule_id == "BYO003"
    assert Path(finding.location.path).name == "main.template.json"
    assert "serviceCidr 192.0.2.0/24 overlaps reserved range 192.0.2.0/24" in finding.message
    assert "(value set in main.parameters.json:" in finding.message


def test_template_with_two_parameter_files_is_evaluated_once_per_file() -> None:
    result = run(TWO_FILES / "aks.json")
    assert sorted((f.rule_id, f.severity) for f in result.findings) == [("BYO003", Severity.ERROR),
                                                                       ("BYO009", Severity.ERROR)]
    reserved = next(f for f in result.findings if f.rule_id == "BYO003")
    dns = next(f for f in result.findings if f.rule_id == "BYO009")
    assert "serviceCidr 172.30.0.0/16" in reserved.message and "(value set in aks.parameters.json:" in reserved.message
    assert "dnsServiceIP 10.0.0.1" in dns.message and "(value set in aks.parameters.dev.json:" in dns.message
    # Not also evaluated on its own: its parameters have no defaults, which would give BYO901 notes.
    assert not [f for f in result.findings if f.rule_id == "BYO901"]


def test_linting_the_folder_evaluates_each_parameters_file_once() -> None:
    by_folder = run(TWO_FILES)
    by_template = run(TWO_FILES / "aks.json")
    assert [(f.rule_id, f.message) for f in by_folder.findings] == [(f.rule_id, f.message) for f in by_template.findings]


def test_orphan_parameters_file_lints_its_template_with_that_file_only() -> None:
    result = run(TWO_FILES / "aks.parameters.dev.json")
    (finding,) = result.findings
    assert finding.rule_id == "BYO009"
    assert finding.location.path == str(TWO_FILES / "aks.json")
    assert "(value set in aks.parameters.dev.json:" in finding.message


def test_parameters_option_overrides_pairing(tmp_path: Path) -> None:
    override = parameters_file(tmp_path / "ci.json",
                               {"clusterName": "ci", "serviceCidr": "169.254.0.0/16", "dnsServiceIP": "169.254.0.10"})
    result = run(TWO_FILES / "aks.json", parameters=override)
    (finding,) = result.findings
    assert finding.rule_id == "BYO003"
    assert "serviceCidr 169.254.0.0/16 overlaps reserved range 169.254.0.0/16" in finding.message
    assert "(value set in ci.json:" in finding.message


def test_parameters_option_that_is_not_a_parameters_file_is_a_parse_error(tmp_path: Path) -> None:
    result = run(TWO_FILES / "aks.json", parameters=BAD_API)
    problems = [f for f in result.findings if f.rule_id == "BYO900"]
    assert len(problems) == 1
    assert problems[0].location.path == str(BAD_API)
    assert "not an ARM parameters file" in problems[0].message


# --- classification by content ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "schema",
    [
        "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "http://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json#",
        "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
        "https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#",
        "https://schema.management.azure.com/schemas/2019-08-01/tenantDeploymentTemplate.json#",
        "HTTPS://SCHEMA.MANAGEMENT.AZURE.COM/SCHEMAS/2019-04-01/DEPLOYMENTTEMPLATE.JSON#",
        "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json",
    ],
)
def test_any_arm_template_schema_is_a_template(schema: str, tmp_path: Path) -> None:
    assert classify({"$schema": schema}) == ARM_TEMPLATE
    document = json.loads(BAD_API.read_text())
    document["$schema"] = schema
    path = tmp_path / "anything.json"
    path.write_text(json.dumps(document, indent=2))
    assert flagged(run(tmp_path)) == [path.as_posix()]


@pytest.mark.parametrize("schema", [
    "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
    "http://schema.management.azure.com/schemas/2015-01-01/DeploymentParameters.json#",
])
def test_parameters_schema_is_a_parameters_file(schema: str) -> None:
    assert classify({"$schema": schema, "parameters": {}}) == ARM_PARAMETERS


@pytest.mark.parametrize(
    "root",
    [
        {"$schema": "http://json-schema.org/draft-07/schema#"},
        {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#/definitions/x"},
        {"name": "pkg", "version": "1.0.0"},
        {"resources": [{"type": "Microsoft.ContainerService/managedClusters"}]},
        ["deploymentTemplate.json#"],
        "deploymentTemplate.json#",
    ],
)
def test_other_json_is_not_ours(root: object) -> None:
    assert classify(root) is None


def test_templates_are_found_whatever_they_are_called(tmp_path: Path) -> None:
    place(tmp_path / "network-stack.json")
    place(tmp_path / "cluster.jsonc")
    explicit = place(tmp_path / "elsewhere" / "cluster-definition.txt")
    result = run(tmp_path, explicit)
    assert sorted(Path(p).name for p in flagged(result)) == ["cluster-definition.txt", "cluster.jsonc", "network-stack.json"]


def test_non_arm_json_is_skipped_silently(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "x", "version": "1.0.0"}')
    (tmp_path / "tsconfig.json").write_text('{\n  // comments are fine here too\n  "compilerOptions": {},\n}')
    (tmp_path / "schema.json").write_text('{"$schema": "http://json-schema.org/draft-07/schema#"}')
    (tmp_path / "list.json").write_text("[1, 2, 3]")
    (tmp_path / "broken.json").write_text('{"name": ')
    (tmp_path / "plan.json").write_text('{"format_version": "1.1", "planned_values": {"root_module": {}}}')
    result = run(tmp_path)
    assert result.findings == []
    explicit = run(tmp_path / "package.json", tmp_path / "tsconfig.json", tmp_path / "list.json")
    assert explicit.findings == []
    assert explicit.files_linted == 0


def test_parameters_file_in_a_folder_is_not_linted_as_a_template(tmp_path: Path) -> None:
    parameters_file(tmp_path / "dev.json", {"serviceCidr": "172.30.0.0/16"})
    assert run(tmp_path).findings == []


def test_non_utf8_json_that_is_not_arm_is_skipped_silently_in_folders(tmp_path: Path) -> None:
    (tmp_path / "strings.json").write_bytes(b'{"greeting": "caf\xe9"}')
    assert run(tmp_path).findings == []


def test_non_utf8_json_naming_the_arm_schema_in_a_folder_is_a_parse_error(tmp_path: Path) -> None:
    text = BAD_API.read_text().replace('"aks1"', '"aks-caf\\u00e9"').encode().replace(b"\\u00e9", b"\xe9")
    (tmp_path / "latin1.json").write_bytes(text)
    (problem,) = run(tmp_path).findings
    assert problem.rule_id == "BYO900" and "UTF-8" in problem.message


def test_each_file_is_sniffed_once_by_all_front_ends(tmp_path, monkeypatch):
    """Terraform (looking for a plan) and ARM (for a schema) both look into a `.json`: one read serves both."""
    from byocni_lint.load import files

    place(tmp_path / "aks.json")
    (tmp_path / "plan.json").write_text('{"format_version": "1.2", "terraform_version": "1.9.0", "planned_values": {}}')
    reads: list[str] = []
    monkeypatch.setattr(files, "open", lambda path, *args: reads.append(path.name) or open(path, *args), raising=False)
    found = discover([str(tmp_path)], frontends())
    assert sorted(reads) == ["aks.json", "plan.json"]
    assert [c.kind for c in found.claimed["arm"]] == ["ARM template"]
    assert [c.kind for c in found.claimed["terraform"]] == ["Terraform plan"]
