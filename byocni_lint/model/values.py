"""The one value the evaluator adds to JSON: *unknown*, with the reason it is unknown.

ARM itself only learns some values at deployment time (a parameter nobody set, `reference()` to a
runtime property, `utcNow()`). Rules must never guess them, so they travel through every function as
`Unknown` and reach the checks, which turn them into BYO901 notes instead of errors.
"""
from __future__ import annotations


class Unknown:
    """A value not knowable before deployment.

    `ref` and `path` keep *what* a runtime reference points at (the normalised resource ID and the
    property path read from it, e.g. `("identity", "principalId")`), so that the RBAC check can still
    link a role assignment's principal to the cluster whose identity it names.
    """

    __slots__ = ("reason", "ref", "path", "full")

    def __init__(self, reason: str, ref: str | None = None, path: tuple = (), full: bool = False) -> None:
        self.reason = reason
        self.ref = ref
        self.path = path
        self.full = full

    def child(self, key: object) -> "Unknown":
        """Reading a property of an unknown keeps the reference, so links survive `.identity.principalId`."""
        if not isinstance(key, (str, int)):
            return Unknown(self.reason)  # not a property name: nothing to link by
        return Unknown(self.reason, self.ref, self.path + (str(key).lower(),), self.full)

    def __repr__(self) -> str:
        where = f" ref={self.ref} path={'.'.join(self.path)}" if self.ref else ""
        return f"Unknown({self.reason!r}{where})"

    # Unknowns are never equal to anything (not even themselves) in rule logic; identity is enough here.
    __hash__ = object.__hash__


def property_name(container: dict, key: str) -> str | None:
    """The key under which an object holds property `key`: ARM property names are case-insensitive."""
    if key in container:
        return key
    lowered = key.lower()
    try:
        # Most lookups that get here are misses (optional properties left out): asked in C first.
        if lowered not in map(str.lower, container):
            return None
    except TypeError:  # a key that is not a string: look one by one
        pass
    for name in container:
        if isinstance(name, str) and name.lower() == lowered:
            return name
    return None


def first_unknown(values) -> Unknown | None:
    for value in values:
        if isinstance(value, Unknown):
            return value
    return None


def contains_unknown(value: object) -> Unknown | None:
    """The first unknown anywhere inside a JSON-like value, for functions that need the whole value."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, dict):
        for item in value.values():
            found = contains_unknown(item)
            if found is not None:
                return found
    elif isinstance(value, list):
        for item in value:
            found = contains_unknown(item)
            if found is not None:
                return found
    return None


def describe(value: object, width: int = 40) -> str:
    """A value as a message may show it: short, and never the whole of a container.

    Values may share structure (41 variables, each an array holding the previous one twice, is 2^40
    elements in 2.6 KB), so printing one with `repr` can take forever; this costs O(width).
    """
    if isinstance(value, Unknown):
        return "an unknown value"
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, int):
        if value.bit_length() > 128:
            return f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
        return str(int(value))
    if isinstance(value, float):
        return repr(float(value))
    if isinstance(value, str):
        return repr(str(value[:width])) + ("..." if len(value) > width else "")
    if isinstance(value, list):
        return f"an array of {len(value)} items"
    if isinstance(value, dict):
        return f"an object of {len(value)} properties"
    return f"a {type(value).__name__}"


def text_size(value: object, limit: int) -> int:
    """How many characters `value` takes as compact JSON (an upper bound), counted only up to just past
    `limit`: a shared value is measured element by element, so the cost is bounded by the limit, not by
    the value's unshared size."""
    total = 0
    stack = [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item) + 2
        elif isinstance(item, dict):
            total += 2 + len(item)
            for key, member in item.items():
                total += len(str(key)) + 3
                stack.append(member)
                if total > limit:
                    break
        elif isinstance(item, list):
            total += 2 + len(item)
            if total <= limit:
                stack.extend(item)
        elif isinstance(item, int) and not isinstance(item, bool):
            total += int(item.bit_length() * 0.30103) + 2
        else:
            total += 8
    return total
