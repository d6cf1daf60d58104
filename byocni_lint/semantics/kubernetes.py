"""Kubernetes versions as AKS accepts them: `1.29`, `1.29.4`, or numbers such as `1.31` in some tools."""
from __future__ import annotations

import re

_PATTERN = re.compile(r"^\s*v?(\d+)\.(\d+)(?:\.(\d+))?\s*$")


def minor_of(value: object) -> tuple[int, int] | None:
    """(major, minor) of a version string; None when it is not one (an alias like `latest`)."""
    if isinstance(value, float):
        # `1.30` written as a number is 1.3 as a float: read it as written when the parser kept the text.
        source = getattr(value, "source", None)
        value = source.text[value.start:value.end] if source is not None else repr(value)  # type: ignore[attr-defined]
    if not isinstance(value, str):
        return None
    match = _PATTERN.match(value)
    return (int(match.group(1)), int(match.group(2))) if match else None
