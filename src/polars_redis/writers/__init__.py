"""The write_* / sink_* writers, one module per family of Redis types."""
