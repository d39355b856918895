#include "polars_redis/json/schema_inference.hpp"

#include <gtest/gtest.h>

#include "polars_redis/error.hpp"

namespace polars_redis::json {
namespace {

std::string describe(const std::vector<std::pair<std::string, DataType>>& schema) {
  std::string out;
  for (const auto& [name, dtype] : schema) out += name + ": " + dtype.name() + "; ";
  return out;
}

TEST(JsonSchemaInference, NestedStructsAndListsMergeAcrossDocuments) {
  SchemaInferrer inferrer;
  inferrer.observe_reply(R"([{"a":1,"b":{"c":"x","d":[1,2]},"e":[{"f":true}],"g":null}])");
  inferrer.observe_reply(R"([{"a":2.5,"b":{"d":[3.5],"h":7},"e":[{"f":false,"i":"s"}],"j":[]}])");
  EXPECT_EQ(describe(inferrer.result()),
            "a: Float64; b: Struct({'c': String, 'd': List(Float64), 'h': Int64}); "
            "e: List(Struct({'f': Boolean, 'i': String})); g: String; j: List(String); ");
}

TEST(JsonSchemaInference, IncompatibleKindsBecomeString) {
  SchemaInferrer inferrer;
  inferrer.observe_reply(R"([{"a":1,"b":{"x":1},"c":true,"d":{}}])");
  inferrer.observe_reply(R"([{"a":"one","b":[1],"c":0}])");
  inferrer.observe_reply(R"([{"a":{"deep":1},"b":{"x":2}}])");
  EXPECT_EQ(describe(inferrer.result()), "a: String; b: String; c: String; d: String; ");
}

TEST(JsonSchemaInference, IntegersBeyondInt64AreFloat) {
  SchemaInferrer inferrer;
  inferrer.observe_reply(R"([{"big":18446744073709551615,"small":-5}])");
  EXPECT_EQ(describe(inferrer.result()), "big: Float64; small: Int64; ");
}

TEST(JsonSchemaInference, NonObjectDocumentsAddNothing) {
  SchemaInferrer inferrer;
  inferrer.observe_reply("[[1,2]]");
  inferrer.observe_reply("[\"text\"]");
  inferrer.observe_reply("[]");
  EXPECT_TRUE(inferrer.result().empty());
  EXPECT_THROW(inferrer.observe_reply("[{"), Error);
}

}  // namespace
}  // namespace polars_redis::json
