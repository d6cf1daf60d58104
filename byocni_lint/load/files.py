"""Reading a file the user gave us, safely: regular files only, never more than the size limit.

Every front end reads through here, so a FIFO, a device or a huge file is handled once: it becomes
a problem to report (BYO900 unreadable, BYO903 over the limit), never a hang or a traceback.
"""
from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Iterable
from pathlib import Path

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


class FileProblem(Exception):
    """Why a file could not be read; `rule_id` is BYO900 (unreadable) or BYO903 (over a limit)."""

    def __init__(self, rule_id: str, message: str) -> None:
        super().__init__(message)
        self.rule_id = rule_id
        self.message = message


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes; FileProblem for anything that is not a readable regular file within the limit.
    The read stops at the limit whatever `stat` says (a file can grow while we read it)."""
    try:
        _regular(path.stat(), max_bytes)  # before opening: a device is never even opened
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        descriptor = os.open(path, flags)
        try:
            opened = os.fstat(descriptor)
            _regular(opened, max_bytes)  # and what was opened: the path may have been swapped
            data = _read_up_to(descriptor, max_bytes + 1, opened.st_size + 1)
        finally:
            os.close(descriptor)
    except FileProblem:
        raise
    except (OSError, ValueError) as exc:  # a symlink loop, a NUL byte, a name too long, no permission
        raise FileProblem("BYO900", f"cannot read file: {getattr(exc, 'strerror', None) or exc}") from None
    if len(data) > max_bytes:
        raise FileProblem("BYO903", f"file is over the limit of {max_bytes} bytes")
    return data


def _read_up_to(descriptor: int, limit: int, expected: int) -> bytes:
    """At most `limit` bytes, in reads of about the size `stat` gave (no buffered file object: a bulk run
    reads thousands of small files, and building one per file cost more than the read)."""
    chunks = []
    while limit > 0:
        chunk = os.read(descriptor, min(limit, max(expected, 65536)))
        if not chunk:
            break
        chunks.append(chunk)
        limit -= len(chunk)
    return b"".join(chunks)


def _regular(info: os.stat_result, max_bytes: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise FileProblem("BYO900", "not a regular file (a folder, FIFO or device is never read)")
    if info.st_size > max_bytes:
        raise FileProblem("BYO903", f"file is {info.st_size} bytes, over the limit of {max_bytes}")


def _encoding(data: bytes) -> tuple[str, int]:
    """The encoding and BOM length: a byte-order mark decides; without one, the pattern of zero bytes in
    the first four (RFC 4627 section 3: JSON text starts with two ASCII characters) tells UTF-16 and
    UTF-32 from UTF-8, as .NET and Azure's tools detect what Windows PowerShell 5 writes."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    zeros = tuple(byte == 0 for byte in data[:4])
    return _ZERO_PATTERNS.get(zeros, "utf-8"), 0


_ZERO_PATTERNS: dict[tuple[bool, ...], str] = {(False, True, True, True): "utf-32-le", (True, True, True, False): "utf-32-be",
                  (False, True, False, True): "utf-16-le", (True, False, True, False): "utf-16-be"}


def decode_text(data: bytes) -> str:
    """Text as Azure's tools read it (see `_encoding`).
    Raises UnicodeDecodeError for bytes that are not text in that encoding."""
    encoding, skip = _encoding(data)
    return data[skip:].decode(encoding)


SNIFF_BYTES = 65536
"""How much of a file the front ends look at to claim it: `$schema` sits at the top of every real template."""


class Candidate:
    """A file offered to the front ends (discover.py). Its first bytes are read once, however many front
    ends look: a `.json` is sniffed by Terraform for a plan and then by ARM for a schema."""

    __slots__ = ("path", "_head")

    def __init__(self, path: Path) -> None:
        self.path = path
        self._head: bytes | None = None

    def head(self, size: int = 4096) -> bytes:
        """The file's first `size` bytes (at most SNIFF_BYTES); empty for anything but a regular file."""
        if self._head is None:
            self._head = head(self.path, SNIFF_BYTES)
        return self._head[:size]

    def head_text(self, size: int = 4096) -> str:
        """The first bytes as text in the file's encoding: a UTF-16 template must be recognised by its
        `$schema` too."""
        data = self.head(size)
        encoding, skip = _encoding(data)
        return data[skip:].decode(encoding, errors="replace")


def resolved(path: Path) -> Path:
    """`path.resolve()`, or the absolute path when it cannot be resolved (a symlink loop, a NUL byte,
    a name too long): such a file is reported when it is read, never a crash here."""
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):
        return path.absolute()


def linted_roots(paths: Iterable[str]) -> list[Path]:
    """The folders a run may read from: each named folder (or a named file's folder) and the
    repository (nearest `.git`) that holds it."""
    roots: list[Path] = []
    for given in paths:
        path = resolved(Path(given))
        folder = path if _is_dir(path) else path.parent
        roots.append(folder)
        roots.extend(parent for parent in (folder, *folder.parents) if _exists(parent / ".git"))
    return list(dict.fromkeys(roots))


def resolve_within(base: Path, relative: str, roots: Iterable[Path]) -> Path | None:
    """`relative` (a linked template's `relativePath`) against `base`, if it stays inside one of
    `roots`; None when it leads elsewhere (`../../etc/passwd`, `/proc/kmsg`): that is never read.
    FileProblem for a path that cannot be resolved at all."""
    if "\0" in relative:
        raise FileProblem("BYO900", "linked template path contains a NUL character")
    try:
        target = (base / relative).resolve()
    except RuntimeError:
        raise FileProblem("BYO900", "linked template path is a symbolic link loop") from None
    except (OSError, ValueError) as exc:
        raise FileProblem("BYO900", f"linked template path cannot be resolved: {getattr(exc, 'strerror', None) or exc}") from None
    return target if any(target.is_relative_to(root) for root in roots) else None


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def is_file(path: Path) -> bool:
    """`path.is_file()`, false for a path the system refuses (a name too long)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def head(path: Path, size: int = 4096) -> bytes:
    """The first bytes of a regular file, for cheap content sniffing; empty for anything else."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return b""
        with open(path, "rb") as handle:
            return handle.read(size)
    except OSError:
        return b""
