#pragma once
// What FT.INFO (and FT.CONFIG GET MINPREFIX) tell about a RediSearch index, in either protocol:
//   RESP3: {index_definition: {key_type: HASH, prefixes: [...], ...}, attributes: [{identifier: ...,
//           attribute: ..., type: ..., flags: [SORTABLE, ...]}, ...], num_docs: 3, ...}
//   RESP2: the same as flat [name, value, ...] arrays, with an attribute's flags as bare words
//          among its name/value pairs ([identifier, $.a, attribute, a, type, TAG, SEPARATOR, ",", SORTABLE])
// Counters come as integers, doubles or decimal text ("1.0e+03"), read as whole numbers.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "polars_redis/net/url.hpp"
#include "polars_redis/resp/parser.hpp"

namespace polars_redis::read {

struct IndexAttribute {
  std::string name;        // what a query writes after @
  std::string identifier;  // the hash field, or the JSONPath of a JSON index
  std::string type;        // TEXT, TAG, NUMERIC, GEO, GEOSHAPE, VECTOR (upper case)
  std::optional<std::string> separator;  // TAG only; none when not given (or empty)
  std::vector<std::string> flags;        // SORTABLE, UNF, NOINDEX, CASESENSITIVE, ... (upper case)
};

struct IndexInfo {
  std::string key_type = "HASH";                // HASH or JSON (upper case)
  std::vector<std::string> prefixes{""};        // [""] when the definition gives none
  std::optional<std::string> filter;
  std::vector<IndexAttribute> attributes;
  int64_t num_docs = 0;
  int64_t hash_indexing_failures = 0;
  bool indexing = false;
  std::optional<std::vector<std::string>> stopwords;  // lower case; none: the server's defaults
  std::vector<std::string> index_options;             // upper case
  std::string default_language = "english";           // lower case
  std::optional<std::string> language_field;
  std::optional<int64_t> min_prefix;                  // none: FT.CONFIG refused or silent
};

// Parses an FT.INFO reply (min_prefix left unset). Throws Error(kProtocol) naming `index` for
// a reply that is not a map or a flat array.
IndexInfo parse_index_info(const resp::NodeView& reply, const std::string& index);

// MINPREFIX from an FT.CONFIG GET MINPREFIX reply: RESP2 [[MINPREFIX, "2"]], RESP3
// {MINPREFIX: "2"} (or a list holding the value); none for an error reply or no value.
std::optional<int64_t> parse_min_prefix(const resp::NodeView& reply);

// FT.INFO and FT.CONFIG GET MINPREFIX of index `name`. On a single server (the URL's primary),
// a missing index is Error(kInvalidArgument) "RediSearch index '<name>' does not exist (FT.INFO:
// ...)"; on a Redis Cluster every shard's index is read (see cluster_search_index.hpp): the
// definition and MINPREFIX are the first shard's, num_docs and failures summed, indexing when any
// shard is.
IndexInfo read_index_info(const net::ConnectionOptions& url, const std::string& name);

}  // namespace polars_redis::read
