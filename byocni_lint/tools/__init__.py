"""Maintainer tools run with `python -m byocni_lint.tools.<name>`; never imported by a lint run."""
