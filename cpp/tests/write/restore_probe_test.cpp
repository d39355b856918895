#include "polars_redis/write/restore_probe.hpp"

#include <gtest/gtest.h>

namespace polars_redis::write {
namespace {

// RDB versions by server release: 7.0 -> 10, 7.2 -> 11, 7.4 -> 12, later servers read 12; older
// servers (ziplist encodings) get none.
TEST(RestoreProbe, RdbVersionForServer) {
  EXPECT_EQ(rdb_version_for_server("6.2.14"), 0);
  EXPECT_EQ(rdb_version_for_server("7.0.15"), 10);
  EXPECT_EQ(rdb_version_for_server("7.2.4"), 11);
  EXPECT_EQ(rdb_version_for_server("7.4.1"), 12);
  EXPECT_EQ(rdb_version_for_server("8.0.2"), 12);
  EXPECT_EQ(rdb_version_for_server(""), 0);
  EXPECT_EQ(rdb_version_for_server("garbage"), 0);
}

}  // namespace
}  // namespace polars_redis::write
