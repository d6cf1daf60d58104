"""Maintainer tools run with `python -m byocni_lint.tools.<name>` at build time; never imported by a
lint run (they may import YAML)."""
