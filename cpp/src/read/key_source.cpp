#include "polars_redis/read/key_source.hpp"

#include "polars_redis/read/key_list_source.hpp"
#include "polars_redis/read/scan_key_source.hpp"
#include "polars_redis/read/search_key_source.hpp"

namespace polars_redis::read {

std::unique_ptr<KeySource> open_key_source(const KeySourceOptions& options) {
  switch (options.spec.kind) {
    case KeySourceSpec::Kind::kKeys:
      return open_key_list_source(options);
    case KeySourceSpec::Kind::kSearch:
      return open_search_key_source(options);
    case KeySourceSpec::Kind::kScan:
    case KeySourceSpec::Kind::kSnapshot:  // never here: run_key_scan hands snapshots to run_snapshot_scan
    case KeySourceSpec::Kind::kRdbFile:
      break;
  }
  return open_scan_key_source(options);
}

}  // namespace polars_redis::read
