"""What another process is doing, read from /proc: tests that interrupt a child need to know it is
inside the stalled call before they send the signal."""

from __future__ import annotations

import os


def all_threads_sleeping(pid: int) -> bool:
    """Whether every thread of `pid` sleeps (so the child is inside the stalled call)."""
    states = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/stat") as stat:
            states.append(stat.read().rsplit(")", 1)[1].split()[0])
    return all(state in "SD" for state in states)
