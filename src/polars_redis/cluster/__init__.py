"""Redis Cluster: fan-out of search, time series and writes over the shards."""
