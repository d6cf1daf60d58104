"""Grouping claimed Terraform files into lint units, and building a plan's model.

One plan is one unit. Its configuration (for locations, the lock file and `required_providers`) is
the first folder holding `.tf` files among the plan's folder and its parents up to the one with
`.terraform.lock.hcl` (or `--tf-dir`). `.tf` files in a folder with no plan are not evaluated (yet):
each such folder gets one located note, so a configuration is never passed unread.
"""
from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, cast

from byocni_lint.findings import Location
from byocni_lint.frontends import ClaimedFile, Unit
from byocni_lint.frontends.terraform import CONFIG, PLAN, VARIABLES

if TYPE_CHECKING:
    from byocni_lint.load.jsonc import JStr

LOCK = ".terraform.lock.hcl"


def units(files: list[ClaimedFile], run) -> Iterator[Unit]:
    plans = [f for f in files if f.kind == PLAN]
    plan_folders = {_config_folder(f.path, run) for f in plans}
    for claimed in plans:
        yield Unit(claimed.display, partial(build_plan, claimed, run), format="terraform")
    folders: dict[Path, list[ClaimedFile]] = {}
    for claimed in files:
        if claimed.kind in (CONFIG, VARIABLES):
            folders.setdefault(claimed.path.parent.resolve(), []).append(claimed)
    called = _called_module_folders(folders)
    for folder, claimed_files in folders.items():
        if folder in plan_folders or (folder in called and not any(c.explicit for c in claimed_files)):
            continue  # a local module is linted with the inputs its caller gives it, not as a root
        claimed = claimed_files[0]
        yield Unit(claimed.display, partial(build_config, folder, claimed, run),
                   format="terraform", report_only=_named_only(claimed_files))


_LOCAL_SOURCE = re.compile(r'^\s*source\s*=\s*"(\.{1,2}/[^"]*)"', re.MULTILINE)


def _called_module_folders(folders: dict) -> set:
    """Folders that another claimed folder calls as a local module (a cheap look at `source = "./..."`;
    the real parse happens when the caller is evaluated)."""
    called: set[Path] = set()
    for folder in folders:
        for path in folder.glob("*.tf"):
            try:
                with path.open("rb") as handle:
                    text = handle.read(1_000_000).decode("utf-8", "replace")
            except OSError:
                continue
            called.update((folder / source).resolve() for source in _LOCAL_SOURCE.findall(text))
    return called


def _named_only(claimed_files: list[ClaimedFile]) -> frozenset[str] | None:
    """Files named one by one (as pre-commit passes changed files): the whole folder is evaluated, and
    rule findings are reported in the named files (and the folder's lock file, which pins the provider
    for all of them). A folder named as a whole reports everywhere."""
    import os

    if not all(c.explicit for c in claimed_files):
        return None
    lock = os.path.normpath(str(Path(claimed_files[0].display).parent / LOCK))  # the folder's provider pin (BYO001)
    return frozenset([lock, *(os.path.normpath(c.display) for c in claimed_files)])


def build_config(folder: Path, claimed: ClaimedFile, run):
    """A folder of `.tf` files with no plan: evaluated statically (see config.py)."""
    from byocni_lint.frontends.terraform.config import configuration_resources, variable_values
    from byocni_lint.frontends.terraform.locations import Configuration

    import os

    display = os.path.normpath(str(Path(claimed.display).parent))
    config = Configuration(folder, display, run.read_text)
    for shown, error, source in config.errors:
        run.problem("BYO900", f"cannot read Terraform file: {error}", Location(shown, source.span(error.start, error.end)))
    notes: list = []
    resources = configuration_resources(config, variable_values(folder, display, run, notes), notes)
    return _model(resources, config, None, claimed, run, notes, config.files[0].source if config.files else None)


def _config_folder(plan: Path, run) -> Path | None:
    explicit = getattr(run.options, "tf_dir", None)
    if explicit:
        return Path(explicit).resolve()
    folder = plan.parent.resolve()
    for candidate in [folder, *folder.parents][:8]:
        if any(candidate.glob("*.tf")):
            return candidate
        if (candidate / LOCK).exists():
            return None
    return None


def _display_of(folder: Path, plan: ClaimedFile) -> str:
    import os

    base = Path(plan.display).parent
    try:
        relative = os.path.relpath(folder, plan.path.parent.resolve())
    except ValueError:
        return str(folder)
    return os.path.normpath(str(base / relative))


def build_plan(claimed: ClaimedFile, run):
    from byocni_lint.frontends.terraform.azurerm import TfResource
    from byocni_lint.frontends.terraform.locations import Configuration, attribute_position
    from byocni_lint.frontends.terraform.plan import Plan, is_plan, plan_position
    from byocni_lint.load.jsonc import JsoncError, parse

    text = run.read_text(claimed.path, claimed.display)
    if text is None:
        return None
    try:
        root = parse(text, claimed.display, int(run.limits.get("max_json_depth", 200)))
    except JsoncError as exc:
        run.problem("BYO900", f"cannot read Terraform plan: {exc.message}",
                    Location(claimed.display, _point(exc.line, exc.column)))
        return None
    if not is_plan(root):
        run.problem("BYO900", "not a Terraform plan: `format_version` with `planned_values` or `resource_changes` "
                    "expected at the top", Location(claimed.display))
        return None
    plan = Plan(root)
    folder = _config_folder(claimed.path, run)
    config = None
    if folder is not None:
        config = Configuration(folder, _display_of(folder, claimed), run.read_text)
        for shown, error, source in config.errors:
            run.problem("BYO900", f"cannot read Terraform file: {error}", Location(shown, source.span(error.start, error.end)))
    resources = []
    for item in plan.resources.values():
        module_config = config.for_module(item.module) if config is not None else None
        found = module_config.blocks.get(item.config_address) if module_config is not None else None

        def where(path, item=item, found=found):
            if found is not None:
                return attribute_position(found[0], found[1], path)
            return plan_position(item, path)

        # a plan resource's values are an object (after_unknown is an object per resource, never true)
        resources.append(TfResource(item.address, item.type, item.mode, cast(dict, item.values), where,
                                    partial(plan.link, item)))
    return _model(resources, config, plan, claimed, run, [], root.source)


def _model(resources, config, plan, claimed: ClaimedFile, run, notes: list, source):
    from byocni_lint.frontends.terraform.azurerm import Mapping
    from byocni_lint.model import Model

    mapping = Mapping(resources)
    template = mapping.template(source) if mapping.resources and source is not None else None
    for message, where in notes + mapping.notes:
        run.note(message, Location(where[0].path, where[0].span(where[1], where[2])))
    if template is None:
        return Model(source=claimed.display)
    model = run.arm_model(template, claimed.display, format="terraform")
    if model is not None:
        _provider_versions(model, mapping, config, plan, run)
    return model


def _point(line: int, column: int):
    from byocni_lint.findings import Span

    return Span(line, column, line, column + 1)


def _provider_versions(model, mapping, config, plan, run) -> None:
    """azurerm clusters: the API version is the provider's choice, so BYO001 judges the provider pin."""
    from byocni_lint.frontends.terraform.hcl import HclSyntaxError, parse
    from byocni_lint.model import Field
    from byocni_lint.frontends.terraform.providers import ProviderPin, lock_pin, required_pin

    azurerm_blocks = set()
    for resource in mapping.resources:
        if resource.type == "azurerm_kubernetes_cluster":
            source, start, end = resource.where(())
            azurerm_blocks.add((source.path, source.span(start, end)))
    pin = None
    if config is not None:
        lock_path = config.folder / ".terraform.lock.hcl"
        if lock_path.is_file():
            shown = str(Path(config.display) / ".terraform.lock.hcl")
            text = run.read_text(lock_path, shown)
            try:
                pin = lock_pin(parse(text, shown)) if text is not None else None
            except HclSyntaxError as exc:
                run.problem("BYO900", f"cannot read lock file: {exc}", Location(shown))
        pin = pin or required_pin(config.files)
    if pin is None and plan is not None:
        azurerm = plan.provider_config.get("azurerm") if isinstance(plan.provider_config, dict) else None
        constraint = azurerm.get("version_constraint") if isinstance(azurerm, dict) else None
        if isinstance(constraint, str):
            written = cast("JStr", constraint)  # a string of the plan JSON carries its position (load/jsonc)
            pin = ProviderPin(constraint, "azurerm version_constraint in the plan",
                              (written.source, written.start, written.end), True)
    for cluster in model.clusters:
        if (cluster.location.path, cluster.location.span) not in azurerm_blocks:
            continue
        cluster.api_version = None
        if pin is not None:
            source, start, end = pin.position
            cluster.provider_version = Field((pin.text, pin.is_constraint), Location(source.path, source.span(start, end)),
                                             property_path=pin.what)
