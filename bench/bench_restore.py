"""RESTORE payloads vs the command path for write_hashes / write_json, with the server's CPU time.

N rows x 10 columns (bench_writes.frame) in each mode, written twice on the same Redis Stack:
by the default user (RESTORE payloads, chosen by the probe) and by an ACL user refused RESTORE
(the command path: HSET / JSON.SET, MULTI/DEL/.../EXEC for replace, EXISTS + Lua for fail), plus
a redis-py pipeline (HSET mapping / JSON.SET per row). Each write starts from an empty database;
"fail" writes new keys, "append" and "replace" write over nothing (the server's cost of creating
the values is what is compared), and "append (keys exist)" merges into keys that all exist (with
RESTORE, each is refused with BUSYKEY and merged by HSET: the path's worst case).
Usage: python bench/bench_restore.py [--rows 100000 1000000] [--types hashes JSON] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path

import polars as pl
import redis

import polars_redis as pr
from polars_redis.server import RedisStackServer

sys.path.insert(0, str(Path(__file__).parent))
from bench_writes import frame, redis_py_hashes, redis_py_json  # noqa: E402
from harness import machine_description, measure, publish, redis_py_label  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--types", nargs="+", default=["hashes", "JSON"], choices=["hashes", "JSON"])
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    server = RedisStackServer(modules=("rejson",)).start()
    client = redis.Redis.from_url(server.url, socket_timeout=600)  # FLUSHALL of 1M documents on a busy host
    password = secrets.token_hex(8)
    client.acl_setuser("commands", enabled=True, passwords=[f"+{password}"], keys=["*"], commands=["+@all", "-restore"])
    urls = {"RESTORE": server.url, "commands": f"redis://commands:{password}@127.0.0.1:{server.port}/0"}
    assert pr.write_method(urls["RESTORE"])["method"] == "restore"
    assert pr.write_method(urls["commands"])["method"] == "commands"
    lines = [
        f"Machine: {machine_description()}; Polars {pl.__version__}; Redis Stack "
        f"{client.info('server')['redis_version']}; server and client on the same host.",
        "",
        "| rows | type | if_exists | path | wall ms | server CPU ms | wall / server CPU | server CPU vs commands |",
        "|---:|---|---|---|---:|---:|---:|---:|",
    ]
    try:
        for n in args.rows:
            df = frame(n)
            for kind, write, baseline in (("hashes", pr.write_hashes, redis_py_hashes), ("JSON", pr.write_json, redis_py_json)):
                if kind not in args.types:
                    continue
                def existing_keys() -> None:  # append over keys that all exist: every RESTORE answered BUSYKEY
                    client.flushall()
                    write(df, urls["commands"], if_exists="replace")

                for mode, setup in (("append", client.flushall), ("append (keys exist)", existing_keys),
                                    ("replace", client.flushall), ("fail", client.flushall)):
                    results = {}
                    for path, url in (("commands", urls["commands"]), ("RESTORE", urls["RESTORE"])):
                        if_exists = mode.split()[0]
                        wall, cpu, _ = measure(client, lambda: write(df, url, if_exists=if_exists), repeat=1, setup=setup)
                        results[path] = cpu
                        ratio = f"{results['commands'] / cpu:.2f}x lower" if path == "RESTORE" else "1.0x"
                        label = path
                        if if_exists == "append" and path == "RESTORE":
                            label = ("default user: commands too (JSON.MERGE)" if kind == "JSON"
                                     else "RESTORE, HSET where BUSYKEY")
                        lines.append(f"| {n:,} | {kind} | {mode} | {label} | {wall * 1e3:.0f} | {cpu * 1e3:.0f} | "
                                     f"{wall / cpu:.2f} | {ratio} |")
                        print(lines[-1], flush=True)
                wall, cpu, _ = measure(client, lambda: baseline(client, df), repeat=1, setup=client.flushall)
                lines.append(f"| {n:,} | {kind} | (new keys) | {redis_py_label()} pipeline | {wall * 1e3:.0f} | {cpu * 1e3:.0f} | "
                             f"{wall / cpu:.2f} | |")
                print(lines[-1], flush=True)
    finally:
        server.stop()
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
