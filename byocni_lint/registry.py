"""Loading the modules that register themselves (check families, ARM function categories) on first use,
so that start-up imports only what a run needs."""
from __future__ import annotations

import importlib
from typing import Iterable


def import_modules(package: str, names: Iterable[str]) -> None:
    """Import `package.name` for each name; a module not written yet is skipped, any other error raised."""
    for name in names:
        try:
            importlib.import_module(f"{package}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{package}.{name}":
                raise
