"""String functions (ARM reference, "String functions":
https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-string).

Functions that search or compare text follow the reference's case rules: startsWith, endsWith, indexOf
and lastIndexOf ignore case; contains and replace do not. Functions that build text (concat, format,
padLeft, replace, join) check the size first (`conversion.bounded`), so doubling a string through a chain
of variables, or padding to two billion characters, ends in a budget error instead of exhausting memory.

guid() and uniqueString() are hashes of their arguments: equal inputs give equal outputs, which is all
the linter needs (two role assignments named `guid(scope, principal, role)` collide exactly when ARM's
would). The exact characters Azure produces are not reproduced. newGuid() and utcNow() differ at
every deployment, so they are unknown.
"""
from __future__ import annotations

import base64 as _base64
import re
from urllib.parse import quote, unquote, urljoin

from byocni_lint.evaluate.functions import arm_function
from byocni_lint.evaluate.functions.comparison import integer
from byocni_lint.evaluate.functions.conversion import bounded, hidden_unknown, parse_json, text_of, to_text
from byocni_lint.guids import url_uuid5
from byocni_lint.model.values import Unknown, describe

def _text_arg(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")
    return value


@arm_function("concat")
def concat(scope, *args):
    """Strings are joined; arrays are concatenated (the first argument decides which, and the two kinds
    do not mix)."""
    if args and isinstance(args[0], list):
        if not all(isinstance(arg, list) for arg in args):
            raise TypeError("concat() cannot mix arrays with other values")
        bounded(scope, sum(len(arg) for arg in args), "concat")
        return [item for arg in args for item in arg]
    if any(isinstance(arg, (list, dict)) for arg in args):
        raise TypeError("concat() cannot mix strings with arrays or objects")
    texts = [to_text(arg) for arg in args]
    bounded(scope, sum(len(text) for text in texts), "concat")
    return "".join(texts)


_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{(\d+)(?:,(-?\d+))?(?::([^}]*))?\}")


@arm_function("format")
def format_(scope, template, *args):
    """.NET composite formatting, as ARM's format() uses: `{0}`, alignment `{0,5}`, specifiers `{0:N2}`."""
    unknown = hidden_unknown(scope, list(args))
    if unknown is not None:
        return Unknown(unknown.reason)
    template = _text_arg(template, "the format string")
    built = [len(template)]  # an upper bound of the result's size so far

    def replace(match: re.Match) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        value = args[int(match.group(1))]
        text = _dotnet_format(scope, value, match.group(3))
        if match.group(2):
            width = int(match.group(2))
            bounded(scope, built[0] + abs(width), "format")
            text = text.rjust(width) if width > 0 else text.ljust(-width)
        built[0] += len(text)
        bounded(scope, built[0], "format")
        return text

    return _PLACEHOLDER.sub(replace, template)


def _dotnet_format(scope, value: object, spec: str | None) -> str:
    """One placeholder's text; a width or precision is checked against the size limit before it is used."""
    if not spec:
        return text_of(scope, value, "format")
    if re.fullmatch(r"0+", spec) and isinstance(value, int):
        return str(value).zfill(len(spec))  # custom format: '{0:000}' pads with zeros
    kind, digits = spec[0].upper(), spec[1:]
    if digits and not digits.isdigit():
        raise ValueError(f"format specifier {describe(spec)} is not supported")
    if len(digits) > 9:  # no real template pads to a billion characters; int() of it would be slow too
        bounded(scope, 10 ** 9, "format")
    size = int(digits or (2 if kind in "NFP" else 0))
    bounded(scope, size, "format")
    if kind == "D" and isinstance(value, int):
        return str(value).zfill(size)
    if kind == "N":
        return f"{value:,.{size}f}"
    if kind == "F":
        return f"{value:.{size}f}"
    if kind == "X" and isinstance(value, int):
        text = format(value, "x" if spec[0] == "x" else "X")
        return text.zfill(size)
    if kind == "P" and isinstance(value, (int, float)):
        return f"{value * 100:,.{size}f} %"
    raise ValueError(f"format specifier {describe(spec)} is not supported")


@arm_function("toLower")
def to_lower(scope, text):
    return _text_arg(text, "toLower()'s argument").lower()


@arm_function("toUpper")
def to_upper(scope, text):
    return _text_arg(text, "toUpper()'s argument").upper()


@arm_function("trim")
def trim(scope, text):
    return _text_arg(text, "trim()'s argument").strip()


@arm_function("startsWith")
def starts_with(scope, text, prefix):
    return _text_arg(text, "the string").lower().startswith(_text_arg(prefix, "the prefix").lower())


@arm_function("endsWith")
def ends_with(scope, text, suffix):
    return _text_arg(text, "the string").lower().endswith(_text_arg(suffix, "the suffix").lower())


@arm_function("substring")
def substring(scope, text, start=0, length=None):
    """Fails, as in ARM, when the range does not lie inside the string."""
    text = _text_arg(text, "substring()'s string")
    start = integer(start, "startIndex")
    length = len(text) - start if length is None else integer(length, "length")
    if start < 0 or length < 0 or start + length > len(text):
        raise IndexError(f"index {start} and length {length} do not lie within a string of length {len(text)}")
    return text[start:start + length]


@arm_function("replace")
def replace(scope, text, old, new):
    text, old, new = _text_arg(text, "originalString"), _text_arg(old, "oldString"), _text_arg(new, "newString")
    if not old:
        raise ValueError("replace() cannot replace an empty string")
    bounded(scope, len(text) + text.count(old) * (len(new) - len(old)), "replace")
    return text.replace(old, new)


@arm_function("padLeft")
def pad_left(scope, value, total_length, padding=" "):
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = _text_arg(value, "valueToPad")
    padding = _text_arg(padding, "paddingCharacter")
    if len(padding) != 1:
        raise ValueError("paddingCharacter must be a single character")
    width = integer(total_length, "totalLength")
    bounded(scope, width, "padLeft")
    return text.rjust(width, padding)


@arm_function("split")
def split(scope, text, delimiter):
    """A delimiter array splits at any of its strings, earlier ones first (.NET String.Split)."""
    text = _text_arg(text, "inputString")
    delimiters = delimiter if isinstance(delimiter, list) else [delimiter]
    patterns = [re.escape(_text_arg(d, "the delimiter")) for d in delimiters if d != ""]
    if not patterns:
        return [text]
    return re.split("|".join(patterns), text)


@arm_function("join")
def join(scope, items, delimiter):
    if not isinstance(items, list):
        raise TypeError("join() needs an array")
    delimiter = _text_arg(delimiter, "the delimiter")
    if any(isinstance(item, (list, dict)) for item in items):
        raise TypeError("join() takes an array of strings, integers or booleans")
    unknown = next((item for item in items if isinstance(item, Unknown)), None)
    if unknown is not None:
        return Unknown(unknown.reason)
    bounded(scope, len(items) * (len(delimiter) + 1), "join")
    bounded(scope, sum(len(item) if isinstance(item, str) else 8 for item in items)
            + len(delimiter) * max(len(items) - 1, 0), "join")
    return delimiter.join(to_text(item) for item in items)


@arm_function("base64")
def base64(scope, text):
    return _base64.b64encode(_text_arg(text, "inputString").encode("utf-8")).decode("ascii")


@arm_function("base64ToString")
def base64_to_string(scope, encoded):
    return _base64.b64decode(_text_arg(encoded, "base64Value"), validate=True).decode("utf-8")


@arm_function("base64ToJson")
def base64_to_json(scope, encoded):
    return parse_json(base64_to_string(scope, encoded))


@arm_function("dataUri")
def data_uri(scope, text):
    return "data:text/plain;charset=utf8;base64," + base64(scope, text)


@arm_function("dataUriToString")
def data_uri_to_string(scope, uri):
    uri = _text_arg(uri, "dataUriToConvert")
    if not uri.startswith("data:") or "," not in uri:
        raise ValueError("not a data URI")
    header, _, data = uri[len("data:"):].partition(",")
    if header.endswith(";base64"):
        return _base64.b64decode(data, validate=True).decode("utf-8")
    return unquote(data)


@arm_function("uri")
def uri(scope, base, relative):
    """RFC 3986 reference resolution, which the reference names for uri()."""
    return urljoin(_text_arg(base, "baseUri"), _text_arg(relative, "relativeUri"))


@arm_function("uriComponent")
def uri_component(scope, text):
    """Percent-encodes everything but RFC 3986 unreserved characters (.NET Uri.EscapeDataString)."""
    return quote(_text_arg(text, "stringToEncode"), safe="")


@arm_function("uriComponentToString")
def uri_component_to_string(scope, text):
    return unquote(_text_arg(text, "uriEncodedString"))


def _hash_input(args: tuple) -> bytes:
    return "\x1f".join(_text_arg(arg, "each argument") for arg in args).encode("utf-8")


@arm_function("uniqueString")
def unique_string(scope, first, *more):
    """13 lower-case characters from a base32 hash, the shape ARM's values have (`tcvhiyu5h2o5o`)."""
    import hashlib

    digest = hashlib.sha256(_hash_input((first, *more))).digest()
    return _base64.b32encode(digest).decode("ascii").lower()[:13]


@arm_function("guid")
def guid(scope, first, *more):
    """A name-based (version 5) UUID of the arguments: 36 characters, stable for equal inputs."""
    return url_uuid5(_hash_input((first, *more)).decode("utf-8"))


@arm_function("newGuid")
def new_guid(scope):
    return Unknown("newGuid() gives a new value at every deployment")


@arm_function("utcNow")
def utc_now(scope, *args):
    return Unknown("utcNow() is the time of the deployment")
