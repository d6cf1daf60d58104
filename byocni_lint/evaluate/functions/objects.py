"""Object functions: createObject, union, intersection, items, objectKeys, shallowMerge, tryGet, null
(ARM reference, "Object functions":
https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-object; tryGet is
under "Array functions" too).

Objects built here may hold unknown values (`createObject('addressPrefix', parameters('cidr'))` with
no value for `cidr`): the object is known, one leaf is not, and a rule reading another leaf is not
blocked. Property names compare case-insensitively, as ARM reads them.

union() merges nested objects recursively but replaces nested arrays, as the reference's "deep
merge" example shows; shallowMerge() replaces nested objects too. items() and objectKeys() list keys
in sorted order, as the items() example (`item002` declared first, listed second) shows.
"""
from __future__ import annotations

from byocni_lint.evaluate.functions import arm_function
from byocni_lint.evaluate.functions.arrays import bounded, member, unique
from byocni_lint.evaluate.functions.comparison import equal, kleene, runtime_unknown, string_order
from byocni_lint.evaluate.references import RuntimeObject
from byocni_lint.model.values import Unknown, property_name


@arm_function("null")
def null(scope):
    return None


@arm_function("createObject", accepts_unknown=True)
def create_object(scope, *args):
    """Unknown values stay as leaves; an unknown key makes the whole object unknown."""
    if len(args) % 2:
        raise ValueError("createObject() needs pairs of keys and values")
    result: dict = {}
    for key, value in zip(args[::2], args[1::2]):
        if isinstance(key, Unknown):
            return Unknown(key.reason)
        if not isinstance(key, str):
            raise TypeError(f"createObject() keys must be strings, not {type(key).__name__}")
        result[str(property_name(result, key) or key)] = value
    return result


@arm_function("union")
def union(scope, first, *others):
    values = (first, *others)
    if all(isinstance(v, list) for v in values):
        bounded(scope, sum(len(v) for v in values), "union")
        return unique(scope, (item for v in values for item in v))
    if all(isinstance(v, dict) for v in values):
        merged: dict = {}
        for value in values:
            merged = _deep_merge(scope, merged, value)
        runtime = next((v for v in values if isinstance(v, RuntimeObject)), None)
        return RuntimeObject.of(merged, runtime.ref, runtime.path, runtime.full) if runtime is not None else merged
    raise TypeError("union() needs all arrays or all objects")


def _deep_merge(scope, base: dict, extra: dict) -> dict:
    """Later values win; two objects under the same name are merged the same way."""
    result = dict(base)
    for key, value in extra.items():
        scope.budget.tick()
        existing = property_name(result, str(key))
        if existing is None:
            result[str(key)] = value
        elif isinstance(result[existing], dict) and isinstance(value, dict):
            result[existing] = _deep_merge(scope, result[existing], value)
        else:
            result[existing] = value
    return result


@arm_function("intersection")
def intersection(scope, first, *others):
    """Elements (or key/value pairs) common to every argument; unknown if an unknown value decides."""
    if isinstance(first, list) and all(isinstance(v, list) for v in others):
        common_items: list = []
        for item in first:
            verdict = kleene((member(scope, other, item) for other in others), decisive=False)
            if isinstance(verdict, Unknown):
                return verdict
            if verdict:
                common_items.append(item)
        return unique(scope, common_items)
    if isinstance(first, dict) and all(isinstance(v, dict) for v in others):
        common: dict = {}
        for key, value in first.items():
            names = [(other, property_name(other, str(key))) for other in others]
            verdict = kleene((False if name is None else equal(scope, other[name], value) for other, name in names),
                             decisive=False)
            if isinstance(verdict, Unknown):
                return verdict
            if verdict:
                common[key] = value
        return common
    raise TypeError("intersection() needs all arrays or all objects")


def _sorted_keys(obj: object, function: str) -> list:
    if not isinstance(obj, dict):
        raise TypeError(f"{function}() needs an object, not {type(obj).__name__}")
    return sorted(obj, key=lambda name: string_order(str(name)))


@arm_function("items")
def items(scope, obj):
    """The object as `[{key, value}]`, sorted by key."""
    unknown = runtime_unknown(obj)
    if unknown is not None:
        return unknown
    return [{"key": key, "value": obj[key]} for key in _sorted_keys(obj, "items")]


@arm_function("objectKeys")
def object_keys(scope, obj):
    unknown = runtime_unknown(obj)
    if unknown is not None:
        return unknown
    return _sorted_keys(obj, "objectKeys")


@arm_function("shallowMerge")
def shallow_merge(scope, objects):
    """Top-level properties of each object in turn; later ones replace earlier ones whole."""
    if not isinstance(objects, list):
        raise TypeError("shallowMerge() needs an array of objects")
    result: dict = {}
    for obj in objects:
        if isinstance(obj, Unknown):
            return Unknown(obj.reason)
        if not isinstance(obj, dict):
            raise TypeError(f"shallowMerge() needs objects, not {type(obj).__name__}")
        for key, value in obj.items():
            result[str(property_name(result, str(key)) or key)] = value
    return result


@arm_function("tryGet", accepts_unknown=True)
def try_get(scope, target, *keys):
    """`target[key]...`, or null where a key or index is missing (and for a null target, as Bicep's
    `target.?key` compiles to this). A missing property of a deployed resource is unknown, not null."""
    if not keys:
        raise TypeError("tryGet() needs a key or an index")
    for key in keys:
        if isinstance(target, Unknown):
            return target.child(key)
        if isinstance(key, Unknown):
            return Unknown(key.reason)
        if target is None:
            return None
        if isinstance(target, list):
            index = _array_index(key, len(target))
            target = target[index] if 0 <= index < len(target) else None
        elif isinstance(target, dict):
            name = property_name(target, str(key))
            if name is None:
                return target.missing(key) if isinstance(target, RuntimeObject) else None
            target = target[name]
        else:
            raise TypeError(f"tryGet() needs an object or an array, not {type(target).__name__}")
    return target


def _array_index(key: object, length: int) -> int:
    """An integer, or Bicep's `{value: n, fromEnd: true}` for `a[?^n]`."""
    if isinstance(key, dict):
        spec = {str(name).lower(): value for name, value in key.items()}
        position = spec.get("value")
        if isinstance(position, int) and not isinstance(position, bool):
            return length - position if spec.get("fromend") is True else position
    if isinstance(key, bool) or not isinstance(key, int):
        raise TypeError("tryGet() on an array needs an integer index")
    return key
