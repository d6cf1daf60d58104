"""A mistake in how byocni-lint was called: one line on stderr and exit code 2 (cli.main prints it).

Raised where the mistake is found (an option's value, a settings file, standard input), so that every
such message reads alike: `byocni-lint: error: Invalid value for --select: unknown rule ...`.
"""
from __future__ import annotations


class UsageError(Exception):
    """The caller's mistake, never a bug: no traceback, exit 2."""


def bad_value(option: str, message: str) -> UsageError:
    """A wrong value for `option` (an option, or PATHS), named as the command line spells it."""
    return UsageError(f"Invalid value for {option}: {message}")
