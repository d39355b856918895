"""An export's output file is written whole or not at all: into a temporary file beside it,
renamed over the target only once complete, so a failed or interrupted export (an error,
Ctrl-C) never truncates or deletes an existing file and leaves no temporary file behind."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from types import TracebackType

from polars_redis.cli.expr import CliError


def _new_file_mode() -> int:
    umask = os.umask(0)  # the only way to read it; put back at once
    os.umask(umask)
    return 0o666 & ~umask


class AtomicOutput:
    """``with AtomicOutput(path) as out:`` write ``out.temp``, then ``out.commit()``; leaving the
    block without committing (an exception, or a result not worth keeping) removes the temp file."""

    def __init__(self, path: str) -> None:
        self.target = Path(path)
        if self.target.is_dir():
            raise CliError(f"the output {path} is a directory")
        directory = self.target.parent
        if not directory.is_dir():
            raise CliError(f"the output's directory {str(directory)!r} does not exist")
        # The same directory, so the final rename stays on one file system (atomic, no copy).
        fd, temp = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".partial", dir=directory)
        os.close(fd)
        self.temp = Path(temp)
        self.committed = False

    def __enter__(self) -> AtomicOutput:
        return self

    def commit(self) -> int:
        """Rename the finished temp file over the target; returns its size in bytes."""
        try:  # a replaced file keeps its permissions; a new one gets the usual ones (not mkstemp's 0600)
            mode = stat.S_IMODE(self.target.stat().st_mode)
        except FileNotFoundError:
            mode = _new_file_mode()
        os.chmod(self.temp, mode)
        size = self.temp.stat().st_size
        os.replace(self.temp, self.target)
        self.committed = True
        return size

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if not self.committed:
            self.temp.unlink(missing_ok=True)
