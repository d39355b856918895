"""A griffe extension for the API reference: a read_* stub decorated `@eager_twin(scan_x)` is shown
as the runtime makes it (polars_redis/readers/eager.py): scan_x's parameters and Args section, the
stub's own summary, Returns, Raises and Examples. The docs build reads the source statically, so it
does not see what the decorator does at import time."""

from __future__ import annotations

from typing import Any

import griffe


class EagerTwin(griffe.Extension):
    def on_module_members(self, *, mod: griffe.Module, **kwargs: Any) -> None:
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
        start, end, at = theirs.value.find("\nArgs:\n"), theirs.value.find("\nReturns:\n"), own.value.find("\nReturns:\n")
        if min(start, end, at) < 0:
            raise ValueError(f"{read.path}: expected an Args section in {scan.path} and Returns sections in both")
        read.parameters = scan.parameters
        read.returns = "pl.DataFrame"
        read.docstring = griffe.Docstring(own.value[:at] + theirs.value[start:end] + "\n" + own.value[at:],
                                          lineno=own.lineno, endlineno=own.endlineno, parent=read, parser=own.parser,
                                          parser_options=own.parser_options)
