"""The `polars-redis` command line against the session Redis Stack: files checked with Polars,
Redis contents with redis-py, pushdown with the server's command statistics."""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
import redis

import polars_redis as pr
from conftest import command_calls, load_hashes, wait_indexed
from polars_redis.__main__ import main
from polars_redis.cli.progress import Progress

USERS = {f"user:{i}": {"name": f"n{i}", "age": str(20 + i % 50)} for i in range(300)}
SCHEMA = "name=String,age=Int64"


def _expected_users(predicate: pl.Expr | None = None) -> pl.DataFrame:
    """What redis-py loaded, as the frame an export should contain."""
    df = pl.DataFrame({"_key": list(USERS), "name": [v["name"] for v in USERS.values()],
                       "age": [int(v["age"]) for v in USERS.values()]})
    return (df.filter(predicate) if predicate is not None else df).sort("_key")


def _read(path: Path) -> pl.DataFrame:
    readers = {".parquet": pl.read_parquet, ".csv": pl.read_csv, ".ndjson": pl.read_ndjson, ".arrow": pl.read_ipc}
    return readers[path.suffix](path)


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".ndjson", ".arrow"])
def test_export_hashes_to_each_format(r: redis.Redis, url: str, tmp_path: Path, suffix: str) -> None:
    load_hashes(r, USERS)
    out = tmp_path / f"users{suffix}"
    assert main(["export", url, "--pattern", "user:*", "--type", "hash", "--schema", SCHEMA, "-o", str(out)]) == 0
    assert _read(out).sort("_key").equals(_expected_users())


def test_export_format_flag_overrides_extension(r: redis.Redis, url: str, tmp_path: Path) -> None:
    load_hashes(r, USERS)
    out = tmp_path / "users.data"
    assert main(["export", url, "--pattern", "user:*", "--schema", SCHEMA, "--format", "csv", "-o", str(out)]) == 0
    assert pl.read_csv(out).sort("_key").equals(_expected_users())


def test_export_infers_the_schema_by_default(r: redis.Redis, url: str, tmp_path: Path) -> None:
    load_hashes(r, USERS)
    out = tmp_path / "users.parquet"
    assert main(["export", url, "--pattern", "user:*", "--infer", "-o", str(out)]) == 0
    df = pl.read_parquet(out)
    assert df.schema["age"] == pl.Int64  # every sampled age is an integer
    assert df.select("_key", "name", "age").sort("_key").equals(_expected_users())


def test_export_json_documents(r: redis.Redis, url: str, tmp_path: Path) -> None:
    docs = {f"doc:{i}": {"title": f"t{i}", "n": i, "tags": ["a", str(i)]} for i in range(40)}
    for key, doc in docs.items():
        r.json().set(key, "$", doc)
    out = tmp_path / "docs.parquet"
    assert main(["export", url, "--pattern", "doc:*", "--type", "json",
                 "--schema", "title=String,n=Int64,tags=List(String)", "-o", str(out)]) == 0
    df = pl.read_parquet(out).sort("n")
    assert df["_key"].to_list() == list(docs)
    assert df["title"].to_list() == [d["title"] for d in docs.values()]
    assert df["tags"].to_list() == [d["tags"] for d in docs.values()]


def test_export_strings_sets_lists_zsets(r: redis.Redis, url: str, tmp_path: Path) -> None:
    r.mset({f"s:{i}": f"v{i}" for i in range(30)})
    r.sadd("set:a", "x", "y")
    r.sadd("set:b", "z")
    r.rpush("list:a", "p", "q", "r")
    r.zadd("z:a", {"m1": 1.5, "m2": 2.5})
    cases = {
        "string": ("s:*", lambda df: sorted(zip(df["_key"], df["value"])),
                   sorted((f"s:{i}", f"v{i}") for i in range(30))),
        "set": ("set:*", lambda df: sorted(zip(df["_key"], df["member"])),
                sorted((k, m.decode()) for k in ("set:a", "set:b") for m in r.smembers(k))),
        "list": ("list:*", lambda df: list(zip(df["_key"], df["position"], df["element"])),
                 [("list:a", i, e.decode()) for i, e in enumerate(r.lrange("list:a", 0, -1))]),
        "zset": ("z:*", lambda df: sorted(zip(df["member"], df["score"])),
                 sorted((m.decode(), s) for m, s in r.zrange("z:a", 0, -1, withscores=True))),
    }
    for kind, (pattern, rows, expected) in cases.items():
        out = tmp_path / f"{kind}.ndjson"
        assert main(["export", url, "--pattern", pattern, "--type", kind, "-o", str(out)]) == 0, kind
        assert rows(pl.read_ndjson(out)) == expected, kind


def test_where_matches_a_python_filter(r: redis.Redis, url: str, tmp_path: Path) -> None:
    load_hashes(r, USERS)
    out = tmp_path / "adults.parquet"
    assert main(["export", url, "--pattern", "user:*", "--schema", SCHEMA,
                 "--where", 'pl.col("age") > 60', "-o", str(out)]) == 0
    expected = _expected_users(pl.col("age") > 60)
    assert expected.height == 300 * 9 // 50  # ages 61..69 of 20..69: 9 of every 50 users
    assert pl.read_parquet(out).sort("_key").equals(expected)


def test_where_takes_sql(r: redis.Redis, url: str, tmp_path: Path) -> None:
    load_hashes(r, USERS)
    out = tmp_path / "some.parquet"
    assert main(["export", url, "--pattern", "user:*", "--schema", SCHEMA,
                 "--where", "age > 60 AND name <> 'n41'", "-o", str(out)]) == 0
    expected = _expected_users((pl.col("age") > 60) & (pl.col("name") != "n41"))
    assert 0 < expected.height < len(USERS)
    assert pl.read_parquet(out).sort("_key").equals(expected)


def test_where_on_keys_is_pushed_to_the_server(r: redis.Redis, url: str, tmp_path: Path) -> None:
    load_hashes(r, USERS)
    wanted = ["user:3", "user:7", "user:11"]
    r.config_resetstat()
    out = tmp_path / "few.parquet"
    assert main(["export", url, "--pattern", "user:*", "--schema", SCHEMA,
                 "--where", f'pl.col("_key").is_in({wanted!r})', "-o", str(out)]) == 0
    assert pl.read_parquet(out).sort("_key").equals(_expected_users(pl.col("_key").is_in(wanted)))
    fetched = command_calls(r, "hgetall") + command_calls(r, "hmget")
    assert fetched == len(wanted)  # only the named keys were fetched
    assert command_calls(r, "scan") == 0
    r.config_resetstat()
    assert main(["export", url, "--pattern", "user:*", "--schema", SCHEMA, "-o", str(out)]) == 0
    assert command_calls(r, "hgetall") + command_calls(r, "hmget") == len(USERS)


def test_search_index_answers_the_where(r: redis.Redis, url: str, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    load_hashes(r, USERS)
    r.execute_command("FT.CREATE", "idx:cli", "ON", "HASH", "PREFIX", "1", "user:", "SCHEMA", "age", "NUMERIC")
    wait_indexed(r, "idx:cli")
    r.config_resetstat()
    out = tmp_path / "old.parquet"
    assert main(["export", url, "--pattern", "user:*", "--schema", SCHEMA, "--search-index", "idx:cli",
                 "--where", 'pl.col("age") >= 68', "-o", str(out)]) == 0
    expected = _expected_users(pl.col("age") >= 68)
    assert pl.read_parquet(out).sort("_key").equals(expected)
    assert command_calls(r, "FT.AGGREGATE") >= 1
    assert command_calls(r, "hgetall") + command_calls(r, "hmget") == expected.height
    assert command_calls(r, "scan") == 0
    assert main(["explain", url, "--pattern", "user:*", "--schema", SCHEMA, "--search-index", "idx:cli",
                 "--where", 'pl.col("age") >= 68']) == 0
    assert "keys:   FT.AGGREGATE idx:cli '@age:[68 +inf]'" in capsys.readouterr().out


def _frame_file(tmp_path: Path, df: pl.DataFrame, suffix: str) -> Path:
    path = tmp_path / f"in{suffix}"
    {".parquet": df.write_parquet, ".csv": df.write_csv, ".ndjson": df.write_ndjson, ".ipc": df.write_ipc}[suffix](path)
    return path


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".ndjson", ".ipc"])
def test_import_hashes_from_each_format(r: redis.Redis, url: str, tmp_path: Path, suffix: str) -> None:
    df = pl.DataFrame({"id": list(range(250)), "name": [f"n{i}" for i in range(250)], "age": [i % 90 for i in range(250)]})
    path = _frame_file(tmp_path, df, suffix)
    assert main(["import", str(path), url, "--type", "hash", "--key-column", "id", "--key-prefix", "user:",
                 "--chunk-size", "64"]) == 0
    assert r.dbsize() == 250
    for row in df.iter_rows(named=True):
        assert r.hgetall(f"user:{row['id']}") == {b"name": row["name"].encode(), b"age": str(row["age"]).encode()}


def test_import_if_exists_modes(r: redis.Redis, url: str, tmp_path: Path) -> None:
    r.hset("u:1", mapping={"name": "old", "extra": "kept"})
    path = _frame_file(tmp_path, pl.DataFrame({"id": [0, 1, 2], "name": ["a", "b", "c"]}), ".parquet")
    base = ["import", str(path), url, "--key-column", "id", "--key-prefix", "u:", "--chunk-size", "1"]
    assert main([*base, "--if-exists", "fail"]) == 1
    assert r.keys("u:*") == [b"u:1"]  # checked before anything was written
    assert r.hgetall("u:1") == {b"name": b"old", b"extra": b"kept"}
    assert main([*base, "--if-exists", "append"]) == 0
    assert r.hgetall("u:1") == {b"name": b"b", b"extra": b"kept"}  # HSET merges fields
    assert main([*base, "--if-exists", "replace"]) == 0
    assert r.hgetall("u:1") == {b"name": b"b"}
    assert {k: r.hgetall(k) for k in (b"u:0", b"u:2")} == {b"u:0": {b"name": b"a"}, b"u:2": {b"name": b"c"}}


def test_import_json_and_strings_with_ttl(r: redis.Redis, url: str, tmp_path: Path) -> None:
    df = pl.DataFrame({"_key": ["j:1", "j:2"], "n": [1, 2], "tags": [["x"], ["y", "z"]]})
    path = _frame_file(tmp_path, df, ".parquet")
    assert main(["import", str(path), url, "--type", "json", "--ttl", "100"]) == 0
    assert r.json().get("j:2") == {"n": 2, "tags": ["y", "z"]}
    assert 0 < r.ttl("j:1") <= 100
    values = _frame_file(tmp_path, pl.DataFrame({"k": ["a", "b"], "v": [10, 20], "other": [1, 2]}), ".csv")
    assert main(["import", str(values), url, "--type", "string", "--key-column", "k", "--key-prefix", "s:",
                 "--value-column", "v"]) == 0
    assert r.mget("s:a", "s:b") == [b"10", b"20"]
    assert r.ttl("s:a") == -1


def test_infer_prints_one_field_per_line(r: redis.Redis, url: str, capsys: pytest.CaptureFixture[str]) -> None:
    load_hashes(r, {f"p:{i}": {"name": f"n{i}", "age": str(i), "score": f"{i}.5"} for i in range(20)})
    assert main(["infer", url, "--pattern", "p:*"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert sorted(lines) == ["age: Int64", "name: String", "score: Float64"]
    assert main(["infer", url, "--pattern", "p:*", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"name": "String", "age": "Int64", "score": "Float64"}
    r.json().set("d:1", "$", {"a": 1, "b": {"c": "x"}})
    assert main(["infer", url, "--pattern", "d:*", "--type", "json"]) == 0
    assert capsys.readouterr().out.splitlines() == ["a: Int64", "b: Struct({'c': String})"]


def test_explain_prints_what_pr_explain_prints(r: redis.Redis, url: str, capsys: pytest.CaptureFixture[str]) -> None:
    load_hashes(r, USERS)
    r.config_resetstat()
    assert main(["explain", url, "--pattern", "user:*", "--schema", SCHEMA + ",city=String",
                 "--where", 'pl.col("age") > 30', "--select", "name"]) == 0
    printed = capsys.readouterr().out
    lf = pr.scan_hashes(url, "user:*", {"name": pl.String, "age": pl.Int64, "city": pl.String})
    assert printed == pr.explain(lf.filter(pl.col("age") > 30).select("name")) + "\n"
    assert "HMGET <key> name age" in printed  # the filter's column is fetched too, nothing else
    assert command_calls(r, "hgetall") + command_calls(r, "hmget") == 0  # nothing was read


def test_progress_lines_when_forced(r: redis.Redis, url: str, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    load_hashes(r, USERS)
    out = tmp_path / "u.parquet"
    assert main(["export", url, "--pattern", "user:*", "--schema", SCHEMA, "--progress", "--progress-interval", "0",
                 "-o", str(out)]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert "\r" not in "".join(lines)  # stderr is not a terminal here: log lines
    assert lines[-2].startswith("export: 300 keys scanned, 300 rows written, ") and "keys/s" in lines[-2]
    assert re.fullmatch(rf"exported 300 rows \(300 keys scanned\) to {re.escape(str(out))} "
                        rf"\({out.stat().st_size:,} bytes\) in \d+\.\d\d s", lines[-1]), lines[-1]
    path = _frame_file(tmp_path, pl.DataFrame({"_key": ["a", "b"], "v": [1, 2]}), ".parquet")
    assert main(["import", str(path), url, "--progress", "--progress-interval", "0"]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines[-2].startswith("import: 2 rows written, ")
    assert lines[-1].startswith(f"imported 2 rows (2 keys) from {path} ({path.stat().st_size:,} bytes) to redis://")
    assert main(["import", str(path), url, "--quiet", "--if-exists", "replace"]) == 0
    assert capsys.readouterr().err == ""  # --quiet: not even the summary


def test_a_terminal_line_is_redrawn_at_most_ten_times_a_second() -> None:
    stream = io.StringIO()
    progress = Progress("export", "keys scanned", style="terminal", total=2000, total_of="keys in the database",
                        also_rows=True, stream=stream)
    for _ in range(1000):  # far faster than 10 batches a second
        progress.add(1, 3)
    progress.finish()
    text = stream.getvalue()
    assert text.count("\r") <= 3  # the first batch, perhaps one more, and the final line
    final = text.rsplit("\r", 1)[1]
    assert final.startswith("export: 1,000 keys scanned, 3,000 rows written, ") and final.endswith("\n")
    assert "%" not in final and "done in" in final  # never "50%" on the line that ends the run
    half = Progress("import", "rows written", style="terminal", total=2000, total_of="rows in the file",
                    stream=io.StringIO())
    half.add(1000)
    assert "50% of 2,000 rows in the file, ETA " in half.line(time.monotonic())
    silent = io.StringIO()
    quiet = Progress("export", "keys scanned", style=None, stream=silent)
    quiet.add(5, 5)
    quiet.finish()
    assert silent.getvalue() == ""


def _error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("polars-redis: error: ")
    return err


def test_errors_are_one_line_with_exit_code_1(r: redis.Redis, url: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = str(tmp_path / "x.parquet")
    assert main(["export", "http://localhost:1", "-o", out]) == 1
    assert "unsupported scheme 'http'" in _error_line(capsys)
    assert main(["infer", "redis://127.0.0.1:1/0"]) == 1  # nothing listens on port 1
    assert "cannot connect to 127.0.0.1:1" in _error_line(capsys)
    assert main(["infer", url, "--socket-timeout", "-1"]) == 1
    assert "socket_timeout" in _error_line(capsys)
    assert main(["export", url, "--schema", SCHEMA, "--where", "__import__('os')", "-o", out]) == 1
    assert "__import__" in _error_line(capsys)
    assert main(["export", url, "--schema", SCHEMA, "--where", 'pl.col("age") >', "-o", out]) == 1
    assert "--where" in _error_line(capsys)
    assert main(["export", url, "--schema", SCHEMA, "--where", "pl.col('age').__class__", "-o", out]) == 1
    assert "not allowed" in _error_line(capsys)
    assert main(["export", url, "--schema", SCHEMA, "--where", 'pl.col("zzz") > 1', "-o", out]) == 1
    assert 'unable to find column "zzz"' in _error_line(capsys)  # Polars' plan dump is left out
    assert main(["export", url, "--where", "pl.Int64", "-o", out]) == 1
    assert "must be a Polars expression" in _error_line(capsys)
    assert main(["export", url, "--where", "age >", "-o", out]) == 1
    assert "not a valid SQL expression" in _error_line(capsys)
    assert main(["export", url, "--type", "set", "--schema", SCHEMA, "-o", out]) == 1
    assert "--schema applies to --type hash or json" in _error_line(capsys)
    assert main(["import", str(tmp_path / "missing.parquet"), url]) == 1
    assert "no such file" in _error_line(capsys)
    assert main(["export", url, "--schema", "age=NoSuchType", "-o", out]) == 1
    assert "NoSuchType" in _error_line(capsys)
    assert main(["export", url, "-o", str(tmp_path / "x.unknown")]) == 1
    assert "--format" in _error_line(capsys)


def test_a_failed_export_leaves_no_file(r: redis.Redis, url: str, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    load_hashes(r, USERS | {"user:bad": {"name": "x", "age": "not a number"}})
    out = tmp_path / "users.parquet"
    assert main(["export", url, "--pattern", "user:*", "--schema", SCHEMA, "-o", str(out)]) == 1
    err = _error_line(capsys)
    assert "user:bad" in err and "not a number" in err
    assert not out.exists()


def test_wrong_password_is_never_printed(r: redis.Redis, url: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    secret = "wr0ng-p4ss-Secret"
    r.acl_setuser("cliuser", enabled=True, passwords=["+right-one"], keys=["*"], commands=["+@all"])
    try:
        host = url.rsplit("@", 1)[-1].split("//", 1)[-1].split("/", 1)[0]
        bad = f"redis://cliuser:{secret}@{host}/0"
        assert main(["export", bad, "--schema", SCHEMA, "-o", str(tmp_path / "x.parquet")]) == 1
        err = _error_line(capsys)
        assert secret not in err
        assert main(["infer", bad]) == 1
        assert secret not in _error_line(capsys)
    finally:
        r.acl_deluser("cliuser")


def test_usage_errors_exit_2(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["export", url], ["export", url, "--schema", SCHEMA, "--infer", "-o", "x.parquet"],
                 ["import", "f.parquet", url, "--if-exists", "sometimes"], ["bogus"]):
        with pytest.raises(SystemExit) as exited:
            main(argv)
        assert exited.value.code == 2, argv
        assert "usage: polars-redis" in capsys.readouterr().err


def test_runs_as_a_subprocess(r: redis.Redis, url: str, tmp_path: Path) -> None:
    load_hashes(r, USERS)
    out = tmp_path / "users.csv"
    package_dir = str(Path(pr.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(pr.__file__).parent.parent), package_dir])}
    done = subprocess.run([sys.executable, "-m", "polars_redis", "export", url, "--pattern", "user:*",
                           "--schema", SCHEMA, "--where", 'pl.col("age") < 25', "-o", str(out)],
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert pl.read_csv(out).sort("_key").equals(_expected_users(pl.col("age") < 25))
    assert done.stderr.startswith("exported 30 rows (300 keys scanned) to ")  # a filter drops rows, not keys
    failed = subprocess.run([sys.executable, "-m", "polars_redis", "import", str(tmp_path / "nope.csv"), url],
                            env=env, capture_output=True, text=True, timeout=120, check=False)
    assert failed.returncode == 1
    assert failed.stderr.startswith("polars-redis: error: no such file") and "Traceback" not in failed.stderr


def test_the_cli_page_examples_run_and_print_what_it_shows(r: redis.Redis, url: str, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    load_hashes(r, USERS)
    monkeypatch.chdir(tmp_path)
    page = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text()
    blocks = re.findall(r"^```(bash|text)\n(.*?)^```", page, re.S | re.M)
    assert [kind for kind, _ in blocks].count("bash") == 5
    printed = ""
    for kind, body in blocks:
        if kind == "text":  # the output the previous command is documented to print
            assert printed == body, body
            continue
        argv = shlex.split(body.replace("\\\n", " ").replace("redis://localhost:6379", url.removesuffix("/0")))
        assert argv[0] == "polars-redis"
        assert main(argv[1:]) == 0, body
        printed = capsys.readouterr().out
    exported = _expected_users(pl.col("age") > 30)  # the first example's --where
    assert pl.read_parquet(tmp_path / "users.parquet").sort("_key").equals(exported)
    oldest = pl.read_csv(tmp_path / "oldest.csv")  # --select _key,name --where 'age >= 60' --limit 5
    assert oldest.columns == ["_key", "name"] and oldest.height == 5
    assert oldest.join(_expected_users(pl.col("age") >= 60).select("_key", "name"), on=["_key", "name"],
                       how="anti").height == 0
    assert r.hgetall("copy:user:17") == {b"name": b"n17", b"age": b"37"}
    assert 0 < r.ttl("copy:user:17") <= 3600
    assert len(r.keys("copy:*")) == exported.height
