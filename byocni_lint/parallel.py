"""Linting many files on all cores: the candidates are split into shards, each shard is linted by a
worker process, and the parent merges the shards' results as if one process had linted them all.

A shard keeps together the files that are linted together: a template with its parameters files
(`X.json`, `X.parameters.json`, `X.template.json` share the name before the first dot, in one folder),
a folder of another format. Results are merged in shard order and sorted by a total order, so the
report does not depend on which worker finished first. Small runs (a pre-commit batch) never get here:
starting workers costs more than linting a handful of files.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from byocni_lint.engine import Options
    from byocni_lint.findings import Finding
    from byocni_lint.frontends import ClaimedFile, FrontEnd

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
    internal_errors: list[str] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    unsupported: list[str] = field(default_factory=list)
    clusters: int = 0
    files_read: set = field(default_factory=set)


Shard = list[tuple[int, list["ClaimedFile"]]]
"""(index of the front end, some of its files), in front-end order."""


def use_pool(jobs: int, files: int) -> bool:
    return jobs > 1 and files >= POOL_MIN_FILES


def shards(fronts: Sequence[FrontEnd], claimed: dict[str, list[ClaimedFile]], jobs: int) -> list[Shard]:
    """Shards of about equal size; files that may be linted together (see _group_key) always share a
    shard, and each shard keeps the run's order of files."""
    total = sum(len(files) for files in claimed.values())
    target = max(1, -(-total // (jobs * SHARDS_PER_JOB)))
    result: list[Shard] = []
    sizes: list[int] = []
    home: dict[tuple, int] = {}
    for index, front in enumerate(fronts):
        for claimed_file in claimed.get(front.name, ()):
            key = (index, *_group_key(front.name, claimed_file.path))
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


def _group_key(front: str, path: Path) -> tuple[str, str]:
    """Files that may form one unit share this key: for ARM, a template and its parameters files
    (same folder, same name before the first dot); for other formats, a whole folder (a Terraform root,
    a .bicep beside its .bicepparam)."""
    return str(path.parent), path.name.lower().split(".", 1)[0] if front == "arm" else ""


def lint_in_pool(options: Options, fronts: Sequence[FrontEnd], claimed: dict[str, list[ClaimedFile]], jobs: int,
                 advance: Callable[[int], None] | None = None, roots: Sequence[Path] = ()) -> list[Partial]:
    """Each shard's Partial, in shard order; `advance(n)` is called as shards of n files finish."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    from byocni_lint.engine import lint_shard

    work = shards(fronts, claimed, jobs)
    methods = multiprocessing.get_all_start_methods()
    # fork: the workers start with the parent's imports and rulebook, in milliseconds.
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(max_workers=min(jobs, len(work)), mp_context=context) as pool:
        futures = [pool.submit(lint_shard, options, shard, list(roots)) for shard in work]
        sizes = {future: sum(len(files) for _, files in shard) for future, shard in zip(futures, work)}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            if advance is not None:
                for future in done:
                    advance(sizes[future])
        return [future.result() for future in futures]
