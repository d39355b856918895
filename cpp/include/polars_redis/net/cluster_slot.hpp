#pragma once
// Redis Cluster hash slots: CRC16/XMODEM of the key (or of its hash tag) modulo 16384.
#include <cstdint>
#include <string_view>

namespace polars_redis::net {

inline constexpr int kClusterSlots = 16384;

// CRC16/XMODEM (polynomial 0x1021, initial value 0), the checksum Redis Cluster uses.
uint16_t crc16(std::string_view data);

// The part of `key` that is hashed: the text between the first '{' and the first '}' after it,
// when that text is non-empty; otherwise the whole key (exactly Redis' keyHashSlot rules).
std::string_view hash_tag(std::string_view key);

// The slot of `key`: crc16(hash_tag(key)) mod 16384.
int key_slot(std::string_view key);

}  // namespace polars_redis::net
