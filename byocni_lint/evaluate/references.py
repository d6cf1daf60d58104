"""`reference()` inside one evaluation: declared values resolve, runtime values stay unknown.

ARM evaluates `reference()` against the deployed resource. Before deployment we know exactly what the
files declare for resources they deploy (a subnet's `addressPrefix`, a nested deployment's outputs), and
nothing else. A `RuntimeObject` is the declared part; reading anything it lacks gives an `Unknown` that
still names the resource and property path, so `reference(cluster, v, 'Full').identity.principalId`
stays linkable to that cluster's identity.
"""
from __future__ import annotations

from byocni_lint.model.values import Unknown


class RuntimeObject(dict):
    """The declared part of a deployed resource, as `reference()` returns it."""

    ref: str
    path: tuple
    full: bool

    @classmethod
    def of(cls, content: dict, ref: str, path: tuple = (), full: bool = False) -> "RuntimeObject":
        obj = cls(content)
        obj.ref, obj.path, obj.full = ref, path, full
        for key, value in obj.items():
            obj[key] = cls._wrap(value, ref, path + (str(key).lower(),), full)
        return obj

    @classmethod
    def _wrap(cls, value: object, ref: str, path: tuple, full: bool) -> object:
        """Objects at any depth (also inside arrays) answer missing properties with a runtime unknown."""
        if isinstance(value, dict) and not isinstance(value, RuntimeObject):
            return cls.of(value, ref, path, full)
        if isinstance(value, list):
            return [cls._wrap(item, ref, path + (str(index),), full) for index, item in enumerate(value)]
        return value

    def missing(self, key: object) -> Unknown:
        name = ".".join(self.path + (str(key),))
        return Unknown(f"reference() to runtime property '{name}' of {self.ref}", self.ref,
                       self.path + (str(key).lower(),), self.full)


class ReferenceResolver:
    """Finds the resource a `reference()` names among those the walker has declared."""

    def __init__(self) -> None:
        self.by_id: dict[str, object] = {}

    def register(self, normalized_id: str, instance: object) -> None:
        self.by_id.setdefault(normalized_id, instance)

    def reference(self, scope, target: str, full: bool) -> object:
        from byocni_lint.model.ids import normalize_id

        instance = None
        deployment = scope.template
        if deployment is not None and "/" not in target.strip("/"):
            instance = deployment.find_local(target)
        if instance is None and target.startswith("/"):
            instance = self.by_id.get(normalize_id(target))
        if instance is None and deployment is not None:
            instance = deployment.find_local(target)
        if instance is None:
            ref = normalize_id(target) if target.startswith("/") else target.lower()
            return Unknown(f"reference() to {target}, which these files do not deploy", ref, (), full)
        return instance.reference_view(full)
