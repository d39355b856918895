"""Writes with RESTORE payloads against the command path, on real servers.

Every frame is written twice on the same server: by the default user (RESTORE payloads) and by
an ACL user that may not run RESTORE (the command path, chosen by the probe). redis-py then
compares the two keys of every row: value, DEBUG DIGEST-VALUE, OBJECT ENCODING and TTL.
Servers: Redis Stack 7.4 (RDB 12), Debian's Redis 7.0 (RDB 10), and 7.0 with
sanitize-dump-payload yes (deep validation of every payload).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import polars_redis as pr
from conftest import command_calls
from debian_redis import DebianRedis

PASSWORD = secrets.token_hex(8)

# Encoding thresholds lowered so that small frames cross every one of them on both paths.
LOW_LIMITS = {
    "hash-max-listpack-entries": "3", "hash-max-listpack-value": "8", "set-max-intset-entries": "4",
    "zset-max-listpack-entries": "3", "zset-max-listpack-value": "8", "list-max-listpack-size": "3",
}


class Target:
    """A server with two ways in: `restore_url` (RESTORE allowed) and `commands_url` (refused)."""

    def __init__(self, name: str, host: str, port: int, password: str | None) -> None:
        self.name = name
        auth = f":{password}@" if password else ""
        self.restore_url = f"redis://{auth}{host}:{port}/0"
        self.commands_url = f"redis://nores:{PASSWORD}@{host}:{port}/0"
        self.client = redis.Redis(host=host, port=port, password=password)
        self.client.acl_setuser("nores", enabled=True, passwords=[f"+{PASSWORD}"], keys=["*"], channels=["*"],
                                commands=["+@all", "-restore"])
        self.defaults = {k: v for k, v in self.client.config_get("*-max-*").items()}
        self.rdb = {"7.0": 10, "7.4": 12}[self.client.info("server")["redis_version"][:3]]

    def lower_limits(self) -> None:
        for name, value in LOW_LIMITS.items():
            self.client.config_set(name, value)
        if self.rdb >= 11:
            self.client.config_set("set-max-listpack-entries", "3")
            self.client.config_set("set-max-listpack-value", "8")

    def reset_limits(self) -> None:
        for name, value in self.defaults.items():
            self.client.config_set(name, value)


def _debian(tmp_path_factory: pytest.TempPathFactory, name: str, *args: str) -> Iterator[Target]:
    server = DebianRedis(tmp_path_factory.mktemp(name), "--enable-debug-command", "local", *args)
    try:
        server.wait_until_listening(server.port)
        yield Target(name, "127.0.0.1", server.port, None)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def debian70(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    yield from _debian(tmp_path_factory, "debian70")


@pytest.fixture(scope="module")
def sanitized70(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    yield from _debian(tmp_path_factory, "sanitized70", "--sanitize-dump-payload", "yes")


@pytest.fixture(scope="module")
def stack74(stack) -> Iterator[Target]:  # noqa: ANN001 - the session's RedisStackServer
    target = Target("stack74", "127.0.0.1", stack.port, stack.password)
    yield target
    target.client.acl_deluser("nores")


@pytest.fixture(params=["stack74", "debian70", "sanitized70"])
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    chosen: Target = request.getfixturevalue(request.param)
    chosen.client.flushall()
    chosen.client.config_resetstat()
    yield chosen
    chosen.reset_limits()


def write_both(target: Target, write, df: pl.DataFrame, key_prefix_suffix: str = "", **options) -> None:  # noqa: ANN001
    """Writes `df` with keys prefixed r: (RESTORE) and c: (commands); checks the methods ran."""
    before = command_calls(target.client, "restore")
    write(df, target.restore_url, key_prefix="r:" + key_prefix_suffix, **options)
    restores = command_calls(target.client, "restore") - before
    write(df, target.commands_url, key_prefix="c:" + key_prefix_suffix, **options)
    assert command_calls(target.client, "restore") - before == restores  # the command path sent none
    assert restores > 0 or options.get("if_exists") == "fail"  # fail runs RESTORE inside its script


def assert_same_values(target: Target, *, expect_keys: int | None = None, any_encoding: set[str] = frozenset()) -> None:
    """`any_encoding`: keys whose frame repeats a member. SADD / ZADD size their value by the
    argument count, duplicates included, but the server's RESTORE loader turns a small hash table
    or skiplist back into a compact encoding: there only the data can match."""
    client = target.client
    restored = sorted(k for k in client.keys("r:*"))
    by_commands = sorted(k for k in client.keys("c:*"))
    assert [k[2:] for k in restored] == [k[2:] for k in by_commands]
    if expect_keys is not None:
        assert len(restored) == expect_keys
    for r_key, c_key in zip(restored, by_commands, strict=True):
        assert client.type(r_key) == client.type(c_key)
        assert client.execute_command("DEBUG", "DIGEST-VALUE", r_key) == client.execute_command(
            "DEBUG", "DIGEST-VALUE", c_key), r_key
        if r_key[2:].decode() not in any_encoding:
            encoding = client.object("encoding", r_key)
            assert encoding == client.object("encoding", c_key), r_key
            # Compact encodings are laid out deterministically: the server's own serialization of
            # both keys must agree byte for byte (which texts became listpack integers included).
            if encoding in (b"listpack", b"intset", b"int", b"embstr", b"raw"):
                assert client.dump(r_key) == client.dump(c_key), r_key
        assert (client.pttl(r_key) > 0) == (client.pttl(c_key) > 0), r_key
        if client.type(r_key) == b"hash":
            assert client.hgetall(r_key) == client.hgetall(c_key)
        if client.type(r_key) == b"zset":
            assert client.zrange(r_key, 0, -1, withscores=True) == client.zrange(c_key, 0, -1, withscores=True)


# Texts that probe the integer rule of listpacks (canonical int64 only) and every width.
INTEGERS = st.sampled_from([0, 1, -1, 127, 128, -4096, 4095, 4096, -32768, 32767, 40000, -8388608, 8388607,
                            2**31 - 1, -(2**31), 2**31, 2**63 - 1, -(2**63)])
TEXTS = st.one_of(
    INTEGERS.map(str),
    st.sampled_from(["-0", "01", "+1", " 1", "1.0", "", "9223372036854775808", "-9223372036854775809"]),
    st.text(max_size=12),
    st.text(min_size=60, max_size=70),
    st.binary(max_size=5).map(lambda b: b.hex()),
)
NAMES = st.text(alphabet="abcdefghij", min_size=1, max_size=10)


@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(columns=st.dictionaries(NAMES, st.lists(st.none() | TEXTS, min_size=3, max_size=3), min_size=1, max_size=6),
       low=st.booleans())
def test_hashes_match_the_command_path(target: Target, columns: dict[str, list[str | None]], low: bool) -> None:
    target.client.flushall()
    if low:
        target.lower_limits()
    df = pl.DataFrame({"_key": ["a", "b", "c"], **columns}, schema_overrides={c: pl.String for c in columns})
    write_both(target, pr.write_hashes, df)
    assert_same_values(target)
    target.reset_limits()


# Typed cells: a hash payload takes an integer column's values as listpack integers directly
# (other columns by their text), so each dtype's extremes and the texts just within and just above
# the lowered hash-max-listpack-value (8) must give what HSET of the same text gives.
INTEGER_RANGES = {pl.Int8: (-(2**7), 2**7 - 1), pl.Int16: (-(2**15), 2**15 - 1), pl.Int32: (-(2**31), 2**31 - 1),
                  pl.Int64: (-(2**63), 2**63 - 1), pl.UInt8: (0, 2**8 - 1), pl.UInt16: (0, 2**16 - 1),
                  pl.UInt32: (0, 2**32 - 1), pl.UInt64: (0, 2**64 - 1)}
NEAR_THE_LENGTH_LIMIT = [99_999_999, 100_000_000, -9_999_999, -10_000_000, 12_345_678, -1_234_567]


@st.composite
def typed_columns(draw: st.DrawFn) -> pl.Series:
    dtype = draw(st.sampled_from([*INTEGER_RANGES, pl.Float64, pl.Boolean]))
    if dtype == pl.Float64:
        values = st.sampled_from([0.0, -0.0, 1.0, 2.5, -3.0, 1e16, 123456789.0, float("inf")]) | st.floats(allow_nan=False)
    elif dtype == pl.Boolean:
        values = st.booleans()
    else:
        low, high = INTEGER_RANGES[dtype]
        special = [v for v in [low, high, 0, 1, -1, 127, 128, -4096, 4095, 32767, -32768, 2**31, 2**63 - 1,
                               2**63, *NEAR_THE_LENGTH_LIMIT] if low <= v <= high]
        values = st.sampled_from(special) | st.integers(low, high)
    return pl.Series(draw(st.lists(st.none() | values, min_size=4, max_size=4)), dtype=dtype)


@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(columns=st.dictionaries(NAMES, typed_columns(), min_size=1, max_size=5), low=st.booleans(),
       mode=st.sampled_from(["replace", "append"]))
def test_typed_hash_cells_match_the_command_path(target: Target, columns: dict[str, pl.Series], low: bool,
                                                 mode: str) -> None:
    target.client.flushall()
    if low:
        target.lower_limits()
    df = pl.DataFrame({"_key": KEYS_WITH_REPEATS, **columns})
    write_both(target, pr.write_hashes, df, if_exists=mode)
    assert_same_values(target)
    target.reset_limits()


@pytest.mark.parametrize("mode", ["replace", "append"])
def test_integer_cells_at_the_length_limit(target: Target, mode: str) -> None:
    """Every integer dtype's extremes and the values just within and just above the lowered value
    length limit, one per hash, so that each alone decides its hash's encoding."""
    target.lower_limits()
    for dtype, (low, high) in INTEGER_RANGES.items():
        values = [v for v in [low, high, 0, -1, *NEAR_THE_LENGTH_LIMIT] if low <= v <= high]
        df = pl.DataFrame({"_key": [f"{dtype}:{v}" for v in values], "n": pl.Series(values, dtype=dtype)})
        write_both(target, pr.write_hashes, df, if_exists=mode)
    encodings = {target.client.object("encoding", key) for key in target.client.keys("r:*")}
    assert encodings == {b"listpack", b"hashtable"}  # both sides of the limit were written
    assert_same_values(target)


# -0.0 is left out: a listpack stores it as 0 (RESTORE's and ZADD's alike) while a skiplist keeps
# the sign, and repeated members (above) can make the two paths end in different encodings.
SCORES = st.floats(allow_nan=False, width=64).filter(lambda f: f != 0 or str(f) == "0.0")


@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.sampled_from(["k1", "k2", "k3"]), TEXTS, SCORES), min_size=1, max_size=12),
       low=st.booleans())
def test_collections_match_the_command_path(target: Target, rows: list[tuple[str, str, float]], low: bool) -> None:
    target.client.flushall()
    if low:
        target.lower_limits()
    df = pl.DataFrame(rows, schema={"_key": pl.String, "member": pl.String, "score": pl.Float64}, orient="row")
    write_both(target, pr.write_set, df.select("_key", "member"))
    write_both(target, pr.write_list, df.select("_key", pl.col("member").alias("element")))
    write_both(target, pr.write_zset, df)
    repeated = df.group_by("_key").agg(pl.col("member").n_unique() < pl.len()).filter(pl.col("member"))["_key"]
    assert_same_values(target, any_encoding=set(repeated))
    target.reset_limits()


def test_typed_columns_strings_and_ttls(target: Target) -> None:
    expire_at = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)
    df = pl.DataFrame({
        "_key": ["a", "b", "c"], "i": [1, -70000, None], "f": [0.1, 2.0, float("inf")], "b": [True, False, None],
        "d": [dt.date(2024, 1, 2)] * 3, "s": ["x" * 100, "01", "12345678901"],
        "t": [expire_at, None, expire_at], "n": [10, None, 30],
    })
    write_both(target, pr.write_hashes, df.drop("n"), ttl="t")
    write_both(target, pr.write_strings, df.select(pl.col("_key") + "s", pl.col("s").alias("value")), ttl=60)
    write_both(target, pr.write_strings, df.select(pl.col("_key") + "i", pl.col("i").alias("value"), "n"), ttl="n")
    nested = pl.DataFrame({
        "l": [[1, 2], [], None], "st": [{"a": 1, "b": "x"}, None, {"a": None, "b": "é"}],
        "dec": pl.Series([1.25, None, -3.5]).cast(pl.Decimal(10, 3)),
        "dt": [dt.datetime(2024, 5, 6, 7, 8, 9, 123456)] * 3, "u8": pl.Series([0, 255, 7], dtype=pl.UInt8),
    })
    write_both(target, pr.write_hashes, nested, key_column=None, key_prefix_suffix="row:")
    assert_same_values(target, expect_keys=11)  # "ci" has a null value: nothing to store
    assert 0 < target.client.pttl("r:a") <= 3_600_000
    assert target.client.pttl("r:b") == -1


def test_replace_and_fail_modes(target: Target) -> None:
    client = target.client
    client.hset("r:a", mapping={"old": "1"})
    client.expire("r:a", 1000)
    client.rpush("r:b", "x")  # another type: REPLACE swaps it whole
    df = pl.DataFrame({"_key": ["a", "b"], "v": ["1", "2"]})
    pr.write_hashes(df, target.restore_url, key_prefix="r:")
    assert client.hgetall("r:a") == {b"v": b"1"} and client.ttl("r:a") == -1
    assert client.hgetall("r:b") == {b"v": b"2"}
    # fail: one existing key stops everything, RESTORE or not.
    with pytest.raises(pr.KeyExistsError):
        pr.write_hashes(pl.DataFrame({"_key": ["new", "a"], "v": ["1", "2"]}), target.restore_url, key_prefix="r:",
                        if_exists="fail")
    assert not client.exists("r:new")
    pr.write_hashes(pl.DataFrame({"_key": ["new"], "v": ["9"]}), target.restore_url, key_prefix="r:",
                    if_exists="fail", ttl=100)
    assert client.hgetall("r:new") == {b"v": b"9"} and 0 < client.ttl("r:new") <= 100
    assert command_calls(client, "restore") >= 3
    # a row with nothing to store changes nothing, in either mode: no DEL, TTL kept
    client.expire("r:a", 500)
    before = client.dump("r:a"), client.dump("r:new")
    deletes = command_calls(client, "del")
    empty = pl.DataFrame({"_key": ["a", "new"], "v": [None, None]}, schema={"_key": pl.String, "v": pl.String})
    pr.write_hashes(empty, target.restore_url, key_prefix="r:")
    pr.write_hashes(empty.with_columns(_key=pl.lit("empty")).head(1), target.restore_url, key_prefix="r:",
                    if_exists="fail")
    assert (client.dump("r:a"), client.dump("r:new")) == before and 400 < client.ttl("r:a") <= 500
    assert not client.exists("r:empty")
    assert command_calls(client, "del") == deletes


def test_append_restores_absent_keys_and_method_is_visible(target: Target, caplog: pytest.LogCaptureFixture) -> None:
    assert pr.write_method(target.restore_url)["method"] == "restore"
    assert pr.write_method(target.restore_url)["rdb_version"] == target.rdb
    assert pr.write_method(target.restore_url, if_exists="append")["method"] == "restore"
    refused = pr.write_method(target.commands_url)
    assert refused["method"] == "commands" and "NOPERM" in refused["reason"]
    client = target.client
    client.hset("b", mapping={"old": "1"})
    client.config_resetstat()  # the probes above ran RESTORE (refused for its payload)
    with caplog.at_level("DEBUG", logger="polars_redis.writes"):
        pr.write_hashes(pl.DataFrame({"_key": ["a", "b"], "v": ["1", "2"]}), target.restore_url, if_exists="append")
    assert "RESTORE payloads" in caplog.text
    # One RESTORE per row (one probe before them); the existing key's was refused (BUSYKEY) and
    # its row merged with HSET.
    assert command_calls(client, "restore") == 3 and command_calls(client, "hset") == 1
    assert client.hgetall("a") == {b"v": b"1"} and client.hgetall("b") == {b"old": b"1", b"v": b"2"}
    # With a TTL, append checks key types under WATCH, with commands.
    client.config_resetstat()
    pr.write_hashes(pl.DataFrame({"_key": ["c"], "v": ["3"]}), target.restore_url, if_exists="append", ttl=60)
    assert command_calls(client, "restore") == 1 and command_calls(client, "hset") == 1  # the probe


KEYS_WITH_REPEATS = ["a", "b", "c", "a"]


@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(columns=st.dictionaries(NAMES, st.lists(st.none() | TEXTS, min_size=4, max_size=4), max_size=5),
       existing=st.dictionaries(st.sampled_from(["a", "b", "c"]), st.dictionaries(NAMES, TEXTS, min_size=1, max_size=4),
                                max_size=3),
       low=st.booleans())
def test_append_matches_the_command_path(target: Target, columns: dict[str, list[str | None]],
                                         existing: dict[str, dict[str, str]], low: bool) -> None:
    """append creates absent keys with RESTORE and merges the rest (BUSYKEY, then HSET): the same
    values as HSET alone, existing fields and TTLs kept, a repeated key's rows merged in order."""
    client = target.client
    client.flushall()
    if low:
        target.lower_limits()
    for prefix in ("r:", "c:"):
        for key, fields in existing.items():
            client.hset(prefix + key, mapping=fields)
            client.expire(prefix + key, 1000)
    z = ["1", "2", "3", "4"]  # a column never null: every row stores something
    df = pl.DataFrame({"_key": KEYS_WITH_REPEATS, **columns, "z": z},
                      schema_overrides={c: pl.String for c in columns})
    write_both(target, pr.write_hashes, df, if_exists="append")
    assert_same_values(target, expect_keys=3)
    # The merge rule itself, independently of either path.
    expected = {key: dict(existing.get(key, {})) for key in "abc"}
    for row, key in enumerate(KEYS_WITH_REPEATS):
        expected[key].update({name: values[row] for name, values in columns.items() if values[row] is not None})
        expected[key]["z"] = z[row]
    for key, fields in expected.items():
        stored = client.hgetall("r:" + key)
        assert stored == {f.encode(): v.encode() for f, v in fields.items()}, key
        assert (client.ttl("r:" + key) > 0) == (key in existing)
    target.reset_limits()


@pytest.mark.parametrize("phase", range(4))
def test_append_over_existing_keys_turns_to_merges_in_frame_order(stack74: Target, phase: int) -> None:
    """Once most RESTOREs find their key, append merges only (a refused RESTORE plus its merge
    cost the server more than the merge): rows of one key keep their frame order across the
    switch. `phase` moves which keys exist, so that in some run the last RESTORE before the
    switch is refused, and its key's next row is already the merge."""
    client = stack74.client
    client.flushall()
    n = 10_000
    exists = [i % 4 != phase for i in range(n)]  # three keys in four exist: the switch comes early
    pipe = client.pipeline(transaction=False)
    for i in range(n):
        if exists[i]:
            pipe.hset(f"e:{i}", mapping={"old": "x", "v": "0"})
    pipe.execute()
    client.config_resetstat()
    # Every key twice in a row, "1" then "2": "2" must win wherever the switch falls.
    df = pl.DataFrame({"_key": [f"e:{i // 2}" for i in range(2 * n)], "v": ["1", "2"] * n})
    assert pr.write_hashes(df, stack74.restore_url, if_exists="append") == 2 * n
    for i in range(0, n, 97):
        assert client.hgetall(f"e:{i}") == ({b"old": b"x", b"v": b"2"} if exists[i] else {b"v": b"2"}), i
    stale = [i for i, v in enumerate(client.execute_command("EVAL", EVERY_V, 0, n)) if v != b"2"]
    assert not stale, f"{len(stale)} keys kept an earlier row's value, e.g. e:{stale[0]}"
    restores = command_calls(client, "restore") - 1  # the probe
    assert 256 <= restores < 2 * n, restores


@settings(max_examples=4, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), share=st.floats(0.05, 0.45))
def test_append_keeps_each_rows_merge_until_its_reply(stack74: Target, seed: int, share: float) -> None:
    """Fewer than half the keys exist, so append keeps sending RESTORE for 20,000 rows: every
    refused one is followed by its own row's merge, kept since it was sent (the writer holds
    thousands of them at once, in a buffer it trims as replies come). redis-py's HGETALL of every
    key is compared with the merge rule applied to what was there."""
    import random

    rng = random.Random(seed)
    client = stack74.client
    client.flushall()
    n = 20_000
    existing = {i: {"old": str(rng.random()), "v": "x"} for i in range(n) if rng.random() < share}
    pipe = client.pipeline(transaction=False)
    for i, fields in existing.items():
        pipe.hset(f"m:{i}", mapping=fields)
    pipe.execute()
    # Values of random lengths, so that merges differ in size and sit at uneven offsets.
    values = ["".join(rng.choices("abcdefghij", k=rng.randrange(0, 90))) for _ in range(n)]
    df = pl.DataFrame({"_key": [f"m:{i}" for i in range(n)], "v": values, "i": list(range(n))})
    assert pr.write_hashes(df, stack74.restore_url, if_exists="append") == n
    pipe = client.pipeline(transaction=False)
    for i in range(n):
        pipe.hgetall(f"m:{i}")
    for i, stored in enumerate(pipe.execute()):
        expected = {**existing.get(i, {}), "v": values[i], "i": str(i)}
        assert stored == {f.encode(): v.encode() for f, v in expected.items()}, i


# Every hash e:0 .. e:(n-1)'s field v, read on the server.
EVERY_V = "local out = {} for i = 0, tonumber(ARGV[1]) - 1 do out[#out + 1] = redis.call('HGET', 'e:' .. i, 'v') end return out"


def test_append_collections_and_strings_match_the_command_path(target: Target) -> None:
    client = target.client
    for prefix in ("r:", "c:"):
        client.sadd(prefix + "s1", "old", "7")
        client.rpush(prefix + "l1", "old")
        client.zadd(prefix + "z1", {"old": 1.0, "m1": 9.0})
        client.set(prefix + "v1", "old", ex=1000)
        client.expire(prefix + "s1", 1000)
    def keyed(prefix: str) -> pl.Expr:
        return (pl.lit(prefix) + pl.col("_key")).alias("_key")

    rows = pl.DataFrame({"_key": ["1", "2", "1", "2", "3"], "member": ["m1", "m2", "m3", "12", "m5"],
                         "score": [0.5, -2.0, 3.25, 1e300, 4.0]})
    write_both(target, pr.write_set, rows.select(keyed("s"), "member"), if_exists="append")
    write_both(target, pr.write_list, rows.select(keyed("l"), pl.col("member").alias("element")),
               if_exists="append")
    write_both(target, pr.write_zset, rows.select(keyed("z"), "member", "score"), if_exists="append")
    write_both(target, pr.write_strings, rows.select(keyed("v"), pl.col("member").alias("value")),
               if_exists="append")
    assert_same_values(target, expect_keys=12)
    assert client.smembers("r:s1") == {b"old", b"7", b"m1", b"m3"} and client.ttl("r:s1") > 0
    assert client.lrange("r:l1", 0, -1) == [b"old", b"m1", b"m3"]
    assert client.zrange("r:z1", 0, -1, withscores=True) == [(b"m1", 0.5), (b"old", 1.0), (b"m3", 3.25)]
    assert client.get("r:v1") == b"m3" and client.ttl("r:v1") > 0  # SET ... KEEPTTL
    assert client.lrange("r:l3", 0, -1) == [b"m5"] and client.get("r:v2") == b"12"


def test_json_documents_match_the_command_path(stack74: Target) -> None:
    client = stack74.client
    client.flushall()
    big = "é" * 200_000
    df = pl.DataFrame({
        "_key": ["a", "b", "12"],
        "nested": [{"x": [1, 2, 3], "y": {"z": "deep"}}, {"x": [], "y": {"z": None}}, None],
        "text": [big, "", "12"], "n": [1.5, None, -0.0],
    })
    write_both(stack74, pr.write_json, df, ttl=500)
    for key in ("a", "b", "12"):
        assert json.loads(client.execute_command("JSON.GET", f"r:{key}")) == json.loads(
            client.execute_command("JSON.GET", f"c:{key}"))
        assert 0 < client.ttl(f"r:{key}") <= 500
    assert pr.write_method(stack74.restore_url, kind="json")["method"] == "restore"


def test_json_and_sets_with_deep_sanitization_on_74(stack74: Target) -> None:
    client = stack74.client
    client.flushall()
    client.config_set("sanitize-dump-payload", "yes")
    try:
        rows = pl.DataFrame({"_key": ["s", "s", "s", "t"], "member": ["1", "x", "1", "5"]})
        write_both(stack74, pr.write_set, rows)
        write_both(stack74, pr.write_json, pl.DataFrame({"_key": ["j"], "doc": [[{"a": 1}]]}))
        assert_same_values(stack74, expect_keys=3)
    finally:
        client.config_set("sanitize-dump-payload", "no")


def test_sink_decides_once(stack74: Target) -> None:
    client = stack74.client
    client.flushall()
    client.config_resetstat()
    lf = pl.LazyFrame({"_key": [str(i) for i in range(50)], "v": list(range(50))})
    assert pr.sink_hashes(lf, stack74.restore_url, batch_size=10) == 50
    assert command_calls(client, "restore") == 50 + 1  # one probe, then one per key
    assert client.hgetall("7") == {b"v": b"7"}


def test_renamed_restore_falls_back_to_commands(tmp_path: Path) -> None:
    server = DebianRedis(tmp_path, "--rename-command", "RESTORE", "")
    try:
        server.wait_until_listening(server.port)
        url = f"redis://127.0.0.1:{server.port}/0"
        decision = pr.write_method(url)
        assert decision["method"] == "commands" and "unknown command" in decision["reason"].lower()
        df = pl.DataFrame({"_key": ["a"], "v": [1]})
        assert pr.write_hashes(df, url) == 1
        assert redis.Redis(port=server.port).hgetall("a") == {b"v": b"1"}
    finally:
        server.stop()


def test_cluster_routes_restore_payloads(cluster, oracle: redis.RedisCluster) -> None:  # noqa: ANN001
    """Every primary gets RESTOREs for its own keys (slot routing as for commands), in every mode."""
    for node in cluster.primaries:
        cluster.client(node.port).config_resetstat()
    assert pr.write_method(cluster.url)["method"] == "restore"
    n = 200
    df = pl.DataFrame({"_key": [f"k{i}" for i in range(n)], "v": [str(i) for i in range(n)]})
    assert pr.write_hashes(df, cluster.url, key_prefix="h:", ttl=300) == n
    assert pr.write_hashes(df, cluster.url, key_prefix="f:", if_exists="fail") == n
    # append: every other key exists (BUSYKEY on its node, then HSET there), the rest are created
    more = pl.DataFrame({"_key": [f"k{i}" for i in range(0, 2 * n, 2)], "w": ["m"] * n})
    assert pr.write_hashes(more, cluster.url, key_prefix="h:", if_exists="append") == n
    pr.write_zset(pl.DataFrame({"_key": ["z"] * 3, "member": ["a", "b", "c"], "score": [3.0, 1.5, -2.0]}),
                  cluster.url)
    for i in range(n):
        appended = {b"w": b"m"} if i % 2 == 0 else {}
        assert oracle.hgetall(f"h:k{i}") == {b"v": str(i).encode(), **appended}
        assert oracle.hgetall(f"f:k{i}") == {b"v": str(i).encode()}
        assert 0 < oracle.ttl(f"h:k{i}") <= 300
    for i in range(n, 2 * n, 2):
        assert oracle.hgetall(f"h:k{i}") == {b"w": b"m"} and oracle.ttl(f"h:k{i}") == -1
    assert oracle.zrange("z", 0, -1, withscores=True) == [(b"c", -2.0), (b"b", 1.5), (b"a", 3.0)]
    restores = [command_calls(cluster.client(node.port), "restore") for node in cluster.primaries]
    assert all(count > 0 for count in restores) and sum(restores) >= n


@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(), min_size=2, max_size=2),
       numbers=st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=2, max_size=2),
       ints=st.lists(st.lists(st.integers(-(2**63), 2**63 - 1), max_size=4), min_size=2, max_size=2),
       size=st.sampled_from([0, 50, 20_000, 70_000]))
def test_json_documents_property(stack74: Target, texts: list[str], numbers: list[float], ints: list[list[int]],
                                 size: int) -> None:
    """Documents of every length form (6/14/32-bit lengths, integer-looking texts) load the same."""
    client = stack74.client
    client.flushall()
    df = pl.DataFrame({"_key": ["a", "b"], "t": texts, "x": numbers, "i": ints, "pad": ["p" * size, "7"]},
                      schema_overrides={"i": pl.List(pl.Int64)})
    write_both(stack74, pr.write_json, df)
    for key in ("a", "b"):
        assert json.loads(client.execute_command("JSON.GET", f"r:{key}")) == json.loads(
            client.execute_command("JSON.GET", f"c:{key}"))
