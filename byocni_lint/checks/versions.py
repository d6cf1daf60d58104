"""Version rules: the managedClusters API version (BYO001), the Azure CLI version (BYO002) and the
Kubernetes version (BYO011)."""
from __future__ import annotations

from datetime import date

from byocni_lint.checks import check
from byocni_lint.checks.context import CheckContext
from byocni_lint.model import Model
from byocni_lint.model.spellings import NETWORK_PLUGIN
from byocni_lint.semantics.apiversion import ApiVersion, api_version_param, at_least, parse_api_version
from byocni_lint.semantics.kubernetes import minor_of


def _minimums(params: dict) -> tuple[ApiVersion, ApiVersion]:
    return api_version_param(params["min_stable"]), api_version_param(params["min_preview"])


@check("BYO001")
def api_version_too_old(model: Model, ctx: CheckContext) -> None:
    min_stable, min_preview = ctx.prepared(_minimums)
    for cluster in model.clusters:
        _provider_too_old(cluster, ctx)
        api = cluster.api_version
        if api is None:
            continue
        if not api.known:
            if cluster.is_byocni:
                ctx.unknown(api, cluster, ctx.name(api))
            continue
        version = parse_api_version(api.value)
        if version is None or at_least(version, min_stable, min_preview):
            continue
        if not cluster.is_byocni:
            if cluster.network_plugin is not None and not cluster.network_plugin.known:
                ctx.unknown(cluster.network_plugin, cluster, f"{ctx.spell(NETWORK_PLUGIN)} ({ctx.name(api)} "
                            f"{version} would not support 'none')")
            continue
        needed = min_preview if version.is_preview else min_stable
        ctx.fail(api, f"{ctx.name(api)} {version} predates {ctx.spell(NETWORK_PLUGIN)} 'none', which needs "
                      f"{min_stable} or later (preview: {min_preview} or later)", cluster, fix=f"use {needed} or newer")


def _provider_too_old(cluster, ctx: CheckContext) -> None:
    """Terraform: the azurerm provider must be 3.6.0 or later to send networkPlugin 'none'."""
    from byocni_lint.semantics.providers import allows_at_least

    pin = cluster.provider_version
    if pin is None or not cluster.is_byocni or not pin.known:
        return
    text, constraint = pin.value
    minimum = str(ctx.params["min_azurerm_version"])
    if allows_at_least(text, minimum, constraint) is False:
        ctx.fail(pin, f"{pin.property_path} '{text}' allows only azurerm versions before {minimum}, the first "
                      f"that accepts network_plugin = \"none\"; require {minimum} or later", cluster)


@check("BYO002")
def azure_cli_too_old(model: Model, ctx: CheckContext) -> None:
    minimum = str(ctx.params["min_cli_version"])
    for cluster in model.clusters:
        pin = cluster.cli_version
        if pin is None or not cluster.is_byocni:
            continue
        if not pin.known:
            ctx.unknown(pin, cluster, f"the Azure CLI version ({pin.property_path})")
            continue
        version = _cli_version(str(pin.value))
        if version is None or version >= _cli_version(minimum):  # type: ignore[operator]
            continue
        ctx.fail(pin, f"Azure CLI {pin.value} ({pin.property_path}) is older than {minimum}, the first "
                      f"release whose `az aks create` accepts --network-plugin none", cluster,
                 fix=f"use Azure CLI {minimum} or later")


def _cli_version(text: str) -> tuple[int, ...] | None:
    parts = text.strip().lstrip("v").split(".")
    digits = [part for part in parts if part.isdigit()]
    return tuple(int(part) for part in digits) + (0,) * (3 - len(digits)) if len(digits) == len(parts) else None


def _calendar(params: dict) -> list[tuple[tuple[int, int], dict]]:
    """The release calendar's rows by minor, oldest first."""
    return sorted(((_calendar_minor(entry), entry) for entry in params["calendar"]), key=lambda item: item[0])


@check("BYO011")
def kubernetes_version_unsupported(model: Model, ctx: CheckContext) -> None:
    calendar = ctx.prepared(_calendar)
    oldest = calendar[0][0] if calendar else None
    for cluster in model.clusters:
        version = cluster.kubernetes_version
        if version is None or not version.present:
            continue  # AKS picks its default version
        if not version.known:
            ctx.unknown(version, cluster, ctx.name(version))
            continue
        minor = minor_of(version.value)
        if minor is None:
            continue
        entry = next((e for m, e in calendar if m == minor), None)
        lts = _is_lts(cluster)
        if entry is not None:
            end = _end_of_life(entry, lts)
            if ctx.today <= end:
                continue
            why = f"AKS support for {_minor_text(minor)} ended {end.isoformat()}" + (" (LTS)" if lts and entry.get("lts_end_of_life") else "")
        elif oldest is not None and minor < oldest and ctx.params["older_minors_are_end_of_life"]:
            why = f"{_minor_text(minor)} is older than every minor in the AKS release calendar " \
                  f"(oldest listed: {_minor_text(oldest)})"
        else:
            continue
        supported = [m for m, e in calendar if _end_of_life(e, False) >= ctx.today]
        advice = f"upgrade to {_minor_text(supported[0])} or newer" if supported else "upgrade to a supported minor"
        ctx.fail(version, f"{ctx.name(version)} {version.value} is past end of life: {why}", cluster, fix=advice)


def _is_lts(cluster) -> bool:
    plan = cluster.support_plan.value if cluster.support_plan else None
    return isinstance(plan, str) and plan.lower() == "akslongtermsupport"


def _end_of_life(entry: dict, lts: bool) -> date:
    value = entry.get("lts_end_of_life") if lts and entry.get("lts_end_of_life") else entry["end_of_life"]
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _minor_text(minor: tuple[int, int]) -> str:
    return f"{minor[0]}.{minor[1]}"


def _calendar_minor(entry: dict) -> tuple[int, int]:
    """A calendar row's minor; the rulebook has validated it, so it always parses."""
    minor = minor_of(str(entry["minor"]))
    if minor is None:
        raise ValueError(f"calendar minor {entry['minor']!r}")
    return minor
