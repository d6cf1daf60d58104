"""What a front end may use while it reads: bounded file reading, problem reporting, the ARM evaluator.

The engine makes one `Run` per lint run and hands it to every front end. Keeping these services in one
small object is what lets a front end stay ignorant of the engine, and the engine of formats.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, TypeVar

from byocni_lint.findings import Finding, Location
from byocni_lint.load.files import FileProblem, decode_text, read_bytes, resolved

if TYPE_CHECKING:
    from byocni_lint.frontends import ClaimedFile
    from byocni_lint.evaluate.scope import RunBudget
    from byocni_lint.model import Model
    from byocni_lint.rulebook import RuleSpec
    from byocni_lint.suppress import Suppressions

UNRESOLVED = "BYO901"
_State = TypeVar("_State")


class Run:
    def __init__(self, rulebook: dict[str, "RuleSpec"], options: object, report: Callable[[Finding], None],
                 attempt: Callable) -> None:
        self.rulebook = rulebook
        self.options = options
        self.limits = rulebook["BYO903"].params
        self._report = report
        self.attempt = attempt
        """`attempt(path, stage, function, *args)`: run one stage; a bug there is recorded, not raised."""
        self.unreadable: set[str] = set()
        self.unsupported: list[str] = []  # named files that turned out to be no input we read
        self.kinds: dict[str, str] = {}  # display path -> kind label, for the summary
        self.suppressions: Suppressions | None = None  # the run's inline suppressions, set by the engine
        self.files_read: set[Path] = set()  # resolved paths, so --output can refuse to overwrite an input
        self.roots: list[Path] = []  # folders linked templates may come from (load.files.linted_roots)
        self.run_budget: RunBudget | None = None  # evaluate.scope.RunBudget shared by every evaluation (BYO903 max_run_steps)
        self.out_of_steps: dict[int, str] = {}  # id(template) -> the step limit its evaluation ran into
        self.rereading = False
        """Set while the engine reads files again to rebuild models for linking (engine `rebuild`): what
        they report was reported when they were first read, so work done only to report may be skipped."""
        self._real_paths: dict[Path, Path] = {}
        self._kept: dict[str, object] = {}

    def real_path(self, path: Path) -> Path:
        """`load.files.resolved(path)`, once per path in the run: each resolve is system calls per component,
        and a file is met again and again (discovery, pairing, reading, rebuilding for linking)."""
        real = self._real_paths.get(path)
        if real is None:
            real = self._real_paths[path] = resolved(path)
        return real

    def know_real_paths(self, files: Iterable[ClaimedFile]) -> None:
        """The real paths discovery worked out already (`ClaimedFile.real`), so none is resolved twice."""
        self._real_paths.update((claimed.path, claimed.real) for claimed in files if claimed.real is not None)

    def kept(self, name: str, build: Callable[[], _State]) -> _State:
        """A front end's state for the whole run (folder listings), built on first use: the engine makes
        a new reader each time it reads a group of files, and again when it rebuilds one for linking."""
        if name not in self._kept:
            self._kept[name] = build()
        return self._kept[name]  # type: ignore[return-value]

    # ----- files -----
    def read_text(self, path: Path, display: str) -> str | None:
        """The file's text, or None after reporting why it cannot be linted (BYO900/BYO903)."""
        self.files_read.add(self.real_path(path))
        try:
            data = read_bytes(path, int(self.limits["max_file_bytes"]))
        except FileProblem as problem:
            self.problem(problem.rule_id, problem.message, Location(display))
            return None
        try:
            text = decode_text(data)
        except UnicodeDecodeError as exc:
            self.problem("BYO900", f"file is not {exc.encoding.upper()} text (byte {exc.start})", Location(display))
            return None
        if self.suppressions is not None:
            self.suppressions.collect(display, text)  # every format's text passes here: suppress.py reads them
        return text

    def not_supported(self, display: str) -> None:
        """A file named on the command line that turned out to be no input any front end reads."""
        self.unsupported.append(display)

    # ----- findings -----
    def problem(self, rule_id: str, message: str, location: Location) -> None:
        """A file (or part of one) that could not be linted: BYO900/BYO902/BYO903."""
        if rule_id in ("BYO900", "BYO903"):
            self.unreadable.add(location.path)
        spec = self.rulebook[rule_id]
        self._report(Finding(rule_id, spec.severity, message, location, fingerprint_key=message))

    def note(self, message: str, location: Location, rules: tuple[str, ...] = ()) -> None:
        """A BYO901 note: something was not understood, so the rules that needed it could not decide."""
        spec = self.rulebook[UNRESOLVED]
        self._report(Finding(UNRESOLVED, spec.severity, message, location, fingerprint_key=message,
                             rules=rules))

    def add(self, finding: Finding) -> None:
        self._report(finding)

    # ----- the ARM evaluator, for every front end that produces ARM-shaped templates -----
    def arm_model(self, template: object, path: str, parameter_values: dict | None = None,
                  load_linked: Callable[[str], dict | None] | None = None,
                  parameters_source: str | None = None, format: str = "arm") -> "Model | None":
        from byocni_lint.frontends.arm.evaluation import model_of_template

        return model_of_template(self, template, path, parameter_values, load_linked, parameters_source, format)
