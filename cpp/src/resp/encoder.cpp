#include "polars_redis/resp/encoder.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

namespace polars_redis::resp {
namespace {

// `<marker><n>\r\n`: the header of an array or of a bulk string.
void append_header(std::string& out, char marker, size_t n) {
  char buffer[24];
  buffer[0] = marker;
  char* last = std::to_chars(buffer + 1, buffer + sizeof(buffer) - 2, n).ptr;
  *last++ = '\r';
  *last++ = '\n';
  out.append(buffer, last);
}

void append_bulk(std::string& out, std::string_view value) {
  // Most arguments are short (field names, numbers): framed here and appended at once, as each
  // append costs a call whatever its size.
  constexpr size_t kShort = 96;
  if (value.size() <= kShort) {
    char buffer[kShort + 32];
    buffer[0] = '$';
    char* last = std::to_chars(buffer + 1, buffer + 8, value.size()).ptr;
    *last++ = '\r';
    *last++ = '\n';
    if (!value.empty()) std::memcpy(last, value.data(), value.size());
    last += value.size();
    *last++ = '\r';
    *last++ = '\n';
    out.append(buffer, last);
    return;
  }
  append_header(out, '$', value.size());
  out.append(value);
  out.append("\r\n", 2);
}

}  // namespace

void append_command(std::string& out, std::span<const std::string_view> args) {
  append_header(out, '*', args.size());
  for (std::string_view arg : args) append_bulk(out, arg);
}

void append_command(std::string& out, std::initializer_list<std::string_view> args) {
  append_command(out, std::span<const std::string_view>(args.begin(), args.size()));
}

CommandWriter::CommandWriter(std::string& out, size_t argc) : out_(out) {
  append_header(out_, '*', argc);
}

CommandWriter& CommandWriter::arg(std::string_view value) {
  append_bulk(out_, value);
  return *this;
}

CommandWriter& CommandWriter::arg(int64_t value) {
  char buffer[20];
  const char* last = std::to_chars(buffer, buffer + sizeof(buffer), value).ptr;
  append_bulk(out_, std::string_view(buffer, static_cast<size_t>(last - buffer)));
  return *this;
}

CommandWriter& CommandWriter::arg(double value) {
  // Shortest text that reads back as the same double; infinities come out as "inf"/"-inf",
  // which Redis accepts. NaN has no meaning to Redis, so its sign is not kept.
  if (std::isnan(value)) return arg(std::string_view("nan"));
  char buffer[32];
  const char* last = std::to_chars(buffer, buffer + sizeof(buffer), value).ptr;
  append_bulk(out_, std::string_view(buffer, static_cast<size_t>(last - buffer)));
  return *this;
}

ArgumentList& ArgumentList::arg(std::string_view value) {
  append_bulk(encoded_, value);
  ++size_;
  largest_ = std::max(largest_, value.size());
  return *this;
}

ArgumentList& ArgumentList::arg(int64_t value) {
  char buffer[20];
  const char* last = std::to_chars(buffer, buffer + sizeof(buffer), value).ptr;
  return arg(std::string_view(buffer, static_cast<size_t>(last - buffer)));
}

ArgumentList& ArgumentList::append(const ArgumentList& other) {
  encoded_.append(other.encoded_);
  size_ += other.size_;
  largest_ = std::max(largest_, other.largest_);
  return *this;
}

void ArgumentList::clear() {
  encoded_.clear();
  size_ = 0;
  largest_ = 0;
}

void ArgumentList::append_command_to(std::string& out) const {
  append_header(out, '*', size_);
  out.append(encoded_);
}

}  // namespace polars_redis::resp
