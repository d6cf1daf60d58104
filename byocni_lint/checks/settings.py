"""Network-profile settings that do or do not go with `networkPlugin: none` (BYO008, BYO010, BYO012)."""
from __future__ import annotations

from byocni_lint.checks import check
from byocni_lint.checks.context import CheckContext
from byocni_lint.findings import Severity
from byocni_lint.model import Field, Model
from byocni_lint.model.spellings import NETWORK_PLUGIN, POD_CIDR, POD_CIDRS
from byocni_lint.semantics.apiversion import api_version_param, parse_api_version


def _lower(field: Field | None) -> str | None:
    return field.value.lower() if field is not None and isinstance(field.value, str) else None


def _incompatible(params: dict) -> tuple[set[str], ...]:
    """Network policies, dataplanes and plugin modes named in the params, lower case."""
    return tuple({name.lower() for name in params[key]}
                 for key in ("incompatible_policies", "incompatible_dataplanes", "warn_plugin_modes"))


@check("BYO008")
def byocni_incompatible_setting(model: Model, ctx: CheckContext) -> None:
    policies, dataplanes, warn_modes = ctx.prepared(_incompatible)
    for cluster in (c for c in model.clusters if c.is_byocni):
        none = f"{ctx.spell(NETWORK_PLUGIN)} 'none'"
        for setting, banned, severity in (
            (cluster.network_policy, policies, Severity.ERROR),
            (cluster.network_dataplane, dataplanes, Severity.ERROR),
            (cluster.network_plugin_mode, warn_modes, Severity.WARNING),
        ):
            if setting is None or not setting.present:
                continue
            if not setting.known:
                ctx.unknown(setting, cluster, ctx.name(setting))
            elif _lower(setting) in banned:
                ctx.fail(setting, f"{ctx.name(setting)} '{setting.value}' is not supported with {none}: the "
                                  "managed CNI it needs is not installed", cluster, severity,
                         fix="remove it and let your own CNI provide it")
        families = cluster.ip_families
        if families is not None and families.present:
            if not families.known:
                ctx.unknown(families, cluster, ctx.name(families))
            elif ctx.params["warn_dual_stack"] and isinstance(families.value, list) and \
                    len({str(f).lower() for f in families.value}) > 1:
                ctx.fail(families, f"dual-stack {ctx.name(families)} with {none} is not documented as "
                                   "supported (AKS documents dual stack with Azure CNI Overlay); make sure "
                                   "your CNI handles IPv6", cluster, Severity.WARNING)
        if ctx.params["warn_windows_pools"]:
            for pool in cluster.pools:
                if not pool.os_type.known:
                    ctx.unknown(pool.os_type, cluster, f"{ctx.name(pool.os_type)} of pool {pool.name}")
                elif _lower(pool.os_type) == "windows":
                    ctx.fail(pool.os_type, f"Windows node pool {pool.name} with {none}: "
                                           "BYOCNI is not supported for Windows nodes; use Linux pools",
                             cluster, Severity.WARNING)


@check("BYO010")
def missing_pod_cidr(model: Model, ctx: CheckContext) -> None:
    for cluster in (c for c in model.clusters if c.is_byocni):
        fields = cluster.pod_cidr_fields()
        if any(f.known and f.present for f in fields):
            continue
        unknown = next((f for f in fields if not f.known), None)
        if unknown is not None:
            ctx.unknown(unknown, cluster, ctx.name(unknown))
            continue
        ctx.fail(cluster.network_plugin or cluster.location, f"{ctx.spell(NETWORK_PLUGIN)} 'none' without {ctx.spell(POD_CIDR)} or "
                                         f"{ctx.spell(POD_CIDRS)}: the Azure BYOCNI article says to give the pod range "
                                         "your CNI will use", cluster,
                 fix=f"set {ctx.spell(POD_CIDR)} (e.g. 192.168.0.0/16)")


@check("BYO012")
def docker_bridge_cidr_deprecated(model: Model, ctx: CheckContext) -> None:
    removed_stable = api_version_param(ctx.params["removed_in_stable"])
    removed_preview = api_version_param(ctx.params["removed_in_preview"])
    for cluster in model.clusters:
        bridge = cluster.docker_bridge_cidr
        if bridge is None or not bridge.present or not bridge.known or bridge.value == "":
            continue  # an unknown value may well be absent: not worth even a note
        version = parse_api_version(cluster.api_version.value) if cluster.api_version else None
        removed = removed_preview if version is not None and version.is_preview else removed_stable
        if version is not None and version.day >= removed.day:
            detail = f"is not part of apiVersion {version} (removed from {removed})"
        else:
            detail = f"is deprecated and removed from the API from {removed_stable}"
        ctx.fail(bridge, f"{ctx.name(bridge)} {detail}", cluster, fix="delete the setting")
