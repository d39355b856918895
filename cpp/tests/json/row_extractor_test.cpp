#include "polars_redis/json/row_extractor.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "polars_redis/arrow/nested_builders.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/json/path.hpp"
#include "support/arrow_reading.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis::json {
namespace {

using test_support::thrown_error;

using arrow::ColumnBuilder;

using test_support::Exported;
using test_support::string_at;
using test_support::valid_at;
using test_support::value_at;

// Columns for `specs`, bound to an extractor, exported on demand.
struct Table {
  std::vector<std::unique_ptr<ColumnBuilder>> builders;
  std::unique_ptr<RowExtractor> extractor;
  std::vector<Exported> out;

  Table(std::vector<JsonColumn> specs, bool whole, bool ignore_errors = false) : out(specs.size()) {
    std::vector<ColumnBuilder*> raw;
    for (const auto& spec : specs) {
      builders.push_back(arrow::make_column_builder(spec.dtype));
      raw.push_back(builders.back().get());
    }
    extractor = std::make_unique<RowExtractor>(std::move(specs), whole, ignore_errors);
    extractor->bind(raw);
  }
  const ArrowArray& column(size_t i) {
    if (out[i].array.release == nullptr) builders[i]->finish(&out[i].array);
    return out[i].array;
  }
};

DataType t(TypeId id) { return DataType::of(id); }

TEST(JsonPath, TopLevelFieldsAreEscapedWhenNeeded) {
  EXPECT_EQ(field_path("name"), "$.name");
  EXPECT_EQ(field_path("_a1"), "$._a1");
  EXPECT_EQ(field_path("a b"), "$[\"a b\"]");
  EXPECT_EQ(field_path("a.b"), "$[\"a.b\"]");
  EXPECT_EQ(field_path("1a"), "$[\"1a\"]");
  EXPECT_EQ(field_path("q\"x"), "$[\"q\\\"x\"]");
  EXPECT_EQ(field_path("b\\s"), "$[\"b\\\\s\"]");
  EXPECT_EQ(field_path(""), "$[\"\"]");
}

TEST(JsonPath, DefinitePathsSelectAtMostOneValue) {
  for (const char* path : {"$", "$.a", "$.a.b[0]", "$[\"a b\"].c", "$['x'][-1]", "$[\"q\\\"]\"]"}) {
    EXPECT_TRUE(is_definite(path)) << path;
  }
  for (const char* path : {"$..a", "$.a[*]", "$.*", "$.a[0:2]", "$.a[0,1]", "$.a[?(@.b>1)]", "a.b", "$.", "$[", "$[\"a"}) {
    EXPECT_FALSE(is_definite(path)) << path;
  }
}

TEST(JsonPath, ValidPathsHaveNoError) {
  for (const char* path : {"$", "$.a", "$..a", "$.*", "$..*", "$.a.b_1[0]", "$[0,1]", "$[-1]", "$[1:3]", "$[:2]", "$[1:]",
                           "$[1:3:2]", "$[::1]", "$['a']", "$[\"a b\"]", "$[ 'x' , \"y\" ]", "$[\"it's\"]",
                           "$['q\\'x']", "$[*]", "$.a[?(@.b>1)]", "$[?@.a]", "$.a$", "$.-_`~+#%$^/:", "$[\"caf\xc3\xa9\"]",
                           "$. a"}) {
    EXPECT_EQ(path_error(path), std::nullopt) << path;
  }
}

TEST(JsonPath, InvalidPathsSayWhatAndWhere) {
  // `$a` and `$ .a` are legacy paths to RedisJSON, with differently shaped replies.
  for (const char* path : {"", "a", "$a", "$ .a", "$$", "$*", "$.", "$.a.", "$[", "$.a[", "$[]", "$[01]", "$[1,]", "$[,1]",
                           "$[::0]", "$[::-1]", "$['x", "$['x]", "$[\"a\\b\"]", "$.caf\xc3\xa9", "$[?(@.a>1]",
                           "$[?]", "$[?(@.a]", "$.a]", "$[0]x"}) {
    EXPECT_NE(path_error(path), std::nullopt) << path;
  }
  EXPECT_EQ(path_error("$.a["), "expected an index, a slice, a quoted name, '*' or '?' inside '[' (at the end)");
  EXPECT_EQ(path_error("$.a]"), "expected '.', '..' or '[' (at character 4)");
  EXPECT_EQ(path_error("$[::0]"), "a slice step must be a positive integer (at character 5)");
}

TEST(RowExtractor, ListColumnOverAnIndefinitePathTakesAllMatches) {
  Table table({{"skus", "$.orders[*].sku", DataType::list_of(t(TypeId::kString))}}, false);
  table.extractor->append_row("k", R"(["a","b","c"])");  // one path: the reply is its matches
  table.extractor->append_row("k", "[]");
  const ArrowArray& skus = table.column(0);
  EXPECT_TRUE(valid_at(skus, 1));  // no match: an empty list
  EXPECT_EQ(value_at<int64_t>(skus, 1), 3);
  EXPECT_EQ(value_at<int64_t>(skus, 2), 3);
  EXPECT_EQ(string_at(*skus.children[0], 2), "c");
  // A scalar column over the same path takes the first match.
  Table first({{"first", "$.orders[*].sku", t(TypeId::kString)}}, false);
  first.extractor->append_row("k", R"(["a","b","c"])");
  EXPECT_EQ(string_at(first.column(0), 0), "a");
}

TEST(RowExtractor, WholeDocumentWithNestedStructAndList) {
  DataType nested = DataType::struct_of({{"city", t(TypeId::kString)}, {"codes", DataType::list_of(t(TypeId::kInt64))}});
  Table table({{"a", "", t(TypeId::kInt64)}, {"b c", "", t(TypeId::kString)}, {"addr", "", nested},
               {"absent", "", t(TypeId::kFloat64)}},
              true);
  EXPECT_EQ(table.extractor->paths(), std::vector<std::string>{"$"});
  table.extractor->append_row("k1", R"([{"zz":[1,{"q":2}],"a":1,"b c":"x\u00e9","addr":{"codes":[7,8],"city":"Oslo","other":1}}])");
  table.extractor->append_row("k2", R"([{"a":null,"addr":null}])");
  table.extractor->append_row("k3", R"([[1,2]])");  // not an object: no fields

  const ArrowArray& a = table.column(0);
  EXPECT_EQ(value_at<int64_t>(a, 0), 1);
  EXPECT_FALSE(valid_at(a, 1));
  EXPECT_FALSE(valid_at(a, 2));
  const ArrowArray& b = table.column(1);
  EXPECT_EQ(string_at(b, 0), "x\xc3\xa9");
  EXPECT_FALSE(valid_at(b, 1));
  const ArrowArray& addr = table.column(2);
  EXPECT_TRUE(valid_at(addr, 0));
  EXPECT_FALSE(valid_at(addr, 1));
  EXPECT_FALSE(valid_at(addr, 2));
  const ArrowArray& city = *addr.children[0];
  const ArrowArray& codes = *addr.children[1];
  ASSERT_EQ(city.length, 3);
  EXPECT_EQ(string_at(city, 0), "Oslo");
  EXPECT_EQ(value_at<int64_t>(codes, 1), 2);  // offsets 0, 2, 2, 2
  EXPECT_EQ(value_at<int64_t>(*codes.children[0], 1), 8);
  const ArrowArray& absent = table.column(3);
  EXPECT_EQ(absent.null_count, 3);
}

TEST(RowExtractor, SingleProjectedPathIsArrayWrapped) {
  Table table({{"city", "$.address.city", t(TypeId::kString)}}, false);
  EXPECT_EQ(table.extractor->paths(), std::vector<std::string>{"$.address.city"});
  table.extractor->append_row("k1", R"(["Rome"])");
  table.extractor->append_row("k2", "[]");
  const ArrowArray& city = table.column(0);
  ASSERT_EQ(city.length, 2);
  EXPECT_EQ(string_at(city, 0), "Rome");
  EXPECT_FALSE(valid_at(city, 1));
}

TEST(RowExtractor, SeveralPathsArePathKeyedInAnyOrder) {
  Table table({{"a", "$.a", t(TypeId::kInt64)}, {"tags", "$.t", DataType::list_of(t(TypeId::kString))},
               {"z", "$.z", t(TypeId::kBoolean)}},
              false);
  table.extractor->append_row("k1", R"({"$.t":[["x","y"]],"$.a":[5],"$.z":[true]})");
  table.extractor->append_row("k2", R"({"$.z":[],"$.a":[6]})");
  const ArrowArray& a = table.column(0);
  EXPECT_EQ(value_at<int64_t>(a, 0), 5);
  EXPECT_EQ(value_at<int64_t>(a, 1), 6);
  const ArrowArray& tags = table.column(1);
  EXPECT_TRUE(valid_at(tags, 0));
  EXPECT_FALSE(valid_at(tags, 1));
  EXPECT_EQ(string_at(*tags.children[0], 1), "y");
  const ArrowArray& z = table.column(2);
  EXPECT_TRUE(valid_at(z, 0));
  EXPECT_FALSE(valid_at(z, 1));
  EXPECT_TRUE(static_cast<const uint8_t*>(z.buffers[1])[0] & 1);
}

TEST(RowExtractor, DuplicatePathsAreRejected) {
  EXPECT_THROW(RowExtractor({{"a", "$.x", t(TypeId::kInt64)}, {"b", "$.x", t(TypeId::kString)}}, false, false),
               Error);
}

TEST(RowExtractor, IntegersOnlyFromIntegralNumbers) {
  Table table({{"n", "$.n", t(TypeId::kInt64)}}, false);
  table.extractor->append_row("k", "[3]");
  table.extractor->append_row("k", "[3.0]");
  table.extractor->append_row("k", "[-9223372036854775808]");
  table.extractor->append_row("k", R"(["42"])");
  const Error error = thrown_error([&] { table.extractor->append_row("doc:7", "[3.5]"); }, "3.5 must not fit Int64");
  EXPECT_EQ(error.kind(), ErrorKind::kSchema);
  const std::string message = error.what();
  EXPECT_NE(message.find("doc:7"), std::string::npos) << message;
  EXPECT_NE(message.find("$.n"), std::string::npos) << message;
  EXPECT_NE(message.find("3.5"), std::string::npos) << message;
  EXPECT_NE(message.find("Int64"), std::string::npos) << message;
}

TEST(RowExtractor, IgnoreErrorsNullsTheValueThatDoesNotFit) {
  Table table({{"n", "$.n", t(TypeId::kUInt8)}, {"s", "$.s", DataType::struct_of({{"x", t(TypeId::kInt64)}})},
               {"l", "$.l", DataType::list_of(t(TypeId::kInt64))}},
              false, true);
  table.extractor->append_row("k", R"({"$.n":[3.5],"$.s":[{"x":1.5}],"$.l":[[1,"no",3]]})");
  table.extractor->append_row("k", R"({"$.n":[256],"$.s":["scalar"],"$.l":[{"a":1}]})");
  const ArrowArray& n = table.column(0);
  EXPECT_EQ(n.null_count, 2);
  const ArrowArray& s = table.column(1);
  EXPECT_TRUE(valid_at(s, 0));  // the struct is there, its field x is null
  EXPECT_FALSE(valid_at(*s.children[0], 0));
  EXPECT_FALSE(valid_at(s, 1));
  const ArrowArray& l = table.column(2);
  EXPECT_TRUE(valid_at(l, 0));
  const ArrowArray& items = *l.children[0];
  ASSERT_EQ(items.length, 3);
  EXPECT_EQ(value_at<int64_t>(items, 0), 1);
  EXPECT_FALSE(valid_at(items, 1));
  EXPECT_EQ(value_at<int64_t>(items, 2), 3);
  EXPECT_FALSE(valid_at(l, 1));
}

TEST(RowExtractor, NestedMismatchNamesTheFullPath) {
  DataType nested = DataType::struct_of({{"c", DataType::list_of(t(TypeId::kInt64))}});
  Table table({{"top", "", t(TypeId::kInt64)}, {"n", "", nested}}, true);
  const Error error = thrown_error([&] { table.extractor->append_row("key:1", R"([{"n":{"c":[1,"x"]}}])"); });
  const std::string message = error.what();
  EXPECT_NE(message.find("$.n.c[1]"), std::string::npos) << message;
  EXPECT_NE(message.find("key:1"), std::string::npos) << message;
  Table scalar({{"n", "$.n", nested}}, false);
  const std::string scalar_message = thrown_error([&] { scalar.extractor->append_row("key:2", R"([5])"); }).what();
  EXPECT_NE(scalar_message.find("Struct({'c': List(Int64)})"), std::string::npos) << scalar_message;
}

TEST(RowExtractor, ScalarTypesFromJson) {
  DataType decimal = t(TypeId::kDecimal);
  decimal.precision = 38;
  decimal.scale = 2;
  DataType datetime = t(TypeId::kDatetime);  // microseconds
  Table table({{"d", "", decimal}, {"ts", "", datetime}, {"day", "", t(TypeId::kDate)}, {"f", "", t(TypeId::kFloat64)},
               {"b", "", t(TypeId::kBoolean)}, {"s", "", t(TypeId::kString)}},
              true);
  table.extractor->append_row(
      "k", R"([{"d":12345678901234567.89,"ts":"2024-01-02T03:04:05.5Z","day":"2024-01-02","f":1e3,"b":false,"s":{"x":[1, 2]}}])");
  table.extractor->append_row("k", R"([{"d":"-0.5","ts":1704164645,"day":19724,"f":2,"b":true,"s":12.50}])");
  table.extractor->append_row("k", R"([{"ts":1704164645123}])");
  const ArrowArray& d = table.column(0);
  EXPECT_TRUE(value_at<__int128>(d, 0) == static_cast<__int128>(1234567890123456789LL));
  EXPECT_TRUE(value_at<__int128>(d, 1) == -50);
  const ArrowArray& ts = table.column(1);
  EXPECT_EQ(value_at<int64_t>(ts, 0), 1704164645500000);
  EXPECT_EQ(value_at<int64_t>(ts, 1), 1704164645000000);  // epoch seconds
  EXPECT_EQ(value_at<int64_t>(ts, 2), 1704164645123000);  // epoch milliseconds
  const ArrowArray& day = table.column(2);
  EXPECT_EQ(value_at<int32_t>(day, 0), 19724);
  EXPECT_EQ(value_at<int32_t>(day, 1), 19724);
  const ArrowArray& f = table.column(3);
  EXPECT_EQ(value_at<double>(f, 0), 1000.0);
  EXPECT_EQ(value_at<double>(f, 1), 2.0);
  const ArrowArray& b = table.column(4);
  EXPECT_EQ(static_cast<const uint8_t*>(b.buffers[1])[0] & 3, 2);
  const ArrowArray& s = table.column(5);
  EXPECT_EQ(string_at(s, 0), R"({"x":[1, 2]})");  // a sub-document as its JSON text
  EXPECT_EQ(string_at(s, 1), "12.50");           // a number as its text
}

TEST(RowExtractor, ExponentNumbersIntoDecimal) {
  // RedisJSON writes small and large numbers in exponent form.
  DataType decimal = t(TypeId::kDecimal);
  decimal.precision = 38;
  decimal.scale = 10;
  Table table({{"a", "", decimal}, {"b", "", decimal}, {"c", "", decimal}}, true);
  table.extractor->append_row("k", R"([{"a":1e-7,"b":1e20,"c":-2.5E-3}])");
  const auto at = [&](size_t column) { return value_at<__int128>(table.column(column), 0); };
  EXPECT_TRUE(at(0) == 1000);
  EXPECT_TRUE(at(1) == static_cast<__int128>(100000000000000000LL) * 10000000000000LL);
  EXPECT_TRUE(at(2) == -25000000);
}

TEST(RowExtractor, CategoricalAndEnumTakeSubDocumentsAsText) {
  DataType enumeration = t(TypeId::kEnum);
  enumeration.categories = {"[1,2]", R"({"k":true})"};
  Table table({{"c", "", t(TypeId::kCategorical)}, {"e", "", enumeration}, {"o", "", enumeration}}, true);
  table.extractor->append_row("k", R"([{"c":{"x":[1]},"e":[1,2],"o":{"k":true}}])");
  EXPECT_EQ(string_at(table.column(0), 0), R"({"x":[1]})");
  EXPECT_EQ(string_at(table.column(1), 0), "[1,2]");
  EXPECT_EQ(string_at(table.column(2), 0), R"({"k":true})");
  // Text outside an Enum's categories does not fit it.
  Table strict({{"e", "", enumeration}}, true);
  EXPECT_THROW(strict.extractor->append_row("k", R"([{"e":[3]}])"), Error);
}

TEST(RowExtractor, MalformedJsonIsAProtocolError) {
  Table table({{"a", "$.a", t(TypeId::kInt64)}}, false);
  const Error error = thrown_error([&] { table.extractor->append_row("k", "[1"); });
  EXPECT_EQ(error.kind(), ErrorKind::kProtocol);
}

}  // namespace
}  // namespace polars_redis::json
