"""A griffe extension: the API reference shows the docstrings and signatures the runtime makes.

The docs build reads the source statically, so it does not see what two decorators do at import:
`shared_docs` fills ``{{name}}`` lines from src/polars_redis/_doc_fragments.py, and a read_* stub
decorated `@eager_twin(scan_x)` (polars_redis/readers/eager.py) gets scan_x's parameters and Args
section besides its own summary, Returns, Raises and Examples."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import griffe

_spec = importlib.util.spec_from_file_location(
    "polars_redis_doc_fragments", Path(__file__).resolve().parent.parent / "src" / "polars_redis" / "_doc_fragments.py")
assert _spec is not None and _spec.loader is not None
_fragments = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fragments)


class RuntimeDocs(griffe.Extension):
    def on_module_members(self, *, mod: griffe.Module, **kwargs: Any) -> None:
        for member in mod.members.values():
            doc = member.docstring if isinstance(member, griffe.Function) else None
            if doc is not None and "{{" in doc.value:
                member.docstring = _docstring(_fragments.fill(doc.value), doc, member)
        for member in list(mod.members.values()):
            if not isinstance(member, griffe.Function):
                continue
            for decorator in member.decorators:
                text = str(decorator.value)
                if text.startswith("eager_twin(") and text.endswith(")"):
                    self._mirror(member, mod.members[text[len("eager_twin("):-1]])

    @staticmethod
    def _mirror(read: griffe.Function, scan: Any) -> None:
        own, theirs = read.docstring, scan.docstring
        if own is None or theirs is None:
            raise ValueError(f"{read.path} and {scan.path} need docstrings")
        start, end = theirs.value.find("\nArgs:\n"), theirs.value.find("\nReturns:\n")
        at = own.value.find("\nReturns:\n")
        if min(start, end, at) < 0:
            raise ValueError(f"{read.path}: expected an Args section in {scan.path} and Returns sections in both")
        read.parameters = scan.parameters
        read.returns = "pl.DataFrame"
        read.docstring = _docstring(own.value[:at] + theirs.value[start:end] + own.value[at:], own, read)


def _docstring(value: str, like: griffe.Docstring, parent: griffe.Function) -> griffe.Docstring:
    return griffe.Docstring(value, lineno=like.lineno, endlineno=like.endlineno, parent=parent, parser=like.parser,
                            parser_options=like.parser_options)
