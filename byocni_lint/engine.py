"""Runs the pipeline, whatever the input formats: discover -> front ends -> models -> link -> checks -> dedupe.

The engine knows no format: front ends (frontends/) turn files into models, the run-wide linker
(model/link.py) resolves references across them, checks (checks/) turn each linked view into findings.
Context files (`--context`) are read for linking only: their own models are never checked and their
read problems are not reported, but a finding of a checked model may point into them (the delegation
in the unchanged network file is where the user must change something). A finding reported by several evaluations of the same file is kept once, and
BYO901 notes about the same value from several rules become one note naming every rule.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date

from byocni_lint.findings import Finding
from byocni_lint.rulebook import RuleSpec, load_rulebook

UNRESOLVED = "BYO901"
INPUT_PROBLEMS = ("BYO900", "BYO903")  # a file that could not be read is never "no findings"
ALWAYS_ON = ("BYO900", UNRESOLVED, "BYO902", "BYO903", "BYO904", "BYO905")  # not checks, but selectable and ignorable


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
    context: tuple[str, ...] = ()  # paths read for linking only (model/link.py), reported on only if given
    tf_dir: str | None = None  # Terraform: configuration folder of the plans (--tf-dir)
    tf_var_files: tuple[str, ...] = ()  # --tf-var-file, as terraform -var-file
    tf_vars: tuple[str, ...] = ()  # --tf-var NAME=VALUE, as terraform -var
    # From the settings file (config.py, configured_run.py):
    rule_params: dict = field(default_factory=dict)  # rule id -> {param: value} over the rule file's params
    parameter_map: dict = field(default_factory=dict)  # resolved template path -> [parameters file paths]
    path_filter: object = None  # pathfilter.PathFilter: excluded and git-ignored files are not read
    custom_rules: tuple = ()  # custom_rules.CustomRule from --rules-dir: checks written as data


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
        self.rulebook = {rule_id: replace(spec, params={**spec.params, **options.rule_params[rule_id]})
                         if rule_id in options.rule_params else spec
                         for rule_id, spec in load_rulebook().items()}
        checks = dict(registered_checks())
        for rule in options.custom_rules:
            self.rulebook[rule.spec.id] = rule.spec
            checks[rule.spec.id] = rule.check
        self.checks = {rule_id: fn for rule_id, fn in checks.items()
                       if rule_id in self.rulebook and selected(rule_id, options)}
        self.findings: dict[tuple, Finding] = {}
        self.unresolved: dict[tuple, tuple[Finding, set[str]]] = {}
        self.internal_errors: list[str] = []
        self.report_only: dict[int, frozenset[str] | None] = {}  # model id -> files its rule findings may be in (Unit.report_only)

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
        """Lint `paths`; `started(total)` once the files are known, `advance(n)` as n more are done.

        One process: every model is linked against every other file of the run (model/link.py), and a
        model cannot yet cross to another process (its fields hold closures); shards linked apart would
        judge split deployments differently from one process."""
        from byocni_lint.discover import discover
        from byocni_lint.frontends import frontends
        from byocni_lint.frontends.run import Run
        from byocni_lint.suppress import Suppressions
        from byocni_lint.load.files import linted_roots
        from byocni_lint.model.link import RunLinker

        fronts = frontends()
        found = discover(paths, fronts, self.options.path_filter)
        run = Run(self.rulebook, self.options, self.add, self.attempt)
        suppressions = run.suppressions = Suppressions()
        run.roots = linted_roots(paths)
        for folder in found.unreadable_folders:
            from byocni_lint.findings import Location

            run.problem("BYO900", "cannot read folder: permission denied or not a folder", Location(folder))
        for claimed in (c for files in found.claimed.values() for c in files):
            run.kinds[claimed.display] = claimed.kind
        if started is not None:
            started(sum(len(files) for files in found.claimed.values()))
        checked = self.build(fronts, found.claimed, run, advance)
        context, missing_context = self.context(fronts, found, checked)
        linker = RunLinker([model for model, _ in checked] + context)
        models = []
        for model, display in checked:
            view = self.attempt(display, "linking", linker.view, model) or model
            self.check(view, display, self.report_only.get(id(model)))
            if self.keep_models:
                models.append(view)
        for display in run.unsupported:
            run.kinds.pop(display, None)
        unreadable = {path for path in run.unreadable if path not in run.kinds}
        kinds = Counter(run.kinds.values())
        findings = [*self.findings.values(), *self.merged_notes()]
        rules_run = {rule.id for rule in self.rules_run()}
        # A total order, so that ties of the reported key never depend on the order files were read in.
        findings = sorted((f for f in suppressions.apply(findings, set(self.rulebook), rules_run)
                           if selected(f.rule_id, self.options)),
                          key=lambda f: (*f.sort_key(), f.location.span or (), f.resource or "", f.property or ""))
        clusters = sum(1 for model, _ in checked for cluster in model.clusters if cluster.is_byocni)
        return LintRun(findings, self.rules_run(), sum(kinds.values()) + len(unreadable),
                       [*found.missing, *missing_context], self.internal_errors, dict(kinds),
                       found.skipped_by_suffix(), [*found.unsupported, *run.unsupported], clusters, models,
                       files_read=frozenset(run.files_read), context_files=len(context),
                       read=dict(sorted(run.kinds.items())))

    def build(self, fronts, claimed: dict, run, advance: Callable[[int], None] | None = None) -> list[tuple]:
        """Every unit's model with the file it is about, in front-end order. Units are built as the
        front end yields them, so it can drop each parse tree once its unit is built: only models stay."""
        built = []
        for front in fronts:
            files = claimed.get(front.name)
            if not files:
                continue
            done = 0
            for unit in self._units(front, files, run):
                model = self.attempt(unit.display, "evaluation", unit.build)
                if advance is not None and done < len(files):
                    done += 1
                    advance(1)
                if model is not None:
                    model.format = unit.format
                    self.report_only[id(model)] = unit.report_only
                    built.append((model, unit.display))
            if advance is not None and done < len(files):
                advance(len(files) - done)
        return built

    def _units(self, front, files: list, run) -> Iterator:
        """The front end's units one at a time; a bug while reading is recorded like any other stage."""
        units = iter(self.attempt(files[0].display, f"reading {front.name} files", front.read, files, run) or ())
        while True:
            unit = self.attempt(files[0].display, f"reading {front.name} files", next, units, None)
            if unit is None:
                return
            yield unit

    def context(self, fronts, found, checked: list[tuple]) -> tuple[list, list[str]]:
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
        seen = {_unit_key(model) for model, _ in checked}
        models = [model for model, _ in self.build(fronts, claimed, quiet) if _unit_key(model) not in seen]
        return models, extra.missing

    def check(self, model, display: str, report_only: frozenset[str] | None = None) -> None:
        from os.path import normpath

        from byocni_lint.checks.context import CheckContext

        for rule_id, check_function in self.checks.items():
            context = CheckContext(self.rulebook[rule_id], self.options.today, model.format,
                                   limits=self.rulebook["BYO903"].params)
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
            self.internal_errors.append(f"{path}: {stage} failed: {type(exc).__name__}: {exc}")
            return None


def _resolved(display: str | None) -> str | None:
    from pathlib import Path

    return str(Path(display).resolve()) if display else None


def _unit_key(model) -> tuple:
    """One evaluation of a template with a parameters file, wherever the files were named from."""
    return _resolved(model.source), _resolved(model.parameters_source)


def lint_paths(paths: list[str], options: Options | None = None, keep_models: bool = False,
               advance: Callable[[int], None] | None = None, started: Callable[[int], None] | None = None) -> LintRun:
    return _Linter(options or Options(), keep_models).run(paths, advance, started)
