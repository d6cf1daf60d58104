"""Which files a run leaves alone: the settings' `exclude` / `extend-exclude` patterns and, when
walking folders, what `.gitignore` files ignore (ruff does the same), with gitignore semantics
from `pathspec` (imported only when there is a pattern to match)."""
from __future__ import annotations

import os
from pathlib import Path


class PathFilter:
    """`excluded(path)` for files and folders. Patterns are relative to `root` (the settings file's folder)."""

    def __init__(self, root: Path, patterns: tuple[str, ...] = (), respect_gitignore: bool = True) -> None:
        self.root = root.resolve()
        self.patterns = patterns
        self.respect_gitignore = respect_gitignore
        self._spec = _compile(patterns) if patterns else None
        self._gitignores: dict[Path, object | None] = {}
        self._tops: dict[Path, Path | None] = {}  # folder -> its repository's top (`_git_top`)

    def excluded(self, path: Path, walking: bool = False, resolved: Path | None = None) -> bool:
        """True when a pattern excludes `path`; `.gitignore` only counts for files found by walking a folder.
        `resolved`: the path's real path when the caller has it already (a walk resolves each folder once)."""
        resolved = resolved or path.resolve()
        is_dir = resolved.is_dir()
        if self._spec is not None and _matches(self._spec, resolved, self.root, is_dir):
            return True
        return walking and self.respect_gitignore and self._gitignored(resolved, is_dir)

    def _gitignored(self, path: Path, is_dir: bool) -> bool:
        """Any `.gitignore` from the repository top down to the file's folder ignores it."""
        top = self._git_top(path.parent)
        if top is None:
            return False
        folder = path.parent
        chain = []
        while True:
            chain.append(folder)
            if folder == top or folder == folder.parent:
                break
            folder = folder.parent
        return any(spec is not None and _matches(spec, path, folder, is_dir)
                   for folder in reversed(chain) for spec in (self._gitignore(folder),))

    def _gitignore(self, folder: Path):
        if folder not in self._gitignores:
            try:
                lines = (folder / ".gitignore").read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                lines = []
            self._gitignores[folder] = _compile(tuple(lines)) if lines else None
        return self._gitignores[folder]

    def _git_top(self, folder: Path) -> Path | None:
        """The nearest folder from `folder` up that holds `.git`; asked once per folder, not per file."""
        if folder not in self._tops:
            self._tops[folder] = folder if (folder / ".git").exists() else (
                None if folder == folder.parent else self._git_top(folder.parent))
        return self._tops[folder]


def _compile(patterns: tuple[str, ...]):
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(patterns)


def _matches(spec, path: Path, base: Path, is_dir: bool) -> bool:
    try:
        relative = os.path.relpath(path, base)
    except ValueError:
        return False
    if relative.startswith(".."):
        return False
    relative = relative.replace(os.sep, "/")
    return spec.match_file(relative + "/" if is_dir else relative)
