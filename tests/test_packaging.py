"""What users install is the wheel, not this checkout: these tests build it and use it from a throwaway venv.

A source checkout hides packaging bugs (rules/ found next to the package, data files read from the tree),
so the rulebook and the console script are exercised from an installed wheel that cannot see the repository.
The tests share one wheel and one venv per run. The README's rule table is checked here too: it is the
catalogue users read before they install.
"""
from __future__ import annotations

import configparser
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
RULE_FILES = sorted((REPO / "rules").glob("*.yaml"))
DATA_FILES = sorted((REPO / "byocni_lint" / "data").glob("*.yaml"))

# Building and installing takes seconds; `-m "not slow"` leaves these out of a quick run.
slow = pytest.mark.slow

# Only what the build reads; a copy keeps setuptools' build/ and *.egg-info out of the shared work tree
# and stops a stale build/lib from smuggling deleted files into the wheel.
_NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis", "tests"
)


def _rule_ids() -> set[str]:
    return {yaml.safe_load(path.read_text(encoding="utf-8"))["id"] for path in RULE_FILES}


def _run(argv: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=300, **kwargs)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("build", reason="the `build` package is not installed in this interpreter")
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    shutil.copytree(REPO, source, ignore=_NOT_SOURCES)
    result = _run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(work / "dist"), str(source)])
    assert result.returncode == 0, (
        "building the wheel failed (with --no-isolation the venv needs the build backend: setuptools>=64 and wheel)\n"
        + result.stdout[-3000:]
        + result.stderr[-3000:]
    )
    (built,) = (work / "dist").glob("byocni_lint-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A fresh venv holding only the wheel; dependencies are borrowed from the outer venv, *after* its own."""
    venv = tmp_path_factory.mktemp("venv") / "v"
    created = _run([sys.executable, "-m", "venv", str(venv)])
    assert created.returncode == 0, created.stderr
    python = venv / "bin" / "python"
    pip = _run([str(venv / "bin" / "pip"), "install", "--no-deps", "--no-index", str(wheel)])
    assert pip.returncode == 0, pip.stdout + pip.stderr
    purelib = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
    own_site = purelib.stdout.strip()
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env["PYTHONPATH"] = os.pathsep.join([own_site, sysconfig.get_path("purelib")])
    return {"venv": venv, "python": python, "env": env, "cwd": venv.parent}


@slow
def test_wheel_ships_exactly_the_rule_files(wheel: Path) -> None:
    assert RULE_FILES, "rules/*.yaml is empty: there is no rulebook to ship"
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {name for name in names if re.fullmatch(r"byocni_lint/rules/[^/]+\.yaml", name)}
    assert shipped == {f"byocni_lint/rules/{path.name}" for path in RULE_FILES}


@slow
def test_wheel_ships_every_module(wheel: Path) -> None:
    # pyproject.toml lists packages by hand (rules/ needs a package-dir mapping), so a new subpackage
    # is easily forgotten; a checkout still imports it, only the installed wheel breaks.
    package = REPO / "byocni_lint"
    modules = {f"byocni_lint/{path.relative_to(package).as_posix()}" for path in package.rglob("*.py")}
    shipped = {name for name in zipfile.ZipFile(wheel).namelist() if name.endswith(".py")}
    assert modules - shipped == set()


@slow
def test_wheel_ships_exactly_the_data_files(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {name for name in names if re.fullmatch(r"byocni_lint/data/[^/]+\.yaml", name)}
    assert shipped == {f"byocni_lint/data/{path.name}" for path in DATA_FILES}


@slow
def test_wheel_declares_the_console_script(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        (entry_points,) = [n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt")]
        parser = configparser.ConfigParser()
        parser.read_string(archive.read(entry_points).decode("utf-8"))
    assert parser["console_scripts"]["byocni-lint"].strip() == "byocni_lint.entry:main"


@slow
def test_installed_wheel_loads_every_rule(installed: dict) -> None:
    probe = (
        "import json, byocni_lint\n"
        "from byocni_lint.rulebook import load_rulebook, rules_dir\n"
        "print(json.dumps({'package': byocni_lint.__file__, 'rules_dir': str(rules_dir()),"
        " 'ids': sorted(load_rulebook())}))\n"
    )
    result = _run([str(installed["python"]), "-c", probe], env=installed["env"], cwd=installed["cwd"])
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    venv = installed["venv"].resolve()
    assert Path(loaded["package"]).resolve().is_relative_to(venv), loaded["package"]
    assert Path(loaded["rules_dir"]).resolve().is_relative_to(venv), loaded["rules_dir"]
    assert set(loaded["ids"]) == _rule_ids()


@slow
def test_installed_console_script_lints_the_shipped_example(installed: dict) -> None:
    script = installed["venv"] / "bin" / "byocni-lint"
    assert script.exists(), "pip did not create the byocni-lint console script"
    result = _run(
        [str(script), "--color", "never", str(REPO / "fixtures" / "seed")], env=installed["env"], cwd=installed["cwd"]
    )
    assert result.returncode == 0, result.stdout + result.stderr
    reported = set(re.findall(r"\bBYO\d{3}\b", result.stdout))
    assert {"BYO010", "BYO011"} <= reported, result.stdout


def test_readme_rules_table_lists_every_rule() -> None:
    """The README table is written by hand; this keeps it from drifting away from rules/*.yaml."""
    assert RULE_FILES, "rules/*.yaml is empty: there is nothing to document"
    text = README.read_text(encoding="utf-8")
    start, end = text.index("<!-- rules-table:start -->"), text.index("<!-- rules-table:end -->")
    documented = set(re.findall(r"^\|\s*(BYO\d{3})\s*\|", text[start:end], flags=re.MULTILINE))
    assert documented == _rule_ids()


def test_every_package_folder_ships_in_the_wheel() -> None:
    """pyproject lists packages by name: a new front end's folder must be listed, or installs lack it."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(init.parent.relative_to(REPO).parts) for init in (REPO / "byocni_lint").rglob("__init__.py")}
    assert found - listed == set()
    assert {"byocni_lint.frontends", "byocni_lint.frontends.arm"} <= found
