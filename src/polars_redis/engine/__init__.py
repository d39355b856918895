"""The native engine's glue: started C++ scans, options, dtypes, key columns, connections and retries."""
