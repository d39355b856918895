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

// Arguments encoded before their count is known (a row's HSET with only its non-null fields, or
// the same arguments reused as a script's ARGV).
class ArgumentList {
 public:
  ArgumentList& arg(std::string_view value);
  ArgumentList& arg(int64_t value);
  // Appends every argument of `other`.
  ArgumentList& append(const ArgumentList& other);
  size_t size() const { return size_; }
  // The length of the longest argument (a server refuses one above its proto-max-bulk-len).
  size_t largest() const { return largest_; }
  // The arguments as consecutive RESP bulk strings.
  const std::string& encoded() const { return encoded_; }
  void clear();
  // Appends one complete command made of these arguments.
  void append_command_to(std::string& out) const;

 private:
  std::string encoded_;
  size_t size_ = 0;
  size_t largest_ = 0;
};

}  // namespace polars_redis::resp
