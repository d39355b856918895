#include "polars_redis/net/missing_module.hpp"

#include <gtest/gtest.h>

namespace polars_redis::net {
namespace {

TEST(MissingModuleHint, NamesTheModuleOfAnUnknownModuleCommand) {
  const std::string hint =
      missing_module_hint("JSON.GET failed: ERR unknown command 'JSON.GET', with args beginning with: 'k'");
  EXPECT_NE(hint.find("RedisJSON"), std::string::npos);
  EXPECT_NE(missing_module_hint("ERR unknown command 'ft.search', with args").find("RediSearch"), std::string::npos);
  EXPECT_NE(missing_module_hint("ERR unknown command 'TS.MRANGE'").find("RedisTimeSeries"), std::string::npos);
  EXPECT_NE(missing_module_hint("ERR unknown command 'BF.ADD'").find("RedisBloom"), std::string::npos);
}

TEST(MissingModuleHint, StaysQuietOtherwise) {
  EXPECT_EQ(missing_module_hint("ERR unknown command 'FOO'"), "");
  EXPECT_EQ(missing_module_hint("WRONGTYPE Operation against a key holding the wrong kind of value"), "");
  EXPECT_EQ(missing_module_hint("ERR unknown command 'JSON"), "");  // cut short: not a JSON.* command
}

}  // namespace
}  // namespace polars_redis::net
