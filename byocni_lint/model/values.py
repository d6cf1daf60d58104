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
    return next((name for name in container if isinstance(name, str) and name.lower() == lowered), None)


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
