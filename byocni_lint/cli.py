"""`byocni-lint`: options, output and exit codes.

Exit codes follow ruff and ESLint: 0 when nothing at or above `--fail-on` was found, 1 when something
was, 2 for usage errors and internal failures (never 1 because of an exception, so CI can tell a
finding from a crash).
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from byocni_lint import __version__
from byocni_lint.entry import INTERRUPTED
from byocni_lint.rulebook import RulebookError
from byocni_lint.usage import UsageError, bad_value

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT


def _split_ids(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(part.strip().upper() for value in values for part in value.split(",") if part.strip())


def _known_rules(values: tuple[str, ...], rule_ids: tuple[str, ...], option: str) -> tuple[str, ...]:
    """ruff's rule: a code or prefix that selects no rule is an error, never silently nothing."""
    for value in values:
        if not any(rule_id.startswith(value) for rule_id in rule_ids):
            raise bad_value(option, f"unknown rule or prefix {value!r}; see --list-rules")
    return values


def _check_writable(output: str) -> None:
    """Refuse an --output we cannot write before linting, naming the path (not "internal error")."""
    import os.path

    folder = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(folder):
        raise UsageError(f"cannot write --output {output}: no such folder {folder}")
    if os.path.isdir(output) or not os.access(folder, os.W_OK) or (os.path.exists(output) and not os.access(output, os.W_OK)):
        raise UsageError(f"cannot write --output {output}: permission denied or a folder")


def _use_color(choice: str, fmt: str, output: str | None) -> bool:
    if fmt != "text" or choice == "never":
        return False
    if choice == "always":
        return True
    if os.environ.get("NO_COLOR"):
        return False
    return output is None and sys.stdout.isatty()


class _Parser(argparse.ArgumentParser):
    """argparse's parser, with its errors raised as UsageError: one line, printed by `main`."""

    def error(self, message: str):  # type: ignore[override]
        raise UsageError(f"{message} (see --help)")


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, told the terminal's width: left to itself, argparse imports shutil (and
    with it bz2 and lzma, 1.5 ms of a cold start) to ask, once for every option it adds."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_terminal_width() - 2)


def _terminal_width() -> int:
    """As shutil.get_terminal_size: COLUMNS, else the terminal's, else 80."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size().columns or 80  # standard output's
    except (ValueError, OSError):
        return 80


def _existing(folder: bool) -> Callable[[str], str]:
    """An option naming a file (or a folder) that must already be there."""
    def check(value: str) -> str:
        if not os.path.exists(value):
            raise argparse.ArgumentTypeError(f"{'folder' if folder else 'file'} {value!r} does not exist")
        if os.path.isdir(value) != folder:
            raise argparse.ArgumentTypeError(f"{value!r} is {'not a folder' if folder else 'a folder'}")
        return value
    return check


def _not_a_folder(value: str) -> str:
    if os.path.isdir(value):
        raise argparse.ArgumentTypeError(f"{value!r} is a folder")
    return value


def _at_least_one(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{number} is less than 1")
    return number


def _parser() -> argparse.ArgumentParser:
    """The command line. argparse, not click: click and what it imports cost a one-file run 9 ms of
    its 65 (a seventh of its start-up), argparse about 1."""
    parser = _Parser(prog="byocni-lint", usage="%(prog)s [options] [PATHS ...]", allow_abbrev=False,
                     formatter_class=_Formatter,
                     description="Lint AKS bring-your-own-CNI deployments (ARM, Bicep, Terraform, Azure CLI "
                                 "scripts) before they reach Azure.")
    add = parser.add_argument
    add("paths", nargs="*", metavar="PATHS", help="Files or folders (default: the current folder).")
    add("--version", action="version", version=f"byocni-lint, version {__version__}")
    add("--format", dest="fmt", choices=["text", "json", "sarif", "model", "github", "junit", "gitlab"],
        default="text", help="Output format: github = workflow-command annotations, gitlab = Code Quality JSON "
                             "(default: text).")
    add("--output", "-o", metavar="FILE", help="Write the report to FILE.")
    add("--fail-on", choices=["error", "warning", "note", "never"],
        help="Exit 1 when a finding at or above this severity exists (default: error).")
    add("--parameters", "-p", metavar="FILE", help="ARM parameters file for the templates given.")
    add("--context", action="append", default=[], metavar="PATH",
        help="Also read PATH (file or folder, repeatable) to link clusters to networks declared there; "
             "findings are reported only for the PATHS given.")
    add("--bicep", metavar="PATH", help="The Bicep compiler to use (else BYOCNI_LINT_BICEP, `bicep`, `az bicep`).")
    add("--no-bicep-cli", action="store_true",
        help="Read Bicep with byocni-lint's own front end even when a compiler is found.")
    add("--select", action="append", default=[], metavar="RULES",
        help="Only these rule ids or prefixes (repeatable, comma lists).")
    add("--ignore", action="append", default=[], metavar="RULES", help="Skip these rule ids or prefixes.")
    add("--color", choices=["auto", "always", "never"], default="auto",
        help="Colour text output (auto, the default: only on a terminal and without NO_COLOR).")
    add("--list-rules", action="store_true", help="List every rule and exit.")
    add("--explain", metavar="RULE", help="Print a rule's description and exit.")
    add("--show-fixes", action="store_true", help="Add how to fix each finding to the text output.")
    add("--check-installed-cli", action="store_true",
        help="Also run `az version -o json` and report an installed Azure CLI too old for BYOCNI scripts (BYO002).")
    add("--sarif-category", metavar="NAME",
        help="SARIF automationDetails category (default byocni-lint); give each upload in one job its own.")
    add("--base-dir", type=_existing(folder=True), metavar="DIR",
        help="Folder that sarif/github/gitlab paths are relative to (default: the git top level).")
    add("--statistics", action="store_true", help="Print the number of findings per rule instead of the findings.")
    add("--jobs", "-j", type=_at_least_one, metavar="N",
        help="Worker processes for runs over many files (default: one per core; 1: one process).")
    add("--quiet", "-q", action="store_true", help="No progress line on stderr; text output without the summary line.")
    add("--verbose", "-v", action="store_true",
        help="Say on stderr which files were read, as what, and what was skipped.")
    add("--show-suppressed", action="store_true", help="Text output: list suppressed findings too, with their reasons.")
    add("--write-baseline", type=_not_a_folder, metavar="FILE",
        help="Record today's findings in FILE (by fingerprint, not line) and exit 0.")
    add("--baseline", type=_existing(folder=False), metavar="FILE",
        help="Report only findings that are not in this baseline.")
    add("--rules-dir", type=_existing(folder=True), metavar="DIR", help="Also run the custom rules (YAML) in this folder.")
    add("--stdin-filename", metavar="NAME",
        help="With PATH '-': the name of the file read from standard input (its format and where findings point).")
    add("--config", dest="config_file", type=_existing(folder=False), metavar="FILE",
        help="Use this settings file instead of finding one above each path.")
    add("--isolated", action="store_true", help="Ignore every settings file.")
    add("--show-settings", action="store_true", help="Print the resolved settings for the paths and exit.")
    add("--no-respect-gitignore", action="store_true", help="Lint files in folders even when .gitignore ignores them.")
    add("--debug", action="store_true", help="Show a traceback for internal errors.")
    add("--tf-dir", metavar="DIR", help="Terraform configuration folder of the plans given (for .tf locations).")
    add("--tf-var-file", action="append", default=[], metavar="FILE",
        help="Terraform variables file, as -var-file (repeatable).")
    add("--tf-var", action="append", default=[], metavar="NAME=VALUE", help="Terraform variable, as -var (repeatable).")
    add("--today", help=argparse.SUPPRESS)  # the date date-based rules use (YYYY-MM-DD); for tests
    return parser


def run(argv: list[str] | None = None) -> int:
    """One command line, start to finish: its exit code. Usage errors propagate (main prints them)."""
    given = vars(_parser().parse_intermixed_args(argv))
    named = {name: given.pop(name) for name in ("paths", "fmt", "output", "fail_on", "parameters", "color",
                                                "list_rules", "explain", "today", "debug")}
    compiler = (given.pop("bicep"), given.pop("no_bicep_cli"))
    select, ignore, context = (tuple(given.pop(name)) for name in ("select", "ignore", "context"))
    terraform = (given.pop("tf_dir"), tuple(given.pop("tf_var_file")), tuple(given.pop("tf_var")))
    check_installed_cli = given.pop("check_installed_cli")
    report = given  # what the rest of the options shape: the report, the settings, progress
    try:
        return _run(named["paths"], named["fmt"], named["output"], named["fail_on"], named["parameters"], compiler,
                    select, ignore, named["color"], named["list_rules"], named["explain"], named["today"],
                    named["debug"], report, check_installed_cli, context, terraform=terraform)
    except UsageError:
        raise
    except RulebookError as exc:  # a bad rule file or parameter: the user's to fix, so no traceback
        _say(f"byocni-lint: error: {exc}")
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write(INTERRUPTED)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - the promise is exit 2, never a traceback on stdout
        if named["debug"]:
            import traceback

            traceback.print_exc()
        _say(f"byocni-lint: internal error: {type(exc).__name__}: {exc}"
             f"{'' if named['debug'] else ' (run with --debug for details)'}")
        return EXIT_ERROR


def _say(line: str) -> None:
    """One line on stderr."""
    sys.stderr.write(line + "\n")


def _default_jobs() -> int:
    from byocni_lint.parallel import default_jobs

    return default_jobs()


def _run(paths, fmt, output, fail_on, parameters, compiler, select, ignore, color, list_rules, explain, today, debug,
         report: dict, check_installed_cli=False, context=(), terraform=(None, (), ())) -> int:
    from byocni_lint.rulebook import load_rulebook

    if list_rules or explain:
        rulebook = load_rulebook()
        if explain:
            spec = rulebook.get(explain.strip().upper())
            if spec is None:
                raise bad_value("--explain", f"no rule {explain!r}; see --list-rules")
            print(f"{spec.id} {spec.name} [{spec.severity.label}]\n\n{spec.summary}\n\n{spec.description}\n\n"
                  f"Documentation: {spec.doc_url}")
        else:
            from byocni_lint.checks import registered_checks
            from byocni_lint.engine import ALWAYS_ON

            implemented = registered_checks()
            for spec in rulebook.values():
                status = "" if spec.id in implemented or spec.id in ALWAYS_ON else "  (not yet implemented)"
                print(f"{spec.id}  {spec.name:32} {spec.severity.label:8} {spec.summary}{status}")
        return EXIT_CLEAN

    from datetime import date
    from pathlib import Path

    from byocni_lint import progress
    from byocni_lint.engine import Options
    from byocni_lint.findings import Severity
    from byocni_lint.frontends import supported_inputs
    from byocni_lint.report import RunResult

    try:
        day = date.fromisoformat(today) if today else date.today()
    except ValueError:
        raise bad_value("--today", f"{today!r} is not a YYYY-MM-DD date") from None
    rule_ids = tuple(load_rulebook())
    custom: list = []
    if report["rules_dir"]:
        from byocni_lint.custom_rules import CustomRuleError, load_custom_rules

        try:
            custom = load_custom_rules(Path(report["rules_dir"]), set(rule_ids))
        except CustomRuleError as exc:
            raise UsageError(str(exc)) from None
        rule_ids = (*rule_ids, *(rule.spec.id for rule in custom))
    options = Options(select=_known_rules(_split_ids(select), rule_ids, "--select"),
                      ignore=_known_rules(_split_ids(ignore), rule_ids, "--ignore"),
                      parameters=parameters, today=day, debug=debug, check_installed_cli=check_installed_cli,
                      bicep=compiler[0], no_bicep_cli=compiler[1], context=tuple(context),
                      tf_dir=terraform[0], tf_var_files=terraform[1], tf_vars=terraform[2],
                      custom_rules=tuple(custom), jobs=report["jobs"] or _default_jobs())
    if parameters and not Path(parameters).is_file():
        what = "not a regular file" if os.path.lexists(parameters) else "no such parameters file"
        raise bad_value("--parameters", f"{what}: {parameters}")
    if output:
        _check_writable(output)
    from byocni_lint.configured_run import lint_with_settings
    from byocni_lint.stdin import stdin_as_file

    _tune_garbage_collector()
    bar: list[progress.Progress] = []
    hooks = {}
    if progress.wanted(sys.stderr, report["quiet"]):
        hooks = {"advance": lambda n: bar[-1].advance(n),
                 "started": lambda total: bar.append(progress.Progress(total, sys.stderr))}
    with stdin_as_file(list(paths) or ["."], report["stdin_filename"]) as (lint_list, rename):
        run, fail_on = lint_with_settings(lint_list, options, fail_on, report, keep_models=fmt == "model", **hooks)
        if run is not None:
            run.findings = [rename(finding) for finding in run.findings]
    for shown in bar:
        shown.finish()
    if run is None:
        return EXIT_CLEAN  # --show-settings printed them
    if run.missing_paths:
        raise bad_value("PATHS", f"no such file or folder: {', '.join(run.missing_paths)}")
    for named in run.unsupported:
        _say(f"byocni-lint: not a supported input: {named}; byocni-lint reads {supported_inputs()}")
    if output and _is_input(Path(output), run.files_read):
        raise bad_value("--output", f"{output} is one of the files being linted; it is not overwritten")
    if report["verbose"]:
        for display, kind in run.read.items():
            _say(f"byocni-lint: read {display} as {kind}")
        for suffix, count in run.skipped.items():
            _say(f"byocni-lint: skipped {count} {suffix} file{'s' if count != 1 else ''} no front end reads")
    findings, baselined = _apply_baseline(run.findings, report)
    if report["write_baseline"]:
        from byocni_lint.baseline import write_baseline

        count = write_baseline(Path(report["write_baseline"]), findings, _repository_base(report))
        _say(f"byocni-lint: wrote {count} findings to the baseline {report['write_baseline']}")
        return EXIT_ERROR if run.internal_errors else EXIT_CLEAN
    result = RunResult(findings, run.rules, run.files_linted, internal_errors=tuple(run.internal_errors),
                       baselined=baselined, kinds=run.kinds, skipped=run.skipped, clusters=run.clusters,
                       models=tuple(run.models))
    text = _report(fmt, result, report, _use_color(color, fmt, output))
    if output:
        try:
            _write_whole(Path(output), text + "\n")
        except OSError as exc:
            raise UsageError(f"cannot write --output {output}: {exc.strerror or exc}") from None
    else:
        try:
            print(text)
        except BrokenPipeError:  # the reader left (`| head -1`): nothing more to say, and no complaint
            _silence_stdout()
    if run.unsupported and not run.files_linted:
        return EXIT_ERROR  # asked to lint only files we cannot read: a usage error, never a pass
    for problem in run.internal_errors:
        _say(f"byocni-lint: internal error: {problem} (run with --debug for details)")
    if run.internal_errors:
        return EXIT_ERROR
    if fail_on == "never":
        return EXIT_CLEAN
    threshold = Severity.parse(fail_on)
    return EXIT_FINDINGS if any(f.severity >= threshold for f in result.active()) else EXIT_CLEAN


def _repository_base(report: dict):
    from pathlib import Path

    from byocni_lint.report import repository_root

    return Path(report["base_dir"]) if report["base_dir"] else repository_root(Path.cwd())


def _apply_baseline(findings: list, report: dict) -> tuple[list, int]:
    if not report["baseline"]:
        return findings, 0
    from pathlib import Path

    from byocni_lint.baseline import BaselineError, new_findings, read_baseline

    try:
        known = read_baseline(Path(report["baseline"]))
    except BaselineError as exc:
        raise bad_value("--baseline", str(exc)) from None
    return new_findings(findings, known, _repository_base(report))


def _report(fmt: str, result, report: dict, color: bool) -> str:
    """The report text. Formats read by a code host (SARIF, annotations, Code Quality) name files relative
    to the repository root, as the host resolves them; text and JSON relative to the current folder."""
    from pathlib import Path

    from byocni_lint.report import render

    if report["statistics"]:
        from byocni_lint.report.statistics import render as statistics

        return statistics(result)
    base_dir = Path.cwd() if fmt in ("text", "json", "junit", "model") else _repository_base(report)
    if fmt == "text":
        return render(fmt, result, base_dir=base_dir, color=color, show_fixes=report["show_fixes"],
                      summary=not report["quiet"], show_suppressed=report["show_suppressed"])
    if fmt == "sarif":
        from byocni_lint.report.sarif import automation_id_for

        return render(fmt, result, base_dir=base_dir, automation_id=automation_id_for(report["sarif_category"]))
    return render(fmt, result, base_dir=base_dir)


RUN_GC_THRESHOLDS = (2_000, 10, 1_000)
"""Young objects collected every 2,000 allocations, the middle generation every 20,000, rarely a full
collection. Each linted file leaves a few hundred objects of cyclic garbage (scopes and deployments
pointing at each other); a young generation of 20,000 objects outgrew the CPU caches, and 2,000 templates
spent 0.6-0.85 s collecting instead of 0.25-0.3 s (in-process, 3 interleaved runs). A 4 MB template pays
about 0.1 s more (of 2 s)."""


def _tune_garbage_collector() -> None:
    """What start-up imported lives until exit, so it is frozen out of every scan (the default thresholds
    also rescanned a large parse tree again and again); then the run's thresholds apply. Only the CLI does
    this: the process is ours, a library caller's is not."""
    import gc

    gc.freeze()
    gc.set_threshold(*RUN_GC_THRESHOLDS)


def _is_input(output: Path, inputs: frozenset) -> bool:
    """Whether `output` is (or is a link to, or another name of) a file the run read."""
    resolved = output.resolve()
    if resolved in inputs:
        return True
    try:
        return output.exists() and any(path.exists() and os.path.samefile(output, path) for path in inputs)
    except OSError:
        return False


def _write_whole(output: Path, text: str) -> None:
    """The report appears complete or not at all: written beside the target, then renamed over it, so a
    failure never leaves a partial or empty report where the last good one was."""
    import tempfile

    data = text.encode("utf-8", "backslashreplace")
    handle, temporary = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent or None)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, output)
    except BaseException:
        os.unlink(temporary)
        raise


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's flush at exit does not raise BrokenPipeError again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: a usage error is one line on stderr and exit code 2; Ctrl-C is one line
    and exit 130, as shells report an interrupted command."""
    try:
        code = run(argv)
    except UsageError as exc:
        _say(f"byocni-lint: error: {exc}")
        code = EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write(INTERRUPTED)
        code = EXIT_INTERRUPTED
    sys.exit(code)
