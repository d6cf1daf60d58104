"""docs/rules/ is generated from rules/*.yaml; a finding's helpUri and --explain point at those pages."""
from __future__ import annotations

import json
import re

import pytest

from byocni_lint.rulebook import load_rulebook
from byocni_lint.tools import rule_docs
from run_cli import cli

RULES = sorted(load_rulebook())


def test_generated_rule_docs_are_current():
    stale = rule_docs.stale_pages()
    assert not stale, f"run `python -m byocni_lint.tools.rule_docs`; stale: {[p.name for p in stale]}"


def test_check_mode_names_a_stale_page(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(rule_docs, "docs_dir", lambda: tmp_path)
    assert rule_docs.main(["--check"]) == 1
    assert "BYO003.md" in capsys.readouterr().err
    assert rule_docs.main([]) == 0
    assert rule_docs.main(["--check"]) == 0
    (tmp_path / "BYO003.md").write_text("edited by hand\n")
    assert rule_docs.main(["--check"]) == 1


@pytest.mark.parametrize("rule_id", RULES)
def test_page_has_every_section(rule_id):
    text = (rule_docs.docs_dir() / f"{rule_id}.md").read_text(encoding="utf-8")
    for heading in ("# " + rule_id, "## What it does", "## Why is this bad?", "## Example", "## How to fix",
                    "## Options", "## Known limits", "## References"):
        assert heading in text, heading
    assert "```" in text.split("## Example", 1)[1].split("## How to fix", 1)[0], "a failing example"
    references = text.split("## References", 1)[1]
    assert re.search(r"<https://[^>]+>|\]\(https://", references), "sources must be links"
    assert "aks-facts" not in text


def test_options_table_shows_the_defaults():
    text = (rule_docs.docs_dir() / "BYO003.md").read_text(encoding="utf-8")
    assert '| `reserved_ranges` | `["169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24"]` |' in text


def test_source_notes_become_links():
    text = rule_docs._link_sources("(source: MicrosoftDocs/azure-aks-docs `articles/aks/use-byo-cni.md`, commit fb060abe6a8f)")
    assert "(https://github.com/MicrosoftDocs/azure-aks-docs/blob/fb060abe6a8f/articles/aks/use-byo-cni.md)" in text


def test_explain_points_at_the_rule_page():
    code, out, _ = cli(["--explain", "BYO003"])
    assert code == 0
    assert "https://github.com/byocni-lint/byocni-lint/blob/main/docs/rules/BYO003.md" in out


def test_sarif_help_uri_is_the_rule_page(tmp_path):
    code, out, _ = cli(["--format", "sarif", "fixtures/seed"])
    rules = json.loads(out)["runs"][0]["tool"]["driver"]["rules"]
    assert rules and all(rule["helpUri"].endswith(f"/docs/rules/{rule['id']}.md") for rule in rules)
    for rule in rules:
        assert (rule_docs.docs_dir() / f"{rule['id']}.md").is_file()
