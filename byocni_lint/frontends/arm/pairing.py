"""Which parameters files belong to which template, by the names Azure samples use.

`X.parameters.json` and `X.parameters.<env>.json` pair with `X.json` (or `X.template.json`), names
compared case-insensitively as Azure tooling does.
"""
from __future__ import annotations

from pathlib import Path


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
