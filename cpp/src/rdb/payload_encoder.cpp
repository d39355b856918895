#include "polars_redis/rdb/payload_encoder.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

#include "polars_redis/rdb/format.hpp"
#include "polars_redis/rdb/intset_writer.hpp"
#include "polars_redis/rdb/payload_writer.hpp"
#include "polars_redis/rdb/score_text.hpp"

namespace polars_redis::rdb {

namespace {

void begin(std::string& out, ObjectType type) {
  out.clear();
  out.push_back(static_cast<char>(type));
}

size_t longest(std::span<const std::string_view> items) {
  size_t n = 0;
  for (auto item : items) n = std::max(n, item.size());
  return n;
}

// Quicklist node capacity (quicklist.c of Redis 7.0): a negative fill caps a node's bytes at
// 4 KiB << (-fill - 1), a positive one its entries (within an 8 KiB safety limit). Each element
// is estimated at its length plus 8 bytes, as the server estimates it.
bool node_has_room(const ListpackWriter& node, size_t element_size, int64_t fill) {
  if (node.count() == 0) return true;
  const size_t estimated = node.bytes() + element_size + 8;
  if (fill < 0) return estimated <= (size_t{4096} << (std::min<int64_t>(-fill, 5) - 1));
  return estimated <= 8192 && node.count() < static_cast<uint64_t>(fill);
}

}  // namespace

PayloadEncoder::PayloadEncoder(int rdb_version, EncodingLimits limits) : rdb_version_(rdb_version), limits_(limits) {
  if (rdb_version < 10 || rdb_version > kMaxVersion) {
    throw std::invalid_argument("RESTORE payloads are written for RDB versions 10 to " + std::to_string(kMaxVersion));
  }
}

void PayloadEncoder::listpack_value(ObjectType type, std::span<const std::string_view> items, std::string& out) {
  begin(out, type);
  listpack_.clear();
  for (auto item : items) listpack_.append(item);
  append_string(out, listpack_.finish());
}

void PayloadEncoder::plain_value(ObjectType type, uint64_t length, std::span<const std::string_view> items,
                                 std::string& out) {
  begin(out, type);
  append_length(out, length);
  for (auto item : items) append_string(out, item);
}

void PayloadEncoder::string(std::string_view value, std::string& out) {
  begin(out, ObjectType::kString);
  append_string(out, value);
  append_trailer(out, rdb_version_);
}

void PayloadEncoder::hash(std::span<const std::string_view> fields_and_values, std::string& out) {
  const size_t pairs = fields_and_values.size() / 2;
  if (static_cast<int64_t>(pairs) <= limits_.hash_max_listpack_entries &&
      static_cast<int64_t>(longest(fields_and_values)) <= limits_.hash_max_listpack_value) {
    listpack_value(ObjectType::kHashListpack, fields_and_values, out);
  } else {
    plain_value(ObjectType::kHash, pairs, fields_and_values, out);
  }
  append_trailer(out, rdb_version_);
}

void PayloadEncoder::hash_listpack(ListpackWriter& fields_and_values, std::string& out) {
  begin(out, ObjectType::kHashListpack);
  append_string(out, fields_and_values.finish());
  append_trailer(out, rdb_version_);
}

// The encoding SADD key m1 m2 ... leaves (t_set.c), replayed member by member: the first member
// and the member count choose the initial form (7.2 on; 7.0 has no set listpack and looks at the
// first member only), then each new member may convert it. SADD counts repeated members too,
// but the server's loader turns a small hash table back into an intset or listpack, so the
// distinct members count here.
void PayloadEncoder::set(std::vector<std::string_view>& members, std::string& out) {
  enum class Form { kIntset, kListpack, kTable };
  int64_t hint = 0;
  {
    std::unordered_map<std::string_view, bool> distinct;
    for (auto member : members) hint += distinct.emplace(member, true).second ? 1 : 0;
  }
  const bool listpacks = rdb_version_ >= 11;
  int64_t first = 0;
  const bool first_is_integer = canonical_int64(members.front(), first);
  Form form = first_is_integer && (!listpacks || hint <= limits_.set_max_intset_entries) ? Form::kIntset
              : listpacks && hint <= limits_.set_max_listpack_entries                    ? Form::kListpack
                                                                                         : Form::kTable;
  std::unordered_map<std::string_view, int64_t> seen;  // member -> its integer value, if any
  seen.reserve(members.size());
  size_t kept = 0;  // members[0, kept): distinct members in the form's order
  for (size_t i = 0; i < members.size(); ++i) {
    const std::string_view member = members[i];
    int64_t value = 0;
    const bool integer = canonical_int64(member, value);
    if (!seen.emplace(member, value).second) continue;
    const auto count = static_cast<int64_t>(kept);
    if (form == Form::kIntset && integer) {
      if (count + 1 > limits_.set_max_intset_entries) form = Form::kTable;
    } else if (form == Form::kIntset) {
      // The intset's members become listpack entries in ascending order, the new one after them.
      size_t widest = 0;
      for (size_t j = 0; j < kept; ++j) widest = std::max(widest, members[j].size());
      if (listpacks && count < limits_.set_max_listpack_entries &&
          static_cast<int64_t>(member.size()) <= limits_.set_max_listpack_value &&
          static_cast<int64_t>(widest) <= limits_.set_max_listpack_value) {
        std::sort(members.begin(), members.begin() + static_cast<std::ptrdiff_t>(kept),
                  [&](std::string_view a, std::string_view b) { return seen[a] < seen[b]; });
        form = Form::kListpack;
      } else {
        form = Form::kTable;
      }
    } else if (form == Form::kListpack) {
      if (count >= limits_.set_max_listpack_entries ||
          static_cast<int64_t>(member.size()) > limits_.set_max_listpack_value) {
        form = Form::kTable;
      }
    }
    members[kept++] = member;
  }
  members.resize(kept);
  if (form == Form::kIntset) {
    integers_.clear();
    for (auto member : members) integers_.push_back(seen[member]);
    begin(out, ObjectType::kSetIntset);
    text_.clear();
    append_intset(integers_, text_);
    append_string(out, text_);
  } else if (form == Form::kListpack) {
    listpack_value(ObjectType::kSetListpack, members, out);
  } else {
    plain_value(ObjectType::kSet, members.size(), members, out);
  }
  append_trailer(out, rdb_version_);
}

void PayloadEncoder::list(std::span<const std::string_view> elements, std::string& out) {
  begin(out, ObjectType::kListQuicklist2);
  // The node count comes first: nodes are built into `text_` and counted before.
  text_.clear();
  uint64_t nodes = 0;
  listpack_.clear();
  auto flush = [&] {
    append_length(text_, kQuicklistNodePacked);
    append_string(text_, listpack_.finish());
    listpack_.clear();
    ++nodes;
  };
  for (auto element : elements) {
    if (!node_has_room(listpack_, element.size(), limits_.list_max_listpack_size)) flush();
    listpack_.append(element);
  }
  if (listpack_.count() > 0) flush();
  append_length(out, nodes);
  out += text_;
  append_trailer(out, rdb_version_);
}

void PayloadEncoder::zset(std::vector<ScoredMember>& members, std::string& out) {
  {
    std::unordered_map<std::string_view, size_t> position;
    position.reserve(members.size());
    size_t kept = 0;
    for (size_t i = 0; i < members.size(); ++i) {
      auto [it, inserted] = position.emplace(members[i].member, kept);
      if (inserted) members[kept++] = members[i];
      else members[it->second].score = members[i].score;  // ZADD: the last score wins
    }
    members.resize(kept);
  }
  size_t longest_member = 0;
  for (const auto& m : members) longest_member = std::max(longest_member, m.member.size());
  // Distinct members decide, as the server's loader converts a small skiplist back to a listpack
  // (so a ZADD whose repeated members alone exceed the threshold cannot be mirrored).
  if (static_cast<int64_t>(members.size()) <= limits_.zset_max_listpack_entries &&
      static_cast<int64_t>(longest_member) <= limits_.zset_max_listpack_value) {
    // Ascending by score, then by member bytes: the listpack's order.
    std::sort(members.begin(), members.end(), [](const ScoredMember& a, const ScoredMember& b) {
      return a.score < b.score || (a.score == b.score && a.member < b.member);
    });
    begin(out, ObjectType::kZsetListpack);
    listpack_.clear();
    for (const auto& m : members) {
      listpack_.append(m.member);
      text_.clear();
      append_score_text(m.score, rdb_version_, text_);
      listpack_.append(text_);
    }
    append_string(out, listpack_.finish());
  } else {
    begin(out, ObjectType::kZset2);
    append_length(out, members.size());
    for (const auto& m : members) {
      append_string(out, m.member);
      append_binary_double(out, m.score);
    }
  }
  append_trailer(out, rdb_version_);
}

void PayloadEncoder::json(std::string_view document, std::string& out) {
  begin(out, ObjectType::kModule2);
  append_length(out, module_type_id(kRedisJsonModuleName, kRedisJsonEncodingVersion));
  out.push_back(static_cast<char>(ModuleOpcode::kString));
  append_string(out, document);
  out.push_back(static_cast<char>(ModuleOpcode::kEof));
  append_trailer(out, rdb_version_);
}

}  // namespace polars_redis::rdb
