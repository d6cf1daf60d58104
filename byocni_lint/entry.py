"""The console entry point, importing nothing at module level: Ctrl-C while Python is still importing
the command line (the first tenth of a second) must also be one line and exit 130, not a traceback."""
from __future__ import annotations

import sys

INTERRUPTED = "byocni-lint: interrupted\n"


def main() -> None:
    try:
        from byocni_lint.cli import main as run

        run()
    except KeyboardInterrupt:
        sys.stderr.write(INTERRUPTED)
        sys.exit(130)
