"""Type checkers see the API as users call it: `mypy --strict` accepts a script using all of it
(the compiled core and its exceptions typed by _core.pyi, which nanobind's stubgen writes from the
built module) and reports a misspelt keyword by name.

mypy reads the package as a user's installed copy would be read: through its py.typed marker and
stubs, with errors inside the package itself not reported (--follow-imports=silent)."""

from __future__ import annotations

import os
import site
import subprocess
import sys
from pathlib import Path

import pytest

import polars_redis

SCRIPTS = Path(__file__).resolve().parent / "typing"


def _mypy(script: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    # Not resolved: a development build's package links its .py files to src/, but its generated
    # _core.pyi sits beside the compiled module only.
    package_root = Path(polars_redis.__file__).parent.parent.resolve()
    env = dict(os.environ)
    # An installed package is found in site-packages (PEP 561); a development build through
    # PYTHONPATH is named to mypy (which refuses site-packages in MYPYPATH).
    if package_root not in {Path(p).resolve() for p in site.getsitepackages()}:
        env["MYPYPATH"] = str(package_root)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--no-error-summary",
         "--cache-dir", str(cache), "--python-executable", sys.executable, str(script)],
        capture_output=True, text=True, env=env, timeout=600,
    )


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for both runs: the second reuses what the first learnt of Polars."""
    return tmp_path_factory.mktemp("mypy-cache")


def test_the_script_uses_every_public_name() -> None:
    text = (SCRIPTS / "uses_the_api.py").read_text()
    assert [name for name in polars_redis.__all__ if f"pr.{name}" not in text and name != "server"] == []
    assert "from polars_redis.server import" in text


def test_strict_mypy_accepts_a_script_using_the_whole_api(cache: Path) -> None:
    result = _mypy(SCRIPTS / "uses_the_api.py", cache)
    assert result.returncode == 0, result.stdout + result.stderr


def test_strict_mypy_reports_a_misspelt_keyword(cache: Path) -> None:
    result = _mypy(SCRIPTS / "misspelt_keyword.py", cache)
    assert result.returncode == 1, result.stdout + result.stderr
    assert 'Unexpected keyword argument "n_row" for "read_hashes"' in result.stdout, result.stdout


def test_the_core_stub_names_what_the_core_has() -> None:
    import ast

    from polars_redis import _core

    # The stub nanobind's stubgen generated from the module at build time, shipped beside it.
    tree = ast.parse(Path(_core.__file__).with_name("_core.pyi").read_text())
    stubbed = {node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.ClassDef)}
    stubbed |= {node.target.id for node in tree.body
                if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)}
    assert stubbed == {name for name in dir(_core) if not name.startswith("__")}
    for name in ("RedisError", "RedisConnectionError", "SchemaError", "ConfigurationError"):
        bases = {b.id for node in tree.body if isinstance(node, ast.ClassDef) and node.name == name
                 for b in node.bases if isinstance(b, ast.Name)}
        assert {base.__name__ for base in getattr(_core, name).__bases__} == bases, name
