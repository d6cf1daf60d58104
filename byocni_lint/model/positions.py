"""Where a value was written: the protocol every front end's nodes follow.

A located value (a parsed JSON string, a Bicep literal, a Terraform attribute) carries `source` (an
object with `path` and `span(start, end)`), `start` and `end`; containers keep the offsets of members
that cannot carry attributes (booleans, null, unknowns) in `scalar_spans`. The model asks only this, so
it never needs to know which parser made a value.
"""
from __future__ import annotations

from byocni_lint.findings import Span


def node_span(node: object) -> Span | None:
    """Where a parsed value was written, or None for values built during evaluation."""
    source = getattr(node, "source", None)
    if source is None:
        return None
    return source.span(node.start, node.end)  # type: ignore[attr-defined]


def member_span(container: object, key: object) -> Span | None:
    """Where `container[key]` was written, also for booleans and nulls."""
    try:
        value = container[key]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        return node_span(container)
    span = node_span(value)
    if span is not None:
        return span
    offsets = getattr(container, "scalar_spans", {}).get(key)
    if offsets is not None:
        return container.source.span(*offsets)  # type: ignore[attr-defined]
    return node_span(container)
