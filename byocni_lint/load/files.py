"""Reading a file the user gave us, safely: regular files only, never more than the size limit.

Every front end reads through here, so a FIFO, a device or a huge file is handled once: it becomes
a problem to report (BYO900 unreadable, BYO903 over the limit), never a hang or a traceback.
"""
from __future__ import annotations

import codecs
import os
import stat
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
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise FileProblem("BYO900", "not a regular file (a folder, FIFO or device is never read)")
        if info.st_size > max_bytes:
            raise FileProblem("BYO903", f"file is {info.st_size} bytes, over the limit of {max_bytes}")
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
        descriptor = os.open(path, flags)
        with os.fdopen(descriptor, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileProblem:
        raise
    except (OSError, ValueError) as exc:
        raise FileProblem("BYO900", f"cannot read file: {getattr(exc, 'strerror', None) or exc}") from None
    if len(data) > max_bytes:
        raise FileProblem("BYO903", f"file is over the limit of {max_bytes} bytes")
    return data


def decode_text(data: bytes) -> str:
    """Text as Azure's tools read it: a byte-order mark decides the encoding, else UTF-8.
    Raises UnicodeDecodeError for bytes that are not text in that encoding."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding)
    return data.decode("utf-8")


def head(path: Path, size: int = 4096) -> bytes:
    """The first bytes of a regular file, for cheap content sniffing; empty for anything else."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return b""
        with open(path, "rb") as handle:
            return handle.read(size)
    except OSError:
        return b""
