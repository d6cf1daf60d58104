"""Which files to look at, and which front end reads each.

Folders are walked recursively, skipping `.git`, `node_modules`, `.terraform` and other hidden folders,
but not `.github`, where CI workflows live. Each file is offered to the front ends in order; the first
that claims it reads it. A file nobody claims is counted as skipped, and, when it was named on the
command line, reported: a linter must never pass what it did not read.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from byocni_lint.frontends import ClaimedFile, FrontEnd
from byocni_lint.load.files import Candidate, resolved

_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv"})
_VISIBLE_HIDDEN_DIRS = frozenset({".github"})


@dataclass
class Discovery:
    """The files found under the paths given, by front end, and what was missing, unsupported or skipped."""

    claimed: dict[str, list[ClaimedFile]] = field(default_factory=dict)  # front-end name -> its files
    missing: list[str] = field(default_factory=list)  # named paths that do not exist
    unsupported: list[str] = field(default_factory=list)  # named files no front end reads
    skipped: list[str] = field(default_factory=list)  # files under folders that no front end reads
    unreadable_folders: list[str] = field(default_factory=list)

    def skipped_by_suffix(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for name in self.skipped:
            suffix = Path(name).suffix.lower() or "(no suffix)"
            counts[suffix] = counts.get(suffix, 0) + 1
        return dict(sorted(counts.items()))


def discover(paths: list[str], frontends: list[FrontEnd], path_filter=None) -> Discovery:
    """Every file to lint, grouped by the front end that reads it, in a stable order; `path_filter`
    (pathfilter.PathFilter) leaves out what the settings exclude and, in folders, what git ignores."""
    result = Discovery()
    seen: set[Path] = set()
    folders = []
    for given in paths:  # named files first: one also found under a named folder is still "named"
        path = Path(given)
        if _is(path.is_dir):
            folders.append(path)
        elif _named(path):
            if path_filter is not None and path_filter.excluded(path):
                continue
            _offer(path, given, True, frontends, result, seen, resolved(path))
        else:
            result.missing.append(given)
    for folder in folders:
        for file_path, display, key in _walk(folder, result, path_filter):
            _offer(file_path, display, False, frontends, result, seen, key)
    for files in result.claimed.values():
        files.sort(key=lambda claimed: claimed.display)
    return result


def _offer(path: Path, display: str, explicit: bool, frontends: list[FrontEnd], result: Discovery,
           seen: set[Path], key: Path) -> None:
    """Offer `path` (resolved: `key`) to the front ends, once per file however often it is reached."""
    if key in seen:
        return
    seen.add(key)
    candidate = Candidate(path)
    for front in frontends:
        kind = front.claim(candidate, explicit)
        if kind is not None:
            result.claimed.setdefault(front.name, []).append(ClaimedFile(path, display, explicit, kind, key))
            return
    if explicit:
        result.unsupported.append(display)
    else:
        result.skipped.append(path.name)


def _walk(root: Path, result: Discovery, path_filter=None):
    def unreadable(error: OSError) -> None:
        result.unreadable_folders.append(os.path.normpath(str(error.filename or root)))

    for folder, dirs, files in os.walk(root, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if _visit(d) and not (
            path_filter is not None and path_filter.excluded(Path(folder, d), walking=True)))
        real_folder: Path | None = None
        for name in sorted(files):
            path = Path(folder, name)
            # A file that is not a link resolves to its folder's real path and its name: the folder is
            # resolved once, not once per file (a resolve is a system call and Python work per component).
            if os.path.islink(path):
                key = resolved(path)
            else:
                real_folder = real_folder or resolved(Path(folder))
                key = real_folder / name
            if path_filter is not None and path_filter.excluded(path, walking=True, resolved=key):
                continue
            yield path, os.path.normpath(str(path)), key


def _is(test) -> bool:
    """A path test that treats a path the system refuses (a name too long, a NUL) as "no"."""
    try:
        return bool(test())
    except (OSError, ValueError):
        return False


def _named(path: Path) -> bool:
    """Whether a named path is there to be offered: anything but "no such file", so that a symlink loop,
    a name too long or a permission error reaches a front end, which reports it located (BYO900)."""
    try:
        path.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return False
    except (OSError, ValueError):
        return True
    return True


def _visit(name: str) -> bool:
    if name in _VISIBLE_HIDDEN_DIRS:
        return True
    return not name.startswith(".") and name not in _SKIPPED_DIRS
