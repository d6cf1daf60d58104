"""Fixtures shared by several test files (tests/ is not a package, so helpers are handed out here)."""
from __future__ import annotations

import pytest

from sarif_schema import assert_valid_sarif as _assert_valid_sarif


@pytest.fixture
def assert_valid_sarif():
    """`assert_valid_sarif(log)` checks a SARIF log (str or dict) against the schema and GitHub's rules."""
    return _assert_valid_sarif
