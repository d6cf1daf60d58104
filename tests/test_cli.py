"""`byocni-lint` as users and CI run it: exit codes, formats, output file, selection, colour, rule help.

Most tests run the real command in a subprocess (`python -m byocni_lint`), so the entry point,
argument parsing and process exit code are what is tested. Internal failures are provoked in-process
with run_cli.invoke, where the engine can be made to raise.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from byocni_lint import __version__
from byocni_lint.rulebook import load_rulebook
from run_cli import invoke

REPO = Path(__file__).resolve().parents[1]
FOUNDATION = REPO / "fixtures" / "foundation"
RULES = FOUNDATION / "rules"
CLEAN = RULES / "clean.json"
ERROR = RULES / "byo003-service-cidr-17.json"  # one BYO003 error
WARNING = RULES / "byo012-docker-bridge.json"  # one BYO012 warning
NOTES = FOUNDATION / "shapes" / "unresolvable.json"  # BYO901 notes only
SEED = REPO / "fixtures" / "seed" / "azuredeploy.json"
# Rules of the foundation issue; later rules have their own CLI-independent tests and fixtures.
FOUNDATION_RULES = "BYO001,BYO003,BYO008,BYO009,BYO010,BYO011,BYO012,BYO9"
ANSI = "\x1b["
TEXT_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<column>\d+): (?P<rule>BYO\d{3}) (?P<message>.+) "
                       r"\[(?P<severity>error|warning|note)\]$")


def cli(*args: str | Path, cwd: Path = REPO, env: dict[str, str] | None = None,
        select: str | None = FOUNDATION_RULES) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "byocni_lint", "--today", "2026-11-28", *map(str, args)]
    if select is not None:
        command += ["--select", select]
    environment = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
    environment.update(env or {})
    return subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=120)


def position(path: Path, needle: str, value: str) -> tuple[int, int]:
    text = path.read_text(encoding="utf-8")
    assert text.count(needle) == 1
    index = text.index(needle) + needle.index(value)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def assert_no_traceback(result) -> None:
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr


def relative(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


# --- exit codes -------------------------------------------------------------------------------------


def test_exit_0_when_clean() -> None:
    result = cli(CLEAN)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Linted 1 file (1 ARM template): 1 BYOCNI cluster; no findings.\n"
    assert result.stderr == ""


def test_exit_1_on_an_error_finding() -> None:
    result = cli(ERROR)
    assert result.returncode == 1
    assert result.stderr == ""


def test_warnings_exit_0_by_default_and_1_with_fail_on_warning() -> None:
    assert cli(WARNING).returncode == 0
    assert cli(WARNING, "--fail-on", "warning").returncode == 1
    assert cli(WARNING, "--fail-on", "note").returncode == 1
    assert cli(WARNING, "--fail-on", "error").returncode == 0


def test_notes_fail_only_with_fail_on_note() -> None:
    assert cli(NOTES).returncode == 0
    assert cli(NOTES, "--fail-on", "warning").returncode == 0
    assert cli(NOTES, "--fail-on", "note").returncode == 1


def test_fail_on_never_exits_0_even_with_errors() -> None:
    result = cli(ERROR, "--fail-on", "never")
    assert result.returncode == 0
    assert "BYO003" in result.stdout


def test_exit_2_on_a_missing_path() -> None:
    result = cli(CLEAN, "no/such/file.json")
    assert result.returncode == 2
    assert "no such file or folder: no/such/file.json" in result.stderr
    assert result.stdout == ""
    assert_no_traceback(result)


@pytest.mark.parametrize("args", [["--format", "xml"], ["--bogus"], ["--fail-on", "sometimes"], ["--today", "yesterday"],
                                  ["--explain", "BYO999"]])
def test_exit_2_on_a_bad_option(args: list[str]) -> None:
    result = cli(CLEAN, *args)
    assert result.returncode == 2
    assert args[-1] in result.stderr  # names what was wrong
    assert result.stdout == ""
    assert_no_traceback(result)


@pytest.mark.parametrize("args", [["--fail", "never"], ["--jobs", "0"], ["--rules-dir", str(CLEAN)]])
def test_exit_2_on_an_abbreviated_option_or_a_value_out_of_range(args: list[str]) -> None:
    """argparse would take `--fail` for `--fail-on`; like ruff, byocni-lint asks for the whole name."""
    result = cli(CLEAN, *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("byocni-lint: error: ") and args[0] in lines[0], result.stderr
    assert_no_traceback(result)


def test_options_may_come_between_paths() -> None:
    result = cli(CLEAN, "--format", "json", ERROR, select=None)
    report = json.loads(result.stdout)  # --format was read as an option, not as a path
    assert (result.returncode, report["summary"]["files"]) == (1, 2)  # both paths read; ERROR's BYO003 fails
    assert str(ERROR.relative_to(REPO)) in {finding["path"] for finding in report["findings"]}


def test_exit_2_when_parameters_is_a_directory() -> None:
    result = cli(CLEAN, "--parameters", FOUNDATION)
    assert result.returncode == 2
    assert "--parameters" in result.stderr
    assert_no_traceback(result)


@pytest.mark.parametrize(("args", "says"), [
    (["no/such/file.json"], "no/such/file.json"),
    (["--format", "xml"], "xml"),
    (["--parameters", str(FOUNDATION)], "--parameters"),
])
def test_usage_errors_are_one_line_on_stderr(args: list[str], says: str) -> None:
    """The issue: "Usage errors and internal failures exit 2 with a one-line message on stderr"."""
    result = cli(CLEAN, *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert says in lines[0]


def _boom(*args, **kwargs):
    raise RuntimeError("engine exploded")


def test_internal_failure_exits_2_with_one_line_and_no_traceback(monkeypatch) -> None:
    from byocni_lint import engine

    monkeypatch.setattr(engine, "lint_paths", _boom)
    result = invoke([str(CLEAN), "--today", "2026-11-28"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "byocni-lint: internal error: RuntimeError: engine exploded (run with --debug for details)"]
    assert "Traceback" not in result.output


def test_internal_failure_with_debug_shows_the_traceback(monkeypatch) -> None:
    from byocni_lint import engine

    monkeypatch.setattr(engine, "lint_paths", _boom)
    result = invoke([str(CLEAN), "--debug", "--today", "2026-11-28"])
    assert result.exit_code == 2
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1] == "byocni-lint: internal error: RuntimeError: engine exploded"


def test_a_check_that_raises_exits_2_not_1(monkeypatch) -> None:
    """An exception must never look like a finding: CI has to tell a crash from a violation."""
    from byocni_lint import checks

    checks.registered_checks()  # make sure the real checks are registered before replacing one

    def broken(model, ctx):
        raise KeyError("networkProfile")

    monkeypatch.setitem(checks._CHECKS, "BYO003", broken)
    result = invoke([str(ERROR), "--today", "2026-11-28"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"byocni-lint: internal error: {ERROR}: BYO003 failed: KeyError: 'networkProfile' "
        "(run with --debug for details)"]
    # The other rules still ran and the report was still written: one broken rule hides nothing else.
    assert result.stdout.splitlines()[-1].startswith("Linted 1 file")


# --- text output ------------------------------------------------------------------------------------


def test_text_line_format_with_path_relative_to_cwd() -> None:
    result = cli(ERROR, cwd=FOUNDATION)  # absolute path given, shown relative to the current folder
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    match = TEXT_LINE.match(lines[0])
    assert match, lines[0]
    assert match["path"] == "rules/byo003-service-cidr-17.json"
    assert (int(match["line"]), int(match["column"])) == position(ERROR, '"serviceCidr": "172.30.128.0/17"', '"172')
    assert match["rule"] == "BYO003" and match["severity"] == "error"
    assert match["message"].startswith("serviceCidr 172.30.128.0/17 overlaps reserved range 172.30.0.0/16; pick a range")
    assert lines[1] == "Linted 1 file (1 ARM template): 1 BYOCNI cluster; 1 error, 0 warnings, 0 notes."


def test_text_paths_climb_out_of_the_current_folder(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    result = cli(ERROR, cwd=work)
    path = TEXT_LINE.match(result.stdout.splitlines()[0])["path"]
    assert path == os.path.relpath(ERROR, work).replace(os.sep, "/")
    assert path.startswith("../")


def test_text_summary_counts_files_and_severities() -> None:
    result = cli(RULES)
    findings = [TEXT_LINE.match(line) for line in result.stdout.splitlines()[:-1]]
    assert all(findings), result.stdout
    errors = sum(m["severity"] == "error" for m in findings)
    warnings = sum(m["severity"] == "warning" for m in findings)
    files = len(list(RULES.glob("*.json")))
    summary = re.fullmatch(r"Linted (\d+) files \((\d+) ARM templates\): (\d+) BYOCNI clusters; (\d+) errors, (\d+) warnings, 0 notes\.",
                           result.stdout.splitlines()[-1])
    assert summary, result.stdout.splitlines()[-1]
    assert summary.groups()[:2] == (str(files), str(files))
    assert summary.groups()[3:] == (str(errors), str(warnings))
    assert errors and warnings
    assert [m["path"] for m in findings] == sorted(m["path"] for m in findings)


# --- JSON output ------------------------------------------------------------------------------------


def test_json_output_structure() -> None:
    result = cli(ERROR, WARNING, CLEAN, "--format", "json")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert list(document) == ["version", "findings", "summary"]
    assert document["version"] == __version__
    assert document["summary"] == {"files": 3, "findings": 2, "suppressed": 0, "kinds": {"ARM template": 3}, "byocni_clusters": 3, "error": 1, "warning": 1, "note": 0}
    keys = ["rule", "severity", "message", "path", "line", "column", "end_line", "end_column", "resource", "property",
            "fix", "rules", "related", "fingerprint", "suppression"]
    assert all(list(finding) == keys for finding in document["findings"])
    reserved = next(f for f in document["findings"] if f["rule"] == "BYO003")
    line, column = position(ERROR, '"serviceCidr": "172.30.128.0/17"', '"172')
    assert reserved == {
        "rule": "BYO003",
        "severity": "error",
        "message": "serviceCidr 172.30.128.0/17 overlaps reserved range 172.30.0.0/16; pick a range outside "
                   "169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16 and 192.0.2.0/24",
        "path": relative(ERROR),
        "line": line, "column": column, "end_line": line, "end_column": column + len('"172.30.128.0/17"'),
        "resource": "managedClusters/aks1",
        "property": "properties.networkProfile.serviceCidr",
        "fix": None,
        "rules": None,
        "related": None,
        "fingerprint": reserved["fingerprint"],
        "suppression": None,
    }
    bridge = next(f for f in document["findings"] if f["rule"] == "BYO012")
    assert (bridge["severity"], bridge["path"]) == ("warning", relative(WARNING))


def test_json_output_when_clean() -> None:
    document = json.loads(cli(CLEAN, "--format", "json").stdout)
    assert document["findings"] == []
    assert document["summary"] == {"files": 1, "findings": 0, "suppressed": 0, "kinds": {"ARM template": 1}, "byocni_clusters": 1, "error": 0, "warning": 0, "note": 0}


# --- SARIF output -----------------------------------------------------------------------------------


def test_sarif_output_is_valid_and_complete(assert_valid_sarif) -> None:
    result = cli(ERROR, NOTES, "--format", "sarif")
    assert result.returncode == 1
    log = assert_valid_sarif(result.stdout)
    (run,) = log["runs"]
    assert run["tool"]["driver"]["name"] == "byocni-lint"
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rule_ids == ["BYO001", "BYO003", "BYO008", "BYO009", "BYO010", "BYO011", "BYO012", "BYO900", "BYO901", "BYO902", "BYO903", "BYO904", "BYO905"]
    reserved = next(r for r in run["results"] if r["ruleId"] == "BYO003")
    assert reserved["level"] == "error"
    assert rule_ids[reserved["ruleIndex"]] == "BYO003"
    location = reserved["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == relative(ERROR)
    assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    line, column = position(ERROR, '"serviceCidr": "172.30.128.0/17"', '"172')
    assert (location["region"]["startLine"], location["region"]["startColumn"]) == (line, column)
    notes = [r for r in run["results"] if r["ruleId"] == "BYO901"]
    assert notes and all(r["level"] == "note" for r in notes)


def test_sarif_output_when_clean_has_an_empty_results_list(assert_valid_sarif) -> None:
    result = cli(CLEAN, "--format", "sarif")
    assert result.returncode == 0
    log = assert_valid_sarif(result.stdout)
    assert log["runs"][0]["results"] == []


def test_sarif_of_the_seed_template_with_every_rule(assert_valid_sarif) -> None:
    result = cli(SEED, "--format", "sarif", select=None)
    assert result.returncode == 0
    log = assert_valid_sarif(result.stdout)
    results = log["runs"][0]["results"]
    assert [(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        ("BYO011", "warning", 45), ("BYO010", "warning", 47)]


def test_sarif_of_the_whole_fixture_tree(assert_valid_sarif) -> None:
    result = cli(FOUNDATION, "--format", "sarif", "--fail-on", "never")
    assert result.returncode == 0
    log = assert_valid_sarif(result.stdout)
    assert {r["ruleId"] for r in log["runs"][0]["results"]} >= {"BYO001", "BYO003", "BYO008", "BYO009", "BYO010",
                                                                 "BYO011", "BYO012", "BYO900", "BYO901"}


# --- --output ---------------------------------------------------------------------------------------


def test_output_file_receives_the_report(tmp_path: Path, assert_valid_sarif) -> None:
    target = tmp_path / "report.sarif"
    result = cli(ERROR, "--format", "sarif", "--output", target)
    assert result.returncode == 1
    assert result.stdout == ""
    log = assert_valid_sarif(target.read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["BYO003"]


def test_output_file_for_text_is_never_coloured(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    result = cli(ERROR, "-o", target)
    assert result.returncode == 1 and result.stdout == ""
    text = target.read_text(encoding="utf-8")
    assert ANSI not in text
    assert TEXT_LINE.match(text.splitlines()[0])


# --- --select / --ignore ----------------------------------------------------------------------------

MIXED = [RULES / "byo001-stable-2022-04-01.json", RULES / "byo008-network-policy-calico.json",
         RULES / "byo012-docker-bridge.json", FOUNDATION / "shapes" / "unresolvable.json", ERROR]


LATER_RULES = {"BYO002", "BYO004", "BYO005", "BYO006", "BYO007", "BYO902"}  # implemented by other issues


def rules_reported(*args: str) -> list[str]:
    """Foundation rules reported on MIXED; any other rule reported must still obey the selection."""
    result = cli(*MIXED, "--format", "json", *args, select=None)
    assert result.returncode in (0, 1), result.stderr
    reported = {finding["rule"] for finding in json.loads(result.stdout)["findings"]}
    selects = [v for option, value in zip(args, args[1:]) if option == "--select" for v in value.upper().split(",")]
    ignores = [v for option, value in zip(args, args[1:]) if option == "--ignore" for v in value.upper().split(",")]
    for rule in reported:
        assert not selects or any(rule.startswith(prefix) for prefix in selects), rule
        assert not any(rule.startswith(prefix) for prefix in ignores), rule
    return sorted(reported - LATER_RULES)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--select", "BYO001"], ["BYO001"]),
        (["--select", "byo001"], ["BYO001"]),
        (["--select", "BYO001,BYO012"], ["BYO001", "BYO012"]),
        (["--select", "BYO001", "--select", "BYO012"], ["BYO001", "BYO012"]),
        (["--select", "BYO00"], ["BYO001", "BYO003", "BYO008"]),
        (["--select", "BYO0", "--ignore", "BYO008"], ["BYO001", "BYO003", "BYO012"]),
        (["--select", "BYO0", "--ignore", "BYO001,BYO01"], ["BYO003", "BYO008"]),
        (["--select", "BYO003,BYO901"], ["BYO003", "BYO901"]),
        (["--select", "BYO003,BYO9", "--ignore", "BYO901"], ["BYO003"]),
        (["--ignore", "BYO0"], []),  # BYO901 notes come from checks, so none run here
    ],
)
def test_select_and_ignore_take_ids_prefixes_and_comma_lists(args: list[str], expected: list[str]) -> None:
    assert rules_reported(*args) == expected


def test_unselected_rules_are_not_listed_in_sarif(assert_valid_sarif) -> None:
    """Only the selected rules, plus BYO900/BYO903, which --select cannot hide (an unreadable file is
    never "no findings")."""
    result = cli(*MIXED, "--format", "sarif", "--select", "BYO001,BYO012", select=None)
    log = assert_valid_sarif(result.stdout)
    assert [rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]] == ["BYO001", "BYO012", "BYO900", "BYO903"]


def test_ignored_error_does_not_fail_the_run() -> None:
    assert cli(ERROR, "--ignore", "BYO003", select=None).returncode == 0


# --- rule help and version --------------------------------------------------------------------------


def test_list_rules_lists_all_18_rules() -> None:
    result = cli("--list-rules", select=None)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 18
    ids = [line.split()[0] for line in lines]
    assert ids == [f"BYO{n:03d}" for n in range(1, 13)] + ["BYO900", "BYO901", "BYO902", "BYO903", "BYO904", "BYO905"]
    book = load_rulebook()
    for line in lines:
        spec = book[line.split()[0]]
        assert spec.name in line and spec.severity.label in line and spec.summary in line


def test_explain_prints_the_rule_description() -> None:
    spec = load_rulebook()["BYO003"]
    result = cli("--explain", "BYO003", select=None)
    assert result.returncode == 0
    assert spec.description in result.stdout
    assert result.stdout.startswith("BYO003 reserved-address-range [error]")
    assert "172.30.0.0/16" in result.stdout
    assert cli("--explain", "byo003", select=None).stdout == result.stdout


def test_version() -> None:
    result = cli("--version", select=None)
    assert result.returncode == 0
    assert result.stdout.strip() == f"byocni-lint, version {__version__}"


# --- colour -----------------------------------------------------------------------------------------


def test_no_colour_when_output_is_not_a_terminal() -> None:
    result = cli(ERROR)
    assert ANSI not in result.stdout


def test_no_colour_when_no_color_is_set() -> None:
    assert ANSI not in cli(ERROR, env={"NO_COLOR": "1"}).stdout


def test_colour_always_gives_ansi_in_text_only() -> None:
    text = cli(ERROR, "--color", "always").stdout
    assert ANSI in text
    assert re.sub(r"\x1b\[[0-9;]*m", "", text) == cli(ERROR).stdout
    assert ANSI not in cli(ERROR, "--color", "always", "--format", "json").stdout
    assert ANSI not in cli(ERROR, "--color", "always", "--format", "sarif").stdout


def _on_a_terminal(env: dict[str, str]) -> str:
    pty = pytest.importorskip("pty")
    primary, secondary = pty.openpty()
    environment = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
    environment.update(env)
    try:
        process = subprocess.run([sys.executable, "-m", "byocni_lint", str(ERROR), "--today", "2026-11-28",
                                  "--select", FOUNDATION_RULES],
                                 cwd=REPO, env=environment, stdout=secondary, stderr=subprocess.PIPE, timeout=120)
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(primary)
    assert process.returncode == 1
    return b"".join(chunks).decode()


def test_colour_on_a_terminal_unless_no_color() -> None:
    assert ANSI in _on_a_terminal({})
    assert ANSI not in _on_a_terminal({"NO_COLOR": "1"})


def test_sarif_for_input_problems_with_and_without_a_position(tmp_path: Path, assert_valid_sarif) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 300 + "]" * 300)
    result = cli(FOUNDATION / "shapes" / "malformed.json", deep, "--format", "sarif", cwd=tmp_path)
    assert result.returncode == 1
    log = assert_valid_sarif(result.stdout)
    found = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].rsplit("/", 1)[-1]):
             r["locations"][0]["physicalLocation"].get("region", {}) for r in log["runs"][0]["results"]}
    assert found[("BYO900", "malformed.json")]["startLine"] == 7
    assert found[("BYO900", "malformed.json")]["startColumn"] == 7
    assert found[("BYO903", "deep.json")]["startColumn"] == 201
