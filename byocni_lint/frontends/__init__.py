"""Front ends: one per input format, each turning its files into deployments of the one model.

A front end claims the files it reads (by name and a cheap look at the content), groups them into
units (a template with one parameters file, a Bicep file with its `.bicepparam`, a Terraform root
folder, a script) and builds one model per unit. The engine knows nothing else about formats, so a
new format is a new package here and nothing more. Front-end packages import nothing heavy at module
level: every run imports all of them to ask who reads which file.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, NamedTuple, Protocol

if TYPE_CHECKING:
    from byocni_lint.load.files import Candidate
    from byocni_lint.frontends.run import Run
    from byocni_lint.model import Model

# Asked in this order; ARM is last because it also takes named `.json` files nobody else claims
# (so that a broken JSON file named on the command line is reported, not skipped).
FRONTEND_MODULES = ("bicep", "terraform", "azcli", "arm")


class ClaimedFile(NamedTuple):
    """A file a front end reads, as the run names it."""

    path: Path
    display: str  # as the user named it (or as found under a folder they named)
    explicit: bool  # named on the command line: problems are reported, never skipped
    kind: str  # label for the summary, e.g. "ARM template", "Bicep file"
    real: Path | None = None  # its real path, when discovery resolved it (Run.real_path starts from these)


@dataclass
class Unit:
    """One evaluation: `build` returns its model, or None once it has reported why it could not."""

    display: str
    build: Callable[[], "Model | None"]
    format: str = "arm"  # key of the spelling table the model's messages use
    report_only: frozenset[str] | None = None  # rule findings only in these files (a .tf named alone lints its folder)


class FrontEnd(Protocol):
    name: str
    reads: str  # what it reads, for users: "ARM templates and parameters files (.json, .jsonc)"

    def claim(self, file: Candidate, explicit: bool) -> str | None:
        """The kind label if this front end reads the file, else None; by name and `file.head()`."""

    def read(self, files: list[ClaimedFile], run: "Run") -> Iterable[Unit]:
        """Group the claimed files into units and yield them."""

    def group(self, path: Path) -> str | None:
        """Which files are read together, for a front end whose units are independent of the rest of
        the run: files (and the display paths of units) with equal keys form units only with each other,
        so one group read alone yields the same units, in the same order, as among all files. The
        engine then keeps no model it has checked (it reads a group again if linking needs it) and may
        read groups in worker processes. None: every file of this front end may shape every unit (a
        Terraform module called from another folder), so all are read in one process and kept."""


def frontends() -> list[FrontEnd]:
    """Every installed front end, in claiming order (a front end not written yet is skipped)."""
    found = []
    for name in FRONTEND_MODULES:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            continue
        found.append(module.FRONTEND)
    return found


def group_of(front: FrontEnd, display: str) -> str | None:
    """The front end's group of a file or of a unit, by absolute path, so that a file is in one group
    however it was named (`fixtures/a.json`, or `/repo/fixtures/x/../a.json` through a link)."""
    import os

    return front.group(Path(os.path.abspath(display)))


def supported_inputs() -> str:
    """What byocni-lint reads, for the message about a file it does not."""
    return ", ".join(front.reads for front in frontends())
