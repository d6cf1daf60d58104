"""Regenerate the fast-loading JSON forms of the shipped YAML data: `python -m byocni_lint.tools.generate_data`.

The YAML files are the reviewed sources (comments say where each value comes from); parsing them at
run time costs more than starting Python (pure-Python YAML: 50-100 ms), so the linter reads JSON
generated from them. A test regenerates in memory and compares, so editing a YAML file without
running this fails the suite. `--check` does the same comparison from the command line.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from byocni_lint.rulebook import RULEBOOK_JSON, parse_rule_files, rules_dir
from byocni_lint.semantics.rbac import BUILTIN_ROLES_JSON, BUILTIN_ROLES_YAML


def generated() -> dict[Path, str]:
    """Each generated file and the text it must hold, computed from the YAML sources."""
    import yaml

    roles = yaml.safe_load(BUILTIN_ROLES_YAML.read_text(encoding="utf-8"))["roles"]
    return {
        RULEBOOK_JSON: _dump(parse_rule_files(sorted(rules_dir().glob("BYO*.yaml")))),
        BUILTIN_ROLES_JSON: _dump(roles),
    }


def _dump(value: object) -> str:
    """Stable text: sorted keys, one line per value, so a regenerated file diffs as little as possible."""
    return json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m byocni_lint.tools.generate_data", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale files (exit 1), write nothing")
    args = parser.parse_args(argv)
    stale = [path for path, text in generated().items()
             if not path.is_file() or path.read_text(encoding="utf-8") != text]
    if args.check:
        for path in stale:
            print(f"stale: {path} (run python -m byocni_lint.tools.generate_data)", file=sys.stderr)
        return 1 if stale else 0
    for path, text in generated().items():
        if path in stale:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
