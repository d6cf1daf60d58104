"""The Azure CLI version a cluster's `az aks create` runs on, as a model fact for BYO002.

A pin found in the files (scripts.Pin) is located where it is written. `--check-installed-cli` adds
the CLI on this machine, asked with `az version -o json` (a list of arguments, no shell, a timeout):
the user's own tool, never anything from the input.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from functools import lru_cache

from byocni_lint.model.values import Unknown
from byocni_lint.findings import Location
from byocni_lint.frontends.azcli.scripts import Pin
from byocni_lint.model import Field

TIMEOUT_SECONDS = 20


def pin_field(pin: Pin, source) -> Field:
    """The pin as a Field: its version (or Unknown with why) at the pin's position."""
    value: object = pin.version if pin.version is not None else Unknown(pin.reason or "the CLI version is not known")
    return Field(value, Location(source.path, source.span(pin.start, pin.end)), property_path=pin.what)


@lru_cache(maxsize=1)
def installed_cli_version() -> str | None:
    """`azure-cli` from `az version -o json`, or None when there is no usable `az` on PATH."""
    executable = shutil.which("az")
    if executable is None:
        return None
    try:
        done = subprocess.run([executable, "version", "-o", "json"], capture_output=True, text=True,
                              timeout=TIMEOUT_SECONDS, check=False)
        version = json.loads(done.stdout).get("azure-cli") if done.returncode == 0 else None
    except (OSError, subprocess.SubprocessError, ValueError, AttributeError):
        return None
    return version if isinstance(version, str) else None
