"""Polars predicates into Redis: the expression tree, key and RediSearch query translation."""
