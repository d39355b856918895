#include "polars_redis/read/index_info.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "polars_redis/error.hpp"
#include "polars_redis/net/connection.hpp"
#include "polars_redis/net/connection_pool.hpp"
#include "polars_redis/read/cluster_search_index.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::read {

namespace {

using Entry = std::pair<std::string, resp::NodeView>;

// The flags RediSearch lists as bare words among an attribute's RESP2 name/value pairs.
constexpr std::string_view kFlags[] = {"SORTABLE", "UNF",         "NOSTEM",     "NOINDEX",  "CASESENSITIVE",
                                       "WITHSUFFIXTRIE", "INDEXMISSING", "INDEXEMPTY", "PHONETIC"};

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// A scalar as text: strings as they are, numbers in decimal.
std::string text_of(const resp::NodeView& node) {
  switch (node.type()) {
    case resp::Type::kInteger:
      return std::to_string(node.integer());
    case resp::Type::kDouble: {
      char buffer[64];
      auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, node.dbl());
      return ec == std::errc() ? std::string(buffer, end) : std::string();
    }
    case resp::Type::kBoolean:
      return node.boolean() ? "1" : "0";
    default:
      return std::string(node.str());
  }
}

// A counter as a whole number: an integer, a double or decimal text ("12", "1.0e+03"),
// truncated towards zero.
int64_t whole_number(const resp::NodeView& node, std::string_view what, const std::string& index) {
  switch (node.type()) {
    case resp::Type::kInteger:
      return node.integer();
    case resp::Type::kDouble:
      return static_cast<int64_t>(node.dbl());
    case resp::Type::kBoolean:
      return node.boolean() ? 1 : 0;
    default:
      break;
  }
  if (node.is_string()) {
    const std::string text(node.str());
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (!text.empty() && end == text.c_str() + text.size() && std::isfinite(value)) return static_cast<int64_t>(value);
  }
  throw Error(ErrorKind::kProtocol, "FT.INFO of index '" + quote_for_message(index) + "': " + std::string(what) +
                                        " is not a number: '" + quote_for_message(text_of(node)) + "'");
}

// The entries of a RESP3 map or a RESP2 flat [name, value, ...] array; none for anything else.
std::vector<Entry> entries_of(const resp::NodeView& pairs) {
  std::vector<Entry> entries;
  if (!pairs.is_aggregate()) return entries;
  const size_t n = pairs.type() == resp::Type::kMap ? 2 * pairs.size() : pairs.size();
  auto node = pairs.first_child();
  for (size_t i = 0; i + 1 < n; i += 2) {
    auto value = node.next_sibling();
    entries.emplace_back(text_of(node), value);
    node = value.next_sibling();
  }
  return entries;
}

// The value of `name`, if present and not null.
std::optional<resp::NodeView> value_of(const std::vector<Entry>& entries, std::string_view name) {
  for (const auto& [key, value] : entries) {
    if (key != name) continue;
    if (value.is_null()) return std::nullopt;
    return value;
  }
  return std::nullopt;
}

// The elements of a list as text; none unless `node` is a list.
std::vector<std::string> texts_of(const resp::NodeView& node) {
  std::vector<std::string> items;
  if (!node.is_aggregate()) return items;
  const size_t n = node.type() == resp::Type::kMap ? 2 * node.size() : node.size();
  auto item = node.first_child();
  for (size_t i = 0; i < n; ++i, item = item.next_sibling()) items.push_back(text_of(item));
  return items;
}

// The text of an optional entry; none when absent or empty.
std::optional<std::string> non_empty(const std::vector<Entry>& entries, std::string_view name) {
  auto value = value_of(entries, name);
  if (!value) return std::nullopt;
  std::string text = text_of(*value);
  if (text.empty()) return std::nullopt;
  return text;
}

bool is_flag(const std::string& word) {
  return std::find(std::begin(kFlags), std::end(kFlags), upper(word)) != std::end(kFlags);
}

IndexAttribute parse_attribute(const resp::NodeView& raw) {
  std::vector<Entry> entries;
  IndexAttribute attribute;
  if (raw.type() == resp::Type::kMap) {
    entries = entries_of(raw);
    if (auto flags = value_of(entries, "flags")) {
      for (std::string& flag : texts_of(*flags)) attribute.flags.push_back(upper(std::move(flag)));
    }
  } else if (raw.is_aggregate()) {  // RESP2: name/value pairs with bare flag words in between
    const size_t n = raw.size();
    auto node = raw.first_child();
    for (size_t i = 0; i < n;) {
      std::string word = text_of(node);
      if (is_flag(word)) {
        attribute.flags.push_back(upper(std::move(word)));
        node = node.next_sibling();
        i += 1;
      } else if (i + 1 < n) {
        auto value = node.next_sibling();
        entries.emplace_back(std::move(word), value);
        node = value.next_sibling();
        i += 2;
      } else {
        break;  // a trailing name without its value
      }
    }
  }
  if (auto value = value_of(entries, "attribute")) attribute.name = text_of(*value);
  if (auto value = value_of(entries, "identifier")) attribute.identifier = text_of(*value);
  if (auto value = value_of(entries, "type")) attribute.type = upper(text_of(*value));
  attribute.separator = non_empty(entries, "SEPARATOR");
  return attribute;
}

}  // namespace

IndexInfo parse_index_info(const resp::NodeView& reply, const std::string& index) {
  if (!reply.is_aggregate()) {
    throw Error(ErrorKind::kProtocol, "FT.INFO of index '" + quote_for_message(index) + "': unexpected reply");
  }
  const std::vector<Entry> entries = entries_of(reply);
  IndexInfo info;
  if (auto definition_node = value_of(entries, "index_definition")) {
    const std::vector<Entry> definition = entries_of(*definition_node);
    if (auto key_type = non_empty(definition, "key_type")) info.key_type = upper(*key_type);
    if (auto prefixes = value_of(definition, "prefixes")) {
      std::vector<std::string> listed = texts_of(*prefixes);
      if (!listed.empty()) info.prefixes = std::move(listed);
    }
    info.filter = non_empty(definition, "filter");
    if (auto language = non_empty(definition, "default_language")) info.default_language = lower(*language);
    info.language_field = non_empty(definition, "language_field");
  }
  if (auto attributes = value_of(entries, "attributes"); attributes && attributes->is_aggregate()) {
    auto item = attributes->first_child();
    for (size_t i = 0, n = attributes->size(); i < n; ++i, item = item.next_sibling()) {
      info.attributes.push_back(parse_attribute(item));
    }
  }
  if (auto value = value_of(entries, "num_docs")) info.num_docs = whole_number(*value, "num_docs", index);
  if (auto value = value_of(entries, "hash_indexing_failures")) {
    info.hash_indexing_failures = whole_number(*value, "hash_indexing_failures", index);
  }
  if (auto value = value_of(entries, "indexing")) info.indexing = whole_number(*value, "indexing", index) != 0;
  if (auto value = value_of(entries, "stopwords_list")) {
    info.stopwords.emplace();
    for (std::string& word : texts_of(*value)) info.stopwords->push_back(lower(std::move(word)));
  }
  if (auto value = value_of(entries, "index_options")) {
    for (std::string& option : texts_of(*value)) info.index_options.push_back(upper(std::move(option)));
  }
  return info;
}

std::optional<int64_t> parse_min_prefix(const resp::NodeView& reply) {
  if (reply.is_error() || !reply.is_aggregate() || reply.size() == 0) return std::nullopt;
  std::optional<resp::NodeView> value;
  if (reply.type() == resp::Type::kMap) {
    value = value_of(entries_of(reply), "MINPREFIX");
  } else if (reply.first_child().is_aggregate()) {  // RESP2: [[MINPREFIX, value], ...]
    auto pair = reply.first_child();
    for (size_t i = 0, n = reply.size(); i < n && !value; ++i, pair = pair.next_sibling()) {
      value = value_of(entries_of(pair), "MINPREFIX");
    }
  } else {
    value = value_of(entries_of(reply), "MINPREFIX");
  }
  // A value may come wrapped, [value] or [[name, value]]: its last element.
  while (value && value->is_aggregate()) {
    const size_t n = value->type() == resp::Type::kMap ? 2 * value->size() : value->size();
    if (n == 0) return std::nullopt;
    value = value->child(n - 1);
  }
  if (!value || value->is_null()) return std::nullopt;
  const std::string text = text_of(*value);
  int64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return number;
}

namespace {

// FT.INFO and FT.CONFIG GET MINPREFIX, pipelined on one connection to `node`.
IndexInfo read_on_node(const net::ConnectionOptions& node, const std::string& physical, const std::string& name) {
  auto connection = net::acquire(node);
  resp::ArgumentList info_command, config_command;
  info_command.arg("FT.INFO").arg(physical);
  config_command.arg("FT.CONFIG").arg("GET").arg("MINPREFIX");
  info_command.append_command_to(connection->out_buffer());
  config_command.append_command_to(connection->out_buffer());
  std::optional<IndexInfo> info;
  std::string error;
  {
    resp::Reply reply = connection->read_reply();
    if (reply.root().is_error()) {
      error.assign(reply.root().str());
    } else {
      info = parse_index_info(reply.root(), name);
    }
  }
  // Managed servers may refuse FT.CONFIG: then the default applies.
  const std::optional<int64_t> min_prefix = parse_min_prefix(connection->read_reply().root());
  if (!info) {
    const std::string failed = "FT.INFO failed on index '" + quote_for_message(physical) + "': " + error;
    std::string lowered = lower(error);
    if (lowered.find("unknown index") != std::string::npos || lowered.find("no such index") != std::string::npos) {
      throw Error(ErrorKind::kInvalidArgument,
                  "RediSearch index '" + quote_for_message(name) + "' does not exist (FT.INFO: " + failed + ")");
    }
    throw Error(net::is_authentication_error(error) ? ErrorKind::kAuthentication : ErrorKind::kResponse, failed);
  }
  info->min_prefix = min_prefix;
  return std::move(*info);
}

}  // namespace

IndexInfo read_index_info(const net::ConnectionOptions& url, const std::string& name) {
  std::optional<IndexInfo> combined;
  for (const ShardIndex& shard : search_index_nodes(url, name)) {
    IndexInfo info = read_on_node(shard.node, shard.name, name);
    if (!combined) {
      combined = std::move(info);
      continue;
    }
    combined->num_docs += info.num_docs;
    combined->hash_indexing_failures += info.hash_indexing_failures;
    combined->indexing = combined->indexing || info.indexing;
  }
  if (!combined) throw Error(ErrorKind::kConnection, "no Redis Cluster shard serves index '" + quote_for_message(name) + "'");
  return std::move(*combined);
}

}  // namespace polars_redis::read
