"""The package version, written once: pyproject.toml reads it at build time, the code imports it."""

__version__ = "0.1.0"
