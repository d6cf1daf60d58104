"""Runs the pipeline, whatever the input formats: discover -> front ends -> models -> link -> checks -> dedupe.

The engine knows no format: front ends (frontends/) turn files into models, the run-wide linker
(model/link.py) resolves references across them, checks (checks/) turn each linked view into findings.
A model whose node pools leave no reference open is its own view, so it is checked as soon as it is
built and only its `Declarations` are kept; the few that leave references open are linked and checked
once every file is read (`_Linter.link`). Groups of files may be read in worker processes
(parallel.py): the report does not depend on it.
Context files (`--context`) are read for linking only: their own models are never checked and their
read problems are not reported, but a finding of a checked model may point into them (the delegation
in the unchanged network file is where the user must change something). A finding reported by
several evaluations of the same file is kept once, and BYO901 notes about the same value from several
rules become one note naming every rule.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from byocni_lint.findings import Finding
from byocni_lint.frontends import group_of
from byocni_lint.rulebook import RuleSpec, load_rulebook

if TYPE_CHECKING:
    from byocni_lint.model import Model
    from byocni_lint.model.link import Declarations

UNRESOLVED = "BYO901"
INPUT_PROBLEMS = ("BYO900", "BYO903")  # a file that could not be read is never "no findings"
ALWAYS_ON = ("BYO900", UNRESOLVED, "BYO902", "BYO903", "BYO904", "BYO905")  # not checks, but selectable and ignorable


@dataclass
class Options:
    """What the user asked for, from the command line and the settings files (configured_run.py)."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    parameters: str | None = None
    today: date = field(default_factory=date.today)
    debug: bool = False  # re-raise internal errors instead of recording them
    bicep: str | None = None  # the Bicep compiler named with --bicep
    no_bicep_cli: bool = False  # our own Bicep front end even when a compiler is found
    check_installed_cli: bool = False  # also judge the local `az` (az version -o json) for BYO002
    context: tuple[str, ...] = ()  # paths read for linking only (model/link.py), reported on only if given
    tf_dir: str | None = None  # Terraform: configuration folder of the plans (--tf-dir)
    tf_var_files: tuple[str, ...] = ()  # --tf-var-file, as terraform -var-file
    tf_vars: tuple[str, ...] = ()  # --tf-var NAME=VALUE, as terraform -var
    # From the settings file (config.py, configured_run.py):
    rule_params: dict = field(default_factory=dict)  # rule id -> {param: value} over the rule file's params
    parameter_map: dict = field(default_factory=dict)  # resolved template path -> [parameters file paths]
    path_filter: object = None  # pathfilter.PathFilter: excluded and git-ignored files are not read
    custom_rules: tuple = ()  # custom_rules.CustomRule from --rules-dir: checks written as data
    jobs: int = 1  # worker processes for runs over many files (parallel.py); 1: this process only


@dataclass
class LintRun:
    """What a run found and read: all the reporters and the exit code need."""

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
    context_files: int = 0  # files read only as context for linking
    read: dict[str, str] = field(default_factory=dict)  # display path -> kind it was read as (--verbose)


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
        self.rulebook = {rule_id: spec._replace(params={**spec.params, **options.rule_params[rule_id]})
                         if rule_id in options.rule_params else spec
                         for rule_id, spec in load_rulebook().items()}
        checks = dict(registered_checks())
        for rule in options.custom_rules:
            self.rulebook[rule.spec.id] = rule.spec
            checks[rule.spec.id] = rule.check
        self.checks = {rule_id: fn for rule_id, fn in checks.items()
                       if rule_id in self.rulebook and selected(rule_id, options)}
        self.prepared: dict = {}  # CheckContext.prepared: rule params parsed once per run
        self.findings: dict[tuple, Finding] = {}
        self.unresolved: dict[tuple, tuple[Finding, set[str]]] = {}
        self.internal_errors: list[str] = []
        self.entries: list[_Entry] = []  # every model built from the given files, as linking sees it
        self.models: list[tuple[tuple, object]] = []  # (order, checked view), kept only when asked (--format model)
        self.groups: dict[tuple[int, str | None], list] = {}  # see _file_groups
        self.ranks: dict[tuple[int, str | None], int] = {}  # group -> its place in self.groups
        self.clusters = 0  # BYOCNI clusters in the given files
        self.missing_context: list[str] = []
        self.context_files = 0

    def rules_run(self) -> list[RuleSpec]:
        ids = set(self.checks) | {r for r in ALWAYS_ON if selected(r, self.options)}
        return [self.rulebook[rule_id] for rule_id in sorted(ids) if rule_id in self.rulebook]

    def add(self, finding: Finding) -> None:
        if not selected(finding.rule_id, self.options):
            return
        span = finding.location.span
        # Two evaluations may report one finding (a linked template read by two templates): the one
        # kept must not depend on which was read first, or worker processes would change the report.
        if finding.rule_id == UNRESOLVED:
            place = (finding.location.path, span, finding.message)
            held, rules = self.unresolved.get(place, (None, set()))
            rules.update(finding.rules)
            self.unresolved[place] = (_first(finding, held), rules)
            return
        key = (finding.rule_id, finding.location.path, span, finding.message)
        self.findings[key] = _first(finding, self.findings.get(key))

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
        """Lint `paths`; `started(total)` once the files are known, `advance(n)` as n more are done.

        A model that leaves no reference open is checked as soon as it is built and dropped: what is
        kept of it is its `Declarations`. Once every file is read, the models that linking could need
        are built again (model/link.py `needed`) and those that leave references open are linked and
        checked. So memory stays flat, and groups of files can be read in worker processes (parallel.py)
        with the same result as one process."""
        from byocni_lint import parallel
        from byocni_lint.discover import discover
        from byocni_lint.frontends import frontends
        from byocni_lint.load.files import linted_roots

        fronts = frontends()
        found = discover(paths, fronts, self.options.path_filter)
        run = self.new_run(linted_roots(paths))
        for folder in found.unreadable_folders:
            from byocni_lint.findings import Location

            run.problem("BYO900", "cannot read folder: permission denied or not a folder", Location(folder))
        for claimed in (c for files in found.claimed.values() for c in files):
            run.kinds[claimed.display] = claimed.kind
        if started is not None:
            started(sum(len(files) for files in found.claimed.values()))
        self.groups = _file_groups(found.claimed, fronts)
        self.ranks = {key: rank for rank, key in enumerate(self.groups)}
        pooled = parallel.pooled(self.options.jobs, self.groups) if not self.keep_models else set()
        shards = None
        if pooled:
            # The first group is read here before the workers fork: they inherit every module and
            # shipped table it loaded instead of each importing them again.
            first = next(key for key in self.groups if key[0] in pooled)
            self.read(first[0], fronts[first[0]], self.groups[first], run, advance)
            rest = {key: files for key, files in self.groups.items() if key != first}
            shards = parallel.start(self.options, rest, pooled, run.roots)
        for index, front in enumerate(fronts):
            files = found.claimed.get(front.name)
            if files and index not in pooled:
                self.read(index, front, files, run, advance)
        if shards is not None:
            for partial in shards.results(advance, self.read_in_process(fronts, run)):
                self.merge(partial, run)
        self.link(fronts, found, run)
        for display in run.unsupported:
            run.kinds.pop(display, None)
        unreadable = {path for path in run.unreadable if path not in run.kinds}
        kinds = Counter(run.kinds.values())
        findings = [*self.findings.values(), *self.merged_notes()]
        rules_run = {rule.id for rule in self.rules_run()}
        # A total order, so that ties of the reported key never depend on the order files were read in.
        findings = sorted((f for f in run.suppressions.apply(findings, set(self.rulebook), rules_run)
                           if selected(f.rule_id, self.options)),
                          key=lambda f: (*f.sort_key(), f.location.span or (), f.resource or "", f.property or ""))
        models = [model for _, model in sorted(self.models, key=lambda pair: pair[0])]
        return LintRun(findings, self.rules_run(), sum(kinds.values()) + len(unreadable),
                       [*found.missing, *self.missing_context], self.internal_errors, dict(kinds),
                       found.skipped_by_suffix(), [*found.unsupported, *run.unsupported], self.clusters, models,
                       files_read=frozenset(run.files_read), context_files=self.context_files,
                       read=dict(sorted(run.kinds.items())))

    def read(self, index: int, front, files: list, run, advance: Callable[[int], None] | None = None) -> None:
        """Build every unit of one front end's files; check at once each model that leaves nothing open
        (its view is itself, whatever the other files say) and keep its `Declarations` for linking.
        Only the models of a front end without groups are kept (they cannot be read again alone)."""
        from byocni_lint.model.link import Declarations

        groups: Counter[str | None] = Counter()
        run.know_real_paths(files)
        known = {group_of(front, claimed.display) for claimed in files}
        done = 0
        for unit in self._units(front, files, run):
            group = group_of(front, unit.display)
            if group not in known:
                group = None  # not a group of these files (a path shown two ways): kept, not read again
            position = groups[group]
            groups[group] += 1
            model = self.attempt(unit.display, "evaluation", unit.build)
            if advance is not None and done < len(files):
                done += 1
                advance(1)
            if model is None:
                continue
            model.format = unit.format
            self.clusters += sum(1 for cluster in model.clusters if cluster.is_byocni)
            declarations = self.attempt(unit.display, "linking", Declarations.of, model) or Declarations()
            entry = _Entry(declarations, index, group, position, unit.display, unit.report_only,
                           _unit_key(model) if self.options.context else None,
                           model if group is None else None)
            self.entries.append(entry)
            if not declarations.leaves_open:
                self.check(model, unit.display, unit.report_only)
                self.keep(entry, model)
        if advance is not None and done < len(files):
            advance(len(files) - done)

    def new_run(self, roots: list[Path]):
        """The services front ends use (frontends/run.py), reporting into this linter."""
        from byocni_lint.frontends.run import Run
        from byocni_lint.suppress import Suppressions

        run = Run(self.rulebook, self.options, self.add, self.attempt)
        run.suppressions = Suppressions()
        run.roots = roots
        return run

    def read_in_process(self, fronts, run) -> Callable[[list], None]:
        """What the pool falls back on when a worker dies: the shard's groups read here instead."""
        def read_shard(shard: list) -> None:
            for index, files in shard:
                self.read(index, fronts[index], files, run)
        return read_shard

    def keep(self, entry: "_Entry", model) -> None:
        if self.keep_models:
            self.models.append((self.order(entry), model))

    def order(self, entry: "_Entry") -> tuple[int, int, int]:
        """One order of models whichever process built them: front end, its group's first file, unit."""
        return entry.front, self.ranks.get((entry.front, entry.group), -1), entry.position

    def link(self, fronts, found, run) -> None:
        """Link and check the models that leave references open, against every model linking may need:
        those kept, those of the context files, and those built again for it (each group once)."""
        from byocni_lint.model.link import Declarations, RunLinker, needed

        context, self.missing_context = self.context(fronts, found)
        self.context_files = len(context)
        self.entries.sort(key=self.order)
        if not any(entry.declarations.leaves_open for entry in self.entries):
            return
        extra = [self.attempt(model.source, "linking", Declarations.of, model) or Declarations() for model in context]
        wanted = needed([entry.declarations for entry in self.entries] + extra)
        entries = [entry for index, entry in enumerate(self.entries) if index in wanted]
        models = self.rebuild(fronts, found, run, [entry for entry in entries if entry.model is None])
        linker = RunLinker([model for entry in self.entries if (model := entry.model or models.get(entry.key))]
                           + context)
        for entry in entries:
            model = entry.model or models.get(entry.key)
            if model is None or not entry.declarations.leaves_open:
                continue
            view = self.attempt(entry.display, "linking", linker.view, model) or model
            self.check(view, entry.display, entry.report_only)
            self.keep(entry, view)

    def rebuild(self, fronts, found, run, entries: list["_Entry"]) -> dict[tuple, Model]:
        """The models of `entries` built again, by reading each one's group alone (FrontEnd.group)."""
        positions: dict[tuple[int, str | None], set[int]] = {}
        for entry in entries:
            positions.setdefault((entry.front, entry.group), set()).add(entry.position)
        models: dict[tuple, Model] = {}
        run.rereading = True
        try:
            for (index, group), wanted in positions.items():
                for position, unit in enumerate(self._units(fronts[index], self.groups[(index, group)], run)):
                    if position in wanted:
                        model = self.attempt(unit.display, "evaluation", unit.build)
                        if model is not None:
                            model.format = unit.format
                            models[(index, group, position)] = model
        finally:
            run.rereading = False
        return models

    def merge(self, partial, run) -> None:
        """Add a worker's results as this process would have added them itself (parallel.py)."""
        for finding in partial.findings:
            self.add(finding)
        for _, (first, rules) in partial.unresolved.items():
            self.add(replace(first, rules=tuple(sorted({*first.rules, *rules}))))
        for error in partial.internal_errors:
            self.record(error)
        run.kinds.update(partial.kinds)
        run.unreadable |= partial.unreadable
        run.unsupported += partial.unsupported
        run.files_read |= partial.files_read
        run.suppressions.merge(partial.suppressions)
        self.clusters += partial.clusters
        self.entries += partial.entries

    def _units(self, front, files: list, run) -> Iterator:
        """The front end's units one at a time; a bug while reading is recorded like any other stage."""
        units = iter(self.attempt(files[0].display, f"reading {front.name} files", front.read, files, run) or ())
        while True:
            unit = self.attempt(files[0].display, f"reading {front.name} files", next, units, None)
            if unit is None:
                return
            yield unit

    def context(self, fronts, found) -> tuple[list, list[str]]:
        """Models of the context files for linking, without those already read as given paths; what
        the context files report about themselves is dropped (they are not among the paths given)."""
        if not self.options.context:
            return [], []
        from byocni_lint.discover import discover
        from byocni_lint.frontends.run import Run
        from byocni_lint.load.files import linted_roots

        given = {_resolved(c.display) for files in found.claimed.values() for c in files}
        extra = discover(list(self.options.context), fronts)
        claimed = {name: [c for c in files if _resolved(c.display) not in given]
                   for name, files in extra.claimed.items()}
        # `--parameters` is for the templates given, not for the context's own templates.
        quiet = Run(self.rulebook, replace(self.options, parameters=None), lambda finding: None, self.attempt)
        quiet.roots = linted_roots(list(self.options.context))
        seen = {entry.unit_key for entry in self.entries}
        models = []
        for front in fronts:
            for unit in self._units(front, claimed[front.name], quiet) if claimed.get(front.name) else ():
                model = self.attempt(unit.display, "evaluation", unit.build)
                if model is not None and _unit_key(model) not in seen:
                    model.format = unit.format
                    models.append(model)
        return models, extra.missing

    def check(self, model, display: str, report_only: frozenset[str] | None = None) -> None:
        from os.path import normpath

        from byocni_lint.checks.context import CheckContext

        for rule_id, check_function in self.checks.items():
            context = CheckContext(self.rulebook[rule_id], self.options.today, model.format,
                                   limits=self.rulebook["BYO903"].params, run_cache=self.prepared)
            self.attempt(display, rule_id, check_function, model, context)
            for finding in context.findings:
                if report_only is None or normpath(finding.location.path) in report_only:
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
            self.record(f"{path}: {stage} failed: {type(exc).__name__}: {exc}")
            return None

    def record(self, error: str) -> None:
        """An internal error, once (a group read again for linking meets its bugs again)."""
        if error not in self.internal_errors:
            self.internal_errors.append(error)


class _Entry(NamedTuple):
    """One built model as the run keeps it: what linking needs to know of it, and how to build it again
    (its front end, the group of files it came from, and its place among the group's units)."""

    declarations: Declarations
    front: int  # index of the front end
    group: str | None  # FrontEnd.group of its files; None: the model itself is kept
    position: int  # among the units its front end made of the group
    display: str
    report_only: frozenset[str] | None
    unit_key: tuple | None  # (template, parameters file), resolved; only with --context
    model: Model | None = None  # kept when it cannot be built again alone (group None)

    @property
    def key(self) -> tuple:
        return self.front, self.group, self.position


def _file_groups(claimed: dict, fronts: list) -> dict[tuple[int, str | None], list]:
    """(front end, FrontEnd.group) -> its files, in the run's order of files (and of first files):
    worked out once per run for ordering entries, reading a group again and sharding the pool."""
    groups: dict[tuple[int, str | None], list] = {}
    for index, front in enumerate(fronts):
        for file in claimed.get(front.name, ()):
            groups.setdefault((index, group_of(front, file.display)), []).append(file)
    return groups


def _first(finding: Finding, held: Finding | None) -> Finding:
    """Of two reports of one finding, the one that sorts first by everything the report may show."""
    if held is None:
        return finding
    return min(held, finding, key=lambda f: (f.fingerprint_key, f.resource or "", f.property or "", f.fix or "",
                                             f.rules, tuple(str(location) for location in f.related)))


def _resolved(display: str | None) -> str | None:
    return str(Path(display).resolve()) if display else None


def _unit_key(model) -> tuple:
    """One evaluation of a template with a parameters file, wherever the files were named from."""
    return _resolved(model.source), _resolved(model.parameters_source)


def lint_paths(paths: list[str], options: Options | None = None, keep_models: bool = False,
               advance: Callable[[int], None] | None = None, started: Callable[[int], None] | None = None) -> LintRun:
    return _Linter(options or Options(), keep_models).run(paths, advance, started)
