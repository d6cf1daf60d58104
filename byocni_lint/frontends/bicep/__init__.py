"""The Bicep front end: `.bicep` files (with their `.bicepparam`), translated to ARM JSON located in the Bicep text.

Translation happens in `translate` (tree-sitter-bicep, imported on first use only); this module only
claims files by name, so that start-up stays cheap.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from byocni_lint.frontends import ClaimedFile, Unit

if TYPE_CHECKING:
    from byocni_lint.frontends.run import Run
    from byocni_lint.load.files import Candidate

BICEP_KIND, PARAMETERS_KIND = "Bicep file", "Bicep parameters file"


class BicepFrontEnd:
    name = "bicep"
    reads = "Bicep files and Bicep parameters files (.bicep, .bicepparam)"

    def claim(self, file: Candidate, explicit: bool) -> str | None:
        lowered = file.path.name.lower()
        if lowered.endswith(".bicep"):
            return BICEP_KIND
        if lowered.endswith(".bicepparam"):
            return PARAMETERS_KIND
        return None

    def read(self, files: list[ClaimedFile], run: "Run") -> Iterator[Unit]:
        from byocni_lint.frontends.bicep.reader import BicepReader

        return BicepReader(run).units(files)

    def group(self, path: Path) -> str | None:
        """One group per template: the `.bicep` file with every `.bicepparam` that is `using` it, named by
        the template's real path, as the reader pairs them (a parameters file may lie in another folder,
        its `using` may pass through a linked one). Modules are read from disk by the file that calls
        them, so they need not be in its group."""
        if path.name.lower().endswith(".bicepparam"):
            target = _using_target(path)
            if target is not None:
                return os.path.realpath(target)
        return os.path.realpath(path)


_MAX_USING_BYTES = 64 * 1024 * 1024
"""A parameters file larger than this is grouped by itself (the reader refuses files this large anyway,
unless BYO903's `max_file_bytes` was raised past it)."""


def _using_target(path: Path) -> Path | None:
    from byocni_lint.frontends.bicep.using import using_target
    from byocni_lint.load.files import FileProblem, decode_text, read_bytes

    try:
        return using_target(path, decode_text(read_bytes(path, _MAX_USING_BYTES)))
    except (FileProblem, UnicodeDecodeError):
        return None


FRONTEND = BicepFrontEnd()
