"""Worker processes (issue 14): `--jobs 2` reports exactly what `--jobs 1` reports, byte for byte.

Workers read groups of files (FrontEnd.group) and send back findings and `Declarations`, never models;
the parent links what leaves references open by building the needed models again (engine `link`).
These tests make the pool start on small trees (POOL_MIN_FILES) and prove it did, so that a run that
silently stayed in one process cannot pass them.
"""
from __future__ import annotations

import json
import os
import shutil
import tracemalloc
from pathlib import Path

import pytest

from byocni_lint import parallel
from byocni_lint.bench import write_templates
from byocni_lint.engine import Options, _Linter
from byocni_lint.model.link import Declarations, needed
from helpers import FIXTURES, REPO, TODAY, of, read_problems
from run_cli import invoke

CORPUS = REPO.parent / "shared" / "corpus"
FORMATS = ("text", "json", "sarif")


@pytest.fixture
def pool_started(monkeypatch) -> list[int]:
    """Start the pool for any run, one group per shard; the list records each pool's shard count."""
    started: list[int] = []
    real = parallel.Shards.__init__

    def spy(self, options, work, jobs, roots):
        started.append(len(work))
        real(self, options, work, jobs, roots)

    monkeypatch.setattr(parallel, "POOL_MIN_FILES", 1)
    monkeypatch.setattr(parallel, "SHARE_DIVISOR", 10_000)
    monkeypatch.setattr(parallel, "MIN_SHARD_FILES", 1)
    monkeypatch.setattr(parallel.Shards, "__init__", spy)
    return started


def _report(*args: str) -> str:
    result = invoke([*args, "--today", TODAY.isoformat(), "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    return result.stdout


def _same_with_jobs(pool_started: list[int], *args: str) -> None:
    for fmt in FORMATS:
        alone = _report(*args, "--format", fmt, "--jobs", "1")
        assert not pool_started
        shared = _report(*args, "--format", fmt, "--jobs", "2")
        assert pool_started and pool_started[-1] > 1, "the pool did not start"
        pool_started.clear()
        assert shared == alone, fmt
    assert json.loads(alone)["runs"][0]["results"]  # SARIF, last: the run reported something


def test_jobs_give_byte_identical_reports_on_the_fixtures(pool_started) -> None:
    _same_with_jobs(pool_started, str(FIXTURES))


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside this checkout")
def test_jobs_give_byte_identical_reports_on_the_corpus(pool_started) -> None:
    _same_with_jobs(pool_started, str(CORPUS))


def _split_tree(tmp_path: Path) -> Path:
    """fixtures/link (cluster and network in two folders) with a delegated node subnet, among
    generated templates, so that the two halves are read by different workers."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "link", root / "link")
    network = root / "link" / "network" / "spoke.json"
    document = json.loads(network.read_text(encoding="utf-8"))
    vnet = next(r for r in document["resources"] if r["type"] == "Microsoft.Network/virtualNetworks")
    vnet["properties"]["subnets"][0]["properties"]["delegations"] = [
        {"name": "aci", "properties": {"serviceName": "Microsoft.ContainerInstance/containerGroups"}}]
    network.write_text(json.dumps(document, indent=2), encoding="utf-8")
    (root / "generated").mkdir()
    write_templates(root / "generated", 12)
    return root


def _lint(root: Path, jobs: int) -> tuple[_Linter, list]:
    linter = _Linter(Options(today=TODAY, jobs=jobs), keep_models=False)
    return linter, linter.run([str(root)]).findings


def test_a_split_deployment_is_linked_across_workers(tmp_path: Path, pool_started) -> None:
    root = _split_tree(tmp_path)
    _, alone = _lint(root, 1)
    linter, shared = _lint(root, 2)
    assert pool_started
    assert shared == alone
    delegated = [f for f in of(shared, "BYO004") if "generated" not in f.location.path]
    assert [f.location.path.rsplit("/", 2)[-2:] for f in delegated] == [["network", "spoke.json"]]
    assert delegated[0].related[0].path.endswith("aks.parameters.json")  # linked to the cluster's file
    assert all(entry.model is None for entry in linter.entries)  # workers sent no model back


def test_bicep_files_are_read_by_workers_with_parameters_from_another_folder(pool_started) -> None:
    """A `.bicepparam` is grouped with the template it is `using` (frontends/bicep `group`), so the
    worker that reads the template applies it, though the two lie in different folders."""
    from byocni_lint.frontends.bicep import FRONTEND as BICEP

    bicep = FIXTURES / "bicep"
    template, parameters = (bicep / "cluster" / "main.bicep").absolute(), (bicep / "prod" / "prod.bicepparam").absolute()
    assert BICEP.group(parameters) == BICEP.group(template) != BICEP.group(template.with_name("other.bicep"))
    alone = _lint(bicep, 1)[1]
    linter, shared = _lint(bicep, 2)
    assert pool_started, "no worker read the Bicep files"  # the parent reads the first group itself
    assert shared == alone
    assert [f.related[0].path.rsplit("/", 1)[-1] for f in of(shared, "BYO011")] == ["prod.bicepparam"]
    assert len(linter.entries) == 2 and all(entry.model is None for entry in linter.entries)


def test_only_the_models_linking_needs_are_built_again(tmp_path: Path, monkeypatch) -> None:
    root = _split_tree(tmp_path)
    rebuilt: list[str] = []
    real = _Linter.rebuild

    def spy(self, fronts, found, run, entries):
        rebuilt.extend(Path(entry.display).name for entry in entries)
        return real(self, fronts, found, run, entries)

    monkeypatch.setattr(_Linter, "rebuild", spy)
    linter, findings = _lint(root, 1)
    assert sorted(rebuilt) == ["aks.json", "spoke.json"]  # not the 12 generated templates
    assert any(f.location.path.endswith("spoke.json") for f in of(findings, "BYO004"))
    assert len(linter.entries) == 14


def test_needed_follows_the_subnet_to_its_nsg_and_grants_in_other_models() -> None:
    cluster = Declarations(open_leaves=frozenset({"snet-nodes"}),
                           open_segments=frozenset({"rg-spoke", "vnet-spoke", "snet-nodes"}))
    network = Declarations(subnet_leaves=frozenset({"snet-nodes"}),
                           subnet_segments=frozenset({"{resourcegroupname}", "vnet-spoke", "snet-nodes"}),
                           named=frozenset({("nsgs", "nsg-nodes")}))
    nsg = Declarations(declared=frozenset({("nsgs", "nsg-nodes")}))
    other_nsg = Declarations(declared=frozenset({("nsgs", "nsg-web")}))
    grant = Declarations(scope_leaves=frozenset({"vnet-spoke"}))
    unrelated = Declarations(subnet_leaves=frozenset({"snet-web"}), subnet_segments=frozenset({"snet-web"}))
    models = [cluster, network, nsg, other_nsg, grant, unrelated]
    assert needed(models) == {0, 1, 2, 4}
    assert needed([network, nsg, grant, unrelated]) == set()  # nothing open: nothing is built again


def test_shards_keep_the_order_and_whole_groups_and_shrink_towards_the_end() -> None:
    groups = {(0, f"g{n:04}"): [f"g{n:04}/{k}" for k in range(1 + n % 3)] for n in range(1000)}
    groups[(1, "other")] = ["other/a"]  # a front end the workers do not read
    work = parallel.shards(groups, {0}, jobs=2)  # type: ignore[arg-type]
    files_of = [[file for _, files in shard for file in files] for shard in work]
    assert [file for files in files_of for file in files] == [
        file for (index, _), files in groups.items() if index == 0 for file in files]
    shard_of_group: dict[str, set[int]] = {}
    for number, files in enumerate(files_of):
        for file in files:
            shard_of_group.setdefault(file.split("/")[0], set()).add(number)
    assert all(len(numbers) == 1 for numbers in shard_of_group.values())  # no group is cut in two
    sizes = [len(files) for files in files_of]
    assert abs(sizes[0] - sum(sizes) / 4) <= 3  # half of what is left, split between the two workers
    assert sizes[1] < sizes[0] and all(size >= parallel.MIN_SHARD_FILES for size in sizes[:-1])
    assert sum(sizes[-5:]) < sum(sizes) / 10  # the cores finish together: the last shards are small


def test_a_dead_worker_costs_nothing_but_time(tmp_path: Path, pool_started, monkeypatch) -> None:
    root = _split_tree(tmp_path)
    _, alone = _lint(root, 1)
    real = parallel._lint_shard

    def dying(shard):
        if any("spoke" in claimed.display for _, files in shard for claimed in files):
            os._exit(3)  # as the kernel's OOM killer would end it
        return real(shard)

    read_here: list[str] = []
    fallback = _Linter.read_in_process

    def recorded(self, fronts, run):
        read_shard = fallback(self, fronts, run)

        def reading(shard):
            read_here.extend(claimed.display for _, files in shard for claimed in files)
            read_shard(shard)
        return reading

    monkeypatch.setattr(parallel, "_lint_shard", dying)
    monkeypatch.setattr(_Linter, "read_in_process", recorded)
    _, shared = _lint(root, 2)
    assert pool_started
    assert any("spoke" in display for display in read_here)  # the dead worker's shard was read here
    assert shared == alone


def _peak(folder: Path) -> int:
    tracemalloc.start()
    try:
        run = _Linter(Options(today=TODAY), keep_models=False).run([str(folder)])
        assert read_problems(run) == [] and run.files_linted
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_per_template_is_what_linking_keeps_not_the_model(tmp_path: Path) -> None:
    few, many = tmp_path / "few", tmp_path / "many"
    few.mkdir()
    many.mkdir()
    write_templates(few, 30)
    write_templates(many, 90)
    _peak(few)  # imports and caches first, so that both runs below start alike
    growth = (_peak(many) - _peak(few)) / 60
    # Measured: a model kept with its parse tree costs ~165 KiB; a checked model leaves its
    # Declarations, its findings and entries of bounded caches (~36 KiB at this size).
    assert growth < 80 * 1024, f"{growth / 1024:.0f} KiB per template"


@pytest.mark.parametrize("files", ["generated", "permissions"])
def test_no_parsed_file_outlives_the_run(tmp_path: Path, files: str) -> None:
    """Run-wide caches (compiled NSGs, their matches, RBAC action patterns) must keep plain values only:
    a parse node holds its whole file, which would then live as long as the cache (up to thousands of
    files). The permissions fixtures bring custom roles, whose Actions are parse nodes."""
    import gc

    from byocni_lint.load.jsonc import Source

    if files == "generated":
        write_templates(tmp_path, 5)
    else:
        shutil.copytree(FIXTURES / "permissions", tmp_path, dirs_exist_ok=True)
    expected = len(list(tmp_path.iterdir()))
    run = _Linter(Options(today=TODAY), keep_models=False).run([str(tmp_path)])
    assert read_problems(run) == [] and run.files_linted == expected
    gc.collect()
    assert [o.path for o in gc.get_objects() if isinstance(o, Source) and str(tmp_path) in o.path] == []


def test_a_bicepparam_reached_through_a_link_is_grouped_with_its_template(tmp_path: Path, pool_started) -> None:
    """Grouping names files as the reader pairs them, by their real paths: a template given by its real
    folder and a parameters file whose `using` reaches it through a linked folder are one group, so
    workers report what one process reports."""
    real = tmp_path / "real"
    shutil.copytree(FIXTURES / "bicep" / "cluster", real / "cluster")
    repo = tmp_path / "repo"
    (repo / "prod").mkdir(parents=True)
    (repo / "cluster").symlink_to(real / "cluster", target_is_directory=True)
    shutil.copy(FIXTURES / "bicep" / "prod" / "prod.bicepparam", repo / "prod")
    paths = [str(real / "cluster"), str(repo / "prod")]
    alone, shared = (_Linter(Options(today=TODAY, jobs=jobs), keep_models=False).run(paths).findings for jobs in (1, 2))
    assert pool_started, "no worker read the Bicep files"
    assert shared == alone
    assert [f.related[0].path.rsplit("/", 1)[-1] for f in of(shared, "BYO011")] == ["prod.bicepparam"]
