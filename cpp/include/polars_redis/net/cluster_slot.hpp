#pragma once
// Redis Cluster hash slots: CRC16/XMODEM of the key (or of its hash tag) modulo 16384.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace polars_redis::net {

inline constexpr int kClusterSlots = 16384;

// CRC16/XMODEM (polynomial 0x1021, initial value 0), the checksum Redis Cluster uses.
uint16_t crc16(std::string_view data);

// The part of `key` that is hashed: the text between the first '{' and the first '}' after it,
// when that text is non-empty; otherwise the whole key (exactly Redis' keyHashSlot rules).
std::string_view hash_tag(std::string_view key);

// The slot of `key`: crc16(hash_tag(key)) mod 16384.
int key_slot(std::string_view key);

// Inclusive slot ranges, e.g. a shard's.
using SlotRanges = std::vector<std::pair<int, int>>;

// Sorted, with overlapping and adjacent ranges merged: two lists cover the same slots exactly
// when their normal forms are equal (CLUSTER SLOTS may split one shard's range in several).
SlotRanges normalize_slot_ranges(SlotRanges ranges);

// "0-5460,5461-10922" (a range) or "7" (one slot), comma-separated, normalized.
std::string format_slot_ranges(const SlotRanges& ranges);
// The ranges format_slot_ranges() writes, normalized; nullopt when `text` is malformed, empty
// or names a slot outside 0..16383.
std::optional<SlotRanges> parse_slot_ranges(std::string_view text);

}  // namespace polars_redis::net
