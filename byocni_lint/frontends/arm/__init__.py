"""The ARM front end: JSON templates and parameters files, evaluated by the ARM template language.

Reads `.json`/`.jsonc` files whose `$schema` names an ARM template or parameters file (and any JSON
file named on the command line, so that a broken one is reported rather than skipped). Each template
is evaluated once per parameters file paired with it, or once on its own defaults.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from byocni_lint.frontends import ClaimedFile, Unit
from byocni_lint.load.files import SNIFF_BYTES, Candidate

if TYPE_CHECKING:
    from byocni_lint.frontends.run import Run

SUFFIXES = (".json", ".jsonc")
TEMPLATE_KIND, PARAMETERS_KIND = "ARM template", "ARM parameters file"


class ArmFrontEnd:
    name = "arm"
    reads = "ARM templates and parameters files (.json, .jsonc)"

    def claim(self, file: Candidate, explicit: bool) -> str | None:
        """JSON files naming an ARM schema; a named file of any suffix that names one (a template need
        not be called .json); any other named `.json`, so that a broken one is reported."""
        suffixed = file.path.name.lower().endswith(SUFFIXES)
        if not suffixed and not explicit:
            return None
        lowered = file.head_text(SNIFF_BYTES).lower()
        if "deploymentparameters.json" in lowered:
            return PARAMETERS_KIND
        if "deploymenttemplate.json" in lowered:
            return TEMPLATE_KIND
        return "JSON file" if explicit and suffixed else None

    def read(self, files: list[ClaimedFile], run: "Run") -> Iterator[Unit]:
        from byocni_lint.frontends.arm.reader import ArmReader

        return ArmReader(run).units(files)

    def group(self, path: Path) -> str | None:
        """A template with its parameters files: `X.json`, `X.template.json`, `X.parameters*.json` share
        the folder and the name before the first dot (pairing.py). Linked templates are read from disk
        by the template that links them, so they need not be in its group."""
        return f"{path.parent}/{path.name.lower().split('.', 1)[0]}"


FRONTEND = ArmFrontEnd()
