"""A run as the settings file shapes it: which settings apply to which paths, the engine options they
give (command-line options win), one engine run per settings file, and `per-file-ignores`.

Kept apart from cli.py (options and output) and engine.py (the pipeline), so neither learns about
settings files.
"""
from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

from byocni_lint.config import ConfigError, Settings, find_settings_file, load_settings
from byocni_lint.usage import UsageError


def lint_with_settings(paths: list[str], options, fail_on: str | None, report: dict, keep_models: bool = False,
                       **progress):
    """(LintRun, fail-on) for the paths, or (None, None) after `--show-settings` printed the settings."""
    from byocni_lint.engine import LintRun, lint_paths
    from byocni_lint.rulebook import load_rulebook

    rulebook = load_rulebook()
    try:
        groups = _groups(paths, report, rulebook)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    if report["show_settings"]:
        shown = [{"paths": group_paths, **settings.as_dict()} for settings, group_paths in groups]
        print(json.dumps(shown[0] if len(shown) == 1 else shown, indent=2))
        return None, None
    runs = []
    for settings, group_paths in groups:
        run = lint_paths(group_paths, _options(options, settings, report), keep_models=keep_models, **progress)
        run.findings = _drop_per_file_ignores(run.findings, settings)
        runs.append(run)
    merged = LintRun(
        findings=[f for run in runs for f in run.findings],
        rules=sorted({rule.id: rule for run in runs for rule in run.rules}.values(), key=lambda rule: rule.id),
        files_linted=sum(run.files_linted for run in runs),
        missing_paths=[p for run in runs for p in run.missing_paths],
        internal_errors=[e for run in runs for e in run.internal_errors],
        kinds=_summed(run.kinds for run in runs),
        skipped=dict(sorted(_summed(run.skipped for run in runs).items())),
        unsupported=[u for run in runs for u in run.unsupported],
        clusters=sum(run.clusters for run in runs),
        models=[m for run in runs for m in run.models],
        files_read=frozenset().union(*(run.files_read for run in runs)),
        read={k: v for run in runs for k, v in run.read.items()},
    )
    chosen = fail_on or next((s.fail_on for s, _ in groups if s.fail_on), None) or "error"
    return merged, chosen


def _summed(counts) -> dict[str, int]:
    total: dict[str, int] = {}
    for one in counts:
        for key, n in one.items():
            total[key] = total.get(key, 0) + n
    return total


def _groups(paths: list[str], report: dict, rulebook: dict) -> list[tuple[Settings, list[str]]]:
    """The settings for each path, paths sharing a settings file kept together in their order."""
    if report["isolated"]:
        return [(Settings(), paths)]
    if report["config_file"]:
        return [(load_settings(Path(report["config_file"]), rulebook), paths)]
    by_file: dict[Path | None, list[str]] = {}
    for path in paths:
        probe = Path(path)
        if report.get("stdin_filename") and probe.parent.name.startswith("byocni-lint-stdin-"):
            probe = Path(report["stdin_filename"]).absolute()  # standard input: the settings of the file it stands for
        found = find_settings_file(probe) if probe.exists() or probe.parent.exists() else None
        by_file.setdefault(found, []).append(path)
    return [(load_settings(source, rulebook) if source else Settings(), group) for source, group in by_file.items()]


def _options(options, settings: Settings, report: dict):
    from byocni_lint.pathfilter import PathFilter

    root = settings.root
    select = options.select or settings.select
    return replace(
        options,
        select=tuple(dict.fromkeys((*select, *settings.extend_select))) if select else (),
        ignore=tuple(dict.fromkeys((*settings.ignore, *options.ignore))),
        rule_params=settings.rules,
        parameter_map={(root / template).resolve(): [root / f for f in files]
                       for template, files in settings.parameters.items()},
        path_filter=PathFilter(root, (*settings.exclude, *settings.extend_exclude),
                               settings.respect_gitignore and not report["no_respect_gitignore"]),
        bicep=options.bicep or settings.bicep.get("compiler"),  # --bicep wins over settings bicep.compiler
        tf_var_files=(*options.tf_var_files, *(str(root / f) for f in settings.terraform_var_files)),
        context=(*options.context, *(str(root / c) for c in settings.context)),  # --context and settings `context`
    )


def _drop_per_file_ignores(findings: list, settings: Settings) -> list:
    if not settings.per_file_ignores:
        return findings
    import pathspec

    rules = [(pathspec.GitIgnoreSpec.from_lines([pattern]), ids) for pattern, ids in settings.per_file_ignores.items()]
    root = settings.root.resolve()

    def ignored(finding) -> bool:
        relative = os.path.relpath(Path(finding.location.path).resolve(), root).replace(os.sep, "/")
        return any(spec.match_file(relative) and finding.rule_id.startswith(ids) for spec, ids in rules)

    return [finding for finding in findings if not ignored(finding)]
