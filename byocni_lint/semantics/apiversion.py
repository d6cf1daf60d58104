"""API versions ordered as Azure orders them: by date, with the channel (stable or preview) kept apart.

`networkPlugin: none` arrived in preview 2022-01-02-preview and in stable 2022-06-01 (use-byo-cni.md,
"Prerequisites"), so the threshold depends on the channel: comparing the raw strings would let
stable 2022-04-01 pass as newer than 2022-01-02-preview.
"""
from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

_PATTERN = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:-([A-Za-z0-9]+))?\s*$")


class ApiVersion(NamedTuple):
    """A parsed api-version. Thresholds compare dates within a channel (see `at_least`), never the
    raw strings."""

    day: date
    suffix: str = ""  # "" for stable, e.g. "preview" otherwise

    @property
    def is_preview(self) -> bool:
        return bool(self.suffix)

    def __str__(self) -> str:
        return self.day.isoformat() + (f"-{self.suffix}" if self.suffix else "")


def parse_api_version(text: object) -> ApiVersion | None:
    if not isinstance(text, str):
        return None
    match = _PATTERN.match(text)
    if not match:
        return None
    try:
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    return ApiVersion(day, (match.group(4) or "").lower())


def api_version_param(text: object) -> ApiVersion:
    """A threshold from a rule's params, which the rulebook has already validated as an api-version."""
    version = parse_api_version(text)
    if version is None:
        raise ValueError(f"{text!r} is not an api-version")
    return version


def at_least(version: ApiVersion, min_stable: ApiVersion, min_preview: ApiVersion) -> bool:
    """Whether `version` is at or past the first version of its own channel that has a feature."""
    threshold = min_preview if version.is_preview else min_stable
    return version.day >= threshold.day
