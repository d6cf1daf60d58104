from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from byocni_lint.findings import Finding, Location, Severity, Span
from byocni_lint.report import RunResult, render


def make_finding(path: str, rule_id: str = "BYO001", line: int | None = 3, column: int = 5,
                 severity: Severity = Severity.ERROR, message: str = "service CIDR overlaps the VNet") -> Finding:
    span = None if line is None else Span(line, column, line, column + 4)
    return Finding(rule_id, severity, message, Location(path, span))


def text(findings: list[Finding], base_dir: Path, files: int = 2, color: bool = False) -> list[str]:
    return render("text", RunResult(findings, [], files), base_dir=base_dir, color=color).split("\n")


def test_one_line_per_finding_sorted_by_path_line_column_rule(tmp_path: Path) -> None:
    a, b = str(tmp_path / "a.json"), str(tmp_path / "infra" / "b.json")
    findings = [
        make_finding(b, "BYO001", line=1, column=1),
        make_finding(a, "BYO007", line=10, column=2, severity=Severity.NOTE, message="unknown"),
        make_finding(a, "BYO003", line=10, column=2, severity=Severity.WARNING, message="old API"),
        make_finding(a, "BYO002", line=2, column=9),
        make_finding(a, "BYO002", line=10, column=1),
    ]
    assert text(findings, tmp_path)[:-1] == [
        "a.json:2:9: BYO002 service CIDR overlaps the VNet [error]",
        "a.json:10:1: BYO002 service CIDR overlaps the VNet [error]",
        "a.json:10:2: BYO003 old API [warning]",
        "a.json:10:2: BYO007 unknown [note]",
        "infra/b.json:1:1: BYO001 service CIDR overlaps the VNet [error]",
    ]


def test_finding_without_span_points_at_start_of_file(tmp_path: Path) -> None:
    assert text([make_finding(str(tmp_path / "x.json"), line=None)], tmp_path)[0].startswith("x.json:1:1: BYO001 ")


def test_relative_input_path_is_shown_relative_to_base_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "repo" / "env").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "repo" / "env")
    line = text([make_finding("aks.json")], base_dir=tmp_path / "repo")[0]
    assert line.startswith("env/aks.json:3:5: ")


def test_path_outside_any_relative_form_is_shown_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_relative_path(path: str, start: str) -> str:
        raise ValueError("path is on mount 'D:', start on mount 'C:'")

    monkeypatch.setattr(os.path, "relpath", no_relative_path)
    assert text([make_finding(r"D:\infra\aks.json")], tmp_path)[0].startswith(r"D:\infra\aks.json:3:5: ")


def test_multi_line_message_stays_on_one_line(tmp_path: Path) -> None:
    lines = text([make_finding(str(tmp_path / "a.json"), message="first\nsecond")], tmp_path)
    assert lines[0] == "a.json:3:5: BYO001 first second [error]"
    assert len(lines) == 2


def test_no_ansi_without_color(tmp_path: Path) -> None:
    findings = [make_finding(str(tmp_path / "a.json"), severity=s) for s in Severity]
    assert "\x1b" not in "\n".join(text(findings, tmp_path, color=False))


@pytest.mark.parametrize(
    ("severity", "colour"), [(Severity.ERROR, 31), (Severity.WARNING, 33), (Severity.NOTE, 34)]  # red, yellow, blue
)
def test_color_styles_only_rule_and_severity_tag(tmp_path: Path, severity: Severity, colour: str) -> None:
    finding = make_finding(str(tmp_path / "a.json"), severity=severity)
    coloured, summary = text([finding], tmp_path, color=True)
    tag = f"[{severity.label}]"
    assert coloured == (
        f"a.json:3:5: \x1b[1mBYO001\x1b[0m service CIDR overlaps the VNet \x1b[{colour}m{tag}\x1b[0m"
    )
    assert re.sub(r"\x1b\[\d+m", "", coloured) == text([finding], tmp_path)[0]
    assert "\x1b" not in summary


def test_summary_counts_each_severity(tmp_path: Path) -> None:
    path = str(tmp_path / "a.json")
    findings = [
        make_finding(path, "BYO001", severity=Severity.ERROR),
        make_finding(path, "BYO002", severity=Severity.WARNING),
        make_finding(path, "BYO003", severity=Severity.WARNING),
    ]
    assert text(findings, tmp_path, files=3)[-1] == "Linted 3 files: 1 error, 2 warnings, 0 notes."


def test_summary_singular_forms(tmp_path: Path) -> None:
    findings = [make_finding(str(tmp_path / "a.json"), severity=Severity.NOTE)]
    assert text(findings, tmp_path, files=1)[-1] == "Linted 1 file: 0 errors, 0 warnings, 1 note."


def test_clean_run_is_a_single_summary_line(tmp_path: Path) -> None:
    assert text([], tmp_path, files=1) == ["Linted 1 file: no findings."]
    assert text([], tmp_path, files=0) == ["Linted 0 files: no findings."]


def test_unknown_format_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown report format 'xml'"):
        render("xml", RunResult([], [], 0), base_dir=tmp_path)


def test_text_and_json_output_do_not_import_sarif_om() -> None:
    """Start-up time matters in a pre-commit hook: the SARIF machinery loads only for SARIF."""
    probe = (
        "import sys; from pathlib import Path\n"
        "from byocni_lint.report import RunResult, render\n"
        "render('text', RunResult([], [], 0), base_dir=Path('.'))\n"
        "render('json', RunResult([], [], 0), base_dir=Path('.'))\n"
        "assert 'sarif_om' not in sys.modules and 'byocni_lint.report.sarif' not in sys.modules\n"
        "render('sarif', RunResult([], [], 0), base_dir=Path('.'))\n"
        "assert 'sarif_om' in sys.modules\n"
    )
    repo = Path(__file__).resolve().parents[1]
    completed = subprocess.run([sys.executable, "-c", probe], cwd=repo, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
