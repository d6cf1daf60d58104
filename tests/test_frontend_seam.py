"""The front-end seam: nothing passes unread, user errors name the path, and `--format model` shows
what was understood. Through the real command, as users run it."""
from __future__ import annotations

import ast
import json
from pathlib import Path

from helpers import FIXTURES, REPO, cli, lint, model_values_of

SEED = FIXTURES / "seed" / "azuredeploy.json"
PACKAGE = REPO / "byocni_lint"


def test_a_named_file_no_front_end_reads_is_reported_not_passed(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("remember the pod CIDR\n")
    result = cli(notes)
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"byocni-lint: not a supported input: {notes}; byocni-lint reads ")
    assert "ARM templates" in line
    assert "cannot parse JSON" not in result.stdout + result.stderr


def test_a_named_unsupported_file_beside_a_template_still_lints_the_template(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("x")
    result = cli(notes, SEED)
    assert result.returncode == 0
    assert "not a supported input" in result.stderr
    assert "BYO010" in result.stdout


def test_a_folder_of_unsupported_files_says_what_it_skipped(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# infra\n")
    (tmp_path / "package.json").write_text('{"name": "x"}')
    (tmp_path / "deploy.py").write_text("print(1)\n")
    result = cli(tmp_path)
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == ("Linted 0 files: no BYOCNI cluster; no findings; skipped 3 files no "
                                              "front end reads (1 .json, 1 .md, 1 .py).")


def test_the_summary_names_what_was_read_and_the_clusters_found() -> None:
    result = cli(SEED, FIXTURES / "seed" / "2026-04" / "azuredeploy.json")
    assert result.stdout.splitlines()[-1] == ("Linted 2 files (2 ARM templates): 2 BYOCNI clusters; "
                                              "0 errors, 3 warnings, 1 note.")


def test_an_unknown_rule_or_prefix_is_a_usage_error_naming_it() -> None:
    for option in ("--select", "--ignore"):
        result = cli(SEED, option, "BYO999")
        assert result.returncode == 2
        assert result.stderr.strip() == f"byocni-lint: error: Invalid value for {option}: unknown rule or prefix 'BYO999'; see --list-rules"


def test_select_cannot_hide_an_unreadable_file_but_ignore_can(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", ')
    selected = cli(broken, "--select", "BYO003")
    assert selected.returncode == 1 and "BYO900" in selected.stdout
    ignored = cli(broken, "--ignore", "BYO900")
    assert ignored.returncode == 0 and "BYO900" not in ignored.stdout


def test_an_output_path_that_cannot_be_written_is_a_one_line_error_naming_it() -> None:
    result = cli(SEED, "--format", "sarif", "--output", "/nonexistent/dir/x.sarif")
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert "/nonexistent/dir/x.sarif" in line and "internal error" not in line


def test_a_missing_parameters_file_is_a_one_line_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "missing.parameters.json"
    result = cli(SEED, "--parameters", missing)
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert str(missing) in line and "internal error" not in line


def test_format_model_shows_clusters_with_values_locations_and_unknowns() -> None:
    result = cli(FIXTURES / "seed" / "2026-04" / "azuredeploy.json", SEED, "--format", "model")
    assert result.returncode == 0, result.stderr
    models = json.loads(result.stdout)["models"]
    assert [m["source"] for m in models] == ["fixtures/seed/2026-04/azuredeploy.json", "fixtures/seed/azuredeploy.json"]
    current, first = models
    (cluster,) = first["clusters"]
    assert cluster["name"] == "aksbyocni"
    assert cluster["network_plugin"] == {"value": "none", "at": "fixtures/seed/azuredeploy.json:47:28"}
    assert cluster["kubernetes_version"]["value"] == "1.22"
    assert current["clusters"][0]["pod_cidr"] == {"unknown": "parameter 'pod-cidr' is not declared",
                                                  "at": "fixtures/seed/2026-04/azuredeploy.json:48:22"}


def test_format_model_links_pools_to_subnets_with_their_nsg_and_rules() -> None:
    (model,) = model_values_of(FIXTURES / "network" / "nsg-deny-vnet-udp.json")
    (cluster,) = model["clusters"]
    subnet_ids = {pool.get("subnet") for pool in cluster["pools"]}
    (subnet,) = [s for s in model["subnets"] if s["id"] in subnet_ids]
    assert subnet["nsg_id"]["value"].lower().endswith("/networksecuritygroups/nsg-nodes") or "nsg" in json.dumps(subnet["nsg_id"])
    (nsg,) = model["nsgs"]
    assert any(rule["access"]["value"].lower() == "deny" for rule in nsg["rules"])
    assert '"at"' not in json.dumps(model)  # values only: comparable across formats


def _imports(module: Path) -> set[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_checks_and_semantics_never_import_loaders_the_evaluator_or_front_ends() -> None:
    forbidden = ("byocni_lint.load", "byocni_lint.evaluate", "byocni_lint.frontends")
    offenders = [f"{path.relative_to(REPO)} imports {name}"
                 for folder in ("checks", "semantics") for path in sorted((PACKAGE / folder).rglob("*.py"))
                 for name in _imports(path) if name.startswith(forbidden)]
    assert offenders == []
    assert len(list((PACKAGE / "checks").glob("*.py"))) >= 5  # the test looked at the real modules


def test_the_model_does_not_reach_into_a_parser_or_the_evaluator() -> None:
    forbidden = ("byocni_lint.load", "byocni_lint.evaluate", "byocni_lint.frontends")
    offenders = [f"{path.name} imports {name}" for path in sorted((PACKAGE / "model").rglob("*.py"))
                 for name in _imports(path) if name.startswith(forbidden)]
    assert offenders == []


def test_notes_carry_the_rules_that_needed_the_value_as_data() -> None:
    run = lint(FIXTURES / "seed" / "2026-04" / "azuredeploy.json")
    (note,) = [f for f in run.findings if f.rule_id == "BYO901"]
    assert note.rules == ("BYO003", "BYO009", "BYO010")
    assert note.message.startswith("BYO003, BYO009, BYO010 could not check ")


def test_a_property_written_twice_is_a_warning_at_the_second_name(tmp_path: Path) -> None:
    text = SEED.read_text().replace('"networkPlugin": "none"', '"networkPlugin": "none",\n          "NetworkPlugin": "none"', 1)
    template = tmp_path / "twice.json"
    template.write_text(text)
    run = lint(template)
    (finding,) = [f for f in run.findings if f.rule_id == "BYO905"]
    line = text.splitlines().index('          "NetworkPlugin": "none"') + 1
    assert (finding.severity.label, finding.location.span.line, finding.location.span.column) == ("warning", line, 11)
    assert "'NetworkPlugin' is written twice" in finding.message


def test_messages_stay_short_and_fixes_are_shown_on_request() -> None:
    reader = FIXTURES / "permissions" / "reader_only.json"
    plain = cli(reader, "--select", "BYO006")
    (line,) = [line for line in plain.stdout.splitlines() if " BYO006 " in line]
    assert len(line) < 300 and "fix:" not in line
    fixed = cli(reader, "--select", "BYO006", "--show-fixes")
    (line,) = [line for line in fixed.stdout.splitlines() if " BYO006 " in line]
    assert "; fix: give the identity Network Contributor (4d97b98b-1d4f-4787-a291-c67834d212e7) on the subnet" in line
    document = json.loads(cli(reader, "--select", "BYO006", "--format", "json").stdout)
    (finding,) = document["findings"]
    assert finding["fix"].startswith("give the identity Network Contributor") and "fix" not in finding["message"]
