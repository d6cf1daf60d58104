"""`--statistics`: how many findings each rule produced, most frequent first (ruff's `--statistics`).

For adopting the linter on an existing repository: which rules matter most here, before reading findings.
"""
from __future__ import annotations

from collections import Counter

from byocni_lint.report import RunResult


def render(result: RunResult) -> str:
    counts = Counter(finding.rule_id for finding in result.active())
    rules = {rule.id: rule for rule in result.rules}
    lines = []
    for rule_id, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = rules.get(rule_id)
        name, level = (rule.name, rule.severity.label) if rule else ("", "")
        lines.append(f"{count:>5}  {rule_id}  {name:32} {level}".rstrip())
    lines.append(f"{len(result.active())} findings in {result.files_linted} files.")
    return "\n".join(lines)
