#include "polars_redis/read/index_info.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "polars_redis/error.hpp"
#include "support/parsed_reply.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis::read {
namespace {

using test_support::ParsedReply;
using test_support::thrown_error;

// RESP builders: the replies below follow the shapes Redis Stack 7.4 (RediSearch 2.10) gives.
std::string bulk(std::string_view text) { return "$" + std::to_string(text.size()) + "\r\n" + std::string(text) + "\r\n"; }
std::string integer(int64_t value) { return ":" + std::to_string(value) + "\r\n"; }
std::string dbl(std::string_view text) { return "," + std::string(text) + "\r\n"; }
std::string aggregate(char kind, size_t count, std::initializer_list<std::string> items) {
  std::string out = kind + std::to_string(count) + "\r\n";
  for (const auto& item : items) out += item;
  return out;
}
std::string array(std::initializer_list<std::string> items) { return aggregate('*', items.size(), items); }
std::string map(std::initializer_list<std::string> pairs) { return aggregate('%', pairs.size() / 2, pairs); }

using Strings = std::vector<std::string>;

// FT.CREATE idx ON HASH PREFIX 1 user: SCHEMA name TEXT SORTABLE tags TAG SEPARATOR , CASESENSITIVE
// age NUMERIC SORTABLE UNF, then FT.INFO idx under RESP2.
const std::string kResp2Info = array({
    bulk("index_name"), bulk("idx"),
    bulk("index_options"), array({}),
    bulk("index_definition"),
    array({bulk("key_type"), bulk("HASH"), bulk("prefixes"), array({bulk("user:")}), bulk("default_score"), bulk("1")}),
    bulk("attributes"),
    array({
        array({bulk("identifier"), bulk("name"), bulk("attribute"), bulk("name"), bulk("type"), bulk("TEXT"),
               bulk("WEIGHT"), bulk("1"), bulk("SORTABLE")}),
        array({bulk("identifier"), bulk("tags"), bulk("attribute"), bulk("tags"), bulk("type"), bulk("TAG"),
               bulk("SEPARATOR"), bulk(","), bulk("CASESENSITIVE")}),
        array({bulk("identifier"), bulk("age"), bulk("attribute"), bulk("age"), bulk("type"), bulk("NUMERIC"),
               bulk("SORTABLE"), bulk("UNF")}),
    }),
    bulk("num_docs"), bulk("3"),
    bulk("max_doc_id"), bulk("3"),
    bulk("hash_indexing_failures"), bulk("1.0e+03"),
    bulk("indexing"), bulk("0"),
});

TEST(IndexInfo, Resp2FlatArraysWithBareFlagsAmongThePairs) {
  ParsedReply reply(kResp2Info);
  const IndexInfo info = parse_index_info(reply.root(), "idx");
  EXPECT_EQ(info.key_type, "HASH");
  EXPECT_EQ(info.prefixes, Strings{"user:"});
  EXPECT_FALSE(info.filter);
  ASSERT_EQ(info.attributes.size(), 3u);
  EXPECT_EQ(info.attributes[0].name, "name");
  EXPECT_EQ(info.attributes[0].type, "TEXT");
  EXPECT_EQ(info.attributes[0].flags, Strings{"SORTABLE"});
  EXPECT_FALSE(info.attributes[0].separator);
  EXPECT_EQ(info.attributes[1].identifier, "tags");
  EXPECT_EQ(info.attributes[1].separator, ",");
  EXPECT_EQ(info.attributes[1].flags, Strings{"CASESENSITIVE"});
  EXPECT_EQ(info.attributes[2].flags, (Strings{"SORTABLE", "UNF"}));
  EXPECT_EQ(info.num_docs, 3);
  EXPECT_EQ(info.hash_indexing_failures, 1000);  // "1.0e+03"
  EXPECT_FALSE(info.indexing);
  EXPECT_FALSE(info.stopwords);  // not listed: the server's defaults
  EXPECT_TRUE(info.index_options.empty());
  EXPECT_EQ(info.default_language, "english");
  EXPECT_FALSE(info.language_field);
  EXPECT_FALSE(info.min_prefix);
}

// FT.CREATE idx ON JSON PREFIX 2 a: b: FILTER '@n > 1' LANGUAGE German LANGUAGE_FIELD $.lang
// NOOFFSETS STOPWORDS 2 Foo bar SCHEMA $.t AS t TAG INDEXMISSING $.n AS n NUMERIC NOINDEX SORTABLE,
// then FT.INFO idx under RESP3 (counters as integers and doubles).
const std::string kResp3Info = map({
    bulk("index_name"), bulk("idx"),
    bulk("index_options"), array({bulk("noOffsets")}),
    bulk("index_definition"),
    map({bulk("key_type"), bulk("JSON"), bulk("prefixes"), array({bulk("a:"), bulk("b:")}), bulk("filter"),
         bulk("@n > 1"), bulk("default_language"), bulk("German"), bulk("language_field"), bulk("$.lang"),
         bulk("default_score"), dbl("1")}),
    bulk("attributes"),
    array({
        map({bulk("identifier"), bulk("$.t"), bulk("attribute"), bulk("t"), bulk("type"), bulk("tag"),
             bulk("SEPARATOR"), bulk(""), bulk("flags"), array({bulk("indexmissing")})}),
        map({bulk("identifier"), bulk("$.n"), bulk("attribute"), bulk("n"), bulk("type"), bulk("NUMERIC"),
             bulk("flags"), array({bulk("SORTABLE"), bulk("NOINDEX")})}),
    }),
    bulk("num_docs"), integer(12),
    bulk("hash_indexing_failures"), dbl("2"),
    bulk("indexing"), dbl("1"),
    bulk("stopwords_list"), array({bulk("Foo"), bulk("bar")}),
});

TEST(IndexInfo, Resp3MapsWithAFlagsList) {
  ParsedReply reply(kResp3Info);
  const IndexInfo info = parse_index_info(reply.root(), "idx");
  EXPECT_EQ(info.key_type, "JSON");
  EXPECT_EQ(info.prefixes, (Strings{"a:", "b:"}));
  EXPECT_EQ(info.filter, "@n > 1");
  EXPECT_EQ(info.default_language, "german");
  EXPECT_EQ(info.language_field, "$.lang");
  EXPECT_EQ(info.index_options, Strings{"NOOFFSETS"});
  ASSERT_EQ(info.attributes.size(), 2u);
  EXPECT_EQ(info.attributes[0].name, "t");
  EXPECT_EQ(info.attributes[0].identifier, "$.t");
  EXPECT_EQ(info.attributes[0].type, "TAG");
  EXPECT_FALSE(info.attributes[0].separator);  // an empty separator: none
  EXPECT_EQ(info.attributes[0].flags, Strings{"INDEXMISSING"});
  EXPECT_EQ(info.attributes[1].flags, (Strings{"SORTABLE", "NOINDEX"}));
  EXPECT_EQ(info.num_docs, 12);
  EXPECT_EQ(info.hash_indexing_failures, 2);
  EXPECT_TRUE(info.indexing);
  ASSERT_TRUE(info.stopwords);
  EXPECT_EQ(*info.stopwords, (Strings{"foo", "bar"}));
}

TEST(IndexInfo, MissingOptionalEntriesKeepTheirDefaults) {
  ParsedReply bare(map({bulk("index_name"), bulk("idx")}));
  const IndexInfo info = parse_index_info(bare.root(), "idx");
  EXPECT_EQ(info.key_type, "HASH");
  EXPECT_EQ(info.prefixes, Strings{""});
  EXPECT_TRUE(info.attributes.empty());
  EXPECT_EQ(info.num_docs, 0);
  EXPECT_FALSE(info.indexing);
  EXPECT_FALSE(info.stopwords);

  // No prefixes listed: every key; STOPWORDS 0: an empty list, not the defaults.
  ParsedReply empty(array({bulk("index_definition"), array({bulk("key_type"), bulk("HASH"), bulk("prefixes"), array({})}),
                           bulk("stopwords_list"), array({})}));
  const IndexInfo emptied = parse_index_info(empty.root(), "idx");
  EXPECT_EQ(emptied.prefixes, Strings{""});
  ASSERT_TRUE(emptied.stopwords);
  EXPECT_TRUE(emptied.stopwords->empty());
}

TEST(IndexInfo, UnreadableRepliesNameTheIndex) {
  ParsedReply scalar("+OK\r\n");
  Error error = thrown_error([&] { parse_index_info(scalar.root(), "idx"); });
  EXPECT_EQ(error.kind(), ErrorKind::kProtocol);
  EXPECT_NE(std::string(error.what()).find("'idx'"), std::string::npos) << error.what();

  ParsedReply garbage(array({bulk("num_docs"), bulk("many")}));
  error = thrown_error([&] { parse_index_info(garbage.root(), "idx"); });
  EXPECT_EQ(error.kind(), ErrorKind::kProtocol);
  EXPECT_NE(std::string(error.what()).find("num_docs is not a number: 'many'"), std::string::npos) << error.what();
}

TEST(MinPrefix, EveryReplyShape) {
  ParsedReply resp2(array({array({bulk("MINPREFIX"), bulk("3")})}));
  EXPECT_EQ(parse_min_prefix(resp2.root()), 3);
  ParsedReply resp3(map({bulk("MINPREFIX"), bulk("4")}));
  EXPECT_EQ(parse_min_prefix(resp3.root()), 4);
  ParsedReply wrapped(map({bulk("MINPREFIX"), array({bulk("5")})}));
  EXPECT_EQ(parse_min_prefix(wrapped.root()), 5);
  ParsedReply flat(array({bulk("MINPREFIX"), integer(6)}));
  EXPECT_EQ(parse_min_prefix(flat.root()), 6);
}

TEST(MinPrefix, RefusedOrSilentKeepsTheDefault) {
  ParsedReply refused("-ERR unknown command 'FT.CONFIG'\r\n");
  EXPECT_FALSE(parse_min_prefix(refused.root()));
  ParsedReply empty(array({}));
  EXPECT_FALSE(parse_min_prefix(empty.root()));
  ParsedReply null_value(array({array({bulk("MINPREFIX"), "$-1\r\n"})}));
  EXPECT_FALSE(parse_min_prefix(null_value.root()));
  ParsedReply other(array({array({bulk("TIMEOUT"), bulk("500")})}));
  EXPECT_FALSE(parse_min_prefix(other.root()));
}

}  // namespace
}  // namespace polars_redis::read
