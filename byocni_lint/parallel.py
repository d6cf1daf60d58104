"""Linting many files on all cores: groups of files (FrontEnd.group) are read in worker processes.

A worker builds and checks the models of its groups exactly as the parent would (engine `_Linter.read`)
and sends back findings and, for each model, its `Declarations` (model/link.py): never a model, which
holds closures over parse trees and could not cross. The parent reads the front ends without groups
itself meanwhile, merges the workers' results in shard order, then links as in one process: a model
that leaves references open, and every model linking may need, is built again in the parent. The
report is sorted by a total order, so it is byte-identical to `--jobs 1`.

Small runs (a pre-commit batch) never start workers: that costs more than linting a handful of files.
Workers are forked, so they start with the parent's imports, rulebook and options in milliseconds;
where fork is not available, the run stays in one process.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from byocni_lint.engine import Options
    from byocni_lint.findings import Finding
    from byocni_lint.frontends import ClaimedFile, FrontEnd
    from byocni_lint.suppress import Suppressions

POOL_MIN_FILES = 64
"""Below this many files that workers could read, a run stays in-process whatever --jobs says."""
SHARDS_PER_JOB = 8
"""More shards than workers, so that a slow shard does not leave the other cores idle."""

Shard = list[tuple[int, list["ClaimedFile"]]]
"""(index of the front end, some of its files), in the run's order."""


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


class Partial(NamedTuple):
    """What one shard's run found, in the form the parent merges (engine `_Linter.merge`). (A named
    tuple: a dataclass costs a one-file run, which never starts workers, its build at import.)"""

    findings: list[Finding]
    unresolved: dict  # as engine `_Linter.unresolved`
    internal_errors: list[str]
    kinds: dict[str, str]
    unreadable: set[str]
    unsupported: list[str]
    files_read: set[Path]
    suppressions: Suppressions
    clusters: int
    entries: list  # engine `_Entry`, without models


def pooled(jobs: int, fronts: list[FrontEnd], claimed: dict[str, list[ClaimedFile]]) -> set[str]:
    """Names of the front ends whose files workers read: none for a small run, one job, or no fork."""
    if jobs <= 1:
        return set()
    names = {front.name for front in fronts if claimed.get(front.name) and _groups(front, claimed[front.name])}
    if sum(len(claimed[name]) for name in names) < POOL_MIN_FILES:
        return set()
    import multiprocessing  # only now: importing it costs a one-file run 10% of its start-up

    return names if "fork" in multiprocessing.get_all_start_methods() else set()


def first_group(fronts: list[FrontEnd], claimed: dict[str, list[ClaimedFile]],
                names: set[str]) -> tuple[int, list[ClaimedFile], dict[str, list[ClaimedFile]]]:
    """The first group of the workers' files (front-end index, its files), and the files without it."""
    from byocni_lint.frontends import group_of

    index, front = next((i, f) for i, f in enumerate(fronts) if f.name in names)
    group = group_of(front, claimed[front.name][0].display)
    first = [c for c in claimed[front.name] if group_of(front, c.display) == group]
    rest = {**claimed, front.name: [c for c in claimed[front.name] if group_of(front, c.display) != group]}
    return index, first, rest


def _groups(front: FrontEnd, files: list[ClaimedFile]) -> bool:
    from byocni_lint.frontends import group_of

    return group_of(front, files[0].display) is not None


def shards(fronts: list[FrontEnd], claimed: dict[str, list[ClaimedFile]], names: set[str], jobs: int) -> list[Shard]:
    """Shards of about equal size; a group's files always share a shard, and each shard keeps the
    run's order of files (a folder's files and its subfolders' interleave in sorted order, so groups
    are assigned by key, not by contiguity)."""
    from byocni_lint.frontends import group_of

    total = sum(len(claimed[name]) for name in names)
    target = max(1, -(-total // (jobs * SHARDS_PER_JOB)))
    result: list[Shard] = []
    sizes: list[int] = []
    home: dict[tuple, int] = {}
    for index, front in enumerate(fronts):
        if front.name not in names:
            continue
        for claimed_file in claimed[front.name]:
            key = (index, group_of(front, claimed_file.display))
            if key not in home:
                if not result or sizes[-1] >= target:
                    result.append([])
                    sizes.append(0)
                home[key] = len(result) - 1
            shard = result[home[key]]
            if not shard or shard[-1][0] != index:
                shard.append((index, []))
            shard[-1][1].append(claimed_file)
            sizes[home[key]] += 1
    return result


class Shards:
    """The shards of one run, submitted to a pool of forked workers."""

    def __init__(self, options: Options, work: list[Shard], jobs: int, roots: list[Path]) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.work = work
        self.pool = ProcessPoolExecutor(max_workers=min(jobs, len(work)), mp_context=multiprocessing.get_context("fork"),
                                        initializer=_start_worker, initargs=(options, roots))
        self.futures = [self.pool.submit(_lint_shard, shard) for shard in work]

    def results(self, advance: Callable[[int], None] | None, read_here: Callable[[Shard], None]) -> Iterator[Partial]:
        """Each shard's Partial in shard order; `advance(n)` as shards of n files finish. A shard whose
        worker died (killed, out of memory) is read in this process instead (`read_here`)."""
        from concurrent.futures import FIRST_COMPLETED, wait

        sizes = {future: sum(len(files) for _, files in shard) for future, shard in zip(self.futures, self.work)}
        try:
            pending = set(self.futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                if advance is not None:
                    for future in done:
                        advance(sizes[future])
            for future, shard in zip(self.futures, self.work):
                try:
                    partial = future.result()
                except Exception:  # noqa: BLE001 - a dead worker: its shard is read here, nothing is lost
                    read_here(shard)
                    continue
                yield partial
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)


def start(options: Options, fronts: list[FrontEnd], claimed: dict[str, list[ClaimedFile]], names: set[str],
          roots: list[Path]) -> Shards | None:
    """The pool at work on the shards of `claimed`; None when nothing is left for it."""
    work = shards(fronts, claimed, names, options.jobs)
    return Shards(options, work, options.jobs, roots) if work else None


_WORKER: dict = {}


def _start_worker(options: Options, roots: list[Path]) -> None:
    """Runs once in each forked worker: its arguments were inherited, never pickled."""
    _WORKER["options"], _WORKER["roots"] = options, roots


def _lint_shard(shard: Shard) -> Partial:
    """A worker's job: read one shard's groups as the parent would, and hand back what it found."""
    from byocni_lint.engine import _Linter
    from byocni_lint.frontends import frontends
    from byocni_lint.frontends.run import Run
    from byocni_lint.suppress import Suppressions

    linter = _Linter(_WORKER["options"], keep_models=False)
    fronts = frontends()
    run = Run(linter.rulebook, linter.options, linter.add, linter.attempt)
    run.suppressions = Suppressions()
    run.roots = _WORKER["roots"]
    for index, files in shard:
        linter.read(index, fronts[index], files, run)
    return Partial(list(linter.findings.values()), dict(linter.unresolved), list(linter.internal_errors),
                   dict(run.kinds), set(run.unreadable), list(run.unsupported), set(run.files_read),
                   run.suppressions, linter.clusters, linter.entries)
