"""Runs the pipeline for a set of paths: discover, load, evaluate, model, checks; returns findings.

Each template is evaluated once per parameters file paired with it (or once on its own defaults),
and a finding reported by several evaluations of the same file is kept once.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from byocni_lint.discover import Candidate, FolderIndex, discover, parameter_files_for, template_for_parameters
from byocni_lint.findings import Finding, Location, Severity
from byocni_lint.load.documents import ARM_PARAMETERS, ARM_TEMPLATE, Document, LoadProblem, read_document
from byocni_lint.rulebook import RuleSpec, load_rulebook

UNRESOLVED = "BYO901"
_ALWAYS_ON = ("BYO900", UNRESOLVED, "BYO903", "BYO904")  # input and evaluation problems: not checks, but selectable


@dataclass
class Options:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    parameters: str | None = None
    today: date = field(default_factory=date.today)
    debug: bool = False  # re-raise internal errors instead of recording them
    # From the settings file (config.py):
    rule_params: dict = field(default_factory=dict)  # rule id -> {param: value} over the rule file's params
    parameter_map: dict = field(default_factory=dict)  # resolved template path -> [parameters file paths]
    path_filter: object = None  # pathfilter.PathFilter: excluded and git-ignored files are not read


@dataclass
class LintRun:
    findings: list[Finding]
    rules: list[RuleSpec]
    files_linted: int
    missing_paths: list[str] = field(default_factory=list)
    internal_errors: list[str] = field(default_factory=list)  # bugs met on the way; the CLI exits 2


def selected(rule_id: str, options: Options) -> bool:
    """ruff-style selection: ids or prefixes (`BYO00`); ignore wins over select."""
    if any(rule_id.startswith(prefix) for prefix in options.ignore):
        return False
    return not options.select or any(rule_id.startswith(prefix) for prefix in options.select)


class _Linter:
    def __init__(self, options: Options) -> None:
        from byocni_lint.checks import registered_checks

        self.options = options
        self.rulebook = {rule_id: replace(spec, params={**spec.params, **options.rule_params[rule_id]})
                         if rule_id in options.rule_params else spec
                         for rule_id, spec in load_rulebook().items()}
        limits = self.rulebook["BYO903"].params
        self.max_bytes = int(limits.get("max_file_bytes", 20_000_000))
        self.max_depth = int(limits.get("max_json_depth", 200))
        self.limits = limits
        self.checks = {rule_id: fn for rule_id, fn in registered_checks().items()
                       if rule_id in self.rulebook and selected(rule_id, options)}
        self.findings: dict[tuple, Finding] = {}
        self.unresolved: dict[tuple, tuple[Finding, set[str]]] = {}
        self.unreadable: set[str] = set()
        self.internal_errors: list[str] = []
        self.documents: dict[Path, Document | None] = {}
        self.folders = FolderIndex()
        from byocni_lint.suppress import Suppressions

        self.suppressions = Suppressions()

    def rules_run(self) -> list[RuleSpec]:
        ids = set(self.checks) | {r for r in _ALWAYS_ON if selected(r, self.options)}
        return [self.rulebook[rule_id] for rule_id in sorted(ids) if rule_id in self.rulebook]

    def add(self, finding: Finding) -> None:
        if not selected(finding.rule_id, self.options):
            return
        span = finding.location.span
        if finding.rule_id == UNRESOLVED:
            # "BYO004 could not check X: why" from several rules about one value is one note.
            rule, _, rest = finding.message.partition(" ")
            self.unresolved.setdefault((finding.location.path, span, rest), (finding, set()))[1].add(rule)
            return
        key = (finding.rule_id, finding.location.path, span, finding.message)
        self.findings.setdefault(key, finding)

    def merged_notes(self) -> list[Finding]:
        return [replace(first, message=f"{', '.join(sorted(rules))} {rest}",
                        fingerprint_key=f"{first.fingerprint_key.split('|', 1)[-1]}|{rest}")
                for (_, _, rest), (first, rules) in self.unresolved.items()]

    def problem(self, problem: LoadProblem) -> None:
        self.unreadable.add(problem.location.path)  # looked at, so counted, though it could not be linted
        spec = self.rulebook[problem.rule_id]
        self.add(Finding(problem.rule_id, spec.severity, problem.message, problem.location,
                         fingerprint_key=problem.message))

    def document(self, path: Path, display: str, explicit: bool) -> Document | None:
        key = path.resolve()
        if key not in self.documents:
            result = read_document(path, display, explicit, self.max_bytes, self.max_depth)
            if isinstance(result, LoadProblem):
                self.problem(result)
                result = None
            self.documents[key] = result
            source = getattr(getattr(result, "root", None), "source", None)
            if source is not None:
                self.suppressions.collect(display, source.text)
        return self.documents[key]

    def run(self, paths: list[str]) -> LintRun:
        candidates, missing = discover(paths, self.options.path_filter)
        templates: dict[Path, tuple[Candidate, Document]] = {}
        orphan_parameters: list[tuple[Candidate, Document]] = []
        linted = 0
        for candidate in candidates:
            document = self.document(candidate.path, candidate.display, candidate.explicit)
            if document is None:
                continue
            if document.kind == ARM_TEMPLATE:
                templates[candidate.path.resolve()] = (candidate, document)
                linted += 1
            elif document.kind == ARM_PARAMETERS:
                orphan_parameters.append((candidate, document))
                linted += 1
        override = self._override_parameters()
        plans: dict[Path, list[Document | None]] = {}
        for key, (candidate, document) in templates.items():
            plans[key] = [override] if override else self._paired(candidate.path) or [None]
        if not override:
            self._add_templates_of_orphans(orphan_parameters, templates, plans)
        for key, (candidate, document) in templates.items():
            self.report_malformed_expressions(document)
            for parameters in plans[key]:
                self.lint_template(candidate.path, document, parameters)
        findings = [*self.findings.values(), *self.merged_notes()]
        rules_run = {rule.id for rule in self.rules_run()}
        findings = [f for f in self.suppressions.apply(findings, set(self.rulebook), rules_run)
                    if selected(f.rule_id, self.options)]
        findings.sort(key=Finding.sort_key)
        return LintRun(findings, self.rules_run(), linted + len(self.unreadable), missing, self.internal_errors)

    def _override_parameters(self) -> Document | None:
        if not self.options.parameters:
            return None
        path = Path(self.options.parameters)
        document = self.document(path, self.options.parameters, True)
        if document is not None and document.kind != ARM_PARAMETERS:
            self.add(Finding("BYO900", Severity.ERROR, "--parameters file is not an ARM parameters file "
                             "(its $schema does not end in deploymentParameters.json#)", Location(self.options.parameters)))
            return None
        return document

    def _paired(self, template: Path) -> list[Document]:
        paired = []
        named = self.options.parameter_map.get(template.resolve())
        for path in named if named is not None else parameter_files_for(template, self.folders):
            display = os.path.relpath(path) if named is not None else _display_beside(template, path)
            document = self.document(path, display, True)
            if document is not None and document.kind == ARM_PARAMETERS:
                paired.append(document)
        return paired

    def _add_templates_of_orphans(self, orphans, templates, plans) -> None:
        """A parameters file given without its template (a pre-commit run on a changed parameters file):
        lint the template beside it with that file."""
        paired = {id(d) for documents in plans.values() for d in documents if d is not None}
        for candidate, document in orphans:
            if id(document) in paired:
                continue
            template_path = template_for_parameters(candidate.path, self.folders)
            if template_path is None:
                continue
            key = template_path.resolve()
            if key in templates:
                continue
            template = self.document(template_path, _display_beside(candidate.path, template_path), True)
            if template is not None and template.kind == ARM_TEMPLATE:
                templates[key] = (Candidate(template_path, template.path, True), template)
                plans[key] = [document]

    def report_malformed_expressions(self, document: Document) -> None:
        from byocni_lint.evaluate.expressions import malformed_expressions

        for node, error in malformed_expressions(document.root):
            self.add(Finding("BYO900", self.rulebook["BYO900"].severity,
                             f"malformed expression: {error.message} (character {error.offset + 1} of the expression)",
                             _expression_location(node, error.offset, document.path), fingerprint_key=str(node)))

    def lint_template(self, path: Path, document: Document, parameters: Document | None) -> None:
        from byocni_lint.checks.context import CheckContext

        model = self.attempt(document.path, "evaluation", self.model_of, path, document, parameters)
        if model is None:
            return
        for rule_id, check_function in self.checks.items():
            context = CheckContext(self.rulebook[rule_id], self.options.today)
            self.attempt(document.path, rule_id, check_function, model, context)
            for finding in context.findings:
                self.add(finding)

    def model_of(self, path: Path, document: Document, parameters: Document | None):
        """The model of one evaluation, or None when an evaluation limit stopped it (reported as BYO903)."""
        from byocni_lint.evaluate.deployment import TemplateInput, evaluate_template, relative_template_loader
        from byocni_lint.evaluate.scope import Budget, LimitExceeded
        from byocni_lint.model_from_arm import build_model

        budget = Budget(max_steps=int(self.limits.get("max_eval_steps", 200_000)),
                        max_copy=int(self.limits.get("max_copy_count", 800)),
                        max_depth=int(self.limits.get("max_deployment_depth", 16)))
        values = parameters.root.get("parameters") if parameters is not None and isinstance(parameters.root, dict) else None
        source = TemplateInput(document.root, document.path, values if isinstance(values, dict) else None,
                               relative_template_loader(str(path), self._linked_loader))
        evaluation = evaluate_template(source, budget)
        limit = evaluation.limit
        if limit is None:
            try:
                return build_model(evaluation, document.path, parameters.path if parameters else None)
            except LimitExceeded as exc:  # bodies are evaluated while modelling
                limit = str(exc)
            except RecursionError:
                limit = "expressions nested too deeply"
        self.add(Finding("BYO903", self.rulebook["BYO903"].severity, f"evaluation stopped: {limit}",
                         Location(document.path), fingerprint_key=limit))
        return None

    def attempt(self, path: str, stage: str, function, *args):
        """Run one stage for one file; a bug met there must not stop the other files and rules, so it is
        recorded (the CLI reports it and exits 2) unless --debug asks for the traceback."""
        try:
            return function(*args)
        except Exception as exc:  # noqa: BLE001 - anything here is our bug: recorded, never silent
            if self.options.debug:
                raise
            self.internal_errors.append(f"{path}: {stage} failed: {type(exc).__name__}: {exc}")
            return None

    def _linked_loader(self, path: str) -> dict | None:
        document = self.document(Path(path), path, True)
        return document.root if document is not None and document.kind == ARM_TEMPLATE else None


def _expression_location(node: object, offset: int, fallback: str) -> Location:
    """Point inside the string at the character the expression parser stopped at (after `"[`)."""
    from byocni_lint.findings import Span
    from byocni_lint.load.jsonc import node_span

    span = node_span(node)
    if span is None:
        return Location(fallback)
    column = span.column + 2 + offset if span.line == span.end_line else span.column
    return Location(node.source.path, Span(span.line, column, span.line, column + 1))  # type: ignore[attr-defined]


def _display_beside(known: Path, other: Path) -> str:
    """Show a file found next to a named one the way the named one was shown."""
    return str(known.parent / other.name) if known.parent != Path("") else other.name


def lint_paths(paths: list[str], options: Options | None = None) -> LintRun:
    return _Linter(options or Options()).run(paths)
