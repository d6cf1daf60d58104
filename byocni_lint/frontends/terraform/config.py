"""A Terraform configuration without a plan, evaluated statically into resources for the azurerm mapping.

A root module is a folder: its `*.tf` files together, variables from defaults, `terraform.tfvars`,
`*.auto.tfvars` (and `.json`), `--tf-var-file` and `--tf-var` in Terraform's order of precedence
(developer.hashicorp.com/terraform/language/values/variables#variable-definition-precedence).
`count`/`for_each` expand when their argument is known; local modules are evaluated with their inputs
and outputs; registry/git modules are unknown (a located note) unless `terraform init` put them under
`.terraform/modules/` (`modules.json`). Values needing a provider run stay unknown.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, cast

from byocni_lint.frontends.terraform.azurerm import AFTER_APPLY, Link, TfResource
from byocni_lint.frontends.terraform.expressions import Evaluator, LinkUnknown
from byocni_lint.frontends.terraform.hcl import Block, HclFile, parse, HclSyntaxError
from byocni_lint.frontends.terraform.locations import Configuration, attribute_position
from byocni_lint.model.values import Unknown

_META = frozenset({"count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection", "providers"})


def _key_text(key: object) -> str:
    return f"[{key}]" if isinstance(key, int) else f'["{key}"]'


class ModuleEvaluation:
    """One module instance: its variables, locals, resources and outputs, each evaluated once."""

    def __init__(self, config: Configuration, inputs: dict, prefix: str, notes: list, depth: int = 0) -> None:
        self.config, self.inputs, self.prefix, self.notes, self.depth = config, inputs, prefix, notes, depth
        self.variables: dict[str, object] = {}
        self.locals: dict[str, tuple[HclFile, object]] = {}
        self._local_values: dict[str, object] = {}
        self._busy: set[str] = set()
        self.outputs: dict[str, tuple[HclFile, object]] = {}
        self._instances: dict[str, object] = {}
        self._children: dict[str, object] = {}
        for hcl in config.files:
            for block in hcl.body.blocks:
                if block.type == "variable" and block.labels:
                    self.variables[block.labels[0]] = self._variable(block, hcl)
                elif block.type == "locals":
                    for name, attribute in block.body.attributes.items():
                        self.locals[name] = (hcl, attribute.expr)
                elif block.type == "output" and block.labels and "value" in block.body.attributes:
                    self.outputs[block.labels[0]] = (hcl, block.body.attributes["value"].expr)

    def _variable(self, block: Block, hcl: HclFile) -> object:
        name = block.labels[0]
        sensitive = block.body.attributes.get("sensitive")
        if name in self.inputs:
            value = self.inputs[name]
        elif "default" in block.body.attributes:
            value = Evaluator(self.lookup).eval(block.body.attributes["default"].expr)
        else:
            value = Unknown(f"variable {name} has no value (no default, no tfvars, no --tf-var)")
        if sensitive is not None and (sensitive.expr.text or b"").decode().strip() == "true" and not isinstance(value, Unknown):
            return Unknown(f"variable {name} is sensitive")
        return value

    # ----- names -----
    def lookup(self, name: str, steps: list, evaluator: Evaluator | None = None) -> object:
        evaluator = evaluator or Evaluator(self.lookup)
        if name in ("var", "local") and steps and steps[0].type == "get_attr":
            key = steps[0].named_children[0].text.decode()
            value = self.variables.get(key, Unknown(f"variable {key} is not declared")) if name == "var" else self._local(key)
            return evaluator._apply(value, steps[1:])
        if name == "module" and len(steps) >= 2 and steps[0].type == "get_attr":
            child = self.child(steps[0].named_children[0].text.decode())
            if isinstance(child, Unknown):
                return child
            rest = steps[1:]
            if rest and rest[0].type == "index":  # module.x[0].output: one instance evaluated
                rest = rest[1:]
            if not rest or rest[0].type != "get_attr":
                return Unknown("a whole module is not a value")
            return evaluator._apply(child.output(rest[0].named_children[0].text.decode()), rest[1:])
        if name in ("path", "terraform", "self", "count", "each"):
            return Unknown(f"{name}.* is not known here")
        if name == "data":
            if len(steps) < 2:
                return Unknown("incomplete data reference")
            kind = steps[0].named_children[0].text.decode()
            return self._resource_reference(f"data.{kind}", steps[1:], evaluator)
        return self._resource_reference(name, steps, evaluator)

    def _local(self, name: str) -> object:
        if name in self._local_values:
            return self._local_values[name]
        if name not in self.locals:
            return Unknown(f"local.{name} is not declared")
        if name in self._busy:
            return Unknown(f"local.{name} refers to itself")
        self._busy.add(name)
        value = Evaluator(self.lookup).eval(self.locals[name][1])
        self._busy.discard(name)
        self._local_values[name] = value
        return value

    def child(self, name: str) -> "ModuleEvaluation | Unknown":
        if name in self._children:
            return self._children[name]  # type: ignore[return-value]
        found = self.config.module_blocks.get(name)
        child_config = self.config.child(name)
        if found is None:
            result: object = Unknown(f"module {name} is not declared")
        elif child_config is None or self.depth > 16:
            hcl, block = found
            source = block.body.attributes.get("source")
            where = (hcl.source, source.start, source.end) if source else (hcl.source, block.start, block.header_end)
            self.notes.append((f"module {name}: its source is not a local folder in reach (run `terraform init`, "
                               f"or lint a plan): what it deploys is not checked", where))
            result = Unknown(f"module {name} is not read")
        else:
            hcl, block = found
            evaluator = Evaluator(self.lookup)
            inputs = {key: evaluator.eval(attribute.expr) for key, attribute in block.body.attributes.items()
                      if key not in ("source", "version") and key not in _META}
            result = ModuleEvaluation(child_config, inputs, f"{self.prefix}module.{name}.", self.notes, self.depth + 1)
        self._children[name] = result
        return result  # type: ignore[return-value]

    def output(self, name: str) -> object:
        if name not in self.outputs:
            return Unknown(f"output {name} is not declared")
        return Evaluator(self.lookup).eval(self.outputs[name][1])

    # ----- resources -----
    def _resource_reference(self, kind: str, steps: list, evaluator: Evaluator) -> object:
        if not steps or steps[0].type != "get_attr":
            return Unknown(f"{kind} is not a value")
        local = f"{kind}.{steps[0].named_children[0].text.decode()}"
        instances = self.instances(local)
        if instances is None:
            return Unknown(f"{local} is not declared")
        rest = steps[1:]
        if isinstance(instances, Unknown):
            return instances
        if isinstance(instances, dict) and "__single__" in instances:
            address, values = instances["__single__"]
        else:
            if not rest or rest[0].type != "index":
                return Unknown(f"{local} with count/for_each used whole")
            inner = rest[0].named_children[0]
            key = evaluator.eval(inner.named_children[0]) if inner.type == "new_index" else int(inner.text.decode().lstrip("."))
            if isinstance(key, Unknown):
                return key
            found = instances.get(key if isinstance(instances, dict) and key in instances else str(key)) \
                if isinstance(instances, dict) else None
            if found is None:
                return Unknown(f"{local}[{key}] is not an instance")
            address, values = found
            rest = rest[1:]
        return _read_attribute(address, values, rest, evaluator)

    def instances(self, local: str) -> object:
        """{"__single__": (address, values)} or {key: (address, values)}; None if not declared."""
        if local in self._instances:
            return self._instances[local]
        found = self.config.blocks.get(local)
        if found is None:
            return None
        self._instances[local] = Unknown(f"{local} refers to itself")
        hcl, block = found
        self._instances[local] = self._expand(local, hcl, block)
        return self._instances[local]

    def _expand(self, local: str, hcl: HclFile, block: Block) -> object:
        evaluator = Evaluator(self.lookup)
        address = self.prefix + local
        if "count" in block.body.attributes:
            count = evaluator.eval(block.body.attributes["count"].expr)
            if isinstance(count, Unknown) or not isinstance(count, (int, float)):
                return {"__single__": (address, _body_values(block, evaluator.child({"count": {"index": Unknown("count is unknown")}})))}
            return {i: (f"{address}[{i}]", _body_values(block, evaluator.child({"count": {"index": i}})))
                    for i in range(int(count))}
        if "for_each" in block.body.attributes:
            each = evaluator.eval(block.body.attributes["for_each"].expr)
            if isinstance(each, Unknown) or not isinstance(each, (dict, list)):
                unknown = Unknown(f"for_each is unknown: {getattr(each, 'reason', 'not a collection')}")
                return {"__single__": (address, _body_values(block, evaluator.child({"each": {"key": unknown, "value": unknown}})))}
            items = each.items() if isinstance(each, dict) else ((v, v) for v in each)
            return {str(k): (f'{address}["{k}"]', _body_values(block, evaluator.child({"each": {"key": k, "value": v}})))
                    for k, v in items}
        return {"__single__": (address, _body_values(block, evaluator))}

    def resources(self) -> list[tuple[str, str, str, dict, HclFile, Block]]:
        """Every resource instance of this module and the modules it calls: (address, type, mode, values, file, block)."""
        found = []
        for local, (hcl, block) in self.config.blocks.items():
            instances = self.instances(local)
            if not isinstance(instances, dict):
                continue
            mode = "data" if block.type == "data" else "managed"
            for address, values in instances.values():
                found.append((address, block.labels[0], mode, values, hcl, block))
        for name in self.config.module_blocks:
            child = self.child(name)
            if isinstance(child, ModuleEvaluation):
                found.extend(child.resources())
        return found


def _read_attribute(address: str, values: dict, steps: list, evaluator: Evaluator) -> object:
    """An attribute of a resource instance: the configured value, else a linking identity."""
    path: list[str] = []
    current: object = values
    for step in steps:
        if step.type == "get_attr":
            key: object = step.named_children[0].text.decode()
        elif step.type == "index":
            inner = step.named_children[0]
            key = evaluator.eval(inner.named_children[0]) if inner.type == "new_index" else int(inner.text.decode().lstrip("."))
            if isinstance(key, Unknown):
                return key
        else:
            return Unknown(AFTER_APPLY)
        path.append(str(key))
        if isinstance(current, dict) and key in current:
            current = current[key]
        elif isinstance(current, list) and isinstance(key, int) and key < len(current):
            current = current[key]
        elif isinstance(current, Unknown):
            return current
        else:
            return LinkUnknown(AFTER_APPLY, Link(address, ".".join(path + _rest(steps[len(path):]))))
    return current


def _rest(steps: list) -> list[str]:
    names = []
    for step in steps:
        if step.type == "get_attr":
            names.append(step.named_children[0].text.decode())
        elif step.type == "index":
            names.append(step.named_children[0].text.decode().strip("[]."))
    return names


def _body_values(block: Block, evaluator: Evaluator) -> dict:
    """A block's attributes and nested blocks (as lists of objects, the shape of plan JSON)."""
    values: dict = {}
    for name, attribute in block.body.attributes.items():
        if name not in _META:
            values[name] = evaluator.eval(attribute.expr)
    for inner in block.body.blocks:
        if inner.type in _META:
            continue
        if inner.type == "dynamic" and inner.labels:
            values.setdefault(inner.labels[0], [])
            values[inner.labels[0]] = _dynamic(inner, evaluator, values[inner.labels[0]])
            continue
        values.setdefault(inner.type, [])
        if isinstance(values[inner.type], list):
            values[inner.type].append(_body_values(inner, evaluator))
    return values


def _dynamic(block: Block, evaluator: Evaluator, into: object) -> object:
    attribute = block.body.attributes.get("for_each")
    content = next((b for b in block.body.blocks if b.type == "content"), None)
    collection = evaluator.eval(attribute.expr) if attribute is not None else Unknown("dynamic block without for_each")
    if isinstance(collection, Unknown) or content is None or not isinstance(into, list):
        return Unknown(f"dynamic {block.labels[0]} blocks are unknown: {getattr(collection, 'reason', 'no content')}")
    iterator = block.labels[0]
    items = collection.items() if isinstance(collection, dict) else enumerate(cast(Iterable[object], collection))  # a non-iterable raises TypeError as before
    for key, value in items:
        into.append(_body_values(content, evaluator.child({iterator: {"key": key, "value": value}})))
    return into


# ----- variables from files and flags -----
def variable_values(folder: Path, display: str, run, notes: list) -> dict:
    """Values from terraform.tfvars, *.auto.tfvars(.json), --tf-var-file and --tf-var, later ones winning."""
    files = [folder / "terraform.tfvars", folder / "terraform.tfvars.json"]
    files += sorted(p for p in folder.glob("*.auto.tfvars*") if p.name.endswith((".auto.tfvars", ".auto.tfvars.json")))
    files += [Path(p) for p in (getattr(run.options, "tf_var_files", None) or ())]
    values: dict = {}
    for path in files:
        if not path.is_file():
            continue
        shown = str(Path(display) / path.name) if path.parent == folder else str(path)
        text = run.read_text(path, shown)
        if text is None:
            continue
        if path.name.endswith(".json"):
            try:
                loaded = json.loads(text)
                values.update(loaded if isinstance(loaded, dict) else {})
            except ValueError as exc:
                from byocni_lint.findings import Location

                run.problem("BYO900", f"cannot read variables file: {exc}", Location(shown))
            continue
        try:
            hcl = parse(text, shown)
        except HclSyntaxError as exc:
            from byocni_lint.findings import Location

            run.problem("BYO900", f"cannot read variables file: {exc}", Location(shown, hcl_span(text, shown, exc)))
            continue
        evaluator = Evaluator(_no_references)
        for name, attribute in hcl.body.attributes.items():
            values[name] = evaluator.eval(attribute.expr)
    for assignment in getattr(run.options, "tf_vars", None) or ():
        name, _, text = str(assignment).partition("=")
        values[name.strip()] = text  # -var takes a value as a string unless it is a collection or quoted
        if text.strip()[:1] in ("[", "{", '"'):
            try:
                hcl = parse(f"v = {text}", "--tf-var")
                values[name.strip()] = Evaluator(lambda *a: Unknown("not a constant")).eval(hcl.body.attributes["v"].expr)
            except (HclSyntaxError, KeyError):
                pass
    return values


def hcl_span(text: str, shown: str, exc: HclSyntaxError):
    from byocni_lint.load.jsonc import Source

    return Source(shown, text).span(exc.start, exc.end)


def configuration_resources(config: Configuration, inputs: dict, notes: list) -> list[TfResource]:
    """The root module and its local modules, evaluated, as Terraform resources for the mapping."""
    root = ModuleEvaluation(config, inputs, "", notes)
    resources = []
    for address, kind, mode, values, hcl, block in root.resources():
        def where(path, hcl=hcl, block=block):
            return attribute_position(hcl, block, path)

        def link(path, values=values):
            value: object = values
            for key in path:
                if isinstance(value, dict):
                    value = value.get(key)
                elif isinstance(value, list) and isinstance(key, int) and key < len(value):
                    value = value[key]
                else:
                    return None
            return value.link if isinstance(value, LinkUnknown) else None

        resources.append(TfResource(address, kind, mode, values, where, link))
    return resources


def _no_references(name: str, steps: list, evaluator: Evaluator | None = None) -> object:
    """The lookup of a variables file: it may name no variable, local or resource."""
    return Unknown(f"{name} is not allowed in a variables file")
