// The write encoders (value_encoder.hpp): the command each stores a frame row with, and the data
// errors they raise before anything is sent. Frames arrive as Polars hands them over: an Arrow C
// stream of struct batches.
#include "polars_redis/write/value_encoder.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "polars_redis/arrow/nested_builders.hpp"
#include "polars_redis/arrow/record_batch.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/write/restore_encoder.hpp"
#include "support/batch_stream.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis::write {
namespace {

using test_support::thrown_error;

using Args = std::vector<std::string>;

// The arguments of an ArgumentList, read back from its RESP bulk strings.
Args decode(const resp::ArgumentList& list) {
  Args out;
  const std::string& bytes = list.encoded();
  size_t at = 0;
  while (at < bytes.size()) {
    EXPECT_EQ(bytes[at], '$');
    const size_t line_end = bytes.find("\r\n", at);
    const size_t length = std::stoul(bytes.substr(at + 1, line_end - at - 1));
    out.push_back(bytes.substr(line_end + 2, length));
    at = line_end + 2 + length + 2;
  }
  EXPECT_EQ(out.size(), list.size());
  return out;
}

// One frame (a single batch) bound to an encoder: every column is a value column.
class Frame {
 public:
  explicit Frame(arrow::BatchBuilder& builder) {
    std::vector<arrow::RecordBatch> batches;
    batches.push_back(builder.finish());
    ArrowArrayStream stream = test_support::batch_stream(std::move(batches));
    in_ = std::make_unique<arrow::ImportedStream>(&stream);
    EXPECT_TRUE(in_->next());
    for (size_t i = 0; i < in_->names().size(); ++i) values_.push_back(static_cast<int>(i));
  }
  void bind(ValueEncoder& encoder) { encoder.bind(*in_, values_); }
  void bind(ValueEncoder& encoder, const std::vector<int>& values) { encoder.bind(*in_, values); }
  // The set command of `row` (empty when the encoder stores nothing for it).
  Args set(ValueEncoder& encoder, int64_t row, std::string_view key = "k") {
    resp::ArgumentList args;
    return encoder.encode_set(*in_, row, key, args) ? decode(args) : Args{};
  }
  Args merge(ValueEncoder& encoder, int64_t row, std::string_view key = "k") {
    resp::ArgumentList args;
    return encoder.encode_merge(*in_, row, key, args) ? decode(args) : Args{};
  }
  const arrow::ImportedStream* in() const { return in_.get(); }

 private:
  std::unique_ptr<arrow::ImportedStream> in_;
  std::vector<int> values_;
};

DataType strings() { return DataType::of(TypeId::kString); }

arrow::ListBuilder& list_column(arrow::BatchBuilder& builder, const std::string& name, const DataType& items) {
  return static_cast<arrow::ListBuilder&>(builder.add_column(name, DataType::list_of(items)));
}

void expect_error(const std::function<void()>& action, const std::string& fragment) {
  const Error e = thrown_error(action, "expected an error containing: " + fragment);
  EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
}

TEST(HashEncoder, EveryNonNullCellIsAFieldAndAnAllNullRowStoresNothing) {
  arrow::BatchBuilder builder;
  auto& name = builder.add_column("name", strings());
  auto& age = builder.add_column("age", DataType::of(TypeId::kInt64));
  name.append_text("ann");
  age.append_int64(-7);
  name.append_null();
  age.append_int64(40);
  name.append_null();
  age.append_null();
  Frame frame(builder);
  auto encoder = make_hash_encoder();
  frame.bind(*encoder);
  EXPECT_EQ(frame.set(*encoder, 0), (Args{"HSET", "k", "name", "ann", "age", "-7"}));
  EXPECT_EQ(frame.set(*encoder, 1), (Args{"HSET", "k", "age", "40"}));
  EXPECT_EQ(frame.set(*encoder, 2), Args{});
  EXPECT_EQ(frame.merge(*encoder, 0), frame.set(*encoder, 0));  // HSET merges by itself
  EXPECT_EQ(encoder->redis_type(), "hash");
}

TEST(HashEncoder, AFrameWithoutValueColumnsIsRefused) {
  arrow::BatchBuilder builder;
  builder.add_column("key", strings()).append_text("a");
  Frame frame(builder);
  auto encoder = make_hash_encoder();
  expect_error([&] { frame.bind(*encoder, {}); }, "no value columns");
}

// Any bytes a cell holds reach the server unchanged, as the field's value.
TEST(HashEncoder, ArbitraryBytesRoundTripIntoTheCommand) {
  std::mt19937 rng(15);
  std::uniform_int_distribution<int> byte(0, 255), length(0, 40);
  arrow::BatchBuilder builder;
  auto& column = builder.add_column("v", DataType::of(TypeId::kBinary));
  std::vector<std::string> values;
  for (int i = 0; i < 200; ++i) {
    std::string value(static_cast<size_t>(length(rng)), '\0');
    for (char& c : value) c = static_cast<char>(byte(rng));
    values.push_back(value);
    column.append_text(value);
  }
  Frame frame(builder);
  auto encoder = make_hash_encoder();
  frame.bind(*encoder);
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(frame.set(*encoder, static_cast<int64_t>(i)), (Args{"HSET", "k", "v", values[i]})) << i;
  }
}

TEST(JsonEncoder, SetWritesNullsAndMergeLeavesThemOut) {
  arrow::BatchBuilder builder;
  auto& text = builder.add_column("s", strings());
  auto& number = builder.add_column("n", DataType::of(TypeId::kInt64));
  text.append_text("a\"b");
  number.append_null();
  Frame frame(builder);
  auto encoder = make_json_encoder();
  frame.bind(*encoder);
  EXPECT_EQ(frame.set(*encoder, 0), (Args{"JSON.SET", "k", "$", R"({"s":"a\"b","n":null})"}));
  // JSON.MERGE deletes a field patched with null: a null cell must leave the field alone.
  EXPECT_EQ(frame.merge(*encoder, 0), (Args{"JSON.MERGE", "k", "$", R"({"s":"a\"b"})"}));
  EXPECT_EQ(encoder->redis_type(), "ReJSON-RL");
}

TEST(StringEncoder, SetsTheValueColumnKeepsTheTtlOnMergeAndSkipsNulls) {
  arrow::BatchBuilder builder;
  auto& value = builder.add_column("value", strings());
  auto& extra = builder.add_column("other", strings());
  value.append_text("v1");
  extra.append_text("ignored");
  value.append_null();
  extra.append_text("x");
  Frame frame(builder);
  auto encoder = make_string_encoder("value");
  frame.bind(*encoder);
  EXPECT_EQ(frame.set(*encoder, 0), (Args{"SET", "k", "v1"}));
  EXPECT_EQ(frame.merge(*encoder, 0), (Args{"SET", "k", "v1", "KEEPTTL"}));
  EXPECT_EQ(frame.set(*encoder, 1), Args{});
  EXPECT_EQ(encoder->redis_type(), "");  // SET replaces a value of any type

  auto missing = make_string_encoder("nope");
  expect_error([&] { frame.bind(*missing); }, "value_column 'nope' is not a column of the frame");
}

// append without a TTL: RESTORE (no REPLACE) creates an absent key; the merge command, sent on
// BUSYKEY, is the one the command path sends: the payload's own command, or SET ... KEEPTTL.
TEST(RestoreEncoder, AppendCreatesWithRestoreAndKeepsTheMergeCommandForExistingKeys) {
  arrow::BatchBuilder builder;
  auto& value = builder.add_column("value", strings());
  value.append_text("v1");
  Frame frame(builder);
  auto command_of = [](const Args& args) {
    resp::ArgumentList list;
    for (const auto& a : args) list.arg(a);
    std::string out;
    list.append_command_to(out);
    return out;
  };
  for (const bool is_string : {false, true}) {
    auto encoder = make_restore_encoder(is_string ? make_string_encoder("value") : make_hash_encoder(),
                                        rdb::PayloadEncoder(12, {}));
    frame.bind(*encoder);
    ASSERT_TRUE(encoder->merge_creates_as_set());
    resp::ArgumentList restore, replace;
    std::string merge;
    ASSERT_TRUE(encoder->encode_restore_append(*frame.in(), 0, "k", restore, merge));
    ASSERT_TRUE(encoder->encode_restore(*frame.in(), 0, "k", 0, 0, false, replace));
    EXPECT_EQ(decode(restore), decode(replace));  // RESTORE k 0 <payload>, no REPLACE
    EXPECT_EQ(decode(restore).size(), 4u);
    EXPECT_EQ(merge, command_of(frame.merge(*encoder, 0)));
    EXPECT_EQ(merge, command_of(is_string ? Args{"SET", "k", "v1", "KEEPTTL"} : Args{"HSET", "k", "value", "v1"}));
  }
  // JSON.MERGE leaves nulls out where a document created whole keeps them: append keeps commands.
  auto json = make_restore_encoder(make_json_encoder(), rdb::PayloadEncoder(12, {}));
  EXPECT_FALSE(json->merge_creates_as_set());
}

// The check pass leaves rows unencoded when the batch has a command bound: every command a row
// can be stored with (set, merge, RESTORE with or without REPLACE and TTL, an append's merge) is
// within it, its key added, for random rows of every scalar kind and length.
TEST(CommandBound, EveryCommandOfARowFitsIt) {
  std::mt19937_64 rng(1205);
  arrow::BatchBuilder builder;
  auto& text = builder.add_column("text", strings());
  auto& bytes = builder.add_column("a longer column name", DataType::of(TypeId::kBinary));
  auto& count = builder.add_column("n", DataType::of(TypeId::kInt64));
  auto& ratio = builder.add_column("r", DataType::of(TypeId::kFloat64));
  auto& flag = builder.add_column("b", DataType::of(TypeId::kBoolean));
  const int rows = 300;
  for (int i = 0; i < rows; ++i) {
    const size_t length = rng() % (i % 10 == 0 ? 5000 : 30);
    if (rng() % 7 == 0) {
      text.append_null();
    } else {
      text.append_text(std::string(length, static_cast<char>('a' + rng() % 26)));
    }
    bytes.append_text(std::string(rng() % 64, static_cast<char>(rng() % 256)));
    count.append_int64(static_cast<int64_t>(rng()));
    double r;
    do {
      const uint64_t bits = rng();
      std::memcpy(&r, &bits, sizeof r);
    } while (std::isnan(r));
    EXPECT_TRUE(ratio.append_text(std::to_string(r)));
    flag.append_text(rng() % 2 ? "true" : "false");
  }
  Frame frame(builder);
  const std::string key(rng() % 100, 'k');
  auto fits = [&](const resp::ArgumentList& args, size_t bound, const char* what, int row) {
    std::string command;
    args.append_command_to(command);
    EXPECT_LE(command.size(), key.size() + bound) << what << " row " << row;
  };
  for (const bool is_string : {false, true}) {
    auto commands = is_string ? make_string_encoder("text") : make_hash_encoder();
    frame.bind(*commands);
    const auto command_bound = commands->command_bound(*frame.in());
    ASSERT_TRUE(command_bound);
    auto restores = make_restore_encoder(is_string ? make_string_encoder("text") : make_hash_encoder(),
                                         rdb::PayloadEncoder(12, {}));
    frame.bind(*restores);
    const auto restore_bound = restores->command_bound(*frame.in());
    ASSERT_TRUE(restore_bound);
    for (int row = 0; row < rows; ++row) {
      resp::ArgumentList args;
      if (commands->encode_set(*frame.in(), row, key, args)) fits(args, *command_bound, "set", row);
      args.clear();
      if (commands->encode_merge(*frame.in(), row, key, args)) fits(args, *command_bound, "merge", row);
      for (const bool replace : {false, true}) {
        args.clear();
        if (restores->encode_restore(*frame.in(), row, key, 2, INT64_MIN, replace, args)) {
          fits(args, *restore_bound, "RESTORE", row);
        }
      }
      args.clear();
      std::string merge;
      if (restores->encode_restore_append(*frame.in(), row, key, args, merge)) {
        fits(args, *restore_bound, "append RESTORE", row);
        EXPECT_LE(merge.size(), key.size() + *restore_bound) << "append merge row " << row;
      }
    }
  }
}

// Values whose encoding may fail have no bound: JSON (NaN, depth), collections (null items),
// and a hash with a list column (its text is JSON).
TEST(CommandBound, NoneWhereEncodingMayFail) {
  arrow::BatchBuilder builder;
  list_column(builder, "items", DataType::of(TypeId::kFloat64)).append_null();
  builder.add_column("s", strings()).append_text("x");
  Frame frame(builder);
  auto hash = make_hash_encoder();
  frame.bind(*hash);
  EXPECT_FALSE(hash->command_bound(*frame.in()));
  frame.bind(*hash, {1});
  EXPECT_TRUE(hash->command_bound(*frame.in()));
  auto json = make_json_encoder();
  frame.bind(*json, {1});
  EXPECT_FALSE(json->command_bound(*frame.in()));
  auto set = make_set_encoder("items");
  frame.bind(*set);
  EXPECT_FALSE(set->command_bound(*frame.in()));
}

TEST(CollectionEncoders, ListCellsBecomeOneCommandPerKey) {
  arrow::BatchBuilder builder;
  auto& items = list_column(builder, "items", strings());
  items.items().append_text("a");
  items.items().append_text("b");
  items.close_list();
  items.append_null();  // a null list: nothing to store
  Frame frame(builder);
  auto set = make_set_encoder("items");
  frame.bind(*set);
  EXPECT_EQ(frame.set(*set, 0), (Args{"SADD", "k", "a", "b"}));
  EXPECT_EQ(frame.set(*set, 1), Args{});
  EXPECT_EQ(set->redis_type(), "set");
  auto list = make_list_encoder("items");
  frame.bind(*list);
  EXPECT_EQ(frame.set(*list, 0), (Args{"RPUSH", "k", "a", "b"}));
  EXPECT_EQ(list->redis_type(), "list");
}

TEST(CollectionEncoders, ANullItemIsAnItemErrorNamingItsPlace) {
  arrow::BatchBuilder builder;
  auto& items = list_column(builder, "items", strings());
  items.items().append_text("a");
  items.items().append_null();
  items.close_list();
  Frame frame(builder);
  auto set = make_set_encoder("items");
  frame.bind(*set);
  try {
    frame.set(*set, 0);
    ADD_FAILURE() << "a null member was accepted";
  } catch (const ItemError& e) {
    EXPECT_EQ(e.item(), 1);
    EXPECT_NE(std::string(e.what()).find("column 'items': a null"), std::string::npos) << e.what();
  }
}

TEST(CollectionEncoders, AColumnThatIsNotAListIsRefused) {
  arrow::BatchBuilder builder;
  builder.add_column("items", strings()).append_text("a");
  Frame frame(builder);
  auto set = make_set_encoder("items");
  frame.bind(*set);
  expect_error([&] { frame.set(*set, 0); }, "must be a list column");
  auto absent = make_set_encoder("members");
  expect_error([&] { frame.bind(*absent); }, "column 'members' is not in the frame");
}

TEST(ZsetEncoder, ScoresPairWithMembersAndNaNIsRefusedButInfinityIsNot) {
  arrow::BatchBuilder builder;
  auto& members = list_column(builder, "m", strings());
  auto& scores = list_column(builder, "s", DataType::of(TypeId::kFloat64));
  members.items().append_text("a");
  members.items().append_text("b");
  members.close_list();
  scores.items().append_double(1.5);
  scores.items().append_double(std::numeric_limits<double>::infinity());
  scores.close_list();
  members.items().append_text("c");
  members.close_list();
  scores.items().append_double(std::nan(""));
  scores.close_list();
  Frame frame(builder);
  auto encoder = make_zset_encoder("m", "s");
  frame.bind(*encoder);
  const Args first = frame.set(*encoder, 0);
  ASSERT_EQ(first.size(), 6u);
  EXPECT_EQ((Args{first[0], first[1], first[2], first[3], first[5]}), (Args{"ZADD", "k", "1.5", "a", "b"}));
  EXPECT_EQ(std::stod(first[4]), std::numeric_limits<double>::infinity());
  expect_error([&] { frame.set(*encoder, 1); }, "NaN is not a valid sorted-set score");
}

TEST(StreamEncoder, ExplicitIdsMustIncreasePerKeyAndNullIdsAreServerAssigned) {
  arrow::BatchBuilder builder;
  auto& id = builder.add_column("id", strings());
  auto& field = builder.add_column("f", strings());
  for (const char* text : {"5-1", "5-2", "4-0", "0-0"}) {
    id.append_text(text);
    field.append_text("v");
  }
  id.append_null();
  field.append_text("w");
  Frame frame(builder);
  auto encoder = make_stream_encoder("id", {"MAXLEN", "~", "100"});
  frame.bind(*encoder);
  EXPECT_EQ(frame.set(*encoder, 0, "s"), (Args{"XADD", "s", "MAXLEN", "~", "100", "5-1", "f", "v"}));
  EXPECT_EQ(frame.set(*encoder, 1, "s"), (Args{"XADD", "s", "MAXLEN", "~", "100", "5-2", "f", "v"}));
  expect_error([&] { frame.set(*encoder, 2, "s"); }, "ID 4-0 is not greater than the key's previous ID in the frame");
  EXPECT_EQ(frame.set(*encoder, 2, "other"), (Args{"XADD", "other", "MAXLEN", "~", "100", "4-0", "f", "v"}));
  expect_error([&] { frame.set(*encoder, 3, "third"); }, "'0-0' is not allowed");
  EXPECT_EQ(frame.set(*encoder, 4, "s"), (Args{"XADD", "s", "MAXLEN", "~", "100", "*", "f", "w"}));
  // After a server-assigned ID, a later explicit one for the same key cannot be checked.
  expect_error([&] { frame.set(*encoder, 1, "s"); }, "an explicit ID after a server-assigned one");
}

TEST(TimeseriesEncoder, SamplesCarryTheirOptionsAndBadTimestampsOrValuesAreRefused) {
  arrow::BatchBuilder builder;
  auto& ts = builder.add_column("ts", DataType::of(TypeId::kInt64));
  auto& value = builder.add_column("v", DataType::of(TypeId::kFloat64));
  ts.append_int64(1000);
  value.append_double(2.5);
  ts.append_int64(1001);
  value.append_null();
  ts.append_null();
  value.append_double(1);
  ts.append_int64(-1);
  value.append_double(1);
  ts.append_int64(1002);
  value.append_double(std::nan(""));
  Frame frame(builder);
  auto encoder = make_timeseries_encoder("ts", "v", {"RETENTION", "60000"});
  frame.bind(*encoder);
  EXPECT_EQ(frame.set(*encoder, 0), (Args{"TS.ADD", "k", "1000", "2.5", "RETENTION", "60000"}));
  EXPECT_EQ(frame.set(*encoder, 1), Args{});  // a missing sample is not written
  expect_error([&] { frame.set(*encoder, 2); }, "column 'ts': null timestamp");
  expect_error([&] { frame.set(*encoder, 3); }, "is before 1970");
  expect_error([&] { frame.set(*encoder, 4); }, "NaN is not a valid sample value");
}

}  // namespace
}  // namespace polars_redis::write
