"""Which Bicep file a `.bicepparam` is for: its `using '<path>'` statement.

Read by the reader, to pair parameters files with their template, and by the front end's `group`, so
that a parameters file is read in one group with its template, in whatever folder each lies.
"""
from __future__ import annotations

import re
from pathlib import Path

USING = re.compile(r"^\s*using\s+'([^']*)'", re.MULTILINE)


def using_target(path: Path, text: str) -> Path | None:
    """The local `.bicep` file the parameters file at `path` names; None for none (or a registry one)."""
    match = USING.search(text)
    if match is None or not match.group(1).lower().endswith(".bicep"):
        return None
    return path.parent / match.group(1)
