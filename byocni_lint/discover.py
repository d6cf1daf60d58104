"""Which files to lint, and which parameter files belong to which template.

Folders are walked recursively, skipping `.git`, `node_modules`, `.terraform` and other hidden folders,
but not `.github`, where CI workflows live. Parameter files pair by name the way Azure samples name
them: `X.parameters.json` and `X.parameters.<env>.json` beside `X.json` (or beside `X.template.json`).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

LINTABLE_SUFFIXES = (".json", ".jsonc", ".bicep", ".bicepparam")
_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv"})
_VISIBLE_HIDDEN_DIRS = frozenset({".github"})


@dataclass(frozen=True)
class Candidate:
    path: Path
    display: str
    explicit: bool  # named on the command line: unreadable or malformed means BYO900, not silence


def discover(paths: list[str], path_filter=None) -> tuple[list[Candidate], list[str]]:
    """Files to look at, in a stable order, and the named paths that do not exist; `path_filter`
    (pathfilter.PathFilter) leaves out what the settings exclude and, in folders, what git ignores."""
    found: dict[Path, Candidate] = {}
    missing: list[str] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for candidate in _walk(path, path_filter):
                found.setdefault(candidate.path.resolve(), candidate)
        elif path.exists():
            if path_filter is not None and path_filter.excluded(path):
                continue
            found[path.resolve()] = Candidate(path, given, True)
        else:
            missing.append(given)
    return sorted(found.values(), key=lambda c: c.display), missing


def _walk(root: Path, path_filter=None):
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if _visit(d) and not (
            path_filter is not None and path_filter.excluded(Path(folder, d), walking=True)))
        for name in sorted(files):
            if name.lower().endswith(LINTABLE_SUFFIXES):
                path = Path(folder, name)
                if path_filter is not None and path_filter.excluded(path, walking=True):
                    continue
                yield Candidate(path, os.path.normpath(str(path)), False)


def _visit(name: str) -> bool:
    if name in _VISIBLE_HIDDEN_DIRS:
        return True
    return not name.startswith(".") and name not in _SKIPPED_DIRS


def _stem(template: Path) -> str:
    name = template.name[: -len(template.suffix)]
    return name[: -len(".template")] if name.lower().endswith(".template") else name


class FolderIndex:
    """Folder listings read once per run (a folder of a thousand templates must not be listed a
    thousand times), with names compared case-insensitively as Azure tooling does."""

    def __init__(self) -> None:
        self._names: dict[Path, dict[str, str]] = {}
        self._by_stem: dict[Path, dict[str, list[str]]] = {}

    def names(self, folder: Path) -> dict[str, str]:
        """Lower-case name -> actual name of the files in `folder`."""
        key = folder.resolve()
        if key not in self._names:
            try:
                names = sorted(entry.name for entry in folder.iterdir() if entry.is_file())
            except OSError:
                names = []
            self._names[key] = {name.lower(): name for name in names}
        return self._names[key]

    def parameter_names(self, folder: Path, stem: str) -> list[str]:
        key = folder.resolve()
        if key not in self._by_stem:
            index: dict[str, list[str]] = {}
            for lower, name in self.names(folder).items():
                at = lower.find(".parameters")
                if at > 0:
                    index.setdefault(lower[:at], []).append(name)
            self._by_stem[key] = index
        return self._by_stem[key].get(stem, [])


def parameter_files_for(template: Path, index: FolderIndex | None = None) -> list[Path]:
    """`X.parameters.json` and `X.parameters.*.json` next to template `X.json` (or `X.template.json`)."""
    index = index or FolderIndex()
    stem = _stem(template).lower()
    suffix = template.suffix.lower()
    matches = []
    for name in index.parameter_names(template.parent, stem):
        base = name.lower()[: -len(suffix)] if name.lower().endswith(suffix) else None
        if base == f"{stem}.parameters" or (base and base.startswith(f"{stem}.parameters.")):
            matches.append(template.parent / name)
    return matches


def template_for_parameters(parameters: Path, index: FolderIndex | None = None) -> Path | None:
    """The template a parameters file belongs to, by the same naming convention, if it exists."""
    index = index or FolderIndex()
    name = parameters.name
    at = name.lower().find(".parameters")
    if at <= 0:
        return None
    stem = name[:at].lower()
    names = index.names(parameters.parent)
    for candidate in (f"{stem}{parameters.suffix.lower()}", f"{stem}.template{parameters.suffix.lower()}"):
        if candidate in names:
            return parameters.parent / names[candidate]
    return None
