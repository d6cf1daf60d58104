"""Runs the pipeline, whatever the input formats: discover -> front ends -> model -> checks -> dedupe.

The engine knows no format: front ends (frontends/) turn files into models, checks (checks/) turn
models into findings. A finding reported by several evaluations of the same file is kept once, and
BYO901 notes about the same value from several rules become one note naming every rule.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from byocni_lint.findings import Finding
from byocni_lint.rulebook import RuleSpec, load_rulebook

if TYPE_CHECKING:
    from byocni_lint.frontends import ClaimedFile, FrontEnd
    from byocni_lint.frontends.run import Run
    from byocni_lint.parallel import Partial

UNRESOLVED = "BYO901"
INPUT_PROBLEMS = ("BYO900", "BYO903")  # a file that could not be read is never "no findings"
ALWAYS_ON = ("BYO900", UNRESOLVED, "BYO902", "BYO903", "BYO905")  # not checks, but selectable and ignorable


@dataclass
class Options:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    parameters: str | None = None
    today: date = field(default_factory=date.today)
    debug: bool = False  # re-raise internal errors instead of recording them
    bicep: str | None = None  # the Bicep compiler named with --bicep
    no_bicep_cli: bool = False  # our own Bicep front end even when a compiler is found
    check_installed_cli: bool = False  # also judge the local `az` (az version -o json) for BYO002
    jobs: int = 1  # worker processes for runs over many files (see parallel.py); 1: in-process


@dataclass
class LintRun:
    findings: list[Finding]
    rules: list[RuleSpec]
    files_linted: int
    missing_paths: list[str] = field(default_factory=list)
    internal_errors: list[str] = field(default_factory=list)  # bugs met on the way; the CLI exits 2
    kinds: dict[str, int] = field(default_factory=dict)  # "ARM template" -> files read as that
    skipped: dict[str, int] = field(default_factory=dict)  # suffix -> files under folders nobody reads
    unsupported: list[str] = field(default_factory=list)  # named files that no front end reads
    clusters: int = 0  # BYOCNI clusters found
    models: list = field(default_factory=list)  # kept only when asked (--format model)
    files_read: frozenset = frozenset()  # resolved paths of every file read, which --output must not be


def selected(rule_id: str, options: Options) -> bool:
    """ruff-style selection: ids or prefixes (`BYO00`); ignore wins over select; `--select` never hides
    a file that could not be read (only `--ignore` can)."""
    if any(rule_id.startswith(prefix) for prefix in options.ignore):
        return False
    if rule_id in INPUT_PROBLEMS:
        return True
    return not options.select or any(rule_id.startswith(prefix) for prefix in options.select)


class _Linter:
    def __init__(self, options: Options, keep_models: bool) -> None:
        from byocni_lint.checks import registered_checks

        self.options = options
        self.keep_models = keep_models
        self.rulebook = load_rulebook()
        self.checks = {rule_id: fn for rule_id, fn in registered_checks().items()
                       if rule_id in self.rulebook and selected(rule_id, options)}
        self.findings: dict[tuple, Finding] = {}
        self.unresolved: dict[tuple, tuple[Finding, set[str]]] = {}
        self.internal_errors: list[str] = []
        self.clusters = 0  # BYOCNI clusters found
        self.models: list = []

    def rules_run(self) -> list[RuleSpec]:
        ids = set(self.checks) | {r for r in ALWAYS_ON if selected(r, self.options)}
        return [self.rulebook[rule_id] for rule_id in sorted(ids) if rule_id in self.rulebook]

    def add(self, finding: Finding) -> None:
        if not selected(finding.rule_id, self.options):
            return
        span = finding.location.span
        if finding.rule_id == UNRESOLVED:
            self.unresolved.setdefault((finding.location.path, span, finding.message), (finding, set()))[1].update(finding.rules)
            return
        self.findings.setdefault((finding.rule_id, finding.location.path, span, finding.message), finding)

    def merged_notes(self) -> list[Finding]:
        """One note per unresolved value, naming every rule that needed it."""
        notes = []
        for first, rules in self.unresolved.values():
            named = ", ".join(sorted(rules))
            message = f"{named} could not check {first.message}" if rules else first.message
            notes.append(replace(first, message=message, rules=tuple(sorted(rules)),
                                 fingerprint_key=f"{first.fingerprint_key}|{first.message}"))
        return notes

    def run(self, paths: list[str], advance: Callable[[int], None] | None = None,
            started: Callable[[int], None] | None = None) -> LintRun:
        """Lint `paths`; `started(total)` once the files are known, `advance(n)` as n more are done."""
        from byocni_lint import parallel
        from byocni_lint.discover import discover
        from byocni_lint.frontends import frontends
        from byocni_lint.frontends.run import Run
        from byocni_lint.load.files import linted_roots

        fronts = frontends()
        found = discover(paths, fronts)
        run = Run(self.rulebook, self.options, self.add, self.attempt)
        run.roots = linted_roots(paths)
        for folder in found.unreadable_folders:
            from byocni_lint.findings import Location

            run.problem("BYO900", "cannot read folder: permission denied or not a folder", Location(folder))
        for claimed in (c for files in found.claimed.values() for c in files):
            run.kinds[claimed.display] = claimed.kind
        total = sum(len(files) for files in found.claimed.values())
        if started is not None:
            started(total)
        if not self.keep_models and parallel.use_pool(self.options.jobs, total):
            for partial in parallel.lint_in_pool(self.options, fronts, found.claimed, self.options.jobs, advance,
                                                  run.roots):
                self.merge(partial, run)
        else:
            for front in fronts:
                files = found.claimed.get(front.name)
                if files:
                    self.lint_files(front, files, run, advance)
        for display in run.unsupported:
            run.kinds.pop(display, None)
        unreadable = {path for path in run.unreadable if path not in run.kinds}
        kinds = Counter(run.kinds.values())
        # A total order: ties of the reported key keep no trace of which process found them first.
        findings = sorted([*self.findings.values(), *self.merged_notes()],
                          key=lambda f: (*f.sort_key(), f.location.span or (), f.resource or "", f.property or ""))
        return LintRun(findings, self.rules_run(), sum(kinds.values()) + len(unreadable), found.missing,
                       self.internal_errors, dict(kinds), found.skipped_by_suffix(),
                       [*found.unsupported, *run.unsupported], self.clusters, self.models,
                       frozenset(run.files_read))

    def lint_files(self, front: FrontEnd, files: list[ClaimedFile], run: Run,
                   advance: Callable[[int], None] | None = None) -> None:
        """Build and check each unit as the front end yields it: once checked, nothing of the unit is
        kept (the front end drops its parse trees), so memory stays flat however many files there are."""
        done = 0
        for unit in self._units(front, files, run):
            model = self.attempt(unit.display, "evaluation", unit.build)
            if advance is not None and done < len(files):
                done += 1
                advance(1)
            if model is None:
                continue
            model.format = unit.format
            self.clusters += sum(1 for cluster in model.clusters if cluster.is_byocni)
            self.check(model, unit.display)
            if self.keep_models:
                self.models.append(model)
        if advance is not None and done < len(files):
            advance(len(files) - done)

    def _units(self, front: FrontEnd, files: list[ClaimedFile], run: Run) -> Iterator:
        """The front end's units one at a time; a bug while reading is recorded like any other stage."""
        units = iter(self.attempt(files[0].display, f"reading {front.name} files", front.read, files, run) or ())
        while True:
            unit = self.attempt(files[0].display, f"reading {front.name} files", next, units, None)
            if unit is None:
                return
            yield unit

    def partial(self, run: Run) -> Partial:
        """This process's results for a parent process to merge (see parallel.py)."""
        from byocni_lint.parallel import Partial

        return Partial(list(self.findings.values()),
                       [(key, first, rules) for key, (first, rules) in self.unresolved.items()],
                       list(self.internal_errors), dict(run.kinds), set(run.unreadable), list(run.unsupported),
                       self.clusters, set(run.files_read))

    def merge(self, partial: Partial, run: Run) -> None:
        """Add a shard's results as this process would have added them itself."""
        for finding in partial.findings:
            self.findings.setdefault((finding.rule_id, finding.location.path, finding.location.span,
                                      finding.message), finding)
        for key, first, rules in partial.unresolved:
            self.unresolved.setdefault(key, (first, set()))[1].update(rules)
        self.internal_errors += partial.internal_errors
        run.kinds.update(partial.kinds)
        run.unreadable |= partial.unreadable
        run.unsupported += partial.unsupported
        run.files_read |= partial.files_read
        self.clusters += partial.clusters

    def check(self, model, display: str) -> None:
        from byocni_lint.checks.context import CheckContext

        for rule_id, check_function in self.checks.items():
            context = CheckContext(self.rulebook[rule_id], self.options.today, model.format,
                                   limits=self.rulebook["BYO903"].params)
            self.attempt(display, rule_id, check_function, model, context)
            for finding in context.findings:
                self.add(finding)

    def attempt(self, path: str, stage: str, function, *args):
        """Run one stage for one file; a bug met there must not stop the other files and rules, so it is
        recorded (the CLI reports it and exits 2) unless --debug asks for the traceback."""
        from byocni_lint.checks.context import CheckLimitExceeded

        try:
            return function(*args)
        except CheckLimitExceeded as exc:
            self.add(Finding("BYO903", self.rulebook["BYO903"].severity, str(exc), exc.location,
                             fingerprint_key=str(exc)))
            return None
        except Exception as exc:  # noqa: BLE001 - anything here is our bug: recorded, never silent
            if self.options.debug:
                raise
            self.internal_errors.append(f"{path}: {stage} failed: {type(exc).__name__}: {exc}")
            return None


def lint_paths(paths: list[str], options: Options | None = None, keep_models: bool = False,
               advance: Callable[[int], None] | None = None, started: Callable[[int], None] | None = None) -> LintRun:
    return _Linter(options or Options(), keep_models).run(paths, advance, started)


def lint_shard(options: Options, shard: list[tuple[int, list[ClaimedFile]]], roots: list | None = None) -> Partial:
    """A worker process's job: lint one shard, given as (front-end index, its files) pairs (parallel.py)."""
    from byocni_lint.frontends import frontends
    from byocni_lint.frontends.run import Run

    linter = _Linter(options, keep_models=False)
    fronts = frontends()
    run = Run(linter.rulebook, options, linter.add, linter.attempt)
    run.roots = list(roots or ())  # the parent's linted folders: linked templates may come from them only
    for index, files in shard:
        linter.lint_files(fronts[index], files, run)
    return linter.partial(run)
