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


def lazy_module(name: str):
    """A module object that is imported on first attribute access (importlib's LazyLoader recipe):
    a check whose heavy semantics are needed only for some inputs does not slow every start-up."""
    import importlib.util
    import sys

    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
