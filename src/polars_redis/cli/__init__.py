"""The command line (`python -m polars_redis`): one module per subcommand and its helpers."""
