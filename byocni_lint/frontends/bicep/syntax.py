"""Parsing Bicep with the tree-sitter grammar, and turning its byte offsets into code-point offsets.

tree-sitter reports byte offsets; every node the front end builds is located in code points (what
`jsonc.Source` counts), so the conversion lives here, once. tree-sitter is imported on first use only:
start-up time is a product requirement.
"""
from __future__ import annotations

import re
from functools import lru_cache

# `.bicepparam` lines `param x = value` are not in the grammar (tree-sitter-bicep 1.1.0). `var` plus two
# spaces is as long as `param`, so the rewritten line parses as a variable at the very same offsets.
_PARAM_LINE = re.compile(rb"^([ \t]*)param(?=[ \t])", re.MULTILINE)


@lru_cache(maxsize=1)
def _parser():
    import tree_sitter
    import tree_sitter_bicep

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_bicep.language()))


class Parsed:
    """One parsed file: the tree, its bytes, and the byte -> code point conversion."""

    def __init__(self, text: str, parameters_file: bool = False) -> None:
        self.text = text
        data = text.encode("utf-8")
        self.param_starts: set[int] = set()
        if parameters_file:
            self.param_starts = {m.start(1) for m in _PARAM_LINE.finditer(data)}
            data = _PARAM_LINE.sub(rb"\1var  ", data)
        self.data = data
        self.tree = _parser().parse(data)
        self._table: list[int] | None = None if len(data) != len(text) else []

    def offset(self, byte: int) -> int:
        if self._table == []:
            return byte
        if self._table is None:
            table = []
            for index, char in enumerate(self.text):
                table.extend([index] * len(char.encode("utf-8")))
            table.append(len(self.text))
            self._table = table
        return self._table[min(byte, len(self._table) - 1)]

    def span(self, node) -> tuple[int, int]:
        return self.offset(node.start_byte), self.offset(node.end_byte)

    def source_of(self, node) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8", "replace")
