"""--where and --schema never evaluate Python: hostile text either parses to a Polars object through
the whitelist or is refused with a one-line error, and nothing it names is ever run."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl
import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import load_hashes
from polars_redis.__main__ import main
from polars_redis.cli.expr import CliError, parse_schema, parse_where

# Audit events that running user text would raise (compile is left out: ast.parse raises it).
_RUNNING = ("exec", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "subprocess.Popen",
            "os.remove", "os.rename", "shutil.rmtree", "socket.connect", "ctypes.dlopen", "builtins.input")
_seen: list[str] = []
_watching = [False]


def _audit(event: str, args: tuple[object, ...]) -> None:
    if _watching[0] and (event in _RUNNING or (event == "open" and "sentinel" in str(args[0]))):
        _seen.append(event)


sys.addaudithook(_audit)  # hooks cannot be removed; this one only records while a test watches


@contextmanager
def _watched() -> Iterator[list[str]]:
    """Records the audit events raised inside the block (and nothing outside it)."""
    _seen.clear()
    _watching[0] = True
    try:
        yield _seen
    finally:
        _watching[0] = False


SENTINEL = "/tmp/polars-redis-sentinel-never-created"

HOSTILE = [
    f'pl.os.system("touch {SENTINEL}") == 0',
    f'__import__("os").system("touch {SENTINEL}")',
    f'open("{SENTINEL}", "w")',
    'pl.col("a").__class__.__mro__[1].__subclasses__()',
    'pl.col("a").map_elements(print) > 0',
    'pl.col("a").pipe(eval, "1")',
    '(lambda: 0)()',
    'pl.col(*["a"])',
    'pl.col(**{"name": "a"})',
    'pl.lit(2) ** 10 ** 100000',
    '[x for x in ().__class__.__base__.__subclasses__()]',
    'pl.col("a").str.__dict__',
    'pl.io.csv',
    'pl.read_csv("/etc/passwd")',
    'pl.col("a").cast(pl.Object)',
    'pl.lit(1, dtype=pl.Object)',
    'pl.col("a") if True else 0',
    'pl.col("a").is_in(pl.col)',
    'pl.col(getattr)',
    '(pl.col("a") > 1) & ' * 2000 + 'pl.col("a")',
    '(' * 500 + 'pl.col("a")' + ')' * 500,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_where_is_refused_without_running_anything(text: str) -> None:
    with _watched() as seen, pytest.raises(CliError, match="--where"):
        parse_where(text)
    assert seen == [] and not Path(SENTINEL).exists()


def test_hostile_where_through_the_cli(r: redis.Redis, url: str, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    load_hashes(r, {"cli:1": {"age": "3"}})
    sentinel = tmp_path / "sentinel"
    out = tmp_path / "out.parquet"
    for where in (f'pl.os.system("touch {sentinel}") == 0', f"age = 1 OR system('touch {sentinel}')"):
        assert main(["export", url, "--pattern", "cli:*", "--schema", "age=Int64", "--where", where,
                     "-o", str(out)]) == 1
        err = capsys.readouterr().err
        assert err.startswith("polars-redis: error: --where") and err.count("\n") == 1, err
    assert main(["export", url, "--pattern", "cli:*", "--schema", f'age=pl.os.system("touch {sentinel}")',
                 "-o", str(out)]) == 1
    assert "not allowed" in capsys.readouterr().err
    assert not sentinel.exists() and not out.exists()


def test_where_whitelist_builds_the_same_expressions_as_python() -> None:
    df = pl.DataFrame({"a": [1, 5, None, 9], "s": ["Paris", "x", "par", None],
                       "t": pl.Series([0, 10**15, 2 * 10**15, None]).cast(pl.Datetime("us"))})
    cases = {
        'pl.col("a") > 3': pl.col("a") > 3,
        '(pl.col("a").is_in([1, 9])) | pl.col("a").is_null()': pl.col("a").is_in([1, 9]) | pl.col("a").is_null(),
        '~pl.col("a").is_between(2, 8, closed="left")': ~pl.col("a").is_between(2, 8, closed="left"),
        'pl.col("s").str.starts_with("Par") & pl.col("s").str.ends_with("s")':
            pl.col("s").str.starts_with("Par") & pl.col("s").str.ends_with("s"),
        'pl.col("s").str.to_lowercase().str.contains("par", literal=True)':
            pl.col("s").str.to_lowercase().str.contains("par", literal=True),
        'pl.col("a").cast(pl.Float64) * -2 + 1 >= pl.lit(-9.5)': pl.col("a").cast(pl.Float64) * -2 + 1 >= -9.5,
        'pl.col("t").dt.year() == 2001': pl.col("t").dt.year() == 2001,
        "a >= 5 AND s IS NULL": (pl.col("a") >= 5) & pl.col("s").is_null(),
        "a IN (1, 9) OR lower(s) LIKE 'par%'": pl.col("a").is_in([1, 9]) | pl.col("s").str.to_lowercase().str.starts_with("par"),
    }
    for text, expected in cases.items():
        assert df.filter(parse_where(text)).equals(df.filter(expected)), text


def test_schema_takes_whitelisted_dtypes_only() -> None:
    assert parse_schema('a=String,b=pl.Int64,c=Datetime("ms", "UTC"),d=List(Utf8),e=Decimal(10, 2),'
                        'f=Struct({"x": Int64, "y": List(String)})') == {
        "a": pl.String(), "b": pl.Int64(), "c": pl.Datetime("ms", "UTC"), "d": pl.List(pl.String),
        "e": pl.Decimal(10, 2), "f": pl.Struct({"x": pl.Int64, "y": pl.List(pl.String)})}
    for bad in ("a=Object", "a=pl.Object", "a=str", "a=List(print)", 'a=Datetime(open("x"))', "a=pl.col",
                "a=String.__base__", "a=__import__('os')",
                'a=Struct({"x": print})', "a=Struct({1: Int64})", 'a=Struct({"x": Int64}.keys())'):
        with pytest.raises(CliError, match="--schema"):
            parse_schema(bad)


# Text assembled from pieces that a code-injection attempt would use, plus pieces the whitelist
# accepts, combined the way Python syntax combines them.
_LEAVES = st.sampled_from([
    "pl", "os", "__import__", "open", "eval", "exec", "print", "getattr", "globals", "__builtins__",
    "lambda: 0", "()", "{}", '"a"', f'"{SENTINEL}"', "1", "-2.5", "True", "None", "[1, 2]", 'pl.col("a")',
    "pl.Int64", "b'x'", "...", "x", "self", '{"a": pl.Int64}', "{1: print}",
])
_ATTRIBUTES = st.sampled_from([
    "col", "lit", "os", "system", "__class__", "__dict__", "__globals__", "__subclasses__", "__mro__", "str",
    "dt", "contains", "is_in", "is_null", "cast", "map_elements", "pipe", "alias", "year", "Int64", "Object",
    "read_csv", "sql_expr", "__call__", "__getattribute__", "meta", "eval", "_secret", "keys", "Struct",
])
_OPS = st.sampled_from(["+", "-", "*", "/", "**", "&", "|", "^", ">", "<", "==", "!=", " in ", " is ",
                        " and ", " or ", " if 1 else ", "@", "<<"])


def _extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, _ATTRIBUTES).map(lambda t: f"{t[0]}.{t[1]}"),
        st.tuples(children, st.lists(children, max_size=3)).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
        st.tuples(children, children).map(lambda t: f"{t[0]}({t[1]}={t[1]})"),
        st.tuples(children, _OPS, children).map(lambda t: f"({t[0]}){t[1]}({t[2]})"),
        st.tuples(children, children).map(lambda t: f"{t[0]}[{t[1]}]"),
        children.map(lambda c: f"~({c})"),
        children.map(lambda c: f"not {c}"),
        children.map(lambda c: f"[x for x in {c}]"),
        children.map(lambda c: f"*{c}"),
    )


_PYTHONISH = st.recursive(_LEAVES, _extend, max_leaves=12)


@settings(max_examples=400, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_PYTHONISH, st.text(max_size=60)))
def test_generated_where_parses_or_is_refused_and_never_runs(text: str) -> None:
    try:
        with _watched() as seen:
            expr = parse_where(text)
    except CliError as exc:
        assert str(exc).startswith("--where") and "\n" not in str(exc).strip() or "\n" in text
    else:
        assert isinstance(expr, pl.Expr)
    assert seen == [] and not Path(SENTINEL).exists()


@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(_PYTHONISH)
def test_generated_schema_parses_or_is_refused_and_never_runs(text: str) -> None:
    try:
        with _watched() as seen:
            schema = parse_schema(f"a={text}")
    except CliError as exc:
        assert str(exc).startswith("--schema")
    else:
        assert all(isinstance(dtype, pl.DataType) for dtype in schema.values())
    assert seen == [] and not Path(SENTINEL).exists()
