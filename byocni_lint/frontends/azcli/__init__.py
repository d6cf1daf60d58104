"""The Azure CLI front end: `az` commands in shell, PowerShell, Makefiles, Dockerfiles and CI YAML.

Claiming is by name and, for YAML and extension-less files, the first 4 KiB; nothing heavy is imported
here (YAML, the evaluator) so start-up stays fast. Each file is one lint unit; a Dockerfile whose
`RUN`/`CMD`/`ENTRYPOINT` names a script beside it lends that script its `FROM` image's CLI pin.
"""
from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import Iterator

from byocni_lint.frontends import ClaimedFile, Unit
from byocni_lint.load.files import Candidate

SHELL = "shell script"
POWERSHELL = "PowerShell script"
MAKEFILE = "Makefile"
DOCKERFILE = "Dockerfile"
WORKFLOW = "GitHub Actions workflow"
PIPELINE = "Azure Pipelines YAML"
_SHEBANG = re.compile(rb"\A#![^\n]*\b(?:ba|da|z|k)?sh\b")


class AzCliFrontEnd:
    name = "azcli"
    reads = ("az commands in shell and PowerShell scripts, Makefiles, Dockerfiles, GitHub Actions workflows "
             "and Azure Pipelines YAML")

    def claim(self, file: Candidate, explicit: bool) -> str | None:
        path = file.path
        name = path.name.lower()
        suffix = path.suffix.lower()
        if suffix in (".sh", ".bash"):
            return SHELL
        if suffix == ".ps1":
            return POWERSHELL
        if name.endswith("makefile") or suffix == ".mk":  # also copies named `<prefix>__Makefile`
            return MAKEFILE
        if name == "dockerfile" or name.startswith("dockerfile.") or suffix == ".dockerfile" or name == "containerfile":
            return DOCKERFILE
        if suffix in (".yml", ".yaml"):
            return self._yaml_kind(file)
        if suffix == "" and _SHEBANG.match(file.head()):
            return SHELL
        return None

    @staticmethod
    def _yaml_kind(file: Candidate) -> str | None:
        path = file.path
        parts = [part.lower() for part in path.parts]
        if len(parts) >= 3 and parts[-3:-1] == [".github", "workflows"]:
            return WORKFLOW
        text = file.head().decode("utf-8", "replace")
        if path.name.lower().startswith("azure-pipelines") or re.search(r"^\s*-?\s*task:\s*AzureCLI@", text, re.M) \
                or (re.search(r"^(steps|stages|jobs):", text, re.M) and re.search(r"^\s*(pool|vmImage):", text, re.M)):
            return PIPELINE
        if re.search(r"^jobs:", text, re.M) and re.search(r"^\s+runs-on:", text, re.M):
            return WORKFLOW
        return None

    def read(self, files: list[ClaimedFile], run) -> Iterator[Unit]:
        docker = [f for f in files if f.kind == DOCKERFILE]
        for claimed in files:
            yield Unit(display=claimed.display, build=partial(_build, claimed, docker, run),
                       format="azcli")

    def group(self, path: Path) -> str | None:
        """None: every script is judged with every Dockerfile of the run (image pins), so all files are read together."""
        return None


def _build(claimed: ClaimedFile, dockerfiles: list[ClaimedFile], run):
    from byocni_lint.frontends.azcli.unit import build

    return build(claimed, dockerfiles, run)


FRONTEND = AzCliFrontEnd()
