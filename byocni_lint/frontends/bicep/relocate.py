"""Compiled ARM JSON located in the Bicep text: each value takes the position of its counterpart in our
own translation of the same file (resources matched by type and name, members by key), so findings
from the compiler's output point at the `.bicep` line the user edits, never into generated JSON.
"""
from __future__ import annotations

from byocni_lint.load.jsonc import JDict, JList


def relocate(compiled: object, ours: object, fallback: object) -> None:
    """Give every node of `compiled` the position of its counterpart in `ours`, else of `fallback`."""
    anchor = ours if hasattr(ours, "source") else fallback
    if hasattr(compiled, "source") and hasattr(anchor, "source"):
        compiled.source, compiled.start, compiled.end = anchor.source, anchor.start, anchor.end  # type: ignore[attr-defined]
    if isinstance(compiled, JDict):
        theirs = {str(k).lower(): k for k in ours} if isinstance(ours, dict) else {}
        spans = {}
        for key, value in compiled.items():
            counterpart = ours[theirs[str(key).lower()]] if str(key).lower() in theirs else None
            if str(key).lower() == "resources":
                _relocate_resources(value, counterpart, anchor)
            else:
                relocate(value, counterpart, anchor)
            if isinstance(ours, JDict) and str(key).lower() in theirs and theirs[str(key).lower()] in ours.scalar_spans:
                spans[key] = ours.scalar_spans[theirs[str(key).lower()]]
            elif key in compiled.scalar_spans and hasattr(anchor, "start"):
                spans[key] = (anchor.start, anchor.end)  # type: ignore[attr-defined]
        compiled.scalar_spans = spans
    elif isinstance(compiled, JList):
        for index, item in enumerate(compiled):
            counterpart = ours[index] if isinstance(ours, list) and index < len(ours) else None
            relocate(item, counterpart, anchor)
        if hasattr(anchor, "start"):
            compiled.scalar_spans = {k: (anchor.start, anchor.end) for k in compiled.scalar_spans}  # type: ignore[attr-defined]


def _relocate_resources(compiled: object, ours: object, anchor: object) -> None:
    candidates = list(ours.values()) if isinstance(ours, dict) else list(ours) if isinstance(ours, list) else []
    items = compiled.values() if isinstance(compiled, dict) else compiled if isinstance(compiled, list) else []
    for resource in items:
        relocate(resource, _match(resource, candidates), anchor)


def _match(resource: object, candidates: list) -> object:
    if not isinstance(resource, dict):
        return None
    kind = str(resource.get("type", "")).lower()
    name = str(resource.get("name", ""))
    same_type = [c for c in candidates if isinstance(c, dict) and str(c.get("type", "")).lower() == kind]
    return next((c for c in same_type if str(c.get("name", "")) == name), same_type[0] if len(same_type) == 1 else None)
