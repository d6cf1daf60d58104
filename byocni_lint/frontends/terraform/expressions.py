"""Static evaluation of HCL expressions: what a Terraform configuration says before any provider runs.

Values are JSON-like Python values; what cannot be known without Azure or an apply is `Unknown` with
the reason (a variable with no value, a function the linter does not evaluate, by name). A reference to
another resource's attribute that the configuration does not set (`azurerm_subnet.nodes.id`) is a
`LinkUnknown`: unknown as a value, but naming the resource, so the model links it like a plan's
`references` (terraform language docs: expressions/references, expressions/for, functions/*).
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, cast

from byocni_lint.frontends.terraform.azurerm import Link
from byocni_lint.frontends.terraform.hcl import literal, unwrap
from byocni_lint.model.values import Unknown


class LinkUnknown(Unknown):
    __slots__ = ("link",)

    def __init__(self, reason: str, link: Link) -> None:
        super().__init__(reason)
        self.link = link


class _Stop(Exception):
    """Evaluation gave up on this expression (too deep): the value is unknown."""


def _unknown_in(*values) -> Unknown | None:
    return next((v for v in values if isinstance(v, Unknown)), None)


class Evaluator:
    """Evaluates expressions against a `lookup(root_name, node) -> value` for variables, locals, resources."""

    def __init__(self, lookup: Callable[[str, list, Evaluator], object], scope: dict | None = None, depth: int = 0) -> None:
        self.lookup = lookup
        self.scope = scope or {}
        self.depth = depth

    def child(self, names: dict) -> "Evaluator":
        return Evaluator(self.lookup, {**self.scope, **names}, self.depth)

    def eval(self, node) -> object:
        if self.depth > 200:
            return Unknown("expression nested too deeply")
        self.depth += 1
        try:
            return self._eval(node)
        except (ValueError, TypeError, KeyError, IndexError, ZeroDivisionError, OverflowError, RecursionError) as exc:
            return Unknown(f"expression could not be evaluated ({type(exc).__name__})")
        finally:
            self.depth -= 1

    def _eval(self, node) -> object:
        kind = node.type
        if kind == "expression":
            children = node.named_children
            if len(children) == 1:
                return self.eval(children[0])
            if children[0].type == "variable_expr":
                return self._traversal(children[0], children[1:])
            value = self.eval(children[0])
            return self._apply(value, children[1:])
        if kind in ("literal_value", "collection_value", "operation", "for_expr", "template_expr"):
            return self.eval(node.named_children[0])
        if kind == "string_lit":
            return "".join(c.text.decode() for c in node.named_children if c.type == "template_literal")
        if kind in ("numeric_lit", "bool_lit", "null_lit"):
            return literal(node)  # one reading of HCL scalars (hcl.py)
        if kind == "tuple":
            return [self.eval(c) for c in node.named_children if c.type == "expression"]
        if kind == "object":
            result: dict = {}
            for elem in (c for c in node.named_children if c.type == "object_elem"):
                key_node = elem.named_children[0]
                inner = unwrap(key_node)
                key = inner.text.decode() if inner.type == "variable_expr" and inner.named_child_count == 1 \
                    and key_node.named_child_count == 1 else self.eval(key_node)
                if isinstance(key, Unknown):
                    return Unknown(key.reason)
                result[str(key) if not isinstance(key, bool) else str(key).lower()] = self.eval(elem.named_children[-1])
            return result
        if kind == "variable_expr":
            return self._traversal(node, [])
        if kind == "conditional":
            condition, yes, no = node.named_children
            test = self.eval(condition)
            if isinstance(test, Unknown):
                return Unknown(f"condition is unknown: {test.reason}")
            return self.eval(yes if _truthy(test) else no)
        if kind == "unary_operation":
            operator = node.children[0].type
            value = self._operand([c for c in node.children[1:] if c.is_named])
            if isinstance(value, Unknown):
                return value
            # Terraform values are dynamic: negating a non-number raises TypeError, as it always did
            return (not value) if operator == "!" else -cast(Any, value)
        if kind == "binary_operation":
            return self._binary(node)
        if kind in ("quoted_template", "heredoc_template"):
            return self._template(node.named_children)
        if kind == "function_call":
            from byocni_lint.frontends.terraform.functions import call

            name = node.named_children[0].text.decode()
            arguments = next((c for c in node.named_children if c.type == "function_arguments"), None)
            args = [c for c in arguments.named_children if c.type == "expression"] if arguments else []
            expand = arguments is not None and any(c.type == "ellipsis" for c in arguments.named_children)
            if name in ("try", "can"):
                return self._try(name, args)
            values = [self.eval(a) for a in args]
            if expand and values:
                last = values.pop()
                if isinstance(last, Unknown):
                    return last
                values.extend(cast(Iterable[object], last))  # `...` expands a list (else TypeError)
            return call(name, values)
        if kind == "for_tuple_expr" or kind == "for_object_expr":
            return self._for(node)
        if kind == "template_literal":
            return node.text.decode()
        return Unknown(f"unsupported HCL construct {kind}")

    # ----- pieces -----
    def _traversal(self, root, steps: list) -> object:
        name = root.text.decode()
        if name in self.scope:
            return self._apply(self.scope[name], steps)
        return self.lookup(name, steps, self)

    def _apply(self, value: object, steps: list) -> object:
        for index, step in enumerate(steps):
            if isinstance(value, LinkUnknown):
                return value
            if isinstance(value, Unknown):
                return value
            if step.type == "get_attr":
                key = step.named_children[0].text.decode()
                value = value.get(key) if isinstance(value, dict) else _missing(key)
            elif step.type == "index":
                inner = step.named_children[0]
                key = self.eval(inner.named_children[0]) if inner.type == "new_index" else int(inner.text.decode().lstrip("."))
                if isinstance(key, Unknown):
                    return key
                if isinstance(value, list):
                    value = value[int(cast(Any, key))]  # a number or numeric string (else an error)
                elif isinstance(value, dict):
                    value = value[str(key)]
                else:
                    return Unknown("index into a value that is not a collection")
            elif step.type == "splat":
                rest = [s for s in step.named_children[0].named_children]
                items = value if isinstance(value, list) else ([] if value is None else [value])
                value = [self._apply(item, rest) for item in items]
                return self._apply(value, steps[index + 1:])
            else:
                return Unknown(f"unsupported HCL construct {step.type}")
        return value

    def _binary(self, node) -> object:
        split = next(i for i, c in enumerate(node.children) if not c.is_named and c.type not in ("(", ")"))
        operator = node.children[split].type
        left = self._operand([c for c in node.children[:split] if c.is_named])
        if operator == "&&" and left is False or operator == "||" and left is True:
            return left
        right = self._operand([c for c in node.children[split + 1:] if c.is_named])
        unknown = _unknown_in(left, right)
        if unknown is not None:
            return Unknown(unknown.reason)
        operations = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
                      "/": lambda a, b: a / b, "%": lambda a, b: a % b, "==": lambda a, b: a == b,
                      "!=": lambda a, b: a != b, "<": lambda a, b: a < b, ">": lambda a, b: a > b,
                      "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b, "&&": lambda a, b: a and b,
                      "||": lambda a, b: a or b}
        if operator in "+-*/%<><=>=" and operator not in ("==", "!="):
            left, right = _number(left), _number(right)
        return operations[operator](left, right)

    def _operand(self, nodes: list) -> object:
        """An operand, which the grammar gives as a flat run of nodes (`var`, `.x`, `[0]`)."""
        if len(nodes) == 1:
            return self.eval(nodes[0])
        if nodes and nodes[0].type == "variable_expr":
            return self._traversal(nodes[0], nodes[1:])
        return self._apply(self.eval(nodes[0]), nodes[1:]) if nodes else Unknown("empty operand")

    def _template(self, parts: list) -> str | Unknown:
        pieces: list[str] = []
        for part in parts:
            if part.type in ("quoted_template_start", "quoted_template_end", "heredoc_start", "heredoc_identifier"):
                continue
            if part.type == "template_literal":
                pieces.append(part.text.decode())
            elif part.type == "template_interpolation":
                inner = next((c for c in part.named_children if c.type == "expression"), None)
                value = self.eval(inner) if inner is not None else ""
                if isinstance(value, Unknown):
                    return Unknown(value.reason)
                pieces.append(_text(value))
            elif part.type == "template_directive":
                value = self._directive(part.named_children[0])
                if isinstance(value, Unknown):
                    return value
                pieces.append(value)
            else:
                return Unknown(f"unsupported template part {part.type}")
        return "".join(pieces)

    def _directive(self, node) -> str | Unknown:
        if node.type != "template_if":
            return Unknown("%{ for } template directives are not evaluated")
        children = node.named_children
        intro = children[0]
        test = self.eval(next(c for c in intro.named_children if c.type == "expression"))
        if isinstance(test, Unknown):
            return Unknown(f"condition is unknown: {test.reason}")
        then: list = []
        other: list = []
        in_else = False
        for child in children[1:]:
            if child.type == "template_else_intro":
                in_else = True
            elif child.type != "template_if_end":
                (other if in_else else then).append(child)
        return self._template(then if _truthy(test) else other)

    def _try(self, name: str, args: list) -> object:
        for arg in args:
            value = self.eval(arg)
            if not isinstance(value, Unknown) or not value.reason.startswith(("expression could not", "no attribute")) and "is not declared" not in value.reason:
                if name == "can":
                    return Unknown(value.reason) if isinstance(value, Unknown) else True
                return value
        return False if name == "can" else Unknown("every try() argument failed")

    def _for(self, node) -> object:
        intro = next(c for c in node.named_children if c.type == "for_intro")
        names = [c.text.decode() for c in intro.named_children if c.type == "identifier"]
        collection = self.eval(next(c for c in intro.named_children if c.type == "expression"))
        if isinstance(collection, Unknown):
            return collection
        bodies = [c for c in node.named_children if c.type == "expression"]
        condition = next((c for c in node.named_children if c.type == "for_cond"), None)
        items = list(collection.items()) if isinstance(collection, dict) else list(enumerate(cast(Iterable[object], collection)))
        is_object = node.type == "for_object_expr"
        as_object: dict = {}
        as_list: list = []
        for key, value in items:
            bound = {names[0]: value} if len(names) == 1 else {names[0]: key, names[1]: value}
            scope = self.child(bound)
            if condition is not None:
                test = scope.eval(condition.named_children[0])
                if isinstance(test, Unknown):
                    return Unknown(f"for condition is unknown: {test.reason}")
                if not _truthy(test):
                    continue
            if is_object:
                k = scope.eval(bodies[0])
                if isinstance(k, Unknown):
                    return k
                as_object[str(k)] = scope.eval(bodies[1])
            else:
                as_list.append(scope.eval(bodies[0]))
        return as_object if is_object else as_list


def _missing(key: str) -> Unknown:
    return Unknown(f"no attribute {key}")


def _truthy(value: object) -> bool:
    return value is True or value == "true"


def _number(value: object):
    if isinstance(value, str):
        return float(value) if "." in value else int(value)
    return value


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        raise TypeError("a collection in a string template")
    return "" if value is None else str(value)

