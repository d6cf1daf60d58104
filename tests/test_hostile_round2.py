"""Hostile input, second round (issue 15): each defect the deeper probe found, reproduced.

Every case lints a hostile file beside a good template and asserts that the good one is still reported:
one bad file must never hang the run, exhaust memory or hide the other findings. Tests end because a
budget stops the work (a BYO903 or BYO900 finding), never by a wall-clock assertion.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from byocni_lint.engine import LintRun, lint_paths

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
PARAMETERS_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"
SEED = Path(__file__).resolve().parent.parent / "fixtures" / "seed" / "azuredeploy.json"


def cluster(name: str = "aks", **network_profile) -> dict:
    return {"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-05-01", "name": name,
            "location": "westeurope",
            "properties": {"dnsPrefix": "h",
                           "agentPoolProfiles": [{"name": "system", "count": 1, "mode": "System",
                                                  "vmSize": "Standard_D2s_v3"}],
                           "networkProfile": {"networkPlugin": "none", **network_profile}}}


def template(resources: list, variables: dict | None = None, parameters: dict | None = None) -> dict:
    return {"$schema": SCHEMA, "contentVersion": "1.0.0.0", "parameters": parameters or {},
            "variables": variables or {}, "resources": resources}


def shared_variables(levels: int = 41) -> dict:
    """41 variables, each an array holding the previous one twice: 2^40 elements in 2.6 KB."""
    variables: dict = {"v0": ["x"]}
    for n in range(1, levels):
        variables[f"v{n}"] = f"[createArray(variables('v{n - 1}'), variables('v{n - 1}'))]"
    return variables


def beside_good(tmp_path: Path, document: dict | str, name: str = "hostile.json") -> LintRun:
    """Lint `document` in a folder with the seed template; the seed's findings must still be there."""
    (tmp_path / "good.json").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    text = document if isinstance(document, str) else json.dumps(document, indent=1)
    (tmp_path / name).write_text(text, encoding="utf-8")
    run = lint_paths([str(tmp_path)])
    assert run.internal_errors == []
    assert {"BYO010", "BYO011"} <= {f.rule_id for f in run.findings if f.location.path.endswith("good.json")}
    return run


def of(run: LintRun, name: str) -> list[tuple[str, str]]:
    return [(f.rule_id, f.message) for f in run.findings if Path(f.location.path).name == name]


# ----- 1: shared values are measured, never printed or copied whole -------------------------------------------

SHARED = "variables('v40')"


@pytest.mark.parametrize("expression", [
    f"int({SHARED})", f"cidrSubnet({SHARED}, 24, 0)", f"resourceId('Microsoft.Network/virtualNetworks', {SHARED})",
    f"contains(json('{{}}'), {SHARED})", f"reference('x').properties[{SHARED}]", f"string({SHARED})",
    f"format('{{0}}', {SHARED})", f"concat('a', string({SHARED}))", f"bool({SHARED})", f"float({SHARED})",
    f"parseCidr({SHARED})", f"join({SHARED}, ',')", f"createObject('a', 1)[{SHARED}]",
], ids=["int", "cidrSubnet", "resourceId", "contains-object", "reference-x", "string", "format", "concat",
        "bool", "float", "parseCidr", "join", "index"])
def test_shared_value_in_a_function_ends_in_a_finding(tmp_path: Path, expression: str) -> None:
    run = beside_good(tmp_path, template([cluster(podCidr=f"[{expression}]")], shared_variables()))
    findings = of(run, "hostile.json")
    assert findings, "the hostile template was not looked at"
    assert all(len(message) < 2000 for _, message in findings)  # never the value printed out


def test_shared_value_as_a_copy_count(tmp_path: Path) -> None:
    resource = {**cluster(), "copy": {"name": "c", "count": f"[{SHARED}]"}}
    run = beside_good(tmp_path, template([resource], shared_variables()))
    assert ("BYO900", "copy 'c' has the count an array of 2 items, not an integer: Azure Resource Manager "
                      "rejects it") in of(run, "hostile.json")


def test_text_size_of_a_shared_value_costs_no_more_than_its_limit() -> None:
    from byocni_lint.model.values import describe, text_size

    value: list = ["x"]
    for _ in range(60):
        value = [value, value]  # 2^60 leaves
    assert text_size(value, 1000) > 1000
    assert describe(value) == "an array of 2 items"


# ----- 3: integers longer than Python's int-string limit ------------------------------------------------------


def test_integer_of_five_thousand_digits_in_json_is_a_parse_error_for_that_file(tmp_path: Path) -> None:
    text = json.dumps(template([cluster()])).replace('"count": 1', '"count": ' + "9" * 5000)
    run = beside_good(tmp_path, text)
    assert [rule for rule, _ in of(run, "hostile.json")] == ["BYO900"]


def test_integer_of_five_thousand_digits_in_an_expression_is_a_malformed_expression(tmp_path: Path) -> None:
    run = beside_good(tmp_path, template([cluster(podCidr=f"[string(add({'9' * 5000}, 1))]")]))
    assert any(rule == "BYO900" and "longer than any ARM number" in message for rule, message in of(run, "hostile.json"))


# ----- 4: lone surrogates reach every report ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "model"])
def test_lone_surrogate_in_a_name_is_escaped_in_every_report(tmp_path: Path, fmt: str) -> None:
    text = json.dumps(template([cluster(name="aks\\ud800", podCidr="[parameters('missing')]")]))
    (tmp_path / "surrogate.json").write_text(text.replace("\\\\ud800", "\\ud800"), encoding="utf-8")
    report = tmp_path / f"report.{fmt}"
    result = subprocess.run([sys.executable, "-m", "byocni_lint", str(tmp_path / "surrogate.json"), "--format", fmt,
                             "--output", str(report), "--fail-on", "never"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    written = report.read_text(encoding="utf-8")
    assert ("aks" if fmt == "model" else "BYO901") in written and "\\ud800" in written


def test_a_failed_report_write_leaves_the_previous_report_whole(tmp_path: Path, monkeypatch) -> None:
    from byocni_lint import cli

    report = tmp_path / "report.txt"
    report.write_text("previous report\n", encoding="utf-8")

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fdopen", broken)
    with pytest.raises(OSError):
        cli._write_whole(report, "new report\n")
    assert report.read_text(encoding="utf-8") == "previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]  # no temporary left behind


# ----- 7 and 8: sizes are checked before values are built ------------------------------------------------------


def test_default_file_limit_is_arms_four_megabytes(tmp_path: Path) -> None:
    from byocni_lint.rulebook import load_rulebook

    assert int(load_rulebook()["BYO903"].params["max_file_bytes"]) == 4 * 1024 * 1024
    text = json.dumps(template([cluster()]))[:-1] + ', "pad": [' + "{}," * 1_500_000 + "{}]}"
    run = beside_good(tmp_path, text)
    assert [rule for rule, _ in of(run, "hostile.json")] == ["BYO903"]


def test_parsed_containers_have_no_per_node_dictionary() -> None:
    from byocni_lint.load.jsonc import parse

    root = parse('{"a": [{}, [], {"b": true}]}')
    assert not hasattr(root, "__dict__") and not hasattr(root["a"], "__dict__")
    assert root["a"][2].scalar_spans == {"b": (21, 25)} and root["a"][0].scalar_spans == {}


@pytest.mark.parametrize("expression", [
    "format('{0:D99999999999}', 1)", "format('{0:N999999999}', 1)", "format('{0:X2000000}', 255)",
    "format('{0,99999999}', 1)",
], ids=["D-width", "N-precision", "X-width", "alignment"])
def test_format_widths_are_checked_before_they_are_allocated(tmp_path: Path, expression: str) -> None:
    run = beside_good(tmp_path, template([cluster(podCidr=f"[{expression}]")]))
    assert any(rule == "BYO903" and "format()" in message for rule, message in of(run, "hostile.json"))


def test_join_is_measured_before_it_copies(tmp_path: Path) -> None:
    variables = {"a": "[range(0, 10000)]", "b": "[join(variables('a'), concat(string(range(0, 9000))))]"}
    run = beside_good(tmp_path, template([cluster(podCidr="[variables('b')]")], variables))
    assert any(rule == "BYO903" and "join()" in message for rule, message in of(run, "hostile.json"))


# ----- 12: one budget for the whole run; no re-spending per parameters file -----------------------------------


def _expensive_template() -> dict:
    # Each variable doubles the work of the one before: the step budget stops it.
    variables: dict = {"s0": "[parameters('seed')]"}
    for n in range(1, 30):
        variables[f"s{n}"] = f"[concat(variables('s{n - 1}'), take(variables('s{n - 1}'), 0))]"
    variables["s29"] = "[length(string(createArray(" + ", ".join(f"variables('s{n}')" for n in range(29)) + ")))]"
    return template([cluster(podCidr="[string(equals(variables('big'), variables('big')))]")],
                    {**shared_variables(), "big": f"[{SHARED}]"}, {"seed": {"type": "string", "defaultValue": "x"}})


def test_twenty_parameters_files_evaluate_a_hostile_template_once(tmp_path: Path) -> None:
    (tmp_path / "main.json").write_text(json.dumps(_expensive_template()), encoding="utf-8")
    for n in range(20):
        (tmp_path / f"main.parameters.{n:02}.json").write_text(json.dumps(
            {"$schema": PARAMETERS_SCHEMA, "contentVersion": "1.0.0.0", "parameters": {"seed": {"value": str(n)}}}),
            encoding="utf-8")
    run = lint_paths([str(tmp_path / "main.json")])
    stopped = [f.message for f in run.findings if f.rule_id == "BYO903"]
    assert sum(message.startswith("evaluation stopped") for message in stopped) == 1
    assert sum(message.startswith("not evaluated with") for message in stopped) == 19


def test_the_run_budget_is_shared_by_every_evaluation() -> None:
    from byocni_lint.evaluate.deployment import TemplateInput, evaluate_template
    from byocni_lint.evaluate.scope import Budget, LimitExceeded, RunBudget
    from byocni_lint.frontends.arm.to_model import build_model
    from byocni_lint.rulebook import load_rulebook

    run_budget = RunBudget(max_steps=50)
    document = template([cluster(podCidr="[concat('10.0', '.0.0/16')]", serviceCidr="[concat('10.1', '.0.0/16')]")])
    limits = []
    for _ in range(30):
        budget = Budget.from_limits(load_rulebook()["BYO903"].params, run=run_budget)
        evaluation = evaluate_template(TemplateInput(document, "t.json"), budget)
        try:
            build_model(evaluation, "t.json", None)
        except LimitExceeded as exc:
            limits.append(str(exc))
    assert run_budget.exhausted
    assert limits and "the run took more than 50 evaluation steps in total" in limits[0]


# ----- 14: values ARM rejects are findings at the value -------------------------------------------------------


def test_integer_for_a_string_parameter_is_located_in_the_parameters_file(tmp_path: Path) -> None:
    document = template([{**cluster(), "apiVersion": "[parameters('apiVersion')]"}],
                        parameters={"apiVersion": {"type": "string"}})
    (tmp_path / "aks.json").write_text(json.dumps(document, indent=1), encoding="utf-8")
    (tmp_path / "aks.parameters.json").write_text(
        '{"$schema": "%s",\n "contentVersion": "1.0.0.0",\n "parameters": {"apiVersion": {"value": 12345}}}'
        % PARAMETERS_SCHEMA, encoding="utf-8")
    run = lint_paths([str(tmp_path / "aks.json")])
    [finding] = [f for f in run.findings if f.rule_id == "BYO900"]
    assert "declared string but its value is the integer 12345" in finding.message
    assert Path(finding.location.path).name == "aks.parameters.json"
    assert (finding.location.span.line, finding.location.span.column) == (3, 41)  # at 12345


def test_matching_and_convertible_parameter_types_are_not_findings(tmp_path: Path) -> None:
    document = template([cluster(podCidr="[parameters('pod')]")],
                        parameters={"pod": {"type": "string", "defaultValue": "10.244.0.0/16"},
                                    "n": {"type": "int", "defaultValue": "3"}, "on": {"type": "bool", "defaultValue": 1},
                                    "list": {"type": "array", "defaultValue": []}})
    run = beside_good(tmp_path, document)
    assert not [f for f in run.findings if f.rule_id == "BYO900"]
    assert of(run, "hostile.json") == [] or all(rule != "BYO900" for rule, _ in of(run, "hostile.json"))


def test_negative_copy_count_is_located_at_the_count(tmp_path: Path) -> None:
    text = json.dumps(template([{**cluster(), "copy": {"name": "pools", "count": -1}}]), indent=1)
    run = beside_good(tmp_path, text)
    [finding] = [f for f in run.findings if f.rule_id == "BYO900"]
    assert "negative count -1" in finding.message
    line = next(n for n, text_line in enumerate(text.splitlines(), 1) if '"count": -1' in text_line)
    assert finding.location.span.line == line


# ----- 15: output hazards -------------------------------------------------------------------------------------


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "byocni_lint", *args], capture_output=True, text=True, cwd=cwd)


def test_output_naming_an_input_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "aks.json"
    target.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    os.link(target, tmp_path / "other-name.json")
    for output in (target, tmp_path / "other-name.json"):
        result = _cli(str(target), "--output", str(output))
        assert result.returncode == 2 and "is one of the files being linted" in result.stderr
    assert target.read_text(encoding="utf-8") == SEED.read_text(encoding="utf-8")


@pytest.mark.parametrize("name, escaped", [
    ("evil\nforged.json:1:1: BYO001 fake [error].json", "evil\\x0aforged.json"),
    ("ansi\x1b[2J.json", "ansi\\x1b[2J.json"),
    ("bidi\u202egpj.json", "bidi\\u202egpj.json"),
], ids=["newline", "ansi", "bidi"])
def test_control_characters_in_a_file_name_are_escaped_in_text_output(tmp_path: Path, name: str, escaped: str) -> None:
    (tmp_path / name).write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    result = _cli(".", cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert len(lines) == 3, lines  # two findings and the summary: no forged line
    assert all(line.startswith(escaped) for line in lines[:2])
    assert not any(char in result.stdout for char in "\x1b\u202e")


def test_ctrl_c_while_starting_up_is_one_line_and_exit_130() -> None:
    program = (
        "import sys\n"
        "class Interrupt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'argparse':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        "sys.argv = ['byocni-lint', '.']\n"
        "from byocni_lint.entry import main\n"
        "main()\n")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert (result.returncode, result.stderr) == (130, "byocni-lint: interrupted\n")


def test_ctrl_c_while_linting_is_one_line_and_exit_130(monkeypatch, capsys) -> None:
    from byocni_lint import cli, engine

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(engine, "lint_paths", interrupted)
    monkeypatch.setattr(sys, "argv", ["byocni-lint", str(SEED)])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 130
    assert capsys.readouterr().err == "byocni-lint: interrupted\n"


def test_a_closed_pipe_ends_the_run_quietly() -> None:
    process = subprocess.Popen([sys.executable, "-m", "byocni_lint", str(SEED)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    process.stdout.close()  # the reader is gone before the report is written, as with `| head -0`
    stderr = process.stderr.read()
    process.stderr.close()
    assert process.wait() in (0, 1)
    assert stderr == b""


# ----- 6: NSG evaluation is bounded by a budget ---------------------------------------------------------------


def test_nsg_of_eight_hundred_deny_rules_stops_on_the_check_budget(tmp_path: Path) -> None:
    # 800 Deny rules (a 1.7 KB copy loop, valid ARM), each on its own port across the node range: every
    # Deny found means evaluating the rest again, work that grows with the cube of the rule count.
    hostile = (Path(__file__).resolve().parent.parent / "fixtures" / "hostile" / "nsg-800-rule-copy-loop.json")
    run = beside_good(tmp_path, hostile.read_text(encoding="utf-8"))
    stopped = [message for rule, message in of(run, "hostile.json") if rule == "BYO903"]
    assert stopped == ["BYO005 stopped: NSG nsg-nodes needs more than 50000 rule evaluations "
                       "(BYO903 max_nsg_rule_evaluations), so it was not checked completely"]


# ----- 13: there is no rule cache to poison: the shipped rules load from their generated JSON ------------------


def test_a_forged_fifo_or_garbage_cache_in_the_home_folder_is_never_read(tmp_path: Path, monkeypatch) -> None:
    """The shipped rules ship as generated JSON (issue 14), so nothing under ~/.cache can change them."""
    from byocni_lint.rulebook import load_rulebook

    folder = tmp_path / "byocni-lint"
    folder.mkdir()
    (folder / "rules-0000000000000000.json").write_text(json.dumps([{"id": "BYO001", "severity": "note"}]))
    os.mkfifo(folder / "rules-1111111111111111.json")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    assert load_rulebook()["BYO001"].severity.label == "error"
    assert sorted(p.name for p in folder.iterdir()) == ["rules-0000000000000000.json", "rules-1111111111111111.json"]


# ----- 2: FIFOs, devices and files larger than stat says -----------------------------------------------------


def _rules_at(run: LintRun, name: str) -> list[str]:
    return [rule for rule, _ in of(run, name)]


def test_fifo_and_device_named_explicitly_are_bYO900_and_the_rest_is_linted(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.json")
    (tmp_path / "zero.json").symlink_to("/dev/zero")
    (tmp_path / "good.json").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    run = lint_paths([str(tmp_path / "fifo.json"), str(tmp_path / "zero.json"), str(tmp_path / "good.json")])
    assert _rules_at(run, "fifo.json") == ["BYO900"] and _rules_at(run, "zero.json") == ["BYO900"]
    assert "not a regular file" in of(run, "fifo.json")[0][1]
    assert {"BYO010", "BYO011"} <= set(_rules_at(run, "good.json"))


def test_fifo_and_device_in_a_folder_are_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "x.json")
    (tmp_path / "z.json").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "hostile.parameters.json")  # named like hostile.json's parameters file
    run = beside_good(tmp_path, template([cluster()]))
    assert run.skipped == {".json": 3}  # looked at, counted, never opened


def test_fifo_as_parameters_is_refused_in_one_line(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "p.parameters.json")
    result = _cli(str(SEED), "--parameters", str(tmp_path / "p.parameters.json"))
    assert result.returncode == 2 and "not a regular file" in result.stderr


def test_read_stops_at_the_limit_whatever_stat_says() -> None:
    from byocni_lint.load.files import FileProblem, read_bytes

    maps = Path("/proc/self/maps")  # a regular file whose stat size is 0
    if not maps.exists() or maps.stat().st_size != 0:
        pytest.skip("needs Linux procfs")
    with pytest.raises(FileProblem) as problem:
        read_bytes(maps, 16)
    assert problem.value.rule_id == "BYO903"


# ----- 5 and 11: path errors are located findings; discovery never aborts ---------------------------------------


def test_symlink_loop_and_over_long_name_named_explicitly_are_bYO900(tmp_path: Path) -> None:
    (tmp_path / "loop.json").symlink_to("loop.json")
    long_name = str(tmp_path / ("a" * 300 + ".json"))
    (tmp_path / "good.json").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    run = lint_paths([str(tmp_path / "loop.json"), long_name, str(tmp_path / "good.json")])
    assert run.internal_errors == [] and run.missing_paths == []
    assert _rules_at(run, "loop.json") == ["BYO900"]
    assert [f.rule_id for f in run.findings if f.location.path == long_name] == ["BYO900"]
    assert {"BYO010", "BYO011"} <= set(_rules_at(run, "good.json"))


def test_symlink_loop_in_a_folder_does_not_abort_discovery(tmp_path: Path) -> None:
    (tmp_path / "loop.json").symlink_to("loop.json")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to("..")
    beside_good(tmp_path, template([cluster()]))


def test_permission_error_on_a_named_file_is_bYO900(tmp_path: Path, monkeypatch) -> None:
    from byocni_lint.load import files

    real_open = os.open

    def refusing(path, *args, **kwargs):
        if str(path).endswith("locked.json"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    (tmp_path / "locked.json").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(files.os, "open", refusing)  # as a non-root user with chmod 000
    run = beside_good(tmp_path, template([cluster()]))
    assert of(run, "locked.json") == [("BYO900", "cannot read file: Permission denied")]


def test_unreadable_subfolder_is_bYO900_for_the_folder(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "secret").mkdir()
    real_scandir = os.scandir

    def refusing(path="."):
        if str(path).endswith("secret"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)  # os.walk lists folders with scandir
    run = beside_good(tmp_path, template([cluster()]))
    assert [f.rule_id for f in run.findings if f.location.path.endswith("secret")] == ["BYO900"]


# ----- 9: UTF-16 and UTF-32 templates are linted, with or without a BOM -----------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_templates_in_a_folder_are_linted(tmp_path: Path, encoding: str) -> None:
    (tmp_path / "wide.json").write_bytes(SEED.read_text(encoding="utf-8").encode(encoding))
    run = lint_paths([str(tmp_path)])
    assert {"BYO010", "BYO011"} <= set(_rules_at(run, "wide.json"))
    assert run.kinds == {"ARM template": 1}


# ----- 10: linked templates only from inside the linted tree ---------------------------------------------------


def _linking(relative: str) -> dict:
    document = json.loads(SEED.read_text(encoding="utf-8"))
    document["resources"].append({"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
                                  "name": "linked", "properties": {"mode": "Incremental",
                                                                   "templateLink": {"relativePath": relative}}})
    return document


@pytest.mark.parametrize("relative", ["../../../../../../etc/passwd", "/proc/kmsg", "../outside/aks.json"],
                         ids=["dot-dot", "absolute", "sibling-folder"])
def test_linked_template_outside_the_tree_is_a_note_and_never_read(tmp_path: Path, monkeypatch, relative: str) -> None:
    from byocni_lint.load import files

    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "aks.json").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "repo").mkdir()
    read = []
    real_read = files.read_bytes
    monkeypatch.setattr(files, "read_bytes", lambda path, limit: read.append(path) or real_read(path, limit))
    run = beside_good(tmp_path / "repo", _linking(relative))
    [note] = [message for rule, message in of(run, "hostile.json") if rule == "BYO901"]
    assert "lies outside the folders being linted" in note
    assert all("outside" not in str(path) and not str(path).startswith(("/etc", "/proc")) for path in read)


def test_linked_template_inside_the_repository_is_read(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "aks.json").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.json").write_text(json.dumps(_linking("../modules/aks.json")), encoding="utf-8")
    run = lint_paths([str(tmp_path / "infra" / "main.json")])
    assert not [f for f in run.findings if f.rule_id == "BYO901" and "outside" in f.message]
    assert any(f.rule_id == "BYO011" and f.location.path.endswith("modules/aks.json") for f in run.findings)


@pytest.mark.parametrize("relative, message", [("a\u0000b.json", "NUL"), ("loop.json", "symbolic link loop")],
                         ids=["nul", "loop"])
def test_unresolvable_relative_path_is_bYO900_at_the_value(tmp_path: Path, relative: str, message: str) -> None:
    (tmp_path / "loop.json").symlink_to("loop.json")
    text = json.dumps(_linking(relative), indent=1)
    run = beside_good(tmp_path, text)
    [finding] = [f for f in run.findings if f.rule_id == "BYO900" and f.location.path.endswith("hostile.json")]
    assert message in finding.message
    assert finding.location.span.line == next(n for n, line in enumerate(text.splitlines(), 1) if "relativePath" in line)


# ----- every front end: a huge, a deeply nested and a binary file ----------------------------------------------

ARM_TEXT = json.dumps(template([cluster()]))


@pytest.mark.parametrize("content, rule", [
    (ARM_TEXT[:-1] + ', "pad": "' + "x" * (4 * 1024 * 1024) + '"}', "BYO903"),
    (ARM_TEXT.replace('"networkPlugin": "none"', '"networkPlugin": "none", "deep": ' + "[" * 5000 + "]" * 5000), "BYO903"),
    ('{"$schema": "' + SCHEMA + '", ' + "\x00\xff\xfe\x80" * 1000, "BYO900"),
], ids=["huge", "nested", "binary"])
def test_arm_front_end_huge_nested_and_binary_files(tmp_path: Path, content: str, rule: str) -> None:
    (tmp_path / "good.json").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "hostile.json").write_bytes(content.encode("utf-8", "surrogateescape"))
    for paths in ([str(tmp_path)], [str(tmp_path / "hostile.json"), str(tmp_path / "good.json")]):
        run = lint_paths(paths)
        assert run.internal_errors == []
        assert _rules_at(run, "hostile.json") == [rule]
        assert {"BYO010", "BYO011"} <= set(_rules_at(run, "good.json"))


_HUGE = "x" * (4 * 1024 * 1024 + 1)


@pytest.mark.parametrize("name, content, rules", [
    ("main.bicep", f"param p string = '{_HUGE}'\n", {"BYO903"}),
    ("main.bicep", "var v = " + "[" * 3000 + "]" * 3000 + "\n", {"BYO903"}),
    ("main.bicep", "\x00\xff\xfe\x80" * 1000, {"BYO900"}),
    ("deploy.sh", f"#!/bin/sh\necho {_HUGE}\n", {"BYO903"}),
    ("deploy.sh", "#!/bin/sh\n" + "$(" * 3000 + ")" * 3000 + "\naz aks create --network-plugin none\n", None),
    ("deploy.sh", "#!/bin/sh\n" + "\x00\xff\xfe" * 1000, {"BYO900"}),
], ids=["bicep-huge", "bicep-nested", "bicep-binary", "azcli-huge", "azcli-nested", "azcli-binary"])
def test_every_front_end_huge_nested_and_binary_files(tmp_path: Path, name: str, content: str, rules) -> None:
    (tmp_path / "good.json").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / name).write_bytes(content.encode("latin-1"))  # binary: \xff is not UTF-8
    run = lint_paths([str(tmp_path)])
    assert run.internal_errors == []
    assert {"BYO010", "BYO011"} <= set(_rules_at(run, "good.json"))
    found = set(_rules_at(run, name))
    assert found == rules if rules is not None else found and not found & {"BYO900", "BYO903"}
