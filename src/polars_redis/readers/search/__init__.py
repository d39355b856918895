"""RediSearch, explicitly: search_hashes / search_json (query), aggregate, create_index and
infer_schema_from_index (indexes). Filters on scan_hashes / scan_json with ``search_index=`` use the
same machinery implicitly (polars_redis.pushdown)."""
