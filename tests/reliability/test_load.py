"""Load: ten threads scanning and writing concurrently through one client for a minute (set
POLARS_REDIS_LOAD_SECONDS to change it): no errors, and every result identical to the same work
done serially."""

from __future__ import annotations

import os
import threading
import time

import polars as pl
import redis

import polars_redis as pr
from conftest import load_hashes

THREADS = 10
SCHEMA = {"name": pl.String, "age": pl.Int64, "score": pl.Float64}


def test_ten_threads_for_a_minute_through_one_client(url: str, r: redis.Redis) -> None:
    seconds = float(os.environ.get("POLARS_REDIS_LOAD_SECONDS", "60"))
    load_hashes(r, {f"shared:{i}": {"name": f"n{i}", "age": str(i % 80), "score": repr(i / 7)} for i in range(5000)})
    client = pr.connect(url, pool_size=THREADS)
    filtered = pl.col("age") > 40
    # The serial answers every thread must keep getting.
    expected_scan = pr.read_hashes(client, "shared:*", SCHEMA).sort("_key")
    expected_filter = expected_scan.filter(filtered)
    frames = {
        t: pl.DataFrame({"_key": [f"t{t}:{i}" for i in range(500)], "v": [t * 1000 + i for i in range(500)]})
        for t in range(THREADS)
    }
    errors: list[BaseException] = []
    rounds = [0] * THREADS
    deadline = time.monotonic() + seconds

    def work(t: int) -> None:
        try:
            while time.monotonic() < deadline:
                pr.write_hashes(frames[t], client, if_exists="replace")
                mine = pr.read_hashes(client, f"t{t}:*", {"v": pl.Int64}).sort("_key")
                assert mine.equals(frames[t].sort("_key")), f"thread {t} read back other rows"
                if t % 2:
                    got = pr.scan_hashes(client, "shared:*", SCHEMA).filter(filtered).collect().sort("_key")
                    assert got.equals(expected_filter), f"thread {t}: filtered scan differs"
                else:
                    got = pr.read_hashes(client, "shared:*", SCHEMA).sort("_key")
                    assert got.equals(expected_scan), f"thread {t}: scan differs"
                rounds[t] += 1
        except BaseException as exc:  # noqa: BLE001 - reported below with the thread's number
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    client.close()
    assert not errors, errors[:3]
    assert all(n >= 1 for n in rounds), rounds
