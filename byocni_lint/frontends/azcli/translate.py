"""One script -> the `az` calls it makes -> an ARM template of located nodes, plus the CLI pins.

Kept apart from the front-end plumbing so the translation can be tested on a string.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from byocni_lint.frontends.azcli.commands import AzCall, Group, Lit, TemplateBuilder, az_call, query_ref
from byocni_lint.frontends.azcli.scripts import (Pin, Requirements, Script, image_pin, pip_pin,
                                                 powershell_snippet)
from byocni_lint.frontends.azcli.words import Command, Piece, parse


@dataclass
class Translation:
    """What a file's scripts build: the resource groups, the clusters with the pin each runs under, notes."""

    builder: TemplateBuilder = field(default_factory=TemplateBuilder)
    calls: list[AzCall] = field(default_factory=list)
    cluster_pins: list[tuple[AzCall, Pin | None]] = field(default_factory=list)


def _substitute(commands: list[Command], start: int, end: int) -> Piece:
    """`$(az ... --query id -o tsv)` names a resource; any other command output is unknown."""
    call = az_call(commands[-1]) if commands else None
    ref = query_ref(call) if call is not None else None
    if ref is not None:
        return Piece("", start, end, ref=ref)
    what = f"az {' '.join(call.path)}" if call is not None else "a command"
    return Piece("", start, end, unknown=f"the output of {what} is known only when the script runs")


def translate(scripts: list[Script], requirements: Requirements | None = None) -> Translation:
    """Every `az` call of the scripts, in order, into one template builder; `pip install` pins the CLI
    for the commands after it."""
    result = Translation()
    for script in scripts:
        pin = script.pin
        env = dict(script.env)
        snippet = script.snippet
        if script.powershell:
            snippet = powershell_snippet(snippet)
        for command in parse(snippet, env, _substitute):
            pinned = pip_pin(command.words, requirements)
            if pinned is not None:
                pin = pinned
                continue
            call = az_call(command)
            if call is None:
                _note_hidden_az(command, result)
                continue
            result.calls.append(call)
            before = len(result.builder.clusters)
            result.builder.apply(call)
            for _ in result.builder.clusters[before:]:
                image = image_pin(call.image.text, call.image.start, call.image.end) \
                    if call.image is not None and call.image.text else None
                result.cluster_pins.append((call, image or pin))
    return result


_SHELLS = {"sh", "bash", "zsh", "dash", "ksh", "pwsh", "powershell"}


def _note_hidden_az(command: Command, result: Translation) -> None:
    """`eval "az ..."` and `bash -c "az ..."` run an az command the linter does not read: say so."""
    words = command.words
    first = (words[0].text or "").rsplit("/", 1)[-1] if words else ""
    if first != "eval" and not (first in _SHELLS and any(w.text in ("-c", "-Command") for w in words[1:])):
        return
    if any(re.search(r"(^|[\s;&|(\"'])az\s", w.raw) for w in words[1:]):
        result.builder.notes.append((f"an az command run through {first} is not read, so it is not checked",
                                     command.start, command.end))


def template(translation: Translation, source) -> dict:
    """The ARM template: resources of the script's first resource group (or of an unnamed one) at the
    top, every other named group in a nested deployment targeted at it."""
    from byocni_lint.load import nodes

    groups: list[Group] = list(translation.builder.groups.values())
    resources: list = []
    for group in groups:
        converted = [_resource(r, source, nodes) for r in group.resources]
        if not group.known:
            resources += converted
            continue
        span = group.resources[0]["__span"] if group.resources else (0, 0)
        resources.append(_node({
            "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
            "name": Lit(f"rg-{group.key}", *span), "resourceGroup": Lit(group.key, *span),
            **({"subscriptionId": Lit(group.subscription, *span)} if group.subscription else {}),
            "properties": {"mode": "Incremental", "expressionEvaluationOptions": {"scope": "inner"},
                           "template": {"$schema": _SCHEMA, "contentVersion": "1.0.0.0", "resources": converted}},
        }, source, nodes, span))
    return _node({"$schema": _SCHEMA, "contentVersion": "1.0.0.0", "resources": resources}, source, nodes, (0, 0))


_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"


def _resource(resource: dict, source, nodes) -> object:
    span = resource["__span"]
    return _node({k: v for k, v in resource.items() if k != "__span"}, source, nodes, span)


def _node(value: object, source, nodes, span: tuple[int, int]) -> object:
    """Lit trees -> position-carrying nodes; containers take the span of the command that wrote them.
    An unknown value cannot carry a position, so its container remembers where it was written."""
    if hasattr(value, "source"):
        return value  # already a node (a converted resource inside a nested deployment)
    if isinstance(value, Lit):
        if value.unknown is not None or value.value is None:
            return nodes.unknown_value(value.unknown or "the value is not known")
        inner = value.value
        if isinstance(inner, str) and inner.startswith("[") and not value.expression:
            inner = "[" + inner  # ARM's escape: a literal that starts with '[' is not an expression
        return nodes.located(inner, source, value.start, value.end)
    if isinstance(value, dict):
        container = nodes.located_dict({}, source, *span)
        for key, item in value.items():
            if isinstance(key, Lit):
                if key.unknown is not None or key.value is None:
                    continue
                key = key.value
            _member(container, key, item, source, nodes, span)
        return container
    if isinstance(value, list):
        lits = [v for v in value if isinstance(v, Lit)]
        where = (lits[0].start, lits[-1].end) if lits and len(lits) == len(value) else span
        container = nodes.located_list([], source, *where)
        for index, item in enumerate(value):
            _member(container, index, item, source, nodes, span)
        return container
    if isinstance(value, (str, int)):
        return nodes.located(value, source, *span)
    return value


def _member(container, key, item, source, nodes, span: tuple[int, int]) -> None:
    where = (item.start, item.end) if isinstance(item, Lit) else span
    nodes.set_member(container, key, _node(item, source, nodes, span), *where)
