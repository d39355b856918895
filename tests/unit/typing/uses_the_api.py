"""A user script touching the whole public API; `mypy --strict` must accept it (tests/unit/test_typing.py).

It is type-checked only, never run.
"""

from __future__ import annotations

from datetime import datetime
from typing import assert_type

import polars as pl

import polars_redis as pr
from polars_redis.server import RedisStackServer


def read_everything(url: str) -> list[pl.DataFrame]:
    schema = {"name": pl.String, "age": pl.Int64}
    inferred: dict[str, pl.DataType] = pr.infer_hash_schema(url, "user:*", sample_size=10)
    nested: dict[str, pl.DataType] = pr.infer_json_schema(url, "doc:*")
    indexed: dict[str, pl.DataType] = pr.infer_schema_from_index(url, "idx:users")
    lazy: list[pl.LazyFrame] = [
        pr.scan_hashes(url, "user:*", schema, n_rows=10, schema_overrides={"age": pl.Int32},
                       row_index_name="i", row_index_offset=1, include_ttl=True, search_index="idx:users"),
        pr.scan_json(url, "doc:*", nested, paths={"city": "$.address.city"}, key_template="doc:{id}"),
        pr.scan_strings(url, "cache:*", value_type=pl.Int64, include_row_index=True, row_index_column_name="n"),
        pr.scan_set(url, "tags:*", member_type=pl.String, snapshot=False),
        pr.scan_list(url, "queue:*", element_type=pl.Int64, include_position=True),
        pr.scan_zset(url, "board:*", min_score="(5", max_score=10.0, include_rank=True),
        pr.scan_stream(url, ["events:a", "events:b"], {"action": pl.String}, start_time=datetime(2024, 1, 1)),
        pr.scan_timeseries(url, "sensor:1", aggregation="avg", bucket_size_ms=60_000, n_rows=5),
        pr.scan_timeseries_multi(url, ["type=temp"], with_labels=True, schema_overrides={"_ts": pl.Datetime("ms")}),
        pr.scan_rdb("dump.rdb", "user:*", schema, key_type="hash", db=0, n_rows=3),
        pr.scan_frame(url, "cache:frame", n_rows=2),
        pr.search_hashes(url, "idx:users", "@age:[30 +inf]", sort_by=("age", True), limit=10),
        pr.search_json(url, "idx:docs", "*", nested, knn=("embedding", [0.1, 0.2], 3)),
    ]
    eager: list[pl.DataFrame] = [lf.collect() for lf in lazy]
    eager += [
        pr.read_hashes(url, "user:*", inferred, n_rows=10, row_index_name="i"),
        pr.read_json(url, "doc:*", schema_overrides={"age": pl.Float64}),
        pr.read_strings(url, "cache:*", ignore_errors=True),
        pr.read_set(url, "tags:*"),
        pr.read_list(url, "queue:*", batch_size=100),
        pr.read_zset(url, "board:*", count=3),
        pr.read_stream(url, "events:a", {"action": pl.String}, count=2),
        pr.read_stream_group(url, "events:a", "group", "worker", {"action": pl.String}, create_group=True),
        pr.read_timeseries(url, "sensor:1", start="-", end="+"),
        pr.read_timeseries_multi(url, ["type=temp"], group_by="location", reducer="max"),
        pr.read_rdb("dump.rdb", "tags:*", key_type="set"),
        pr.read_frame(url, "cache:frame", columns=["a"]),
        pr.read_search_hashes(url, "idx:users", "@city:{Oslo}", indexed),
        pr.aggregate(url, "idx:orders", group_by=["region"], reduce={"n": ("count",)}),
    ]
    return eager


def write_everything(url: str, df: pl.DataFrame) -> int:
    written = pr.write_hashes(df, url, key_column="id", key_prefix="user:", if_exists="append", ttl=60)
    written += pr.write_json(df, url, if_exists="fail")
    written += pr.write_strings(df, url, value_column="name")
    written += pr.write_set(df, url) + pr.write_list(df, url) + pr.write_zset(df, url, if_exists="replace")
    written += pr.write_stream(df, url, "events", maxlen=1000)
    written += pr.write_timeseries(df, url, "sensor:1", labels={"type": "temp"})
    written += pr.write_frame(df, url, "cache:frame", ttl=3600, compression="lz4")
    written += pr.sink_hashes(df.lazy(), url) + pr.sink_json(df.lazy(), url) + pr.sink_strings(df.lazy(), url)
    pr.create_index(url, "idx:users", {"age": pl.Int64}, "user:", sortable=["age"], if_exists="skip")
    created: bool = pr.create_stream_group(url, "events", "group", start_id="0")
    acked: int = pr.ack_stream(url, "events", "group", ["1-0"])
    method: dict[str, object] = pr.write_method(url, kind="hash", if_exists="replace")
    return written + acked + int(created) + len(method)


def with_a_client(url: str) -> str:
    plain: pr.Client = pr.Client(url)
    plain.close()
    with pr.connect(url, socket_timeout=5.0, pool_size=4, retries=2) as client:
        frame = pr.read_hashes(client, "user:*", {"name": pl.String})
        stats: dict[str, int] = client.pool_stats()
        text = pr.explain(pr.scan_hashes(client, "user:*", max_server_share=0.5).filter(pl.col("age") > 30))
        return f"{client.url} {client.closed} {frame.height} {stats} {text}"


def partitions(url: str) -> int:
    parts: list[pr.ScanPartition] = pr.scan_partitions(url, "hashes", "user:*", {"age": pl.Int64},
                                                       columns=["age"], predicate=pl.col("age") > 30)
    return sum(part.read().height for part in parts)


def handle_errors(url: str) -> str:
    try:
        pr.read_hashes(url, "user:*")
    except pr.AuthenticationError as error:
        return f"credentials: {error}"
    except pr.RedisConnectionError as error:
        return f"unreachable: {error}"
    except (pr.RedisTimeoutError, pr.ProtocolError, pr.SchemaError, pr.ConfigurationError) as error:
        return type(error).__name__
    except pr.KeyExistsError as error:
        return str(error)
    except pr.ResponseError as error:
        return str(error)
    except pr.RedisError as error:
        return str(error)
    return pr.__version__


def errors_are_typed() -> tuple[ValueError, ConnectionError, TimeoutError, Exception]:
    # Typed by the core's stub: were they Any, assert_type would fail under --strict.
    config = pr.ConfigurationError("bad option")
    assert_type(config, pr.ConfigurationError)
    return config, pr.AuthenticationError("denied"), pr.RedisTimeoutError("slow"), pr.SchemaError("bad value")


def local_server() -> str:
    with RedisStackServer(modules=("rejson",)) as server:
        return server.url + str(pr.PushdownWarning.__name__)
