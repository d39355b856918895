#include "polars_redis/net/cluster_slot.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace polars_redis::net {

namespace {

constexpr std::array<uint16_t, 256> make_crc16_table() {
  std::array<uint16_t, 256> table{};
  for (int byte = 0; byte < 256; ++byte) {
    uint16_t crc = static_cast<uint16_t>(byte << 8);
    for (int bit = 0; bit < 8; ++bit) {
      crc = static_cast<uint16_t>((crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    table[byte] = crc;
  }
  return table;
}

constexpr std::array<uint16_t, 256> kCrc16Table = make_crc16_table();

}  // namespace

uint16_t crc16(std::string_view data) {
  uint16_t crc = 0;
  for (unsigned char c : data) {
    crc = static_cast<uint16_t>((crc << 8) ^ kCrc16Table[((crc >> 8) ^ c) & 0xff]);
  }
  return crc;
}

std::string_view hash_tag(std::string_view key) {
  const size_t open = key.find('{');
  if (open == std::string_view::npos) return key;
  const size_t close = key.find('}', open + 1);
  if (close == std::string_view::npos || close == open + 1) return key;
  return key.substr(open + 1, close - open - 1);
}

int key_slot(std::string_view key) { return crc16(hash_tag(key)) & (kClusterSlots - 1); }

SlotRanges normalize_slot_ranges(SlotRanges ranges) {
  std::sort(ranges.begin(), ranges.end());
  SlotRanges merged;
  for (const auto& [low, high] : ranges) {
    if (!merged.empty() && low <= merged.back().second + 1) {
      merged.back().second = std::max(merged.back().second, high);
    } else {
      merged.emplace_back(low, high);
    }
  }
  return merged;
}

std::string format_slot_ranges(const SlotRanges& ranges) {
  std::string text;
  for (const auto& [low, high] : normalize_slot_ranges(ranges)) {
    if (!text.empty()) text += ',';
    text += std::to_string(low);
    if (high != low) text += '-' + std::to_string(high);
  }
  return text;
}

namespace {

std::optional<int> parse_slot(std::string_view text) {
  int slot = -1;
  const char* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, slot);
  if (text.empty() || error != std::errc() || ptr != end || slot < 0 || slot >= kClusterSlots) return std::nullopt;
  return slot;
}

}  // namespace

std::optional<SlotRanges> parse_slot_ranges(std::string_view text) {
  SlotRanges ranges;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (comma != std::string_view::npos && text.empty()) return std::nullopt;  // a trailing comma
    const size_t dash = item.find('-');
    const std::optional<int> low = parse_slot(item.substr(0, dash));
    const std::optional<int> high = dash == std::string_view::npos ? low : parse_slot(item.substr(dash + 1));
    if (!low || !high || *low > *high) return std::nullopt;
    ranges.emplace_back(*low, *high);
  }
  if (ranges.empty()) return std::nullopt;
  return normalize_slot_ranges(std::move(ranges));
}

}  // namespace polars_redis::net
