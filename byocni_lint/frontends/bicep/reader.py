"""Bicep files into lint units: each `.bicep` with each `.bicepparam` that names it (`using`), or alone.

Local modules are read and translated as nested deployments, so their resources and outputs are in the
one model; a module file that cannot be read is reported where the module is declared.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

from byocni_lint.findings import Location, Span
from byocni_lint.frontends import ClaimedFile, Unit
from byocni_lint.frontends.bicep import BICEP_KIND, PARAMETERS_KIND
from byocni_lint.frontends.bicep.syntax import Parsed
from byocni_lint.frontends.bicep.translate import Translator
from byocni_lint.frontends.bicep.using import USING, using_target
from byocni_lint.frontends.bicep.values import Lit, arm_text
from byocni_lint.frontends.run import Run
from byocni_lint.load.jsonc import JDict, Source
from byocni_lint.load.nodes import located_dict
from byocni_lint.model.values import Unknown

_MAX_MODULE_DEPTH = 16


class BicepReader:
    def __init__(self, run: Run) -> None:
        self.run = run
        self._texts: dict[Path, str | None] = {}
        self._trees: dict[Path, tuple[str, Parsed]] = {}
        self._reading: list[Path] = []
        self._key = run.real_path  # a file's identity: its real path

    def text(self, path: Path, display: str) -> str | None:
        key = self._key(path)
        if key not in self._texts:
            self._texts[key] = self.run.read_text(path, display)
        return self._texts[key]

    def note(self, message: str, source: Source, start: int, end: int) -> None:
        self.run.note(message, Location(source.path, source.span(start, end)))

    # ----- units -----
    def units(self, files: list[ClaimedFile]) -> Iterator[Unit]:
        templates = {self._key(f.path): f for f in files if f.kind == BICEP_KIND}
        parameter_files = {self._key(f.path): f for f in files if f.kind == PARAMETERS_KIND}
        paired: dict[Path, list[tuple[Path, str]]] = {}
        for claimed in parameter_files.values():
            target = self._using(claimed.path, claimed.display)
            if target is None:
                continue
            target_key = self._key(target)
            if not target.is_file():
                self._missing_using(claimed, target)
                continue
            if target_key not in templates:
                templates[target_key] = ClaimedFile(target, _beside(claimed.display, claimed.path, target), True, BICEP_KIND)
            paired.setdefault(target_key, []).append((claimed.path, claimed.display))
        for key, claimed in templates.items():
            self.run.kinds[claimed.display] = BICEP_KIND
            plans: list[tuple[Path, str] | None] = list(paired.get(key) or self._beside_parameters(claimed)) or [None]
            for plan in plans:
                if plan is not None:
                    self.run.kinds[plan[1]] = PARAMETERS_KIND
                yield Unit(claimed.display, self._builder(claimed, plan), format="bicep")

    def _missing_using(self, claimed: ClaimedFile, target: Path) -> None:
        text = self.text(claimed.path, claimed.display) or ""
        match = USING.search(text)
        source = Source(claimed.display, text)
        start, end = (match.start(1) - 1, match.end(1) + 1) if match else (0, 0)
        self.run.kinds[claimed.display] = PARAMETERS_KIND
        self.note(f"the Bicep file '{match.group(1) if match else target}' that this parameters file is `using` is "
                  "not found; its values were not linted", source, start, end)

    def _using(self, path: Path, display: str) -> Path | None:
        return using_target(path, self.text(path, display) or "")

    def _beside_parameters(self, claimed: ClaimedFile) -> list[tuple[Path, str]]:
        """`.bicepparam` files next to the template that name it, as ARM pairs parameters files."""
        found: list[tuple[Path, str]] = []
        try:
            names = sorted(os.listdir(claimed.path.parent or Path(".")))
        except OSError:
            return found
        for name in names:
            if name.lower().endswith(".bicepparam"):
                path = claimed.path.parent / name
                target = self._using(path, _beside(claimed.display, claimed.path, path))
                if target is not None and self._key(target) == self._key(claimed.path):
                    found.append((path, _beside(claimed.display, claimed.path, path)))
        return found

    def _builder(self, claimed: ClaimedFile, parameters: tuple[Path, str] | None):
        def build():
            text = self.text(claimed.path, claimed.display)
            if text is None:
                return None
            translator = self.translator(claimed.path, claimed.display, text)
            try:
                values = None
                if parameters is not None:
                    values = self._parameter_values(parameters, translator)
                elif getattr(self.run.options, "parameters", None):
                    values = self._arm_parameter_values(Path(self.run.options.parameters))
                template = translator.template()
            except RecursionError:
                self.run.problem("BYO903", "Bicep expressions nested too deeply to translate", Location(claimed.display))
                return None
            compiled = self._compiled(claimed, text, template, translator)
            if compiled is False:
                return None
            return self.run.arm_model(compiled or template, claimed.display, values, None,
                                      parameters[1] if parameters else None, format="bicep")
        return build

    def _compiled(self, claimed: ClaimedFile, text: str, ours: JDict, translator: Translator) -> JDict | None | bool:
        """The compiler's template located in the Bicep text; None without a compiler (ours is used);
        False when it rejected the file (reported as BYO902)."""
        from byocni_lint.frontends.bicep.compiler import compile_bicep, find_compiler

        command = find_compiler(self.run.options)
        if command is None:
            return None
        result = compile_bicep(command, claimed.path, text)
        if result.failure is not None:
            self.run.note(f"{result.failure}; linted with byocni-lint's own Bicep front end instead", Location(claimed.display))
            return None
        if result.json_text is None:
            for error in result.errors:
                shown = claimed.display if _same_file(error.file, claimed.path) else error.file
                self.run.problem("BYO902", f"{error.code}: {error.message}",
                                 Location(shown, Span(error.line, error.column, error.line, error.column + 1)))
            return False
        from byocni_lint.frontends.bicep.relocate import relocate
        from byocni_lint.load.jsonc import JsoncError, parse

        try:
            root = parse(result.json_text, claimed.display, int(self.run.limits["max_json_depth"]))
        except JsoncError as exc:
            self.run.note(f"the Bicep compiler's output is not JSON ({exc.message}); linted with byocni-lint's own "
                          "Bicep front end instead", Location(claimed.display))
            return None
        if not isinstance(root, JDict):
            return None
        relocate(root, ours, ours)
        declared = root.get("parameters")
        for name in translator.parameter_overrides:
            if isinstance(declared, dict) and isinstance(declared.get(name), dict):
                declared[name]["defaultValue"] = ours["parameters"][name]["defaultValue"]
        return root

    def translator(self, path: Path, display: str, text: str) -> Translator:
        def load_module(relative: str, outer: Translator) -> JDict | None:
            return self._module(path, display, relative, outer)
        return Translator(self._parsed(path, text), Source(display, text), load_module, self.note)

    def _parsed(self, path: Path, text: str) -> Parsed:
        """One syntax tree per file: a module called from several files (or twice from one) is parsed
        once; the tree is only read, never changed, by translation. Bicep files are few in a run."""
        key = self._key(path)
        held = self._trees.get(key)
        if held is None or held[0] is not text:
            held = self._trees[key] = (text, Parsed(text))
        return held[1]

    # ----- modules -----
    def _module(self, path: Path, display: str, relative: str, outer: Translator) -> JDict | None:
        target = path.parent / relative
        target_display = _beside(display, path, target)
        key = self._key(target)
        if key in self._reading or len(self._reading) >= _MAX_MODULE_DEPTH:
            return None
        if not target.is_file():
            outer.note_module(f"module file '{relative}' is not found; its resources and outputs are unknown")
            return None
        text = self.text(target, target_display)
        if text is None:
            return None
        if target.suffix.lower() in (".json", ".jsonc"):
            return self._json_module(text, target_display, outer)
        self._reading.append(key)
        try:
            return self.translator(target, target_display, text).template()
        finally:
            self._reading.pop()

    def _json_module(self, text: str, display: str, outer: Translator) -> JDict | None:
        """A module that is an ARM template (Bicep allows `module m 'x.json'`): read as ARM."""
        from byocni_lint.load.jsonc import JsoncError, parse

        try:
            root = parse(text, display, int(self.run.limits["max_json_depth"]))
        except JsoncError as exc:
            self.run.problem("BYO900", f"cannot parse JSON: {exc.message}", Location(display, Span(exc.line, exc.column, exc.line, exc.column + 1)))
            return None
        return root if isinstance(root, JDict) else None

    def _arm_parameter_values(self, path: Path) -> dict | None:
        """`--parameters azuredeploy.parameters.json`: an ARM parameters file pairs with Bicep as `az` allows."""
        from byocni_lint.load.jsonc import JsoncError, parse

        text = self.text(path, str(path))
        if text is None:
            return None
        try:
            root = parse(text, str(path), int(self.run.limits["max_json_depth"]))
        except JsoncError as exc:
            self.run.problem("BYO900", f"cannot parse JSON: {exc.message}", Location(str(path)))
            return None
        values = root.get("parameters") if isinstance(root, dict) else None
        return values if isinstance(values, dict) else None

    # ----- .bicepparam -----
    def _parameter_values(self, parameters: tuple[Path, str], template: Translator) -> dict | None:
        path, display = parameters
        text = self.text(path, display)
        if text is None:
            return None
        parsed = Parsed(text, parameters_file=True)
        source = Source(display, text)
        translator = Translator(parsed, source, None, self.note)
        bound: dict[str, str] = {}
        translator.bindings.append(bound)
        values = {}
        for statement in parsed.tree.root_node.named_children:
            if statement.type != "variable_declaration" or len(statement.named_children) < 2:
                if statement.type == "ERROR":
                    translator.note("Bicep syntax the grammar cannot parse in this parameters file", statement)
                continue
            name = translator.text(statement.named_children[0])
            value = translator.ex(statement.named_children[-1])
            if statement.start_byte not in parsed.param_starts:
                bound[name] = arm_text(value)
                continue
            if isinstance(value, Lit) and not _has_expression(value.node):
                values[name] = located_dict({"value": value.node}, source, value.start, value.end,
                                            {"value": (value.start, value.end)})
            elif "__bicep_unknown_" not in arm_text(value):
                # Computed (or holding computed members): evaluated as the template's default, since a
                # parameters file's values are never evaluated.
                template.parameter_overrides[name] = value
            else:
                values[name] = located_dict({"value": Unknown(f"the value of '{name}' in {display} is not evaluated")},
                                            source, value.start, value.end, {"value": (value.start, value.end)})
        return values


def _has_expression(node: object) -> bool:
    if isinstance(node, str):
        return node.startswith("[") and not node.startswith("[[")
    if isinstance(node, dict):
        return any(_has_expression(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_expression(v) for v in node)
    return False


def _same_file(shown: str, path: Path) -> bool:
    try:
        return Path(shown).resolve() == path.resolve()
    except (OSError, RuntimeError, ValueError):
        return False


def _beside(known_display: str, known: Path, other: Path) -> str:
    """Show a file found next to (or relative to) a named one the way the named one was shown."""
    base = Path(known_display).parent
    try:
        relative = os.path.relpath(other, known.parent)
    except ValueError:
        return str(other)
    return os.path.normpath(str(base / relative)) if str(base) != "." else os.path.normpath(relative)
