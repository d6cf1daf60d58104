"""Linting many files on all cores: the candidates are split into shards, each shard is linted by a
worker process, and the parent merges the shards' results as if one process had linted them all.

A shard keeps together the files that are linted together: a template with its parameters files
(`X.json`, `X.parameters.json`, `X.template.json` share the name before the first dot, in one folder).
Shards are contiguous runs of the sorted candidate list and results are merged in shard order, so the
report does not depend on which worker finished first. Small runs (a pre-commit batch) never get
here: starting workers costs more than linting a handful of files.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from byocni_lint.discover import Candidate
    from byocni_lint.engine import Options
    from byocni_lint.findings import Finding

POOL_MIN_FILES = 64
"""Below this many candidate files a run stays in-process whatever --jobs says."""
SHARDS_PER_JOB = 8
"""More shards than workers, so that a slow shard does not leave the other cores idle."""


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@dataclass
class Partial:
    """What one shard's run found, in the form the parent merges."""

    findings: list[Finding] = field(default_factory=list)
    unresolved: list[tuple[tuple, Finding, set[str]]] = field(default_factory=list)
    linted: int = 0
    unreadable: set[str] = field(default_factory=set)
    internal_errors: list[str] = field(default_factory=list)


def use_pool(jobs: int, candidates: Sequence[object]) -> bool:
    return jobs > 1 and len(candidates) >= POOL_MIN_FILES


def shards(candidates: Sequence[Candidate], jobs: int) -> list[list[Candidate]]:
    """Contiguous runs of `candidates` of about equal size, never splitting a group of related files."""
    groups: list[list[Candidate]] = []
    last_key: tuple | None = None
    for candidate in candidates:
        key = _group_key(candidate.path)
        if key != last_key or not groups:
            groups.append([])
            last_key = key
        groups[-1].append(candidate)
    target = max(1, -(-len(candidates) // (jobs * SHARDS_PER_JOB)))
    result: list[list[Candidate]] = []
    for group in groups:
        if not result or len(result[-1]) >= target:
            result.append([])
        result[-1].extend(group)
    return result


def _group_key(path: Path) -> tuple[str, str]:
    """Files that pair by name (see discover.parameter_files_for) share this key."""
    return str(path.parent), path.name.lower().split(".", 1)[0]


def lint_in_pool(options: Options, candidates: Sequence[Candidate], jobs: int,
                 advance: Callable[[int], None] | None = None) -> list[Partial]:
    """Each shard's Partial, in shard order; `advance(n)` is called as shards of n files finish."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    from byocni_lint.engine import lint_shard

    work = shards(candidates, jobs)
    methods = multiprocessing.get_all_start_methods()
    # fork: the workers start with the parent's imports and rulebook, in milliseconds.
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(max_workers=min(jobs, len(work)), mp_context=context) as pool:
        futures = [pool.submit(lint_shard, options, shard) for shard in work]
        sizes = {future: len(shard) for future, shard in zip(futures, work)}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            if advance is not None:
                for future in done:
                    advance(sizes[future])
        return [future.result() for future in futures]
