#pragma once
// One error type for the whole core; `kind` selects the Python exception class in the bindings.
#include <stdexcept>
#include <string>

namespace polars_redis {

enum class ErrorKind {
  kConnection,      // cannot connect, connection lost, TLS failure
  kTimeout,         // connect or read/write timeout
  kAuthentication,  // AUTH / HELLO rejected (WRONGPASS, NOAUTH, NOPERM on auth)
  kResponse,        // the server answered a command with an error reply
  kProtocol,        // the byte stream is not valid RESP
  kSchema,          // a value does not parse as the target dtype
  kKeyExists,       // write mode "fail" found existing keys
  kInvalidArgument  // bad URL, bad option, unsupported dtype
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const noexcept { return kind_; }

 private:
  ErrorKind kind_;
};

// Renders bytes for an error message: printable ASCII kept, the rest as \xNN, long values cut.
std::string quote_for_message(std::string_view raw, size_t max_len = 120);

}  // namespace polars_redis
