"""`terraform show -json` plans as Terraform resources for the azurerm mapping.

Plan JSON (format_version 0.x and 1.x; developer.hashicorp.com/terraform/internals/json-format):
`planned_values.root_module` (+ nested `child_modules`) holds each resource instance's planned values;
`resource_changes[].change` holds `after`, `after_unknown` (values known only after apply) and
`after_sensitive`, and `actions` (a resource being deleted is not deployed); `configuration` holds
the expressions, whose `references` link resources whose IDs the plan does not know yet.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from byocni_lint.frontends.terraform.azurerm import AFTER_APPLY, Link
from byocni_lint.model.values import Unknown

if TYPE_CHECKING:
    from byocni_lint.load.jsonc import JDict

_INDEX = re.compile(r"\[[^\]]*\]")
_ADDRESS = re.compile(r'^((?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*)((?:data\.)?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)(\[[^\]]*\])?$')


def is_plan(root: object) -> bool:
    return isinstance(root, dict) and "format_version" in root and (
        "planned_values" in root or "resource_changes" in root)


@dataclass
class PlanResource:
    address: str
    module: list[str]  # module call names from the root
    config_address: str  # without instance keys: azurerm_subnet.nodes
    type: str
    mode: str
    values: object  # planned values with unknowns put in
    node: object  # the JSON object holding the resource (for locations in the plan)
    values_node: object


def _module_names(address: str) -> list[str]:
    return [part.split("[", 1)[0] for part in re.findall(r"module\.([A-Za-z0-9_-]+(?:\[[^\]]*\])?)", address)]


def _split(address: str) -> tuple[str, str, str]:
    """(module prefix with keys, resource address without key, instance key) of an instance address."""
    match = _ADDRESS.match(address)
    if match is None:
        return "", address, ""
    return match.group(1), match.group(2), match.group(3) or ""


def _with_unknowns(value: object, unknown: object, sensitive: object) -> object:
    """Planned values with `after_unknown` true leaves replaced by unknowns (they are absent or null in the plan)."""
    if unknown is True:
        return Unknown(AFTER_APPLY)
    if sensitive is True and value is None:
        return Unknown("a sensitive value")
    if isinstance(value, dict):
        result = dict(value)
        unknown_map = unknown if isinstance(unknown, dict) else {}
        sensitive_map = sensitive if isinstance(sensitive, dict) else {}
        for key in set(result) | set(unknown_map):
            result[key] = _with_unknowns(result.get(key), unknown_map.get(key), sensitive_map.get(key))
        return result
    if isinstance(value, list):
        unknown_list = unknown if isinstance(unknown, list) else []
        sensitive_list = sensitive if isinstance(sensitive, list) else []
        return [_with_unknowns(item, unknown_list[i] if i < len(unknown_list) else None,
                               sensitive_list[i] if i < len(sensitive_list) else None) for i, item in enumerate(value)]
    return value


class Plan:
    def __init__(self, root: dict) -> None:
        self.root = root
        self.resources: dict[str, PlanResource] = {}
        configuration = _dict(root.get("configuration"))
        self.config_root = _dict(configuration.get("root_module"))
        self.provider_config = _dict(configuration.get("provider_config"))
        changes = {}
        for change in _list(root.get("resource_changes")):
            if isinstance(change, dict) and isinstance(change.get("address"), str):
                changes[change["address"]] = change
        planned = _dict(root.get("planned_values"))
        self._walk_module(planned.get("root_module"), changes)
        for address, change in changes.items():  # resources only in resource_changes (or 0.x plans)
            if address not in self.resources:
                detail = _dict(change.get("change"))
                self._add(change, detail.get("after"), change)
        self.deleted = {address for address, change in changes.items() if _actions(change) == ["delete"]}
        for address in self.deleted:
            self.resources.pop(address, None)

    def _walk_module(self, module: object, changes: dict) -> None:
        if not isinstance(module, dict):
            return
        for resource in _list(module.get("resources")):
            if isinstance(resource, dict) and isinstance(resource.get("address"), str):
                self._add(resource, resource.get("values"), changes.get(resource["address"]))
        for child in _list(module.get("child_modules")):
            self._walk_module(child, changes)

    def _add(self, resource: dict, values: object, change: object) -> None:
        address = resource["address"]
        kind = resource.get("type")
        if not isinstance(kind, str):
            return
        detail = _dict(change.get("change")) if isinstance(change, dict) else {}
        merged = _with_unknowns(values if isinstance(values, dict) else {}, detail.get("after_unknown"),
                                detail.get("after_sensitive"))
        prefix, base, _ = _split(address)
        item = PlanResource(address, _module_names(prefix), base, kind, str(resource.get("mode", "managed")),
                            merged, resource, values if isinstance(values, dict) else None)
        expressions = self.expressions(item)
        if expressions:
            item.values = _without_computed(merged, expressions)
        self.resources[address] = item

    # ----- configuration references -----
    def module_config(self, names: list[str]) -> dict:
        module: dict = self.config_root
        for name in names:
            calls = module.get("module_calls")
            call = calls.get(name) if isinstance(calls, dict) else None
            inner = call.get("module") if isinstance(call, dict) else None
            if not isinstance(inner, dict):
                return {}
            module = inner
        return module

    def expressions(self, resource: PlanResource) -> dict:
        module = self.module_config(resource.module)
        base = resource.config_address
        for item in _list(module.get("resources")):
            if isinstance(item, dict) and item.get("address") == base:
                return _dict(item.get("expressions"))
        return {}

    def link(self, resource: PlanResource, path: tuple) -> Link | None:
        expression = _expression_at(self.expressions(resource), path)
        return self._resolve(expression, resource.module, resource.address, 0)

    def _resolve(self, expression: object, module: list[str], near: str, depth: int) -> Link | None:
        references = expression.get("references") if isinstance(expression, dict) else None
        if not isinstance(references, list) or depth > 16:
            return None
        for reference in references:
            if not isinstance(reference, str):
                continue
            found = self._resolve_one(reference, module, near, depth)
            if found is not None:
                return found
        return None

    def _resolve_one(self, reference: str, module: list[str], near: str, depth: int) -> Link | None:
        parts = reference.split(".")
        if parts[0] == "var" and len(parts) >= 2 and module:
            parent = self.module_config(module[:-1])
            call = (parent.get("module_calls") or {}).get(module[-1]) if isinstance(parent, dict) else None
            expressions = call.get("expressions") if isinstance(call, dict) else None
            argument = expressions.get(_INDEX.sub("", parts[1])) if isinstance(expressions, dict) else None
            return self._resolve(argument, module[:-1], near, depth + 1)
        if parts[0] == "module" and len(parts) >= 3:
            name = _INDEX.sub("", parts[1])
            child = self.module_config(module + [name])
            outputs = child.get("outputs") if isinstance(child, dict) else None
            output = outputs.get(_INDEX.sub("", parts[2])) if isinstance(outputs, dict) else None
            expression = output.get("expression") if isinstance(output, dict) else None
            return self._resolve(expression, module + [name], near, depth + 1)
        if parts[0] in ("var", "local", "each", "count", "path", "terraform", "self", "module"):
            return None
        length = 3 if parts[0] == "data" else 2
        if len(parts) < length + 1:
            return None  # `azurerm_subnet.nodes` alone (Terraform lists it beside `.id`)
        base = ".".join(_INDEX.sub("", p) for p in parts[:length])
        keys = _INDEX.findall(parts[length - 1])
        attribute = ".".join(parts[length:])
        prefix = "".join(f"module.{m}." for m in module)
        address = self._instance(prefix, base, keys[0] if keys else None, near)
        return Link(address, _INDEX.sub(lambda m: "." + m.group(0)[1:-1], attribute)) if address else None

    def _instance(self, prefix: str, base: str, key: str | None, near: str) -> str | None:
        exact = f"{prefix}{base}{key or ''}"
        if exact in self.resources:
            return exact
        candidates = [a for a in self.resources if _INDEX.sub("", a) == _INDEX.sub("", prefix) + base
                      and a.startswith(prefix.split("[", 1)[0] if "[" not in prefix else prefix)]
        if len(candidates) == 1:
            return candidates[0]
        own_key = _split(near)[2]
        same = [a for a in candidates if own_key and a.endswith(own_key)]
        return same[0] if len(same) == 1 else None

    def variables(self) -> dict:
        variables = self.root.get("variables")
        return variables if isinstance(variables, dict) else {}


def _without_computed(values: object, expressions: object) -> object:
    """Drop unknowns the configuration does not set: the provider computes them from what is set
    (`pod_cidrs` from `pod_cidr`, a VNet's `subnet` list from subnet resources), so they are azurerm's
    defaults, not values the user chose. An unknown the configuration sets stays unknown."""
    if isinstance(values, dict) and isinstance(expressions, dict) and "references" not in expressions \
            and "constant_value" not in expressions:
        result = {}
        for key, value in values.items():
            if isinstance(value, Unknown) and key not in expressions:
                continue
            result[key] = _without_computed(value, expressions.get(key)) if key in expressions else value
        return result
    if isinstance(values, list) and isinstance(expressions, list):
        return [_without_computed(item, expressions[i] if i < len(expressions) else expressions[-1] if expressions else None)
                for i, item in enumerate(values)]
    return values


def _expression_at(expressions: object, path: tuple) -> object:
    current = expressions
    for key in path:
        if isinstance(current, list):
            if isinstance(key, int) and key < len(current):
                current = current[key]
            elif isinstance(key, int) and len(current) == 1:
                current = current[0]  # dynamic blocks are configured once
            else:
                return None
        elif isinstance(current, dict):
            if isinstance(key, int):
                return current if key == 0 and "references" in current else None
            current = current.get(key)
        else:
            return None
    return current


def _actions(change: dict) -> list:
    detail = change.get("change")
    actions = detail.get("actions") if isinstance(detail, dict) else None
    return list(actions) if isinstance(actions, list) else []


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def plan_position(resource: PlanResource, path: tuple) -> tuple:
    """Where `path` is written in the plan JSON: the planned value, else its nearest written parent."""
    node = resource.values_node if resource.values_node is not None else resource.node
    best = node
    for key in path:
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
        else:
            break
        if hasattr(node, "source"):
            best = node
        else:
            break
    # hasattr(node, "source") above: `best` is a position-carrying node of the plan JSON (load/jsonc)
    located = cast("JDict", best)
    return (located.source, located.start, located.end)
