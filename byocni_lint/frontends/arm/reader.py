"""Parsing ARM files once each and pairing templates with their parameters files into lint units."""
from __future__ import annotations

import os

from pathlib import Path
from typing import Iterator

from byocni_lint.findings import Location, Span
from byocni_lint.frontends import ClaimedFile, Unit
from byocni_lint.frontends.arm import PARAMETERS_KIND, TEMPLATE_KIND
from byocni_lint.frontends.arm.documents import ARM_PARAMETERS, ARM_TEMPLATE, Document, classify, names_arm_schema
from byocni_lint.frontends.arm.evaluation import report_malformed_expressions
from byocni_lint.frontends.arm.pairing import FolderIndex, parameter_files_for, template_for_parameters
from byocni_lint.frontends.run import Run
from byocni_lint.load.files import FileProblem, is_file, resolve_within


class ArmReader:
    """One run's ARM files: each parsed once, shared by pairing, linked templates and evaluation."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.documents: dict[tuple[Path, str], Document | None] = {}
        """By file and by the path findings show for it: a file is always shown as the reading that met it
        names it, whichever reading came first (a linked template is also a named file)."""
        self.folders = run.kept("arm folders", FolderIndex)
        self.named: dict[Path, ClaimedFile] = {}

    def key(self, path: Path) -> Path:
        """The file's identity in this run (its real path)."""
        return self.run.real_path(path)

    def document(self, path: Path, display: str, explicit: bool) -> Document | None:
        key = self.key(path), display
        if key not in self.documents:
            self.documents[key] = self._parse(path, display, explicit)
        return self.documents[key]

    def _parse(self, path: Path, display: str, explicit: bool) -> Document | None:
        from byocni_lint.load.jsonc import JsoncDepthError, JsoncError, parse

        text = self.run.read_text(path, display)
        if text is None:
            return None
        try:
            root = parse(text, display, int(self.run.limits["max_json_depth"]))
        except JsoncDepthError as exc:
            self.run.problem("BYO903", f"JSON {exc.message}", _at(display, exc.line, exc.column))
            return None
        except JsoncError as exc:
            if explicit or names_arm_schema(text.encode("utf-8", "replace")):
                self.run.problem("BYO900", f"cannot parse JSON: {exc.message}", _at(display, exc.line, exc.column))
            return None
        kind = classify(root)
        if kind is not None:
            for name, start, end in root.source.duplicates:
                self.run.problem("BYO905", f"property {name!r} is written twice in one object; ARM compares property "
                                 "names case-insensitively and keeps only one of them", Location(display, root.source.span(start, end)))
        if kind is None:
            if explicit:
                self.run.not_supported(display)
            return None
        self.run.kinds[display] = TEMPLATE_KIND if kind == ARM_TEMPLATE else PARAMETERS_KIND
        return Document(display, kind, root)

    def units(self, files: list[ClaimedFile]) -> Iterator[Unit]:
        """Each template's units as the template is met; once they are built (the engine builds a unit
        before asking for the next), its parse tree is dropped, so memory stays flat however many
        templates a run has. Parameters files stay cached: a later template may pair with them."""
        self.named = {self.key(claimed.path): claimed for claimed in files}
        override = self._override_parameters()
        templates: set[Path] = set()
        paired: set[int] = set()
        orphans: list[tuple[Path, Document]] = []
        for claimed in files:
            document = self.document(claimed.path, claimed.display, claimed.explicit)
            if document is None:
                continue
            if document.kind != ARM_TEMPLATE:
                orphans.append((claimed.path, document))
                continue
            key = self.key(claimed.path)
            templates.add(key)
            plan: list[Document | None] = [override] if override else self._plans(claimed.path)
            paired.update(id(d) for d in plan if d is not None)
            yield from self._planned(claimed.path, document, plan)
            self.documents.pop((key, claimed.display), None)  # built: a later link to it reads it again
        if not override:
            yield from self._templates_of_orphans([o for o in orphans if id(o[1]) not in paired], templates)

    def _planned(self, path: Path, document: Document, plan: list[Document | None]) -> Iterator[Unit]:
        if not self.run.rereading:  # a scan of every string in the file, only to report
            report_malformed_expressions(self.run, document.root, document.path)
        for parameters in plan:
            yield Unit(document.path, self._builder(path, document, parameters))

    def _builder(self, path: Path, document: Document, parameters: Document | None):
        def build():
            values = parameters.root.get("parameters") if parameters is not None and isinstance(parameters.root, dict) else None
            return self.run.arm_model(document.root, document.path, values if isinstance(values, dict) else None,
                                      lambda relative: self._linked(path, document.path, relative),
                                      parameters.path if parameters else None)
        return build

    def _override_parameters(self) -> Document | None:
        named = getattr(self.run.options, "parameters", None)
        if not named:
            return None
        document = self.document(Path(named), named, True)
        if document is not None and document.kind != ARM_PARAMETERS:
            self.run.problem("BYO900", "--parameters file is not an ARM parameters file "
                             "(its $schema does not end in deploymentParameters.json#)", Location(named))
            return None
        return document

    def _plans(self, template: Path) -> list[Document | None]:
        """One evaluation per paired parameters file, or one on the template's own defaults."""
        return list(self._paired(template)) or [None]

    def _paired(self, template: Path) -> list[Document]:
        paired = []
        parameter_map = getattr(self.run.options, "parameter_map", {})  # from the settings file
        configured = parameter_map.get(template.resolve()) if parameter_map else None  # no resolve when unset
        for path in configured if configured is not None else parameter_files_for(template, self.folders):
            named = self.named.get(self.key(path))  # read as the run names it, as if read in file order
            if named is not None:
                document = self.document(named.path, named.display, named.explicit)
            else:
                display = os.path.relpath(path) if configured is not None else _display_beside(template, path)
                document = self.document(path, display, True)
            if document is not None and document.kind == ARM_PARAMETERS:
                paired.append(document)
        return paired

    def _templates_of_orphans(self, orphans: list[tuple[Path, Document]], templates: set[Path]) -> Iterator[Unit]:
        """A parameters file given without its template (a pre-commit run on a changed parameters file):
        lint the template beside it with that file."""
        for path, document in orphans:
            template_path = template_for_parameters(path, self.folders)
            if template_path is None:
                continue
            key = self.key(template_path)
            if key in templates:
                continue
            display = _display_beside(path, template_path)
            template = self.document(template_path, display, True)
            if template is not None and template.kind == ARM_TEMPLATE:
                templates.add(key)
                yield from self._planned(template_path, template, [document])
                self.documents.pop((key, display), None)

    def _linked(self, template: Path, display: str, relative: str) -> dict | None:
        """The template `templateLink.relativePath` names, resolved against the linking file as ARM does;
        only inside the folders being linted (or their repository): anything else is a note, not a read."""
        from byocni_lint.model.positions import node_span
        from byocni_lint.model.values import describe

        span = node_span(relative)
        location = Location(relative.source.path, span) if span is not None else Location(display)  # type: ignore[attr-defined]
        try:
            target = resolve_within(template.parent, relative, self.run.roots)
        except FileProblem as problem:
            self.run.problem(problem.rule_id, problem.message, location)
            return None
        if target is None:
            self.run.note(f"linked template {describe(relative)} lies outside the folders being linted and their "
                          "repository, so it is not read", location)
            return None
        if not is_file(target):
            return None
        # Shown relative to the linking template as the user named it: the same path however the run
        # is split into worker processes (parallel.py), and the one a named file of that path shows.
        shown = os.path.normpath(os.path.join(os.path.dirname(display), str(relative)))
        document = self.document(target, shown, True)
        return document.root if document is not None and document.kind == ARM_TEMPLATE else None  # type: ignore[return-value]


def _at(display: str, line: int, column: int) -> Location:
    return Location(display, Span(line, column, line, column + 1))


def _display_beside(known: Path, other: Path) -> str:
    """Show a file found next to a named one the way the named one was shown."""
    return str(known.parent / other.name) if known.parent != Path("") else other.name
