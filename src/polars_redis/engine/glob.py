"""Redis glob patterns (SCAN MATCH): escaping literals and reading a pattern's literal prefix."""

from __future__ import annotations

_SPECIAL = frozenset("*?[]\\")


def escape_glob(text: str) -> str:
    """`text` as a pattern that matches only itself."""
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in text)


def literal_prefix(pattern: str) -> tuple[str, str]:
    """(the literal text every match starts with, the rest of the pattern from the first wildcard).

    ``"user:\\*x*"`` -> ``("user:*x", "*")``; a pattern without wildcards has an empty rest.
    """
    prefix: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            prefix.append(pattern[i + 1])
            i += 2
        elif ch in "*?[":
            break
        else:
            prefix.append(ch)
            i += 1
    return "".join(prefix), pattern[i:]


def narrow_to_prefix(pattern: str, prefix: str) -> tuple[str, str | None] | None:
    """A SCAN pattern for the keys matching `pattern` that also start with `prefix`.

    Returns (scan pattern, pattern the keys must still be checked against or None), or None when
    no key can satisfy both.
    """
    literal, rest = literal_prefix(pattern)
    if literal.startswith(prefix):
        return pattern, None  # the pattern is already at least as narrow
    if not prefix.startswith(literal):
        return None
    if rest == "":
        return None  # an exact key that does not start with `prefix`
    narrowed = escape_glob(prefix) + "*"
    return narrowed, (None if rest == "*" else pattern)
