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
    from byocni_lint.frontends import ClaimedFile
    from byocni_lint.suppress import Suppressions

POOL_MIN_FILES = 64
"""Below this many files that workers could read, a run stays in-process whatever --jobs says."""
SHARE_DIVISOR = 2
"""A shard takes 1 / (jobs x SHARE_DIVISOR) of the files not yet sharded: so shards shrink towards the
end (guided scheduling), and the cores finish nearly together."""
MIN_SHARD_FILES = 16
"""No shard is smaller: each costs a worker a linter and its results a round trip."""

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


Groups = dict[tuple[int, "str | None"], list["ClaimedFile"]]
"""(index of the front end, FrontEnd.group) -> its files in the run's order (engine `_file_groups`)."""


def pooled(jobs: int, groups: Groups) -> set[int]:
    """Indexes of the front ends whose files workers read: none for a small run, one job, or no fork."""
    if jobs <= 1:
        return set()
    fronts = {index for index, group in groups if group is not None}
    if sum(len(files) for (index, _), files in groups.items() if index in fronts) < POOL_MIN_FILES:
        return set()
    import multiprocessing  # only now: importing it costs a one-file run 10% of its start-up

    return fronts if "fork" in multiprocessing.get_all_start_methods() else set()


def shards(groups: Groups, fronts: set[int], jobs: int) -> list[Shard]:
    """Shards of whole groups each, in the groups' order, the later ones smaller (see SHARE_DIVISOR)."""
    work = [(key, files) for key, files in groups.items() if key[0] in fronts]
    left = sum(len(files) for _, files in work)
    result: list[Shard] = []
    size = target = 0
    for (index, _), files in work:
        if size >= target:
            result.append([])
            size = 0
            target = max(MIN_SHARD_FILES, -(-left // (jobs * SHARE_DIVISOR)))
        left -= len(files)
        shard = result[-1]
        if not shard or shard[-1][0] != index:
            shard.append((index, []))
        shard[-1][1].extend(files)
        size += len(files)
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


def start(options: Options, groups: Groups, fronts: set[int], roots: list[Path]) -> Shards | None:
    """The pool at work on the shards of `groups`; None when nothing is left for it."""
    work = shards(groups, fronts, options.jobs)
    return Shards(options, work, options.jobs, roots) if work else None


_WORKER: dict = {}


def _start_worker(options: Options, roots: list[Path]) -> None:
    """Runs once in each forked worker: its arguments were inherited, never pickled."""
    _WORKER["options"], _WORKER["roots"] = options, roots


def _lint_shard(shard: Shard) -> Partial:
    """A worker's job: read one shard's groups as the parent would, and hand back what it found."""
    from byocni_lint.engine import _Linter
    from byocni_lint.frontends import frontends

    linter = _Linter(_WORKER["options"], keep_models=False)
    fronts = frontends()
    run = linter.new_run(_WORKER["roots"])
    for index, files in shard:
        linter.read(index, fronts[index], files, run)
    return Partial(list(linter.findings.values()), dict(linter.unresolved), list(linter.internal_errors),
                   dict(run.kinds), set(run.unreadable), list(run.unsupported), set(run.files_read),
                   run.suppressions, linter.clusters, linter.entries)
