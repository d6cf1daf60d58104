"""The declared type of every rule parameter, checked once per run when the rules are loaded.

Like yamllint's `CONF` for rule options: a parameter a user tunes in `rules/*.yaml` (or, later, in
their configuration) is validated here, so a typo is one clear error naming the file and key (exit 2)
instead of an internal error in every file that reaches the check. The values themselves live only
in the YAML: checks read `ctx.params[...]` and never carry a fallback default of their own.
"""
from __future__ import annotations

import ipaddress
import re
from datetime import date
from typing import Callable

Validator = Callable[[object], str | None]  # None when valid, else what is wrong


def _string(value: object) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be a non-empty string"


def _boolean(value: object) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _positive_int(value: object) -> str | None:
    return None if isinstance(value, int) and not isinstance(value, bool) and value > 0 else "must be a positive integer"


def _cidr(value: object) -> str | None:
    try:
        ipaddress.ip_network(str(value), strict=False)
    except ValueError:
        return f"{value!r} is not a CIDR range"
    return None if isinstance(value, str) else f"{value!r} is not a CIDR range"


def _parses(parse: Callable[[str], object], what: str) -> Validator:
    """Valid when `parse` accepts the value's text."""
    def validate(value: object) -> str | None:
        try:
            parse(str(value))
        except ValueError:
            return f"{value!r} is not {what}"
        return None
    return validate


_address = _parses(ipaddress.ip_address, "an IP address")


def _api_version(value: object) -> str | None:
    from byocni_lint.semantics.apiversion import parse_api_version

    return None if isinstance(value, str) and parse_api_version(value) is not None else f"{value!r} is not an api-version (YYYY-MM-DD[-preview])"


def _cli_version(value: object) -> str | None:
    return None if isinstance(value, str) and re.fullmatch(r"\d+(\.\d+){1,3}", value) else f"{value!r} is not a version like 2.39.0"


_date = _parses(date.fromisoformat, "a YYYY-MM-DD date")


def _severity(value: object) -> str | None:
    return None if value in ("error", "warning", "note") else "must be error, warning or note"


def _minor(value: object) -> str | None:
    return None if isinstance(value, str) and re.fullmatch(r"\d+\.\d+", value) else f"{value!r} is not a minor like \"1.31\""


def _ports(value: object) -> str | None:
    items = value if isinstance(value, list) else [value]
    for item in items:
        text = str(item)
        if text in ("*", "Any"):
            continue
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", text)
        if not match or not all(0 <= int(g) <= 65535 for g in match.groups() if g):
            return f"{item!r} is not a port or port range"
    return None


def _protocol(value: object) -> str | None:
    return None if str(value).lower() in ("*", "any", "tcp", "udp", "icmp", "esp", "ah") else f"{value!r} is not an NSG protocol"


def list_of(item: Validator) -> Validator:
    def validate(value: object) -> str | None:
        if not isinstance(value, list):
            return "must be a list"
        for index, element in enumerate(value):
            problem = item(element)
            if problem:
                return f"[{index}]{_join(problem)}"
        return None
    return validate


def record(required: dict[str, Validator], optional: dict[str, Validator] | None = None) -> Validator:
    """An object with these keys (and no others)."""
    allowed = {**required, **(optional or {})}

    def validate(value: object) -> str | None:
        if not isinstance(value, dict):
            return "must be a mapping"
        unknown = sorted(set(value) - set(allowed))
        if unknown:
            return f"unknown key {unknown[0]!r} (allowed: {', '.join(allowed)})"
        for key, check in allowed.items():
            if key not in value:
                if key in required:
                    return f"missing key {key!r}"
                continue
            problem = check(value[key])
            if problem:
                return f".{key}{_join(problem)}"
        return None
    return validate


def _flow(value: object) -> str | None:
    return record({"protocol": _protocol}, {"ports": _ports, "port": _ports, "description": _string})(value)


SCHEMAS: dict[str, dict[str, Validator]] = {
    "BYO001": {"min_stable": _api_version, "min_preview": _api_version, "min_azurerm_version": _cli_version},
    "BYO002": {"min_cli_version": _cli_version},
    "BYO003": {"reserved_ranges": list_of(_cidr)},
    "BYO004": {},
    "BYO005": {"extra_flows": list_of(_flow), "pod_flow_severity": _severity, "max_nsg_steps": _positive_int},
    "BYO006": {"required_actions": list_of(_string), "advisory_actions": list_of(_string)},
    "BYO007": {"required_outbound": list_of(_flow), "max_nsg_steps": _positive_int},
    "BYO008": {"incompatible_policies": list_of(_string), "incompatible_dataplanes": list_of(_string),
               "warn_plugin_modes": list_of(_string), "warn_dual_stack": _boolean, "warn_windows_pools": _boolean},
    "BYO009": {"aks_defaults": record({"serviceCidr": _cidr, "dnsServiceIP": _address})},
    "BYO010": {},
    "BYO011": {"calendar": list_of(record({"minor": _minor, "end_of_life": _date}, {"lts_end_of_life": _date})),
               "older_minors_are_end_of_life": _boolean, "calendar_date": _date},
    "BYO012": {"removed_in_stable": _api_version, "removed_in_preview": _api_version},
    "BYO900": {}, "BYO901": {}, "BYO902": {}, "BYO904": {}, "BYO905": {},
    "BYO903": {"max_file_bytes": _positive_int, "max_json_depth": _positive_int, "max_eval_steps": _positive_int,
               "max_run_steps": _positive_int, "max_nsg_rule_evaluations": _positive_int,
               "max_deployment_depth": _positive_int, "max_copy_count": _positive_int, "max_value_size": _positive_int},
}


def params_problem(rule_id: str, params: object) -> str | None:
    """What is wrong with a rule's `params`, naming the key (`params.reserved_ranges[1]: ...`), or None.
    Every declared parameter is required (its one default is the shipped YAML); unknown keys are errors."""
    schema = SCHEMAS.get(rule_id)
    if schema is None:
        return None  # a rule this version does not know declares its own params
    if not isinstance(params, dict):
        return "params: must be a mapping"
    unknown = sorted(set(params) - set(schema))
    if unknown:
        return f"params.{unknown[0]}: unknown parameter (allowed: {', '.join(schema) or 'none'})"
    for key, validate in schema.items():
        if key not in params:
            return f"params.{key}: missing"
        problem = validate(params[key])
        if problem:
            return f"params.{key}{_join(problem)}"
    return None


def _join(problem: str) -> str:
    """A nested key path continues (`[1].port`); a message follows a colon."""
    return problem if problem.startswith(("[", ".")) else f": {problem}"
