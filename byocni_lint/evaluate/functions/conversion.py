"""Type conversions: string, int, float, bool, json (ARM reference: "String functions"
https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-string#string,
"Numeric functions" .../template-functions-numeric#int and #float, "Logical functions"
.../template-functions-logical#bool, "Object functions" .../template-functions-object#json).

`to_text` is ARM's value-to-text rule, shared by string(), concat() and format(): objects and arrays
become compact JSON (`{"valueA":10,"valueB":"Example Text"}` in the reference), booleans `True`/`False`
as .NET prints them. Text of a value that holds an unknown is unknown, so callers check
`hidden_unknown` first; that walk ticks the step budget, which also stops a template that nests one
array inside itself a thousand times from being serialised.
"""
from __future__ import annotations

import json
import re

from byocni_lint.evaluate.functions import arm_function
from byocni_lint.evaluate.functions.comparison import runtime_unknown
from byocni_lint.evaluate.scope import LimitExceeded
from byocni_lint.model.values import Unknown, describe, text_size


def bounded(scope, size: int, function: str) -> None:
    """Stop, before building it, a string or array larger than any real template needs."""
    limit = scope.budget.max_value_size
    if size > limit:
        raise LimitExceeded(f"{function}() would build a value of {size} items or characters, over the limit of {limit}")


def hidden_unknown(scope, value: object) -> Unknown | None:
    """The first unknown anywhere inside `value` (a `reference()` object counts: it gains properties at
    deployment)."""
    scope.budget.tick()
    if isinstance(value, Unknown):
        return value
    runtime = runtime_unknown(value)
    if runtime is not None:
        return runtime
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for item in items:
        found = hidden_unknown(scope, item)
        if found is not None:
            return found
    return None


def text_of(scope, value: object, function: str) -> str:
    """`to_text`, with the size of an array or object measured (sharing counted) before it is serialised."""
    if isinstance(value, (dict, list)):
        bounded(scope, text_size(value, scope.budget.max_value_size), function)
    return to_text(value)


def to_text(value: object) -> str:
    """How ARM writes a known value as text."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@arm_function("string")
def string(scope, value):
    if isinstance(value, str):
        return value
    unknown = hidden_unknown(scope, value)
    return Unknown(unknown.reason) if unknown is not None else text_of(scope, value, "string")


@arm_function("int")
def int_(scope, value):
    if isinstance(value, bool):
        raise TypeError("int() does not take a boolean")
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return int(value)
    raise ValueError(f"int() cannot convert {describe(value)}")


@arm_function("float")
def float_(scope, value):
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError(f"float() cannot convert {describe(value)}")
    return float(value)


@arm_function("bool")
def bool_(scope, value):
    """'true'/'false' in any case, and integers (zero is false), as the reference's examples show."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError(f"bool() cannot convert {describe(value)}")


@arm_function("json")
def json_(scope, text):
    return parse_json(text)


_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"|\'((?:[^\'\\]|\\.)*)\'')


def parse_json(text: object) -> object:
    """JSON as ARM reads it (Newtonsoft): single-quoted strings are accepted, as in the reference's
    base64ToJson example `{'one': 'a', 'two': 'b'}`."""
    if not isinstance(text, str):
        raise TypeError("json() needs a string")
    try:
        return json.loads(text)
    except ValueError:
        pass

    def requote(match: re.Match) -> str:
        if match.group(1) is None:
            return match.group(0)
        return json.dumps(match.group(1).replace("\\'", "'"))

    return json.loads(_QUOTED.sub(requote, text))
