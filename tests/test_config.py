"""Settings files through the CLI: discovery from a nested folder, every key, and errors (exit 2)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from run_cli import REPO, cli

ERROR = REPO / "fixtures" / "foundation" / "rules" / "byo003-service-cidr-17.json"  # BYO003 error + BYO006 warning
PAIRED = REPO / "fixtures" / "foundation" / "values" / "paired"


def _repo(tmp_path: Path, settings_name: str | None = None, settings: str = "") -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "infra" / "prod").mkdir(parents=True)
    shutil.copy(ERROR, root / "infra" / "prod" / "aks.json")
    if settings_name:
        (root / settings_name).write_text(settings)
    return root


def _rules(out: str) -> list[str]:
    return sorted(line.split()[1] for line in out.splitlines() if ": BYO" in line)


@pytest.mark.parametrize(("name", "text"), [
    (".byocni-lint.toml", 'ignore = ["BYO006"]\n'),
    (".byocni-lint.yaml", "ignore: [BYO006]\n"),
    ("pyproject.toml", '[project]\nname = "x"\n\n[tool.byocni-lint]\nignore = ["BYO006"]\n'),
])
def test_settings_are_found_walking_up_from_a_nested_folder(tmp_path, name, text):
    root = _repo(tmp_path, name, text)
    code, out, _ = cli(["aks.json"], cwd=root / "infra" / "prod")
    assert code == 1 and _rules(out) == ["BYO003"]


def test_a_pyproject_without_our_table_is_passed_over(tmp_path):
    root = _repo(tmp_path, ".byocni-lint.toml", 'ignore = ["BYO006"]\n')
    (root / "infra" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    code, out, _ = cli(["prod/aks.json"], cwd=root / "infra")
    assert _rules(out) == ["BYO003"]


def test_config_option_overrides_and_isolated_ignores(tmp_path):
    root = _repo(tmp_path, ".byocni-lint.toml", 'ignore = ["BYO006"]\n')
    (tmp_path / "other.toml").write_text('ignore = ["BYO003"]\nfail-on = "never"\n')
    code, out, _ = cli(["--config", str(tmp_path / "other.toml"), "infra"], cwd=root)
    assert (code, _rules(out)) == (0, ["BYO006"])
    code, out, _ = cli(["--isolated", "infra"], cwd=root)
    assert (code, _rules(out)) == (1, ["BYO003", "BYO006"])


def test_command_line_wins_over_the_file(tmp_path):
    root = _repo(tmp_path, ".byocni-lint.toml", 'select = ["BYO006"]\nfail-on = "never"\n')
    code, out, _ = cli(["--select", "BYO003", "--fail-on", "error", "infra"], cwd=root)
    assert (code, _rules(out)) == (1, ["BYO003"])
    code, out, _ = cli(["infra"], cwd=root)
    assert (code, _rules(out)) == (0, ["BYO006"])


def test_extend_select_adds_to_select(tmp_path):
    root = _repo(tmp_path, ".byocni-lint.toml", 'select = ["BYO003"]\nextend-select = ["BYO006"]\n')
    assert _rules(cli(["infra"], cwd=root)[1]) == ["BYO003", "BYO006"]


def test_rule_parameters_are_overridden(tmp_path):
    root = _repo(tmp_path, ".byocni-lint.toml",
                 '[rules.BYO003]\nreserved_ranges = ["192.168.0.0/16"]\n')
    code, out, _ = cli(["--select", "BYO003", "infra"], cwd=root)
    (line,) = [line for line in out.splitlines() if ": BYO003 " in line]
    assert "podCidr 192.168.0.0/16 overlaps reserved range 192.168.0.0/16" in line
    assert "172.30" not in line


def test_exclude_and_gitignore_keep_files_unread(tmp_path):
    root = _repo(tmp_path, ".byocni-lint.toml", 'exclude = ["legacy/"]\n')
    for folder in ("legacy", "generated"):
        (root / folder).mkdir()
        shutil.copy(ERROR, root / folder / "aks.json")
    (root / ".gitignore").write_text("generated/\n")
    code, out, _ = cli(["."], cwd=root)
    assert out.splitlines()[-1].startswith("Linted 1 file (")
    assert "legacy/" not in out and "generated/" not in out
    code, out, _ = cli(["--no-respect-gitignore", "."], cwd=root)
    assert out.splitlines()[-1].startswith("Linted 2 files (") and "generated/aks.json" in out
    code, out, _ = cli(["legacy/aks.json"], cwd=root)
    assert out.splitlines()[-1].startswith("Linted 0 files: ")


def test_per_file_ignores(tmp_path):
    root = _repo(tmp_path, ".byocni-lint.toml", '[per-file-ignores]\n"infra/prod/*.json" = ["BYO003"]\n')
    assert _rules(cli(["infra"], cwd=root)[1]) == ["BYO006"]


def test_parameters_pair_a_template_with_a_file_by_name(tmp_path):
    root = tmp_path / "repo"
    (root / "infra").mkdir(parents=True)
    (root / "env").mkdir()
    shutil.copy(PAIRED / "aks.json", root / "infra" / "aks.json")
    shutil.copy(PAIRED / "aks.parameters.json", root / "env" / "prod.json")
    (root / ".byocni-lint.toml").write_text('[parameters]\n"infra/aks.json" = "env/prod.json"\n')
    code, out, _ = cli(["--select", "BYO003", "infra"], cwd=root)
    assert code == 1 and "(value set in prod.json:9)" in out
    code, out, _ = cli(["--isolated", "--select", "BYO003", "infra"], cwd=root)
    assert code == 0


@pytest.mark.parametrize(("text", "says"), [
    ('selec = ["BYO003"]\n', "selec: unknown key in the settings; allowed: select, extend-select"),
    ('fail-on = "sometimes"\n', "fail-on: 'sometimes' is not allowed; allowed: error, warning, note, never"),
    ('select = ["XYZ1"]\n', "select: 'XYZ1' selects no rule"),
    ('[rules.BYO003]\nreserved = []\n', "rules.BYO003.reserved: unknown parameter; allowed: reserved_ranges"),
    ('[rules.BYO003]\nreserved_ranges = "10.0.0.0/8"\n', "rules.BYO003.reserved_ranges: must be a list"),
    ('[rules.BYO999]\nx = 1\n', "rules.BYO999: no such rule"),
    ('[terraform]\nvar_files = []\n', "terraform.var_files: unknown key; allowed: var-files"),
    ('exclude = "legacy"\n', "exclude: must be a list of strings"),
    ('select = [\n', "not valid TOML"),
])
def test_bad_settings_are_an_error_naming_file_and_key(tmp_path, text, says):
    root = _repo(tmp_path, ".byocni-lint.toml", text)
    code, out, err = cli(["prod"], cwd=root / "infra")
    assert code == 2 and not out
    assert f"{root / '.byocni-lint.toml'}: " in err and says in err, err


def test_show_settings_prints_the_resolved_settings(tmp_path):
    root = _repo(tmp_path, ".byocni-lint.toml", 'ignore = ["BYO006"]\n[terraform]\nvar-files = ["prod.tfvars"]\n')
    code, out, _ = cli(["--show-settings", "prod"], cwd=root / "infra")
    shown = json.loads(out)
    assert code == 0
    assert shown["settings-file"] == str(root / ".byocni-lint.toml")
    assert shown["ignore"] == ["BYO006"] and shown["terraform"] == {"var-files": ["prod.tfvars"]}
    assert shown["paths"] == ["prod"] and shown["fail-on"] == "error"


def test_gitignore_of_the_nearest_repository_only(tmp_path):
    """A repository inside another (a vendored checkout) is ignored by its own `.gitignore` files only,
    however many files of each folder are asked about (the repository top is remembered per folder)."""
    from byocni_lint.pathfilter import PathFilter

    outer, inner = tmp_path / "outer", tmp_path / "outer" / "vendor" / "inner"
    for repo, ignored in ((outer, "skip.json"), (inner, "other.json")):
        (repo / ".git").mkdir(parents=True)
        (repo / ".gitignore").write_text(ignored + "\n")
    (inner / "deep").mkdir()
    files = [outer / "skip.json", outer / "keep.json", inner / "skip.json", inner / "other.json",
             inner / "deep" / "skip.json", inner / "deep" / "other.json", outer / "vendor" / "skip.json"]
    for file in files:
        file.write_text("{}")
    path_filter = PathFilter(outer)
    for _ in range(2):
        assert [path_filter.excluded(file, walking=True) for file in files] == [
            True, False, False, True, False, True, True]
    assert not path_filter.excluded(outer / "skip.json")  # a file named on the command line is read
