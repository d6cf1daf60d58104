"""JUnit XML, for CI systems that show test reports (Jenkins, Azure Pipelines, GitLab's test widget).

One test suite per file, one failing test case per finding (classname = the file, name = rule and
position); a run without findings is one passing case, so the report is never empty.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from xml.etree import ElementTree as ET

from byocni_lint.report import RunResult, display_path


def render(result: RunResult, *, base_dir: Path) -> str:
    by_file: dict[str, list] = defaultdict(list)
    for finding in result.sorted_findings():
        by_file[display_path(finding.location.path, base_dir)].append(finding)
    root = ET.Element("testsuites", name="byocni-lint", tests=str(max(len(result.active()), 1)),
                      failures=str(len(result.active())))
    if not by_file:
        suite = ET.SubElement(root, "testsuite", name="byocni-lint", tests="1", failures="0")
        ET.SubElement(suite, "testcase", name="no findings", classname="byocni-lint")
    for path, findings in by_file.items():
        suite = ET.SubElement(root, "testsuite", name=path, tests=str(len(findings)), failures=str(len(findings)))
        for finding in findings:
            span = finding.location.span
            where = f"{span.line}:{span.column}" if span else "1:1"
            case = ET.SubElement(suite, "testcase", name=f"{finding.rule_id} at {path}:{where}", classname=path)
            failure = ET.SubElement(case, "failure", message=finding.message, type=finding.rule_id)
            failure.text = f"{path}:{where}: {finding.rule_id} {finding.message} [{finding.severity.label}]"
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
