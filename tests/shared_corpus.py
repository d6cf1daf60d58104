"""Where the read-only shared corpus lives (../shared beside the repository), for the tests that read
it; they skip, naming what is missing, when it is absent (e.g. a clone without ../shared)."""
from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"


def corpus_file(relative: str) -> Path:
    """A file under ../shared/corpus, or a skip when it is not there."""
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip(f"corpus file {relative} is not available (../shared is absent)")
    return path
