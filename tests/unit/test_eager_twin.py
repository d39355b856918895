"""read_* readers take their scan_* twin's arguments exactly as a Python call would bind them:
generated call shapes, valid and not, against the twin called directly."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from polars_redis.readers.eager import eager_twin


def scan_twin(url: str, pattern: str, schema: dict[str, Any] | None = None, *, n_rows: int | None = None,
              batch_size: int = 1000) -> pl.LazyFrame:
    """Docs.

    Args:
        url: where.

    Returns:
        Its own arguments, as one row.
    """
    return pl.LazyFrame({"bound": [repr((url, pattern, schema, n_rows, batch_size))]})


@eager_twin(scan_twin)
def read_twin() -> None:
    """Docs.

    Returns:
        The frame.
    """


NAMES = ["url", "pattern", "schema", "n_rows", "batch_size", "typo"]


@given(positional=st.integers(0, 5), keywords=st.lists(st.sampled_from(NAMES), unique=True, max_size=6))
def test_read_binds_as_a_direct_call_of_its_scan(positional: int, keywords: list[str]) -> None:
    args = [f"a{i}" for i in range(positional)]
    kwargs = {name: f"k-{name}" for name in keywords}
    try:
        expected: Any = scan_twin(*args, **kwargs).collect()["bound"].item()
    except TypeError:
        with pytest.raises(TypeError, match=r"^read_twin\(\) "):
            read_twin(*args, **kwargs)
        return
    assert read_twin(*args, **kwargs)["bound"].item() == expected
