"""The Terraform front end: plan JSON (`terraform show -json`) and `.tf` configurations.

A plan is recognised by content (`format_version` with `terraform_version`/`planned_values` at the
top), whatever its name. `.tf` files are claimed too: beside a plan they give the locations (users
edit the `.tf`, not the plan); a folder with no plan is reported as not evaluated, never passed in
silence. Nothing heavy is imported here: tree-sitter and the evaluator only inside `read`/`build`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from byocni_lint.frontends import ClaimedFile, Unit
from byocni_lint.load.files import Candidate

PLAN = "Terraform plan"
CONFIG = "Terraform file"
VARIABLES = "Terraform variables file"


class TerraformFrontEnd:
    name = "terraform"
    reads = "Terraform plan JSON (terraform show -json) and .tf files"

    def claim(self, file: Candidate, explicit: bool) -> str | None:
        path = file.path
        suffix = path.suffix.lower()
        if suffix == ".tf":
            return CONFIG
        if suffix == ".tfvars" or path.name.lower().endswith(".tfvars.json"):
            return VARIABLES
        if suffix == ".json" or explicit:
            start = file.head(4096)
            if b'"format_version"' in start and (b'"terraform_version"' in start or b'"planned_values"' in start
                                                 or b'"resource_changes"' in start):
                return PLAN
        return None

    def read(self, files: list[ClaimedFile], run) -> Iterator[Unit]:
        from byocni_lint.frontends.terraform.unit import units

        return units(files, run)

    def group(self, path: Path) -> str | None:
        """None: a folder called as a module by another is not a root; plans pair with folders, so all files are read together."""
        return None


FRONTEND = TerraformFrontEnd()
