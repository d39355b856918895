#pragma once
// How many of the keys found a key scan puts in its next fetch command. A multi-key command
// (MGET, JSON.MGET) costs the server about one command's overhead however few keys it names, so
// the tail of a SCAN reply waits for the next reply's keys instead of going out on its own.
#include <cstddef>

namespace polars_redis::read {

struct FetchGroupState {
  size_t full_group = 1;         // keys the fetcher takes per command
  size_t pending = 0;            // keys found, not yet fetched
  size_t room = 1;               // keys the pipeline window and n_rows still allow (at least 1)
  bool more_keys_coming = true;  // the key source is not done
  bool rows_limited = false;     // n_rows ends the read within one full group
  bool paced = false;            // a scan budget sizes the bursts
};

// Keys for the next command; 0 means send nothing now. 0 only while fewer than a full group are
// pending and more keys are coming: the caller then asks its source for them (key_scan's
// want_keys does, since fewer keys than one group are pending), so the scan cannot stall.
size_t next_fetch_group(const FetchGroupState& state);

}  // namespace polars_redis::read
