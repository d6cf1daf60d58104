"""guids.url_uuid5 is uuid.uuid5(NAMESPACE_URL, name) without importing hashlib: the same text always."""
from __future__ import annotations

import random
import uuid

from byocni_lint.guids import NAMESPACE_URL, url_uuid5


def test_the_namespace_is_rfc_4122s_url_namespace() -> None:
    assert NAMESPACE_URL == uuid.NAMESPACE_URL.bytes


def test_equal_to_the_standard_librarys_uuid5_on_random_names() -> None:
    rng = random.Random(14)
    alphabet = "abcXYZ019-_/.:\x1f é€😀\u200e"
    names = ["", "a", "terraform:azurerm_role_assignment.network"]
    names += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(200))) for _ in range(2000)]
    for name in names:
        assert url_uuid5(name) == str(uuid.uuid5(uuid.NAMESPACE_URL, name)), name
