"""Where each resource and attribute of a Terraform configuration is written, for findings on `.tf` lines.

A plan is a build artefact: users edit the `.tf` files. So when the configuration is in reach (the
plan's folder or a parent up to the one holding `.terraform.lock.hcl`, or `--tf-dir`), every resource
block is found with tree-sitter-hcl, following local module sources, and attribute paths of the plan
(`default_node_pool.0.vnet_subnet_id`) are mapped to the attribute in the block.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from byocni_lint.frontends.terraform.hcl import Block, Body, HclFile, HclSyntaxError, literal, NotLiteral, parse

Position = tuple


class Configuration:
    """The `.tf` files of one module folder, parsed, with the modules they call (local sources only)."""

    def __init__(self, folder: Path, display: str, read: Callable[[Path, str], str | None], depth: int = 0,
                 root: "Configuration | None" = None, key: str = "") -> None:
        self.folder, self.display = folder, display
        self.root, self.key = root or self, key
        self.files: list[HclFile] = []
        self.errors: list[tuple[str, HclSyntaxError, Source]] = []
        for path in sorted(folder.glob("*.tf")):
            shown = f"{display}/{path.name}" if display not in ("", ".") else path.name
            text = read(path, shown)
            if text is None:
                continue
            try:
                self.files.append(parse(text, shown))
            except HclSyntaxError as exc:
                from byocni_lint.load.jsonc import Source

                self.errors.append((shown, exc, Source(shown, text)))
        self.blocks: dict[str, tuple[HclFile, Block]] = {}
        self.module_blocks: dict[str, tuple[HclFile, Block]] = {}
        for hcl in self.files:
            for block in hcl.body.blocks:
                if block.type in ("resource", "data") and len(block.labels) == 2:
                    prefix = "data." if block.type == "data" else ""
                    self.blocks[f"{prefix}{block.labels[0]}.{block.labels[1]}"] = (hcl, block)
                elif block.type == "module" and block.labels:
                    self.module_blocks[block.labels[0]] = (hcl, block)
        self._children: dict[str, Configuration | None] = {}
        self.depth = depth
        self._read = read

    def child(self, name: str) -> "Configuration | None":
        """The configuration of `module "name"` when its source is a local folder."""
        if name not in self._children:
            self._children[name] = None
            found = self.module_blocks.get(name)
            source = found[1].body.attributes.get("source") if found else None
            try:
                written = literal(source.expr) if source is not None else None
            except NotLiteral:
                written = None
            key = f"{self.key}.{name}" if self.key else name
            relative: str | None
            folder: Path | None
            if isinstance(written, str) and written.startswith(("./", "../")):
                relative = str(Path(self.display) / written) if self.display else written
                folder = (self.folder / written).resolve()
            else:
                installed = self.root.installed_modules().get(key)
                relative = str(Path(self.root.display) / installed) if installed else None
                folder = (self.root.folder / installed).resolve() if installed else None
            if folder is not None and relative is not None and folder.is_dir() and self.depth < 16:
                self._children[name] = Configuration(folder, _tidy(relative), self._read, self.depth + 1, self.root, key)
        return self._children[name]

    def installed_modules(self) -> dict[str, str]:
        """Module key -> folder, from `.terraform/modules/modules.json` (what `terraform init` downloaded)."""
        if not hasattr(self, "_installed"):
            self._installed: dict[str, str] = {}
            path = self.folder / ".terraform" / "modules" / "modules.json"
            if path.is_file():
                import json

                text = self._read(path, str(Path(self.display) / ".terraform/modules/modules.json"))
                try:
                    entries = json.loads(text or "{}").get("Modules", [])
                except (ValueError, AttributeError):
                    entries = []
                for entry in entries if isinstance(entries, list) else []:
                    if isinstance(entry, dict) and isinstance(entry.get("Key"), str) and isinstance(entry.get("Dir"), str):
                        self._installed[entry["Key"]] = entry["Dir"]
        return self._installed

    def for_module(self, module_path: list[str]) -> "Configuration | None":
        config: Configuration | None = self
        for name in module_path:
            config = config.child(name) if config is not None else None
        return config


def _tidy(display: str) -> str:
    import os.path

    return os.path.normpath(display)


def block_position(hcl: HclFile, block: Block) -> Position:
    return (hcl.source, block.start, block.header_end)


def attribute_position(hcl: HclFile, block: Block, path: tuple) -> Position:
    """The innermost written part of `path` (plan paths index nested blocks: `network_profile.0.pod_cidr`)."""
    body: Body = block.body
    where = block_position(hcl, block)
    index = 0
    while index < len(path):
        key = path[index]
        if not isinstance(key, str):
            return where
        if key in body.attributes:
            attribute = body.attributes[key]
            return (hcl.source, attribute.start, attribute.end)
        blocks = body.blocks_named(key)
        if not blocks:
            if key == "security_group" or not body.blocks:
                return where
            return where
        position = path[index + 1] if index + 1 < len(path) and isinstance(path[index + 1], int) else 0
        if position >= len(blocks):
            return where
        chosen = blocks[position]
        where = (hcl.source, chosen.start, chosen.header_end)
        body = chosen.body
        index += 2 if index + 1 < len(path) and isinstance(path[index + 1], int) else 1
    return where
