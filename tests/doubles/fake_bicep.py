#!/usr/bin/env python3
"""TEST DOUBLE of the Bicep CLI (the real compiler cannot be installed here): `fake_bicep.py build FILE --stdout`.

Replays recorded compiler output: the `main.json` beside FILE (as real `bicep build` wrote it in
../shared/corpus/bicep-pairs), or FAKE_BICEP_JSON. FAKE_BICEP_MODE=fail prints the diagnostics in
FAKE_BICEP_STDERR and exits 1 (as the compiler does on errors); FAKE_BICEP_MODE=hang never finishes.
FAKE_BICEP_LOG, when set, gets one line per call (to prove the cache spares a recompile).
"""
import os
import sys
import time
from pathlib import Path


def main() -> int:
    args = sys.argv[1:]
    if os.environ.get("FAKE_BICEP_LOG"):
        with open(os.environ["FAKE_BICEP_LOG"], "a", encoding="utf-8") as log:
            log.write(" ".join(args) + "\n")
    mode = os.environ.get("FAKE_BICEP_MODE", "replay")
    if mode == "hang":
        time.sleep(3600)
    if mode == "fail":
        sys.stderr.write(os.environ.get("FAKE_BICEP_STDERR", ""))
        return 1
    source = Path(next(a for a in args[1:] if not a.startswith("--")))
    recorded = Path(os.environ.get("FAKE_BICEP_JSON") or source.with_suffix(".json"))
    sys.stdout.write(recorded.read_text(encoding="utf-8-sig"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
