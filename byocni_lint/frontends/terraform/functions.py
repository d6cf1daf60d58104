"""The Terraform functions AKS configurations use, evaluated as Terraform does (developer.hashicorp.com/
terraform/language/functions/<name>). Any other function gives an unknown naming it: never a guess."""
from __future__ import annotations

import ipaddress
import json

from byocni_lint.model.values import Unknown, contains_unknown


def _cidrsubnet(prefix: str, newbits: int, netnum: int) -> str:
    network = ipaddress.ip_network(prefix, strict=False)
    new_prefix = network.prefixlen + int(newbits)
    size = 1 << (network.max_prefixlen - new_prefix)
    base = int(network.network_address) + int(netnum) * size
    if int(netnum) >= (1 << int(newbits)):
        raise ValueError("netnum too large")
    return str(ipaddress.ip_network((base, new_prefix)))


def _cidrhost(prefix: str, hostnum: int) -> str:
    network = ipaddress.ip_network(prefix, strict=False)
    number = int(hostnum)
    address = (network.broadcast_address + 1 + number) if number < 0 else network.network_address + number
    if address not in network:
        raise ValueError("host number out of range")
    return str(address)


def _format(spec: str, *args) -> str:
    converted = spec.replace("%v", "%s").replace("%q", '"%s"').replace("%#v", "%s")
    return converted % tuple(json.dumps(a) if isinstance(a, (dict, list)) else ("true" if a is True else "false" if a is False else a) for a in args)


def _flatten(values) -> list:
    result = []
    for value in values:
        result.extend(_flatten(value) if isinstance(value, list) else [value])
    return result


def _lookup(mapping: dict, key: str, *default):
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise KeyError(key)


def _element(values: list, index: int):
    return values[int(index) % len(values)]


def _merge(*maps) -> dict:
    result: dict = {}
    for item in maps:
        result.update(item or {})
    return result


def _coalesce(*values):
    return next(v for v in values if v is not None and v != "")


def _tostring(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        raise TypeError("tostring of a collection")
    return str(value)


def _toset(values) -> list:
    result = []
    for value in values:
        if value not in result:
            result.append(value)
    return sorted(result, key=str) if all(isinstance(v, str) for v in result) else result


FUNCTIONS = {
    "cidrsubnet": _cidrsubnet,
    "cidrhost": _cidrhost,
    "cidrnetmask": lambda prefix: str(ipaddress.ip_network(prefix, strict=False).netmask),
    "format": _format,
    "join": lambda sep, *lists: sep.join(_tostring(v) for items in lists for v in items),
    "split": lambda sep, text: text.split(sep),
    "concat": lambda *lists: [v for items in lists for v in items],
    "merge": _merge,
    "lookup": _lookup,
    "element": _element,
    "length": lambda value: len(value),
    "coalesce": _coalesce,
    "coalescelist": lambda *lists: next(items for items in lists if items),
    "tostring": _tostring,
    "tonumber": lambda value: value if isinstance(value, (int, float)) else (float(value) if "." in value else int(value)),
    "tobool": lambda value: value if isinstance(value, bool) else {"true": True, "false": False}[value],
    "tolist": lambda value: list(value),
    "toset": _toset,
    "tomap": lambda value: dict(value),
    "flatten": lambda values: _flatten(values),
    "keys": lambda mapping: sorted(mapping),
    "values": lambda mapping: [mapping[k] for k in sorted(mapping)],
    "contains": lambda values, value: value in values,
    "lower": lambda text: text.lower(),
    "upper": lambda text: text.upper(),
    "trimspace": lambda text: text.strip(),
    "replace": lambda text, old, new: text.replace(old, new),
    "jsonencode": lambda value: json.dumps(value, separators=(",", ":")),
    "jsondecode": lambda text: json.loads(text),
    "distinct": lambda values: [v for i, v in enumerate(values) if v not in values[:i]],
    "compact": lambda values: [v for v in values if v not in (None, "")],
    "zipmap": lambda keys, values: dict(zip(keys, values)),
    "min": lambda *values: min(values),
    "max": lambda *values: max(values),
    "range": lambda *args: list(range(*[int(a) for a in args])),
    "one": lambda values: values[0] if len(values) == 1 else (None if not values else (_ for _ in ()).throw(ValueError("more than one"))),
}


def call(name: str, arguments: list) -> object:
    """`name(arguments)`; an unknown argument makes the result unknown (with its reason)."""
    function = FUNCTIONS.get(name)
    if function is None:
        return Unknown(f"function {name}() is not evaluated by the linter")
    unknown = contains_unknown(arguments)
    if unknown is not None:
        return Unknown(unknown.reason)
    try:
        return function(*arguments)
    except (ValueError, TypeError, KeyError, IndexError, StopIteration, ZeroDivisionError, AttributeError) as exc:
        return Unknown(f"{name}() failed: {type(exc).__name__}")
