"""`byocni-lint --stdin-filename infra/aks.json -`: lint what an editor pipes in, as if it were that file.

The text is written to a private temporary folder under the file's own name (front ends choose by
name and content, and a Bicep or Terraform front end may look beside it), and every finding is then
pointed back at the name the editor gave, so locations are in the user's words.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from byocni_lint.usage import bad_value


@contextmanager
def stdin_as_file(paths: list[str], name: str | None):
    """(paths to lint, finding -> finding) with `-` replaced by a temporary copy of standard input."""
    if "-" not in paths:
        if name:
            raise bad_value("--stdin-filename", "only with the path '-' (standard input)")
        yield paths, lambda finding: finding
        return
    if not name:
        raise bad_value("--stdin-filename", "reading standard input ('-') needs --stdin-filename NAME, so that its "
                        "format is known and findings name the file")
    import tempfile  # only a run on standard input pays for it

    text = sys.stdin.read()
    with tempfile.TemporaryDirectory(prefix="byocni-lint-stdin-") as folder:
        copy = Path(folder) / Path(name).name
        copy.write_text(text, encoding="utf-8")
        shown = str(copy)

        def rename(finding):
            location = finding.location
            if location.path != shown:
                return finding
            related = tuple((what, where._replace(path=name) if where.path == shown else where)
                            for what, where in finding.related)
            return replace(finding, location=location._replace(path=name), related=related)

        yield [shown if path == "-" else path for path in paths], rename
