"""String functions (ARM reference, "String functions":
https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-string)."""
from __future__ import annotations

import re

from byocni_lint.evaluate.functions import arm_function
from byocni_lint.evaluate.values import Unknown


@arm_function("concat")
def concat(scope, *args):
    """Strings are joined; arrays are concatenated (the first argument decides which)."""
    if args and isinstance(args[0], list):
        result: list = []
        for arg in args:
            result.extend(arg if isinstance(arg, list) else [arg])
        return result
    return "".join(_text(arg) for arg in args)


_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{(\d+)(?:,(-?\d+))?(?::([^}]*))?\}")


@arm_function("format")
def format_(scope, template, *args):
    """.NET composite formatting, as ARM's format() uses: `{0}`, alignment `{0,5}`, specifiers `{0:N2}`."""
    def replace(match: re.Match) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        value = args[int(match.group(1))]
        text = _dotnet_format(value, match.group(3))
        if match.group(2):
            width = int(match.group(2))
            text = text.rjust(width) if width > 0 else text.ljust(-width)
        return text

    return _PLACEHOLDER.sub(replace, str(template))


def _dotnet_format(value: object, spec: str | None) -> str:
    if not spec:
        return _text(value)
    kind, digits = spec[0].upper(), spec[1:]
    if kind == "D" and isinstance(value, int):
        return str(value).zfill(int(digits or 0))
    if kind == "N":
        return f"{value:,.{int(digits or 2)}f}"
    if kind == "F":
        return f"{value:.{int(digits or 2)}f}"
    if kind == "X" and isinstance(value, int):
        text = format(value, "x" if spec[0] == "x" else "X")
        return text.zfill(int(digits or 0))
    if kind == "P":
        return f"{value * 100:,.{int(digits or 2)}f} %"
    raise ValueError(f"format specifier {spec!r} is not supported")


def _text(value: object) -> str:
    """How ARM turns a value into text inside concat()/format(): JSON for objects and arrays."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, separators=(",", ":"))
    if value is None:
        return ""
    return str(value)
