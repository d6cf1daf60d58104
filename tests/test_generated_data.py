"""The shipped data the linter reads at run time is generated from reviewed YAML; it must match its source.

Editing a rule file or the built-in role table without `python -m byocni_lint.tools.generate_data`
fails here, and a lint run must not need a YAML parser (start-up time is a product requirement).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from byocni_lint.rulebook import RULEBOOK_JSON, load_rulebook, parse_rule_files, rules_dir, specs_of
from byocni_lint.semantics.rbac import BUILTIN_ROLES_JSON, BUILTIN_ROLES_YAML, builtin_roles
from byocni_lint.tools.generate_data import generated, main

REPO = Path(__file__).resolve().parents[1]


def test_every_generated_file_matches_its_yaml_source() -> None:
    expected = generated()
    assert set(expected) == {RULEBOOK_JSON, BUILTIN_ROLES_JSON}
    for path, text in expected.items():
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.name} is stale: run python -m byocni_lint.tools.generate_data")
    assert main(["--check"]) == 0


def test_the_generated_rulebook_holds_every_rule_file_as_parsed() -> None:
    entries = json.loads(RULEBOOK_JSON.read_text(encoding="utf-8"))
    files = sorted(rules_dir().glob("BYO*.yaml"))
    assert [name for name, _ in entries] == [path.name for path in files]
    for (_, raw), path in zip(entries, files):
        assert raw == yaml.safe_load(path.read_text(encoding="utf-8"))
    assert load_rulebook() == specs_of(parse_rule_files(files), rules_dir())  # the JSON and YAML paths agree


def test_the_generated_role_table_is_the_yaml_table() -> None:
    source = yaml.safe_load(BUILTIN_ROLES_YAML.read_text(encoding="utf-8"))["roles"]
    roles = builtin_roles()
    assert len(roles) == len(source) > 10
    for entry in source:
        role = roles[entry["id"].lower()]
        assert (role.name, role.actions, role.not_actions) == (
            entry["name"], tuple(entry["actions"]), tuple(entry["not_actions"]))


def test_a_stale_generated_file_is_detected(tmp_path, monkeypatch) -> None:
    import byocni_lint.tools.generate_data as tool

    stale = tmp_path / "rulebook.json"
    stale.write_text("[]\n", encoding="utf-8")
    real = tool.generated()
    monkeypatch.setattr(tool, "generated", lambda: {stale: real[RULEBOOK_JSON]})
    assert tool.main(["--check"]) == 1
    assert stale.read_text(encoding="utf-8") == "[]\n"  # --check writes nothing
    assert tool.main([]) == 0 and stale.read_text(encoding="utf-8") == real[RULEBOOK_JSON]


def test_a_lint_run_imports_no_yaml_parser_and_writes_no_cache(tmp_path) -> None:
    """Principle 6: the shipped rules load without YAML, and nothing is cached in the home folder."""
    probe = (
        "import sys\n"
        "from byocni_lint.engine import lint_paths\n"
        f"run = lint_paths([{str(REPO / 'fixtures' / 'seed' / 'azuredeploy.json')!r}])\n"
        "assert run.files_linted == 1 and run.findings, run\n"
        "assert 'yaml' not in sys.modules, 'yaml imported during a lint run'\n"
    )
    env = {**os.environ, "HOME": str(tmp_path / "home"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert not (tmp_path / "home").exists() and not (tmp_path / "cache").exists()
