#pragma once
// RESP command encoding: every command is an array of bulk strings, appended to an output buffer.
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace polars_redis::resp {

// Appends `*<n>\r\n` then one bulk string per argument.
void append_command(std::string& out, std::span<const std::string_view> args);
void append_command(std::string& out, std::initializer_list<std::string_view> args);

// Incremental form for commands whose argument count is known up front (HMGET key f1 f2 ...).
class CommandWriter {
 public:
  CommandWriter(std::string& out, size_t argc);
  CommandWriter& arg(std::string_view value);
  CommandWriter& arg(int64_t value);
  CommandWriter& arg(double value);  // shortest round-trip text

 private:
  std::string& out_;
};

}  // namespace polars_redis::resp
