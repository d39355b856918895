#include "polars_redis/read/stream_entries.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "polars_redis/error.hpp"
#include "support/parsed_reply.hpp"
#include "support/arrow_reading.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis::read {
namespace {

using test_support::thrown_error;
using Parsed = test_support::ParsedReply;
using test_support::Exported;
using test_support::type;
using test_support::valid_at;

int64_t int64_at(const ArrowArray& column, int64_t i) { return test_support::value_at<int64_t>(column, i); }

// Two entries as XRANGE sends them: the second lacks "n", has an unknown field and "n" twice.
constexpr const char* kTwoEntries =
    "*2\r\n"
    "*2\r\n$3\r\n5-0\r\n*4\r\n$1\r\ns\r\n$2\r\nab\r\n$1\r\nn\r\n$2\r\n42\r\n"
    "*2\r\n$5\r\n123-7\r\n*6\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ns\r\n$1\r\nz\r\n$1\r\ns\r\n$1\r\ny\r\n";

TEST(StreamIdMilliseconds, ParsesTheMillisecondPart) {
  EXPECT_EQ(stream_id_milliseconds("1700000000000-3"), 1700000000000);
  EXPECT_EQ(stream_id_milliseconds("0-1"), 0);
  EXPECT_EQ(stream_id_milliseconds("42"), 42);
  EXPECT_THROW(stream_id_milliseconds("-1"), Error);
  EXPECT_THROW(stream_id_milliseconds("abc-1"), Error);
  EXPECT_THROW(stream_id_milliseconds(""), Error);
}

TEST(StreamEntryDecoder, AppendsIdTimestampAndTypedFields) {
  StreamColumns spec;
  spec.fields = {{"n", type(TypeId::kInt64)}, {"s", type(TypeId::kString)}};
  arrow::BatchBuilder batch;
  StreamEntryDecoder decoder(spec);
  decoder.add_columns(batch);
  Parsed reply(kTwoEntries);
  std::string last_id;
  EXPECT_EQ(decoder.append_entries("k", reply.root(), last_id), 2u);
  EXPECT_EQ(last_id, "123-7");
  ASSERT_EQ(batch.num_columns(), 4u);  // _id, _ts, n, s
  Exported out;
  batch.finish().export_to(&out.schema, &out.array);
  ASSERT_EQ(out.array.length, 2);
  EXPECT_STREQ(out.schema.children[0]->name, "_id");
  EXPECT_STREQ(out.schema.children[1]->name, "_ts");
  const ArrowArray& ts = *out.array.children[1];
  EXPECT_EQ(int64_at(ts, 0), 5);
  EXPECT_EQ(int64_at(ts, 1), 123);
  const ArrowArray& n = *out.array.children[2];
  EXPECT_EQ(int64_at(n, 0), 42);
  EXPECT_TRUE(valid_at(n, 0));
  EXPECT_FALSE(valid_at(n, 1));  // a field the entry lacks is null
  EXPECT_EQ(out.array.children[3]->null_count, 0);  // the first "s" of the second entry is kept
}

TEST(StreamEntryDecoder, OnlyIdsNeverLookAtValues) {
  StreamColumns spec;
  spec.include_timestamp = false;
  arrow::BatchBuilder batch;
  StreamEntryDecoder decoder(spec);
  decoder.add_columns(batch);
  Parsed reply("*1\r\n*2\r\n$3\r\n9-9\r\n*2\r\n$1\r\nn\r\n$3\r\nbad\r\n");
  std::string last_id;
  EXPECT_EQ(decoder.append_entries("k", reply.root(), last_id), 1u);
  EXPECT_EQ(batch.num_rows(), 1);
}

TEST(StreamEntryDecoder, CountOnlyProjectionCountsRows) {
  StreamColumns spec;
  spec.include_id = false;
  spec.include_timestamp = false;
  arrow::BatchBuilder batch;
  StreamEntryDecoder decoder(spec);
  decoder.add_columns(batch);
  Parsed reply(kTwoEntries);
  std::string last_id;
  decoder.append_entries("k", reply.root(), last_id);
  EXPECT_EQ(batch.num_columns(), 0u);
  EXPECT_EQ(batch.num_rows(), 2);
}

TEST(StreamEntryDecoder, DeletedPendingEntryHasNullFields) {
  StreamColumns spec;
  spec.fields = {{"n", type(TypeId::kInt64)}};
  arrow::BatchBuilder batch;
  StreamEntryDecoder decoder(spec);
  decoder.add_columns(batch);
  Parsed reply("*1\r\n*2\r\n$3\r\n1-0\r\n*-1\r\n");  // XREADGROUP of a pending entry since deleted
  std::string last_id;
  EXPECT_EQ(decoder.append_entries("k", reply.root(), last_id), 1u);
  EXPECT_EQ(batch.column(2).length(), 1);
}

TEST(StreamEntryDecoder, BadValueIsASchemaErrorOrNull) {
  StreamColumns spec;
  spec.fields = {{"n", type(TypeId::kInt64)}};
  Parsed reply("*1\r\n*2\r\n$3\r\n9-9\r\n*2\r\n$1\r\nn\r\n$3\r\nbad\r\n");
  std::string last_id;
  {
    arrow::BatchBuilder batch;
    StreamEntryDecoder decoder(spec);
    decoder.add_columns(batch);
    const Error error = thrown_error([&] { decoder.append_entries("events", reply.root(), last_id); },
                                     "expected a schema error");
    EXPECT_EQ(error.kind(), ErrorKind::kSchema);
    const std::string message = error.what();
    EXPECT_NE(message.find("'n'"), std::string::npos);
    EXPECT_NE(message.find("9-9"), std::string::npos);
    EXPECT_NE(message.find("'events'"), std::string::npos);
    EXPECT_NE(message.find("'bad'"), std::string::npos);
  }
  spec.ignore_errors = true;
  arrow::BatchBuilder batch;
  StreamEntryDecoder decoder(spec);
  decoder.add_columns(batch);
  decoder.append_entries("events", reply.root(), last_id);
  Exported out;
  batch.finish().export_to(&out.schema, &out.array);
  EXPECT_EQ(out.array.children[2]->null_count, 1);
}

}  // namespace
}  // namespace polars_redis::read
