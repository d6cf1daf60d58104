"""What a JSON file is, decided by content (a template need not be called azuredeploy.json).

ARM templates and parameters files are recognised by their `$schema`; anything else is not ours.
"""
from __future__ import annotations

from dataclasses import dataclass

ARM_TEMPLATE = "arm-template"
ARM_PARAMETERS = "arm-parameters"

MARKERS = (b"deploymenttemplate.json", b"deploymentparameters.json")


@dataclass
class Document:
    """A JSON file read once: its path as named, what it is (template or parameters), its parsed root."""

    path: str  # as the user named it (or as found under a folder they named)
    kind: str
    root: object = None


def classify(root: object) -> str | None:
    if not isinstance(root, dict):
        return None
    schema = root.get("$schema")
    if isinstance(schema, str):
        # Any case and version, any deployment scope (subscriptionDeploymentTemplate.json# too).
        ending = schema.strip().lower().rstrip("#")
        if ending.endswith("deploymenttemplate.json"):
            return ARM_TEMPLATE
        if ending.endswith("deploymentparameters.json"):
            return ARM_PARAMETERS
    return None


def names_arm_schema(data: bytes) -> bool:
    """Whether the bytes mention an ARM schema (so a broken file is reported, not skipped)."""
    lowered = data.lower()
    return any(marker in lowered for marker in MARKERS)
