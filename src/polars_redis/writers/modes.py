"""The write modes (``if_exists``) and their one default, shared by the Python API and the CLI."""

from __future__ import annotations

from typing import Final, Literal

IfExists = Literal["fail", "replace", "append"]

WRITE_MODES: Final = ("fail", "replace", "append")

# The spec's default. "replace" makes each key exactly the row: hash fields absent from the frame
# are dropped. "append" is the merge (HSET / JSON.MERGE), which redis-py users expect of HSET.
DEFAULT_IF_EXISTS: Final[IfExists] = "replace"
