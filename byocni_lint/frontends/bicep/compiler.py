"""The user's own Bicep compiler, when there is one: `bicep build --stdout`, no shell, with a timeout.

Found by `--bicep PATH`, the BYOCNI_LINT_BICEP variable, `bicep` on PATH, then `az bicep`
(`--no-bicep-cli` turns it off). Compiled JSON is cached by the content hash of the file and the local
modules it uses, so a pre-commit run does not recompile unchanged files. Never downloaded.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

TIMEOUT_SECONDS = 60
_DIAGNOSTIC = re.compile(r"^(?P<file>.*)\((?P<line>\d+),(?P<column>\d+)\)\s*:\s*(?P<level>Error|Warning|Info)\s+"
                         r"(?P<code>[A-Za-z0-9-]+)\s*:\s*(?P<message>.*)$")
_MODULE = re.compile(r"^\s*module\s+\w+\s+'([^']+\.bicep)'", re.MULTILINE)


@dataclass
class Diagnostic:
    file: str
    line: int
    column: int
    code: str
    message: str


@dataclass
class Compiled:
    json_text: str | None  # None when the compiler reported errors or could not run
    errors: list[Diagnostic] = field(default_factory=list)
    failure: str | None = None  # the compiler could not be run, or timed out


def find_compiler(options: object) -> list[str] | None:
    """The command that runs `build`, or None when no compiler is to be used."""
    if getattr(options, "no_bicep_cli", False):
        return None
    named = getattr(options, "bicep", None) or os.environ.get("BYOCNI_LINT_BICEP")
    if named:
        return [named]
    found = shutil.which("bicep")
    if found:
        return [found]
    az = shutil.which("az")
    return [az, "bicep"] if az else None


def _build_command(command: list[str], path: Path) -> list[str]:
    if len(command) == 2 and command[1] == "bicep":  # az bicep build --file X --stdout
        return [*command, "build", "--file", str(path), "--stdout"]
    return [*command, "build", str(path), "--stdout"]


def content_key(path: Path, text: str, command: list[str]) -> str:
    """Hash of the file, the local modules it uses (transitively) and the compiler command."""
    digest = hashlib.sha256("\0".join(command).encode())
    seen: set[Path] = set()
    pending = [(path, text)]
    while pending:
        current, content = pending.pop()
        digest.update(str(current).encode() + b"\0" + content.encode("utf-8", "replace") + b"\0")
        for relative in _MODULE.findall(content):
            module = (current.parent / relative).resolve()
            if module in seen or not module.is_file() or len(seen) > 64:
                continue
            seen.add(module)
            try:
                pending.append((module, module.read_text(encoding="utf-8", errors="replace")))
            except OSError:
                continue
    return digest.hexdigest()


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "byocni-lint" / "bicep"


def compile_bicep(command: list[str], path: Path, text: str, timeout: float = TIMEOUT_SECONDS) -> Compiled:
    key = content_key(path.resolve(), text, command)
    cached = _cache_dir() / f"{key}.json"
    try:
        return Compiled(cached.read_text(encoding="utf-8"))
    except OSError:
        pass
    try:
        done = subprocess.run(_build_command(command, path), capture_output=True, timeout=timeout, shell=False,
                              stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        return Compiled(None, failure=f"the Bicep compiler did not finish within {timeout:g} s")
    except OSError as exc:
        return Compiled(None, failure=f"the Bicep compiler {command[0]} could not be run ({exc.strerror or exc})")
    stderr = done.stderr.decode("utf-8", "replace")
    errors = [d for d in parse_diagnostics(stderr)]
    if done.returncode != 0 or errors:
        if not errors:
            return Compiled(None, failure=f"the Bicep compiler exited with code {done.returncode}: {stderr.strip()[:200]}")
        return Compiled(None, errors)
    output = done.stdout.decode("utf-8", "replace")
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(output, encoding="utf-8")
    except OSError:
        pass  # a read-only home only costs a recompile
    return Compiled(output)


def parse_diagnostics(stderr: str) -> list[Diagnostic]:
    """The compiler's error diagnostics (`file(line,col) : Error BCPnnn: message`); warnings are not findings."""
    found = []
    for line in stderr.splitlines():
        match = _DIAGNOSTIC.match(line.strip())
        if match and match["level"] == "Error":
            found.append(Diagnostic(match["file"], int(match["line"]), int(match["column"]), match["code"], match["message"]))
    return found
