"""Bicep -> ARM JSON, the way the Bicep compiler emits it for what the rules read.

The output is an ARM template of position-carrying nodes whose source is the `.bicep` file, so the ARM
evaluator, the model and every rule work unchanged and every finding points at the Bicep text. What is
not translated (imports, user-defined types/functions, syntax the grammar cannot parse) becomes a
located note and an unknown value: never a guess, never a silent pass.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from byocni_lint.frontends.bicep.syntax import Parsed
from byocni_lint.frontends.bicep.values import Ex, Lit, Value, arm_text, arr, as_node, is_lit_str, lit_str, member_text, obj, quote
from byocni_lint.load.jsonc import JDict, Source
from byocni_lint.load.nodes import located, located_dict, located_list
from byocni_lint.model.values import Unknown

if TYPE_CHECKING:  # tree-sitter is imported when a file is parsed
    from tree_sitter import Node

_SCHEMAS = {
    "resourceGroup": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    "subscription": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
    "managementGroup": "https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#",
    "tenant": "https://schema.management.azure.com/schemas/2019-08-01/tenantDeploymentTemplate.json#",
}
_BINARY = {"==": "equals", "<": "less", "<=": "lessOrEquals", ">": "greater", ">=": "greaterOrEquals",
           "&&": "and", "||": "or", "+": "add", "-": "sub", "*": "mul", "/": "div", "%": "mod", "??": "coalesce"}
_UNSUPPORTED = {"import_statement": "import", "import_functionality": "import", "import_with_statement": "import",
                "wildcard_import": "import", "type_declaration": "user-defined type",
                "user_defined_function": "user-defined function", "extension_statement": "extension",
                "test_block": "test block", "assert_statement": "assert"}
_REGISTRY = ("br:", "br/", "ts:", "ts/")
_DEPLOYMENTS = "Microsoft.Resources/deployments"
_FULL_MEMBERS = {"location", "tags", "sku", "kind", "identity", "zones", "plan", "managedBy", "extendedLocation", "etag"}
_FILE_FUNCTIONS = {"loadtextcontent", "loadjsoncontent", "loadyamlcontent", "loadfileasbase64", "readenvironmentvariable",
                   "getsecret", "externalinput"}

ModuleLoader = Callable[[str, "Translator"], "JDict | None"]


@dataclass
class Loop:
    item: str | None
    index: str | None
    array: Node | None  # the array expression node (None when the grammar found none)
    condition: Node | None  # filtered loop


@dataclass
class Symbol:
    name: str
    kind: str  # "resource" or "module"
    decl: Node
    body: Node | None = None  # the object node
    type_node: Node | None = None
    type: str = ""
    api: str = ""
    parent: "Symbol | None" = None
    existing: bool = False
    loop: Loop | None = None
    condition: Node | None = None
    scope_args: list[str] = field(default_factory=list)
    extension_scope: str | None = None
    path: str = ""  # module path
    nested: bool = False  # declared inside its parent's body (not with `parent:`)


def _props(body: Node | None) -> dict[str, Node]:
    found: dict[str, Node] = {}
    if body is None or body.type != "object":
        return found
    for prop in body.named_children:
        if prop.type == "object_property" and prop.named_child_count >= 2:
            key = prop.named_children[0]
            if key.type in ("identifier", "string"):
                found[_key_text(key)] = prop.named_children[-1]
    return found


def _key_text(key) -> str:
    text = key.text.decode("utf-8", "replace")
    return text[1:-1] if key.type == "string" else text


class Translator:
    """One Bicep file translated into one ARM template."""

    def __init__(self, parsed: Parsed, source: Source, load_module: ModuleLoader | None = None,
                 note: Callable[[str, Source, int, int], None] | None = None) -> None:
        self.parsed = parsed
        self.source = source
        self.load_module = load_module
        self._note = note or (lambda message, source, start, end: None)
        self.params: set[str] = set()
        self.vars: set[str] = set()
        self.symbols: dict[str, Symbol] = {}
        self.unknowns: dict[str, tuple[Unknown, int, int]] = {}
        self.bindings: list[dict[str, str]] = []
        self.level = "resourceGroup"
        self.parameter_overrides: dict[str, Value] = {}
        self._module_path = parsed.tree.root_node

    # ----- helpers -----
    def span(self, node) -> tuple[int, int]:
        return self.parsed.span(node)

    def note(self, message: str, node) -> None:
        start, end = self.span(node)
        self._note(message, self.source, start, end)

    def note_module(self, message: str) -> None:
        """A note at the path string of the module being read (for the module loader)."""
        self.note(message, self._module_path)

    def unknown(self, reason: str, node) -> Ex:
        start, end = self.span(node)
        name = f"__bicep_unknown_{len(self.unknowns)}"
        self.unknowns[name] = (Unknown(reason), start, end)
        return Ex(f"variables({quote(name)})", start, end)

    def text(self, node) -> str:
        return self.parsed.source_of(node)

    # ----- the template -----
    def template(self) -> JDict:
        root = self.parsed.tree.root_node
        statements = list(root.named_children)
        for statement in statements:
            self._declare(statement)
        parameters, variables, outputs = {}, {}, {}
        resources: list[JDict] = []
        decorators = None
        for statement in statements:
            kind = statement.type
            if kind == "decorators":
                decorators = statement
                continue
            if statement.has_error and kind != "ERROR":
                error = _first_error(statement) or statement
                self.note(f"Bicep {_construct(self.text(statement), self.text(error))} the grammar cannot parse; the values there are unknown", error)
            if kind == "parameter_declaration":
                name, spec = self._parameter(statement, decorators)
                parameters[name] = spec
            elif kind == "variable_declaration":
                children = statement.named_children
                if len(children) >= 2:
                    variables[self.text(children[0])] = as_node(self.ex(children[-1]), self.source)
            elif kind == "resource_declaration":
                self._emit_resource(self.symbols.get(self.text(statement.named_children[0])), resources)
            elif kind == "module_declaration":
                self._emit_module(self.symbols.get(self.text(statement.named_children[0])), resources)
            elif kind == "output_declaration":
                name, spec = self._output(statement)
                outputs[name] = spec
            elif kind == "ERROR":
                self.note("Bicep syntax the grammar cannot parse: `" + self.text(statement)[:40].strip() + "` was not read",
                          statement)
            elif kind in _UNSUPPORTED:
                self.note(f"Bicep {_UNSUPPORTED[kind]} is not supported by byocni-lint's Bicep front end; "
                          "what it brings in is unknown", statement)
            decorators = None
        for name, value in self.parameter_overrides.items():
            if name in parameters:
                parameters[name]["defaultValue"] = as_node(value, self.source)
        for name, (unknown, _start, _end) in self.unknowns.items():
            variables[name] = unknown
        start, end = self.span(root)
        template = located_dict({"$schema": _SCHEMAS[self.level], "contentVersion": "1.0.0.0"}, self.source, start, end)
        template["parameters"] = located_dict(parameters, self.source, start, end)
        template["variables"] = located_dict(variables, self.source, start, end,
                                             {n: (s, e) for n, (_, s, e) in self.unknowns.items()})
        template["resources"] = resources
        template["outputs"] = located_dict(outputs, self.source, start, end)
        return template

    def _declare(self, statement) -> None:
        kind = statement.type
        children = statement.named_children
        if kind == "parameter_declaration" and children:
            self.params.add(self.text(children[0]))
        elif kind == "variable_declaration" and children:
            self.vars.add(self.text(children[0]))
        elif kind == "resource_declaration":
            self._declare_resource(statement, None)
        elif kind == "module_declaration" and len(children) >= 3:
            symbol = Symbol(self.text(children[0]), "module", statement)
            symbol.path = _string_value(children[1], self.parsed)
            self._shape(symbol, children[-1])
            self.symbols[symbol.name] = symbol
        elif kind in ("target_scope_assignment", "targetscope_assignment") and children:
            self.level = _string_value(children[-1], self.parsed) or "resourceGroup"
            if self.level not in _SCHEMAS:
                self.level = "resourceGroup"

    def _declare_resource(self, decl, lexical_parent: Symbol | None) -> None:
        children = decl.named_children
        if len(children) < 3:
            return
        symbol = Symbol(self.text(children[0]), "resource", decl, type_node=children[1], parent=lexical_parent,
                        nested=lexical_parent is not None)
        symbol.existing = any(not c.is_named and c.type == "existing" for c in decl.children)
        type_text = _string_value(children[1], self.parsed)
        symbol.type, _, symbol.api = type_text.partition("@")
        self._shape(symbol, children[-1])
        self.symbols[symbol.name] = symbol
        for prop in (symbol.body.named_children if symbol.body is not None and symbol.body.type == "object" else []):
            if prop.type == "object_property" and prop.named_children and prop.named_children[0].type == "resource_declaration":
                self._declare_resource(prop.named_children[0], symbol)
            elif prop.type == "resource_declaration":
                self._declare_resource(prop, symbol)
        self.symbols.setdefault(f"{lexical_parent.name}::{symbol.name}" if lexical_parent else symbol.name, symbol)

    def _shape(self, symbol: Symbol, value) -> None:
        """The body, loop and condition of a resource or module declaration."""
        if value.type == "for_statement":
            symbol.loop = self._loop(value)
            body = value.child_by_field_name("body")
            if body is not None and body.type == "if_statement":
                symbol.loop.condition = _condition(body)
                body = body.named_children[-1]
            symbol.body = body
        elif value.type == "if_statement":
            symbol.condition = _condition(value)
            symbol.body = value.named_children[-1]
        else:
            symbol.body = value

    def _loop(self, node) -> Loop:
        item = index = None
        parameters = next((c for c in node.named_children if c.type == "for_loop_parameters"), None)
        if parameters is not None:
            for child in parameters.named_children:
                if child.type == "loop_variable":
                    item = self.text(child)
                elif child.type == "loop_enumerator":
                    index = self.text(child)
        else:
            initializer = node.child_by_field_name("initializer")
            item = self.text(initializer) if initializer is not None else None
        array = None
        seen_in = False
        for child in node.children:
            if seen_in and child.is_named:
                array = child
                break
            if not child.is_named and child.type == "in":
                seen_in = True
        return Loop(item, index, array, None)

    # ----- resources -----
    def _resolved(self, symbol: Symbol) -> Symbol:
        """Fill in what depends on other declarations: `parent:`, the full type, the scope."""
        if getattr(symbol, "_resolved", False):
            return symbol
        symbol._resolved = True  # type: ignore[attr-defined]
        props = _props(symbol.body)
        if symbol.parent is None and "parent" in props:
            parent = self.ref_of(props["parent"])
            if parent is not None:
                symbol.parent = parent[0]
        if symbol.parent is not None:
            outer = self._resolved(symbol.parent)
            if symbol.loop is None and outer.loop is not None and symbol.nested:
                symbol.loop = outer.loop  # a child declared inside a loop's body is deployed once per item
            if "/" not in symbol.type:
                symbol.type = f"{outer.type}/{symbol.type}"
            symbol.api = symbol.api or outer.api
            symbol.scope_args = outer.scope_args
            symbol.extension_scope = outer.extension_scope
        if "scope" in props:
            self._scope(symbol, props["scope"])
        return symbol

    def _scope(self, symbol: Symbol, node) -> None:
        target = self.ref_of(node)
        if target is not None and self._resolved(target[0]).type.lower() == "microsoft.resources/resourcegroups":
            symbol.scope_args = [arm_text(self.own_name(*target))]  # `scope: newRg` deploys into that group
            return
        if target is not None:
            symbol.extension_scope = self.resource_id(*target)
            return
        if node.type == "call_expression":
            name = self.text(node.child_by_field_name("function")).split(".")[-1].lower()
            args = [arm_text(self.ex(a)) for a in _arguments(node)]
            if name == "resourcegroup":
                symbol.scope_args = args[-2:] if args else []
            elif name == "subscription" and args:
                symbol.scope_args = [args[0]]

    def with_loop(self, symbol: Symbol, index: str | None) -> dict[str, str]:
        loop = symbol.loop
        if loop is None:
            return {}
        position = index if index is not None else "copyIndex()"
        bound = {}
        if loop.item:
            bound[loop.item] = f"{arm_text(self.ex(loop.array))}[{position}]"
        if loop.index:
            bound[loop.index] = position
        return bound

    def own_name(self, symbol: Symbol, index: str | None) -> Value:
        props = _props(symbol.body)
        if "name" not in props:
            start, end = self.span(symbol.decl.named_children[0])
            return lit_str(symbol.name, self.source, start, end)
        self.bindings.append(self.with_loop(symbol, index))
        try:
            return self.ex(props["name"])
        finally:
            self.bindings.pop()

    def name_parts(self, symbol: Symbol, index: str | None) -> list[Value]:
        symbol = self._resolved(symbol)
        own = self.own_name(symbol, index)
        if symbol.parent is None:
            if is_lit_str(own) and "/" in str(own.node):
                return [Lit(part, own.start, own.end) for part in str(own.node).split("/")]
            return [own]
        return self.name_parts(symbol.parent, None) + [own]

    def resource_id(self, symbol: Symbol, index: str | None) -> str:
        symbol = self._resolved(symbol)
        if symbol.kind == "module":
            name = arm_text(self.own_name(symbol, index))
            return f"resourceId({', '.join([*symbol.scope_args, quote(_DEPLOYMENTS), name])})"
        names = ", ".join(arm_text(part) for part in self.name_parts(symbol, index))
        if symbol.extension_scope is not None:
            return f"extensionResourceId({symbol.extension_scope}, {quote(symbol.type)}, {names})"
        if self.level == "subscription" and not symbol.scope_args:
            return f"subscriptionResourceId({quote(symbol.type)}, {names})"
        return f"resourceId({', '.join([*symbol.scope_args, quote(symbol.type), names])})"

    def _emit_resource(self, symbol: Symbol | None, resources: list) -> None:
        if symbol is None or symbol.kind != "resource":
            return
        symbol = self._resolved(symbol)
        for prop in (symbol.body.named_children if symbol.body is not None and symbol.body.type == "object" else []):
            child = prop.named_children[0] if prop.type == "object_property" and prop.named_children else prop
            if child.type == "resource_declaration":
                self._emit_resource(self.symbols.get(f"{symbol.name}::{self.text(child.named_children[0])}"), resources)
        if symbol.existing:
            return
        start, end = self.span(symbol.decl)
        resource = located_dict({}, self.source, start, end)
        type_start, type_end = self.span(symbol.type_node)
        resource["type"] = located(symbol.type, self.source, type_start, type_end)
        resource["apiVersion"] = located(symbol.api, self.source, type_start, type_end)
        self.bindings.append(self.with_loop(symbol, None))
        try:
            parts = self.name_parts(symbol, None)
            resource["name"] = as_node(self._joined(parts), self.source)
            self._loop_and_condition(symbol, resource)
            if symbol.extension_scope is not None:
                resource["scope"] = located(f"[{symbol.extension_scope}]", self.source, start, end)
            for key, value in _props(symbol.body).items():
                if key in ("name", "parent", "scope", "dependsOn") or value.type == "resource_declaration":
                    continue
                translated = self.ex(value)
                resource[key] = as_node(translated, self.source)
                if isinstance(translated, Lit) and (translated.node is None or isinstance(translated.node, bool)):
                    resource.scalar_spans[key] = (translated.start, translated.end)
        finally:
            self.bindings.pop()
        resources.append(resource)

    def _joined(self, parts: list[Value]) -> Value:
        if len(parts) == 1:
            return parts[0]
        last = parts[-1]
        if all(is_lit_str(p) for p in parts):
            return lit_str("/".join(str(p.node) for p in parts if isinstance(p, Lit)), self.source, last.start, last.end)
        holes = "/".join("{%d}" % i for i in range(len(parts)))
        return Ex(f"format({quote(holes)}, {', '.join(arm_text(p) for p in parts)})", last.start, last.end)

    def _loop_and_condition(self, symbol: Symbol, resource: JDict) -> None:
        if symbol.loop is not None:
            start, end = self.span(symbol.loop.array)
            copy = located_dict({}, self.source, start, end)
            copy["name"] = located(symbol.name, self.source, start, end)
            copy["count"] = located(f"[length({arm_text(self.ex(symbol.loop.array))})]", self.source, start, end)
            resource["copy"] = copy
        condition = symbol.loop.condition if symbol.loop is not None and symbol.loop.condition is not None else symbol.condition
        if condition is not None:
            value = self.ex(condition)
            resource["condition"] = as_node(value, self.source)
            if isinstance(value, Lit) and isinstance(value.node, bool):
                resource.scalar_spans["condition"] = (value.start, value.end)

    # ----- modules -----
    def _emit_module(self, symbol: Symbol | None, resources: list) -> None:
        if symbol is None or symbol.kind != "module":
            return
        symbol = self._resolved(symbol)
        path_node = symbol.decl.named_children[1]
        if symbol.path.startswith(_REGISTRY):
            self.note(f"module '{symbol.path}' comes from a registry byocni-lint does not read; its resources and "
                      "outputs are unknown", path_node)
            return
        self._module_path = path_node
        inner = self.load_module(symbol.path, self) if self.load_module is not None else None
        if inner is None:
            return
        start, end = self.span(symbol.decl)
        deployment = located_dict({}, self.source, start, end)
        deployment["type"] = located(_DEPLOYMENTS, self.source, *self.span(path_node))
        deployment["apiVersion"] = located("2022-09-01", self.source, *self.span(path_node))
        self.bindings.append(self.with_loop(symbol, None))
        try:
            deployment["name"] = as_node(self.own_name(symbol, None), self.source)
            self._loop_and_condition(symbol, deployment)
            for key, arg in zip(("subscriptionId", "resourceGroup"), symbol.scope_args[-2:] if len(symbol.scope_args) == 2
                                else [None, *symbol.scope_args]):
                if arg is not None:
                    deployment[key] = located(f"[{arg}]", self.source, start, end)
            props = _props(symbol.body)
            parameters = located_dict({}, self.source, start, end)
            params_node = props.get("params")
            for key, value in _props(params_node).items():
                translated = self.ex(value)
                vs, ve = translated.start, translated.end
                parameters[key] = obj([("value", translated)], self.source, vs, ve)
        finally:
            self.bindings.pop()
        properties = located_dict({}, self.source, start, end)
        properties["expressionEvaluationOptions"] = located_dict({"scope": located("inner", self.source, start, end)},
                                                                 self.source, start, end)
        properties["mode"] = located("Incremental", self.source, start, end)
        properties["parameters"] = parameters
        properties["template"] = inner
        deployment["properties"] = properties
        resources.append(deployment)

    # ----- parameters and outputs -----
    def _parameter(self, statement, decorators) -> tuple[str, JDict]:
        children = statement.named_children
        name = self.text(children[0])
        start, end = self.span(statement)
        arm_type: str | None = None
        default = None
        for child in children[1:]:
            if child.type == "type":
                arm_type = _arm_type(self.text(child))
            elif child is children[-1] and child.type != "type":
                default = child
        secure = decorators is not None and any(
            self.text(d).lstrip("@").split("(")[0].strip().split(".")[-1] == "secure" for d in decorators.named_children)
        if secure:
            arm_type = "securestring" if arm_type == "string" else "secureObject"
        declared = {"type": located(arm_type, self.source, start, end)} if arm_type else {}
        spec = located_dict(declared, self.source, start, end)
        if default is not None and not secure:
            value = self.ex(default)
            spec["defaultValue"] = as_node(value, self.source)
            if isinstance(value, Lit) and (value.node is None or isinstance(value.node, bool)):
                spec.scalar_spans["defaultValue"] = (value.start, value.end)
        return name, spec

    def _output(self, statement) -> tuple[str, JDict]:
        children = statement.named_children
        start, end = self.span(statement)
        type_node = next((c for c in children[1:-1] if c.type == "type"), None)
        arm_type = (_arm_type(self.text(type_node)) if type_node is not None else None) or "object"
        spec = located_dict({"type": located(arm_type, self.source, start, end)}, self.source, start, end)
        value = self.ex(children[-1])
        spec["value"] = as_node(value, self.source)
        if isinstance(value, Lit) and (value.node is None or isinstance(value.node, bool)):
            spec.scalar_spans["value"] = (value.start, value.end)
        return self.text(children[0]), spec

    # ----- expressions -----
    def ref_of(self, node) -> tuple[Symbol, str | None] | None:
        """The resource or module a node names (with the loop index it is taken at), else None."""
        if node.type == "identifier":
            name = self.text(node)
            if any(name in b for b in self.bindings):
                return None
            symbol = self.symbols.get(name)
            return (symbol, None) if symbol is not None else None
        if node.type == "resource_expression":
            base = self.ref_of(node.child_by_field_name("object"))
            child = node.child_by_field_name("resource")
            if base is not None and child is not None:
                symbol = self.symbols.get(f"{base[0].name}::{self.text(child)}")
                return (symbol, None) if symbol is not None else None
        if node.type == "subscript_expression":
            base = self.ref_of(node.child_by_field_name("object"))
            index = node.child_by_field_name("index")
            if base is not None and base[0].loop is not None and index is not None:
                return base[0], arm_text(self.ex(index))
        if node.type == "parenthesized_expression" and node.named_children:
            return self.ref_of(node.named_children[0])
        return None

    def ex(self, node) -> Value:
        start, end = self.span(node)
        kind = node.type
        if kind == "string":
            return self._string(node)
        if kind == "number":
            text = self.text(node)
            try:
                return Lit(located(int(text), self.source, start, end), start, end)
            except ValueError:
                return self.unknown(f"number {text} is not an integer", node)
        if kind == "boolean":
            return Lit(self.text(node) == "true", start, end)
        if kind == "null":
            return Lit(None, start, end)
        if kind == "object":
            items, copies, fallback = [], [], []
            for prop in node.named_children:
                if prop.type == "object_property" and len(prop.named_children) >= 2 and \
                        prop.named_children[0].type in ("identifier", "string"):
                    key, value_node = self._key(prop.named_children[0]), prop.named_children[-1]
                    copy = self._property_copy(key, value_node) if value_node.type == "for_statement" else None
                    if copy is not None:
                        copies.append(copy)
                        fallback.append((key, self._for(value_node)))
                        continue
                    value = self.ex(value_node)
                    items.append((key, value))
                    fallback.append((key, value))
                elif prop.type not in ("object_property", "decorators", "comment", "resource_declaration"):
                    self.note(f"Bicep `{self.text(prop)[:30]}` inside an object is not supported; that object is read without it",
                              prop)
            built = obj(items, self.source, start, end)
            if copies:
                built["copy"] = located_list(copies, self.source, start, end)
                # The same object inside an expression, where ARM has no property copy.
                built.bicep_text = "createObject(" + ", ".join(f"{quote(k)}, {arm_text(v)}" for k, v in fallback) + ")"  # type: ignore[attr-defined]
            return Lit(built, start, end)
        if kind == "array":
            elements = [self.ex(c) for c in node.named_children if c.type not in ("comment", "decorators")]
            return Lit(arr(elements, self.source, start, end), start, end)
        if kind == "identifier":
            return self._identifier(node)
        if kind == "parenthesized_expression" and node.named_children:
            inner = self.ex(node.named_children[0])
            return inner if isinstance(inner, Lit) else Ex(f"{inner.text}", start, end)
        if kind == "member_expression":
            return self._member(node)
        if kind == "resource_expression":
            target = self.ref_of(node)
            if target is not None:
                return Ex(self._full_reference(*target), start, end)
            return self.unknown(f"`{self.text(node)}` names no resource in this file", node)
        if kind == "subscript_expression":
            target = self.ref_of(node)
            if target is not None:
                return Ex(self._full_reference(*target), start, end)
            base = arm_text(self.ex(node.child_by_field_name("object")))
            index = arm_text(self.ex(node.child_by_field_name("index")))
            if any(not c.is_named and c.type == "[?" for c in node.children):
                return Ex(f"tryGet({base}, {index})", start, end)
            return Ex(f"{base}[{index}]", start, end)
        if kind == "call_expression":
            return self._call(node)
        if kind == "binary_expression":
            return self._binary(node)
        if kind == "unary_expression":
            operand = arm_text(self.ex(node.named_children[-1]))
            operator = self.text(node)[:1]
            return Ex(f"not({operand})" if operator == "!" else f"sub(0, {operand})", start, end)
        if kind == "ternary_expression":
            parts = [arm_text(self.ex(node.child_by_field_name(f))) for f in ("condition", "consequence", "alternative")]
            return Ex(f"if({', '.join(parts)})", start, end)
        if kind == "lambda_expression":
            return self._lambda(node)
        if kind == "for_statement":
            return self._for(node)
        if kind == "non_null_assertion_expression" and node.named_children:
            return self.ex(node.named_children[0])
        self.note(f"Bicep {kind.replace('_', ' ')} `{self.text(node)[:40]}` is not supported; its value is unknown", node)
        return self.unknown(f"Bicep `{self.text(node)[:40]}` is not supported by byocni-lint", node)

    def _key(self, key) -> str:
        """An object key; an interpolated key becomes an expression key, which ARM evaluates."""
        if key.type != "string" or not any(c.type == "interpolation" for c in key.named_children):
            return _key_text(key) if key.type != "string" else str(self._string(key).node)  # type: ignore[union-attr]
        return f"[{arm_text(self._string(key))}]"

    def _string(self, node) -> Value:
        start, end = self.span(node)
        pieces: list[str | Value] = []
        multi = self.text(node).startswith("'''")
        for child in node.named_children:
            if child.type == "interpolation" and child.named_children:
                pieces.append(self.ex(child.named_children[0]))
            elif child.type == "escape_sequence":
                pieces.append(_unescape(self.text(child)))
            elif child.type == "string_content":
                content = self.text(child)
                pieces.append(content if multi else _unescape_all(content))
        if all(isinstance(p, str) for p in pieces):
            text = "".join(pieces)  # type: ignore[arg-type]
            if multi:
                text = text[1:] if text.startswith("\n") else text[2:] if text.startswith("\r\n") else text
            return lit_str(text, self.source, start, end)
        holes: list[str] = []
        args: list[str] = []
        for piece in pieces:
            if isinstance(piece, str):
                holes.append(piece.replace("{", "{{").replace("}", "}}"))
            else:
                holes.append("{%d}" % len(args))
                args.append(arm_text(piece))
        return Ex(f"format({quote(''.join(holes))}, {', '.join(args)})", start, end)

    def _identifier(self, node) -> Value:
        start, end = self.span(node)
        name = self.text(node)
        for bound in reversed(self.bindings):
            if name in bound:
                return Ex(bound[name], start, end)
        if name in self.params:
            return Ex(f"parameters({quote(name)})", start, end)
        if name in self.vars:
            return Ex(f"variables({quote(name)})", start, end)
        if name in self.symbols:
            return Ex(self._full_reference(self.symbols[name], None), start, end)
        if name in ("true", "false"):
            return Lit(name == "true", start, end)
        if name == "null":
            return Lit(None, start, end)
        return self.unknown(f"`{name}` is not declared in this file", node)

    def _full_reference(self, symbol: Symbol, index: str | None) -> str:
        symbol = self._resolved(symbol)
        if symbol.kind == "module":
            return f"reference({self.resource_id(symbol, index)})"
        return f"reference({self.resource_id(symbol, index)}, {quote(symbol.api)}, 'full')"

    def _member(self, node) -> Value:
        start, end = self.span(node)
        base_node = node.child_by_field_name("object")
        prop_node = node.child_by_field_name("property")
        if base_node is None or prop_node is None:
            return self.unknown(f"`{self.text(node)[:40]}` cannot be read", node)
        name = self.text(prop_node)
        safe = any(not c.is_named and c.type == ".?" for c in node.children)
        target = self.ref_of(base_node)
        if target is not None:
            symbol, index = target
            symbol = self._resolved(symbol)
            if name == "id":
                return Ex(self.resource_id(symbol, index), start, end)
            if name == "name":
                return self.own_name(symbol, index)
            if name == "type":
                return lit_str(symbol.type if symbol.kind == "resource" else _DEPLOYMENTS, self.source, start, end)
            if name == "apiVersion":
                return lit_str(symbol.api, self.source, start, end)
            if name == "properties" or (symbol.kind == "module" and name == "outputs"):
                api = f", {quote(symbol.api)}" if symbol.kind == "resource" else ""
                return Ex(f"reference({self.resource_id(symbol, index)}{api}){'.outputs' if name == 'outputs' else ''}",
                          start, end)
            return Ex(member_text(self._full_reference(symbol, index), name), start, end)
        if base_node.type == "member_expression":
            inner_base = base_node.child_by_field_name("object")
            inner_prop = base_node.child_by_field_name("property")
            module = self.ref_of(inner_base) if inner_base is not None else None
            if module is not None and module[0].kind == "module" and inner_prop is not None and self.text(inner_prop) == "outputs":
                if self._resolved(module[0]).path.startswith(_REGISTRY):
                    return self.unknown(f"output '{name}' of registry module '{module[0].path}'", node)
                return Ex(member_text(self._member(base_node).text, name) + ".value", start, end)  # type: ignore[union-attr]
        if base_node.type == "lambda_expression":  # the grammar reads `x => x.id` as `(x => x).id`
            return self._lambda(base_node, lambda body: member_text(body, name))
        base = arm_text(self.ex(base_node))
        if safe:
            return Ex(f"tryGet({base}, {quote(name)})", start, end)
        return Ex(member_text(base, name), start, end)

    def _call(self, node) -> Value:
        start, end = self.span(node)
        function = node.child_by_field_name("function")
        name = self.text(function) if function is not None else ""
        if function is not None and function.type == "member_expression":
            base = function.child_by_field_name("object")
            if base is not None and self.text(base) not in ("az", "sys"):
                return self.unknown(f"`{self.text(node)[:40]}` is a resource function byocni-lint does not evaluate", node)
            name = name.split(".")[-1]
        args = [self.ex(a) for a in _arguments(node)]
        lowered = name.lower()
        if lowered == "any" and len(args) == 1:
            return args[0]
        if lowered in _FILE_FUNCTIONS:
            return self.unknown(f"{name}() is not evaluated by byocni-lint", node)
        return Ex(f"{name}({', '.join(arm_text(a) for a in args)})", start, end)

    def _binary(self, node) -> Value:
        start, end = self.span(node)
        operator = self.text(node.child_by_field_name("operator"))
        left = arm_text(self.ex(node.child_by_field_name("left")))
        right = arm_text(self.ex(node.child_by_field_name("right")))
        if operator in _BINARY:
            return Ex(f"{_BINARY[operator]}({left}, {right})", start, end)
        if operator == "!=":
            return Ex(f"not(equals({left}, {right}))", start, end)
        if operator in ("=~", "!~"):
            text = f"equals(toLower({left}), toLower({right}))"
            return Ex(text if operator == "=~" else f"not({text})", start, end)
        return self.unknown(f"operator {operator} is not supported", node)

    def _lambda(self, node, suffix: Callable[[str], str] = lambda body: body) -> Value:
        start, end = self.span(node)
        names = [self.text(c) for c in node.named_children[:-1] if c.type in ("identifier", "lambda_parameters", "variable")]
        if len(node.named_children) >= 2 and node.named_children[0].type not in ("identifier",):
            names = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", self.text(node.named_children[0]))
        self.bindings.append({n: f"lambdaVariables({quote(n)})" for n in names})
        try:
            body = suffix(arm_text(self.ex(node.named_children[-1])))
        finally:
            self.bindings.pop()
        return Ex(f"lambda({', '.join(quote(n) for n in names)}, {body})", start, end)

    def _property_copy(self, key: str, node) -> JDict | None:
        """A loop building an array of objects, as ARM's property `copy`: the body stays a literal
        object, so each member keeps its Bicep position (a `map()` result would be located at the loop)."""
        loop = self._loop(node)
        body = node.child_by_field_name("body")
        if body is not None and body.type == "if_statement":
            loop.condition = _condition(body)
            body = body.named_children[-1]
        if body is None or body.type != "object" or loop.array is None or (loop.condition is not None and loop.index):
            return None
        array = arm_text(self.ex(loop.array))
        if loop.condition is not None:
            if not loop.item:
                return None
            self.bindings.append({loop.item: f"lambdaVariables({quote(loop.item)})"})
            try:
                array = f"filter({array}, lambda({quote(loop.item)}, {arm_text(self.ex(loop.condition))}))"
            finally:
                self.bindings.pop()
        position = f"copyIndex({quote(key)})"
        bound = {}
        if loop.item:
            bound[loop.item] = f"{array}[{position}]"
        if loop.index:
            bound[loop.index] = position
        self.bindings.append(bound)
        try:
            body_value = self.ex(body)
        finally:
            self.bindings.pop()
        start, end = self.span(node)
        entry = located_dict({}, self.source, start, end)
        entry["name"] = located(key, self.source, start, end)
        entry["count"] = located(f"[length({array})]", self.source, start, end)
        entry["input"] = as_node(body_value, self.source)
        return entry

    def _for(self, node) -> Value:
        """A property or variable loop: `map()`/`filter()` over the array (or its indices)."""
        start, end = self.span(node)
        loop = self._loop(node)
        body = node.child_by_field_name("body")
        if body is not None and body.type == "if_statement":
            loop.condition = _condition(body)
            body = body.named_children[-1]
        if loop.array is None or body is None:
            return self.unknown("a loop byocni-lint cannot read", node)
        array = arm_text(self.ex(loop.array))
        variable = loop.item or "__index"
        if loop.index:
            counter = f"__i{len(self.bindings)}"
            position = f"lambdaVariables({quote(counter)})"
            bound = {loop.index: position}
            if loop.item:
                bound[loop.item] = f"{array}[{position}]"
            source_array, variable = f"range(0, length({array}))", counter
        else:
            bound = {variable: f"lambdaVariables({quote(variable)})"}
            source_array = array
        self.bindings.append(bound)
        try:
            if loop.condition is not None:
                source_array = f"filter({source_array}, lambda({quote(variable)}, {arm_text(self.ex(loop.condition))}))"
            mapped = arm_text(self.ex(body))
        finally:
            self.bindings.pop()
        return Ex(f"map({source_array}, lambda({quote(variable)}, {mapped}))", start, end)


def _construct(statement: str, text: str) -> str:
    """Name what the grammar (tree-sitter-bicep 1.1.0) stumbles on, for the note."""
    if "resourceInput<" in statement or "resourceOutput<" in statement:
        return "resource-derived type (resourceInput<...>/resourceOutput<...>)"
    if text.lstrip().startswith("..."):
        return "spread (...)"
    return "syntax `" + " ".join(text.split())[:30] + "`"


def _arguments(call) -> list:
    arguments = call.child_by_field_name("arguments")
    return [a for a in arguments.named_children if a.type != "comment"] if arguments is not None else []


def _condition(if_statement):
    condition = if_statement.named_children[0]
    return condition.named_children[0] if condition.type == "parenthesized_expression" and condition.named_children else condition


def _first_error(node):
    if node.type == "ERROR" or node.is_missing:
        return node
    for child in node.children:
        if child.has_error or child.is_missing:
            found = _first_error(child)
            if found is not None:
                return found
    return None


def _string_value(node, parsed: Parsed) -> str:
    text = parsed.source_of(node)
    return text[1:-1] if node.type == "string" and len(text) >= 2 else text


def _arm_type(text: str) -> str | None:
    """The ARM type a Bicep type compiles to, or None when this translation cannot know it (a
    user-defined or resource-derived type): then no type is declared, so none is judged."""
    text = text.strip().rstrip("?").strip()
    if text.endswith("]"):
        return "array"
    if text in ("string", "int", "bool", "object", "array"):
        return text
    if text.startswith("'"):
        return "string"
    if text.startswith("{"):
        return "object"
    return None


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\", "'": "'", "$": "$"}


def _unescape(text: str) -> str:
    if text.startswith("\\u{") and text.endswith("}"):
        try:
            return chr(int(text[3:-1], 16))
        except ValueError:
            return text
    return _ESCAPES.get(text[1:2], text[1:]) if text.startswith("\\") else text


def _unescape_all(text: str) -> str:
    return re.sub(r"\\u\{[0-9A-Fa-f]+\}|\\.", lambda m: _unescape(m.group(0)), text)
