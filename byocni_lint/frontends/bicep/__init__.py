"""The Bicep front end: `.bicep` files (with their `.bicepparam`), translated to ARM JSON located in the Bicep text.

Translation happens in `translate` (tree-sitter-bicep, imported on first use only); this module only
claims files by name, so that start-up stays cheap.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from byocni_lint.frontends import ClaimedFile, Unit

if TYPE_CHECKING:
    from byocni_lint.frontends.run import Run

BICEP_KIND, PARAMETERS_KIND = "Bicep file", "Bicep parameters file"


class BicepFrontEnd:
    name = "bicep"
    reads = "Bicep files and Bicep parameters files (.bicep, .bicepparam)"

    def claim(self, path: Path, explicit: bool) -> str | None:
        lowered = path.name.lower()
        if lowered.endswith(".bicep"):
            return BICEP_KIND
        if lowered.endswith(".bicepparam"):
            return PARAMETERS_KIND
        return None

    def read(self, files: list[ClaimedFile], run: "Run") -> Iterator[Unit]:
        from byocni_lint.frontends.bicep.reader import BicepReader

        return BicepReader(run).units(files)

    def group(self, path: Path) -> str | None:
        """None: a `.bicepparam` anywhere may be `using` a template of another folder, so all files are read together."""
        return None


FRONTEND = BicepFrontEnd()
