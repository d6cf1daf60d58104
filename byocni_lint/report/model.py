"""`--format model`: the model the linter understood, as JSON.

Users need it to see why a rule did or did not fire (which subnet a pool was linked to, which value
was unknown and why); the front-end tests use `model_values` (the same without locations) to prove
that a Bicep file, a Terraform plan or a script means the same deployment as its ARM twin.

Shape: `{"models": [{"source": ..., "format": ..., "clusters": [...], "vnets": [...], "subnets": [...],
"nsgs": [...], "route_tables": [...], "nat_gateways": [...], "role_definitions": [...],
"role_assignments": [...], "identities": [...]}]}`; each resource has `id`, `name`, `kind`, `at`
(`path:line:col`) and its fields; each field is `{"value": ..., "at": ...}` or
`{"unknown": "<reason>", "at": ...}`; absent fields are left out.
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from byocni_lint.findings import Location
from byocni_lint.model import Field, Model, Resource
from byocni_lint.model.values import Unknown
from byocni_lint.report import display_path, encodable

_TABLES = ("clusters", "vnets", "subnets", "nsgs", "route_tables", "nat_gateways", "role_definitions",
           "role_assignments", "identities")
_BACK_LINKS = {"vnet", "subnet"}  # shown by ID: they point back up the tree
_NOT_SHOWN = {"location", "permissions"}  # `permissions` is shown as actions/not_actions


def render(models, *, base_dir: Path) -> str:
    shown = []
    for model in models:
        out = _model(model, lambda where: _at(where, base_dir))
        out["source"] = display_path(model.source, base_dir)
        if model.parameters_source:
            out["parameters_source"] = display_path(model.parameters_source, base_dir)
        shown.append(out)
    return encodable(json.dumps({"models": shown}, indent=2, ensure_ascii=False))  # a lone surrogate as \udXXX


def model_values(model: Model) -> dict:
    """The model without locations or sources: what it means, for comparing two formats."""
    shown = _model(model, None)
    shown.pop("source", None)
    shown.pop("format", None)
    shown.pop("parameters_source", None)
    shown.pop("links", None)
    return shown


def _model(model: Model, at) -> dict:
    out: dict = {"source": model.source, "format": model.format}
    if model.parameters_source:
        out["parameters_source"] = model.parameters_source
    for table in _TABLES:
        items = getattr(model, table)
        values = items.values() if isinstance(items, dict) else items
        out[table] = sorted((_object(item, at) for item in values), key=_order)
    if model.links:
        out["links"] = [{"table": table, "id": key, **_link(link, at)} for table, key, link in model.links]
    return out


def _link(link, at) -> dict:
    """A link (model/link.py) with its two ends located."""
    shown = {"strength": link.strength, "subject": link.subject}
    if at is not None:
        shown["declared"] = at(link.declared)
        shown["reference"] = at(link.reference)
    if link.assumption:
        shown["assumption"] = link.assumption
    return shown


def _order(item: dict) -> str:
    return json.dumps([item.get("id"), item.get("name")], default=str)


def _object(item: object, at) -> dict:
    out: dict = {}
    if isinstance(item, Resource) and at is not None:
        out["at"] = at(item.location)
    for spec in dataclasses.fields(item):  # type: ignore[arg-type]
        name = spec.name
        if name in _NOT_SHOWN or name.startswith("_"):
            continue
        value = getattr(item, name)
        if name == "link":
            if value is not None:
                out[name] = _link(value, at)
            continue
        if name in _BACK_LINKS:
            if value is not None:
                out[name] = value.id or value.name
            continue
        shown = _value(value, at)
        if shown is not None:
            out[name] = shown
    return out


def _value(value: object, at) -> object:
    if isinstance(value, Field):
        return _field(value, at)
    if dataclasses.is_dataclass(value):
        return _object(value, at)
    if isinstance(value, list):
        items = [_value(item, at) for item in value]
        return [item for item in items if item is not None] or None
    if isinstance(value, Unknown):
        return {"unknown": value.reason}
    if value is None or value == "" or value is False:
        return None
    return _plain(value)


def _field(field: Field, at) -> dict | None:
    if not field.present:
        return None
    shown: dict = {"unknown": field.value.reason} if isinstance(field.value, Unknown) else {"value": _plain(field.value)}
    if at is not None:
        shown["at"] = at(field.location)
    return shown


def _plain(value: object) -> object:
    """JSON values, with unknowns inside objects and arrays shown as such."""
    if isinstance(value, Unknown):
        return {"unknown": value.reason}
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return str(value)


def _at(where: Location | None, base_dir: Path) -> str | None:
    if where is None:
        return None
    span = where.span
    path = display_path(where.path, base_dir)
    return f"{path}:{span.line}:{span.column}" if span else path
