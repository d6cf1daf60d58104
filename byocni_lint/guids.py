"""Name-based (version 5) UUIDs, character for character what `uuid.uuid5(uuid.NAMESPACE_URL, name)`
gives, without its cost on a one-template run: `uuid.uuid5` imports hashlib, which loads OpenSSL's
libcrypto (about 2 ms, a few percent of a cold start) for a digest the interpreter's own SHA-1 module
computes as well."""
from __future__ import annotations

try:
    from _sha1 import sha1
except ImportError:  # an interpreter built without its own SHA-1 (--with-builtin-hashlib-hashes)
    from hashlib import sha1

NAMESPACE_URL = bytes.fromhex("6ba7b8119dad11d180b400c04fd430c8")
"""RFC 4122's namespace for URLs (`uuid.NAMESPACE_URL`)."""


def url_uuid5(name: str) -> str:
    """RFC 4122 section 4.3: the first 16 bytes of SHA-1(namespace + name), version 5, RFC variant."""
    raw = bytearray(sha1(NAMESPACE_URL + name.encode("utf-8")).digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x50
    raw[8] = (raw[8] & 0x3F) | 0x80
    digits = raw.hex()
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"
