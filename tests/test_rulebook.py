"""The rule files are data that reporters and checks trust blindly, so their shape is tested here.

A malformed rule would surface only as a broken SARIF log or a check reading a missing parameter;
these tests catch it at the file that is wrong.
"""
from __future__ import annotations

import calendar
import ipaddress
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from byocni_lint.findings import Severity
from byocni_lint.rulebook import RulebookError, RuleSpec, load_rulebook, rules_dir

# Ids and default levels fixed by the rule catalogue; a rename or a changed default is a breaking change.
EXPECTED_SEVERITIES = {
    "BYO001": Severity.ERROR,
    "BYO002": Severity.ERROR,
    "BYO003": Severity.ERROR,
    "BYO004": Severity.ERROR,
    "BYO005": Severity.ERROR,
    "BYO006": Severity.ERROR,
    "BYO007": Severity.ERROR,
    "BYO008": Severity.ERROR,
    "BYO009": Severity.ERROR,
    "BYO010": Severity.WARNING,
    "BYO011": Severity.WARNING,
    "BYO012": Severity.WARNING,
    "BYO900": Severity.ERROR,
    "BYO901": Severity.NOTE,
    "BYO902": Severity.ERROR,
    "BYO903": Severity.ERROR,
    "BYO904": Severity.WARNING,
    "BYO905": Severity.WARNING,
}
SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## How to fix", "## References")
KEBAB = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
HTTPS_URL = re.compile(r"https://[^\s)>\]]+")
API_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}(-preview)?$")

RULE_FILES = sorted(rules_dir().glob("BYO*.yaml"))


@pytest.fixture(scope="module")
def rulebook() -> dict[str, RuleSpec]:
    return load_rulebook()


def _raw(rule_id: str) -> dict:
    return yaml.safe_load((rules_dir() / f"{rule_id}.yaml").read_text(encoding="utf-8"))


def test_catalogue_has_exactly_the_expected_rules(rulebook):
    assert set(rulebook) == set(EXPECTED_SEVERITIES)


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_file_name_is_the_rule_id(path: Path):
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert path.stem == raw["id"]


def test_names_are_kebab_case_and_unique(rulebook):
    names = [spec.name for spec in rulebook.values()]
    assert all(KEBAB.match(name) for name in names), names
    assert len(names) == len(set(names))


@pytest.mark.parametrize("rule_id", sorted(EXPECTED_SEVERITIES))
def test_default_severity(rulebook, rule_id):
    assert rulebook[rule_id].severity is EXPECTED_SEVERITIES[rule_id]
    # The loader is lenient about case; the files themselves use the lower-case spelling.
    assert _raw(rule_id)["severity"] in {"error", "warning", "note"}


SECURITY_RULES = {"BYO005", "BYO006"}  # rules about a security control (NSG rules, role assignments)


@pytest.mark.parametrize("rule_id", sorted(EXPECTED_SEVERITIES))
def test_security_severity_only_on_security_rules(rulebook, rule_id):
    """GitHub files every result of a rule with a security severity as a security alert: a parse error
    or an old API version is not one."""
    raw = _raw(rule_id)
    if rule_id not in SECURITY_RULES:
        assert "security_severity" not in raw and "security" not in rulebook[rule_id].tags
        return
    assert "security" in rulebook[rule_id].tags
    assert isinstance(raw["security_severity"], str), "GitHub wants a numeric *string*"
    assert 0.0 < float(rulebook[rule_id].security_severity) <= 10.0


@pytest.mark.parametrize("rule_id", sorted(EXPECTED_SEVERITIES))
def test_precision_is_a_sarif_precision(rulebook, rule_id):
    assert rulebook[rule_id].precision in ("very-high", "high", "medium", "low")
    if rule_id == "BYO901":
        assert rulebook[rule_id].precision != "high", "a note about an unknown value is not a high-precision result"


@pytest.mark.parametrize("rule_id", sorted(EXPECTED_SEVERITIES))
def test_every_option_is_documented_and_limits_are_given(rulebook, rule_id):
    spec = rulebook[rule_id]
    assert set(spec.options) == set(spec.params)
    assert all(text.strip() for text in spec.options.values())
    assert spec.limits


@pytest.mark.parametrize("rule_id", sorted(EXPECTED_SEVERITIES))
def test_rule_texts_cite_nothing_the_user_does_not_have(rule_id):
    """Sources are pages a user can open, never the project's research notes."""
    text = (rules_dir() / f"{rule_id}.yaml").read_text(encoding="utf-8")
    for private in ("aks-facts", "SHAPES.md", "reference/", "\u00a7", "§"):
        assert private not in text, private


@pytest.mark.parametrize("rule_id", sorted(EXPECTED_SEVERITIES))
def test_description_has_the_ruff_sections_in_order(rulebook, rule_id):
    text = rulebook[rule_id].description
    positions = [text.find(heading) for heading in SECTIONS]
    assert -1 not in positions, dict(zip(SECTIONS, positions))
    assert positions == sorted(positions)
    example = text[positions[2] : positions[3]]
    assert "```" in example, "the example must be a code block"
    references = text[positions[4] :]
    assert HTTPS_URL.search(references), "references must name a checkable page"


@pytest.mark.parametrize("rule_id", sorted(EXPECTED_SEVERITIES))
def test_metadata_shapes(rulebook, rule_id):
    spec = rulebook[rule_id]
    assert spec.summary and "\n" not in spec.summary
    assert spec.help_uri.startswith("https://")
    assert 1 <= len(spec.tags) <= 5 and all(isinstance(tag, str) and tag for tag in spec.tags)
    assert isinstance(_raw(rule_id)["params"], dict)


def test_reserved_ranges_are_networks(rulebook):
    ranges = rulebook["BYO003"].params["reserved_ranges"]
    networks = [ipaddress.ip_network(text, strict=True) for text in ranges]
    assert ipaddress.ip_network("172.16.0.0/12").overlaps(networks[1])  # the doc's own example


def test_api_version_thresholds_parse(rulebook):
    for rule_id, keys in {"BYO001": ("min_stable", "min_preview"),
                          "BYO012": ("removed_in_stable", "removed_in_preview")}.items():
        stable, preview = (rulebook[rule_id].params[key] for key in keys)
        assert API_VERSION.match(stable) and not stable.endswith("-preview")
        assert API_VERSION.match(preview) and preview.endswith("-preview")


def test_cli_version_threshold_parses(rulebook):
    version = rulebook["BYO002"].params["min_cli_version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)


def _minor_key(text: str) -> tuple[int, int]:
    major, minor = text.split(".")
    return int(major), int(minor)


def _is_month_end(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def test_kubernetes_calendar(rulebook):
    params = rulebook["BYO011"].params
    entries = params["calendar"]
    assert entries, "an empty calendar would silently disable the rule"
    minors = [entry["minor"] for entry in entries]
    assert all(isinstance(minor, str) for minor in minors), "1.30 as a float would read as 1.3"
    keys = [_minor_key(minor) for minor in minors]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    for entry in entries:
        for field in ("end_of_life", "lts_end_of_life"):
            if field not in entry:
                continue
            assert isinstance(entry[field], str), f"{entry['minor']} {field}: quote ISO dates"
            day = date.fromisoformat(entry[field])
            assert _is_month_end(day), f"{entry['minor']} {field} is not a month end"
        if "lts_end_of_life" in entry:
            assert entry["lts_end_of_life"] > entry["end_of_life"]
    date.fromisoformat(params["calendar_date"])
    assert isinstance(params["older_minors_are_end_of_life"], bool)


def test_loader_rejects_a_rule_without_required_keys(tmp_path):
    (tmp_path / "BYO999.yaml").write_text("id: BYO999\nname: broken\n", encoding="utf-8")
    with pytest.raises(RulebookError, match="missing"):
        load_rulebook(tmp_path)
