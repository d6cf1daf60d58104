"""Developer tools that run at build time, never at lint time (they may import YAML)."""
