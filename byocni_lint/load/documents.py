"""Reading a file and deciding what it is, by content (a template need not be called azuredeploy.json).

Each JSON file is parsed once here; the parsed nodes are what every later stage works on. Files that
cannot be ARM or Terraform (no marker in the text) are skipped before parsing, which keeps large
trees of unrelated JSON (package.json, lock files) cheap.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from byocni_lint.findings import Location, Span
from byocni_lint.load.jsonc import JsoncDepthError, JsoncError, parse

ARM_TEMPLATE = "arm-template"
ARM_PARAMETERS = "arm-parameters"
TERRAFORM_PLAN = "terraform-plan"
BICEP = "bicep"
BICEP_PARAMETERS = "bicepparam"

_MARKERS = ("deploymenttemplate.json", "deploymentparameters.json", "format_version")


@dataclass
class Document:
    path: str  # as the user named it (or as found under a folder they named)
    kind: str
    root: object = None


@dataclass
class LoadProblem:
    """A file that cannot be linted: BYO900 (unreadable, malformed) or BYO903 (over a limit)."""

    rule_id: str
    message: str
    location: Location


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
    if "format_version" in root and ("planned_values" in root or "resource_changes" in root):
        return TERRAFORM_PLAN
    return None


def read_document(path: Path, display: str, explicit: bool, max_bytes: int, max_depth: int) -> Document | LoadProblem | None:
    """The classified document, a problem to report, or None for a file that is none of our business."""
    suffix = path.suffix.lower()
    if suffix == ".bicep":
        return Document(display, BICEP)
    if suffix == ".bicepparam":
        return Document(display, BICEP_PARAMETERS)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return LoadProblem("BYO903", f"file is {size} bytes, over the limit of {max_bytes}", Location(display))
        data = path.read_bytes()
    except OSError as exc:
        return LoadProblem("BYO900", f"cannot read file: {exc.strerror or exc}", Location(display))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        lowered = data.decode("utf-8", errors="replace").lower()
        if explicit or "deploymenttemplate.json" in lowered or "deploymentparameters.json" in lowered:
            return LoadProblem("BYO900", f"file is not UTF-8 text (byte {exc.start})", Location(display))
        return None  # some other JSON, in another encoding: none of our business
    lowered = text.lower()
    names_arm = "deploymenttemplate.json" in lowered or "deploymentparameters.json" in lowered
    if not explicit and not any(marker in lowered for marker in _MARKERS):
        return None
    try:
        root = parse(text, display, max_depth)
    except JsoncDepthError as exc:
        return LoadProblem("BYO903", f"JSON {exc.message}", Location(display, Span(exc.line, exc.column, exc.line, exc.column + 1)))
    except JsoncError as exc:
        if explicit or names_arm:
            return LoadProblem("BYO900", f"cannot parse JSON: {exc.message}",
                               Location(display, Span(exc.line, exc.column, exc.line, exc.column + 1)))
        return None
    kind = classify(root)
    return Document(display, kind, root) if kind else None
