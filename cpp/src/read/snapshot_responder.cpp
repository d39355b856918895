#include "polars_redis/read/snapshot_responder.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>

#include "polars_redis/convert/text_codecs.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/json/json_text.hpp"

namespace polars_redis::read {

namespace {

using rdb::ValueType;

// `<prefix><number>\r\n`, the head of most replies.
void header(std::string& out, char prefix, int64_t value) {
  char text[24];
  out += prefix;
  out.append(text, std::to_chars(text, text + sizeof text, value).ptr);
  out += "\r\n";
}
void integer(std::string& out, int64_t value) { header(out, ':', value); }
void bulk(std::string& out, std::string_view text) {
  header(out, '$', static_cast<int64_t>(text.size()));
  out += text;
  out += "\r\n";
}
void nil(std::string& out) { out += "_\r\n"; }
void array(std::string& out, size_t n) { header(out, '*', static_cast<int64_t>(n)); }
void dbl(std::string& out, double value) {
  out += ',';
  if (std::isinf(value)) {
    out += value > 0 ? "inf" : "-inf";
  } else {
    char text[32];
    out.append(text, std::to_chars(text, text + sizeof text, value).ptr);
  }
  out += "\r\n";
}
void wrong_type(std::string& out) { out += "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"; }

int64_t to_int(std::string_view text) {
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// An LRANGE / ZRANGE index pair resolved against `size` as Redis does (negative from the end).
std::pair<size_t, size_t> index_range(std::string_view start_text, std::string_view stop_text, size_t size) {
  const auto n = static_cast<int64_t>(size);
  int64_t start = to_int(start_text), stop = to_int(stop_text);
  if (start < 0) start = std::max<int64_t>(n + start, 0);
  if (stop < 0) stop = n + stop;
  stop = std::min(stop, n - 1);
  if (start > stop || start >= n) return {0, 0};
  return {static_cast<size_t>(start), static_cast<size_t>(stop + 1)};
}

// A ZRANGEBYSCORE bound: "(1.5" is exclusive; "-inf", "+inf".
struct Bound {
  double value;
  bool exclusive;
};
Bound bound(std::string_view text) {
  Bound b{0, false};
  if (!text.empty() && text.front() == '(') {
    b.exclusive = true;
    text.remove_prefix(1);
  }
  if (text == "-inf") b.value = -std::numeric_limits<double>::infinity();
  else if (text == "+inf" || text == "inf") b.value = std::numeric_limits<double>::infinity();
  else b.value = convert::parse_double(text).value_or(0);
  return b;
}
bool above(double score, Bound lo) { return lo.exclusive ? score > lo.value : score >= lo.value; }
bool below(double score, Bound hi) { return hi.exclusive ? score < hi.value : score <= hi.value; }

// An XRANGE bound: "-" / "+", "<ms>" (completed to <ms>-0 as a start, <ms>-<max> as an end),
// "<ms>-<seq>", each optionally "(" for exclusive.
struct StreamBound {
  std::pair<uint64_t, uint64_t> id;
  bool exclusive = false;
};
StreamBound stream_bound(std::string_view text, bool is_start) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  if (text == "-") return {{0, 0}, false};
  if (text == "+") return {{kMax, kMax}, false};
  StreamBound bound;
  if (!text.empty() && text.front() == '(') {
    bound.exclusive = true;
    text.remove_prefix(1);
  }
  auto number = [&](std::string_view part, uint64_t& out) {
    const auto result = std::from_chars(part.data(), part.data() + part.size(), out);
    if (result.ec != std::errc() || result.ptr != part.data() + part.size()) {
      throw Error(ErrorKind::kInvalidArgument, "invalid stream ID '" + quote_for_message(text) + "'");
    }
  };
  const size_t dash = text.find('-');
  number(text.substr(0, dash), bound.id.first);
  bound.id.second = is_start ? 0 : kMax;
  if (dash != std::string_view::npos) number(text.substr(dash + 1), bound.id.second);
  return bound;
}

bool is(std::string_view arg, std::string_view name) {
  return arg.size() == name.size() && std::equal(arg.begin(), arg.end(), name.begin(), [](char a, char b) {
           return std::toupper(static_cast<unsigned char>(a)) == b;
         });
}

}  // namespace

void SnapshotResponder::answer(std::string_view commands, const rdb::Record& record, int64_t now_ms, std::string& out) {
  sorted_for_ = nullptr;
  size_t pos = 0;
  while (pos < commands.size()) {
    parser_.reset();
    if (parser_.feed(commands.data() + pos, commands.size() - pos) != resp::ReplyParser::Status::kComplete) {
      throw Error(ErrorKind::kProtocol, "an incomplete command was queued for a snapshot key");
    }
    const resp::NodeView root = parser_.reply(commands.data() + pos).root();
    args_.clear();
    auto arg = root.first_child();
    for (size_t i = 0; i < root.size(); ++i, arg = arg.next_sibling()) args_.push_back(arg.str());
    pos += parser_.consumed();
    answer_one(args_, record, now_ms, out);
  }
}

void SnapshotResponder::sort_zset(const rdb::Value& value) {
  if (sorted_for_ == &value) return;
  // A skiplist is saved from the highest score down; listpacks in order: sort to be sure.
  zset_order_.resize(value.size);
  std::iota(zset_order_.begin(), zset_order_.end(), size_t{0});
  std::sort(zset_order_.begin(), zset_order_.end(), [&](size_t a, size_t b) {
    if (value.scores[a] != value.scores[b]) return value.scores[a] < value.scores[b];
    return value.item(a) < value.item(b);
  });
  sorted_for_ = &value;
}

void SnapshotResponder::answer_one(const std::vector<std::string_view>& args, const rdb::Record& record,
                                   int64_t now_ms, std::string& out) {
  if (args.empty()) throw Error(ErrorKind::kProtocol, "an empty command was queued for a snapshot key");
  const std::string_view command = args[0];
  const rdb::Value& value = record.value;
  auto wants = [&](ValueType type) {
    if (value.type == type) return true;
    wrong_type(out);
    return false;
  };
  if (is(command, "TTL")) {
    if (record.expire_ms < 0) return integer(out, -1);
    // Redis rounds the remaining milliseconds to the nearest second.
    return integer(out, std::max<int64_t>(0, (record.expire_ms - now_ms + 500) / 1000));
  }
  if (is(command, "EXISTS")) return integer(out, 1);
  if (is(command, "GET")) {
    if (wants(ValueType::kString)) bulk(out, value.item(0));
    return;
  }
  if (is(command, "MGET")) {
    array(out, args.size() - 1);
    for (size_t i = 1; i < args.size(); ++i) {
      if (value.type == ValueType::kString) bulk(out, value.item(0));
      else nil(out);
    }
    return;
  }
  if (is(command, "HGETALL")) {
    if (!wants(ValueType::kHash)) return;
    array(out, value.size);
    for (size_t i = 0; i < value.size; ++i) bulk(out, value.item(i));
    return;
  }
  if (is(command, "HMGET")) {
    if (!wants(ValueType::kHash)) return;
    array(out, args.size() - 2);
    for (size_t a = 2; a < args.size(); ++a) {
      bool found = false;
      for (size_t i = 0; i + 1 < value.size; i += 2) {
        if (value.item(i) == args[a]) {
          bulk(out, value.item(i + 1));
          found = true;
          break;
        }
      }
      if (!found) nil(out);
    }
    return;
  }
  if (is(command, "SCARD")) {
    if (wants(ValueType::kSet)) integer(out, static_cast<int64_t>(value.size));
    return;
  }
  if (is(command, "SSCAN")) {
    if (!wants(ValueType::kSet)) return;
    array(out, 2);
    bulk(out, "0");  // everything in one page
    array(out, value.size);
    for (size_t i = 0; i < value.size; ++i) bulk(out, value.item(i));
    return;
  }
  if (is(command, "LLEN")) {
    if (wants(ValueType::kList)) integer(out, static_cast<int64_t>(value.size));
    return;
  }
  if (is(command, "LRANGE") && args.size() == 4) {
    if (!wants(ValueType::kList)) return;
    const auto [first, last] = index_range(args[2], args[3], value.size);
    array(out, last - first);
    for (size_t i = first; i < last; ++i) bulk(out, value.item(i));
    return;
  }
  if (is(command, "ZCOUNT") && args.size() == 4) {
    if (!wants(ValueType::kZset)) return;
    const Bound lo = bound(args[2]), hi = bound(args[3]);
    integer(out, std::count_if(value.scores.begin(), value.scores.end(),
                               [&](double score) { return above(score, lo) && below(score, hi); }));
    return;
  }
  if (is(command, "ZRANGE") && args.size() >= 4) {
    if (!wants(ValueType::kZset)) return;
    sort_zset(value);
    bool by_score = false;
    int64_t offset = 0, count = -1;
    for (size_t a = 4; a < args.size(); ++a) {
      if (is(args[a], "BYSCORE")) by_score = true;
      if (is(args[a], "LIMIT") && a + 2 < args.size()) {
        offset = to_int(args[a + 1]);
        count = to_int(args[a + 2]);
        a += 2;
      }
    }
    std::vector<size_t> picked;
    if (by_score) {
      const Bound lo = bound(args[2]), hi = bound(args[3]);
      for (size_t i : zset_order_) {
        if (!above(value.scores[i], lo) || !below(value.scores[i], hi)) continue;
        if (offset > 0) {
          --offset;
          continue;
        }
        if (count >= 0 && static_cast<int64_t>(picked.size()) >= count) break;
        picked.push_back(i);
      }
    } else {
      const auto [first, last] = index_range(args[2], args[3], value.size);
      for (size_t r = first; r < last; ++r) picked.push_back(zset_order_[r]);
    }
    array(out, picked.size());
    for (size_t i : picked) {  // RESP3 WITHSCORES: [member, score] pairs
      array(out, 2);
      bulk(out, value.item(i));
      dbl(out, value.scores[i]);
    }
    return;
  }
  if (is(command, "XRANGE") && args.size() >= 4) {
    if (!wants(ValueType::kStream)) return;
    const StreamBound start = stream_bound(args[2], true), end = stream_bound(args[3], false);
    int64_t count = std::numeric_limits<int64_t>::max();
    if (args.size() == 6 && is(args[4], "COUNT")) count = to_int(args[5]);
    std::vector<const rdb::StreamEntry*> picked;
    for (const rdb::StreamEntry& entry : value.entries) {
      if (static_cast<int64_t>(picked.size()) >= count) break;
      const std::pair<uint64_t, uint64_t> id{entry.ms, entry.seq};
      const bool after = start.exclusive ? id > start.id : id >= start.id;
      const bool before = end.exclusive ? id < end.id : id <= end.id;
      if (after && before) picked.push_back(&entry);
    }
    array(out, picked.size());  // [[id, [field, value, ...]], ...]
    for (const rdb::StreamEntry* entry : picked) {
      array(out, 2);
      bulk(out, std::to_string(entry->ms) + "-" + std::to_string(entry->seq));
      array(out, 2 * entry->fields);
      for (size_t f = 0; f < 2 * entry->fields; ++f) bulk(out, value.item(entry->first + f));
    }
    return;
  }
  // What JSON.GET answers for one path: `[<match>,...]`, the whole document for `$`.
  auto matches = [&](std::string_view path, std::string& text) {
    text += '[';
    if (path == "$") {
      text.append(value.item(0));
    } else {
      bool first = true;
      for (std::string_view match : selector(path).select(value.item(0))) {
        if (!first) text += ',';
        text.append(match);
        first = false;
      }
    }
    text += ']';
  };
  const bool json = value.type == ValueType::kJson;
  if (is(command, "JSON.GET") && args.size() >= 3) {
    if (!json) return nil(out);
    json_scratch_.clear();
    if (args.size() == 3) {
      matches(args[2], json_scratch_);
    } else {  // several paths: `{"<path>": [<match>,...], ...}`
      json_scratch_ += '{';
      for (size_t i = 2; i < args.size(); ++i) {
        if (i > 2) json_scratch_ += ',';
        json::append_json_string(args[i], json_scratch_);
        json_scratch_ += ':';
        matches(args[i], json_scratch_);
      }
      json_scratch_ += '}';
    }
    return bulk(out, json_scratch_);
  }
  if (is(command, "JSON.MGET") && args.size() >= 3) {  // one key here, the path last
    array(out, args.size() - 2);
    for (size_t i = 2; i < args.size(); ++i) {
      if (!json) {
        nil(out);
        continue;
      }
      json_scratch_.clear();
      matches(args.back(), json_scratch_);
      bulk(out, json_scratch_);
    }
    return;
  }
  throw Error(ErrorKind::kInvalidArgument,
              "a snapshot cannot answer " + std::string(command) + " with these arguments (" + std::to_string(args.size() - 1) + ")");
}

const json::PathSelector& SnapshotResponder::selector(std::string_view path) {
  for (const auto& [text, compiled] : selectors_) {
    if (text == path) return compiled;
  }
  return selectors_.emplace_back(std::string(path), json::PathSelector(path)).second;
}

}  // namespace polars_redis::read
