// command / commands: raw Redis commands for the Python layer (FT.INFO, FT.CREATE, FT.SEARCH,
// FT.EXPLAIN, ...), replies converted to Python values; glob_match: the server's glob semantics.
#include <algorithm>
#include <cctype>
#include <iterator>
#include <string>
#include <vector>

#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"
#include "cluster_scan.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/net/connection.hpp"
#include "polars_redis/net/connection_pool.hpp"
#include "polars_redis/read/glob_match.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::bindings {

namespace {

// A reply copied out of the connection's buffer, so the network part runs without the GIL and
// the Python objects are built afterwards.
struct OwnedReply {
  resp::Type type = resp::Type::kNull;
  std::string text;  // strings, errors, big numbers
  int64_t integer = 0;
  double dbl = 0.0;
  bool boolean = false;
  std::vector<OwnedReply> children;  // maps: key, value, key, value, ...

  static OwnedReply from(const resp::NodeView& node) {
    OwnedReply out;
    out.type = node.type();
    switch (out.type) {
      case resp::Type::kInteger:
        out.integer = node.integer();
        break;
      case resp::Type::kDouble:
        out.dbl = node.dbl();
        break;
      case resp::Type::kBoolean:
        out.boolean = node.boolean();
        break;
      default:
        if (node.is_string() || node.is_error()) out.text.assign(node.str());
        break;
    }
    if (node.is_aggregate()) {
      const size_t n = node.type() == resp::Type::kMap ? 2 * node.size() : node.size();
      out.children.reserve(n);
      auto child = node.first_child();
      for (size_t i = 0; i < n; ++i, child = child.next_sibling()) out.children.push_back(from(child));
    }
    return out;
  }
};

using Args = std::vector<std::string>;

Args args_from_python(const nb::handle& items) {
  Args args;
  for (auto item : items) {
    args.push_back(text_or_bytes(item, "argument " + std::to_string(args.size() + 1) + " of the command"));
  }
  if (args.empty()) throw Error(ErrorKind::kInvalidArgument, "a command needs at least its name");
  return args;
}

// "FT.INFO failed on index 'idx': ..." / "GET failed: ..."; `position` names the command of a pipeline.
std::string failure(const Args& args, const std::string& position, std::string_view message) {
  std::string name = quote_for_message(args[0], 40);
  for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string text = position + name + " failed";
  if (name.starts_with("FT.") && args.size() > 1) text += " on index '" + quote_for_message(args[1]) + "'";
  return text + ": " + std::string(message);
}

void check(const OwnedReply& reply, const Args& args, const std::string& position) {
  if (reply.type == resp::Type::kError || reply.type == resp::Type::kBlobError) {
    const ErrorKind kind = net::is_authentication_error(reply.text) ? ErrorKind::kAuthentication : ErrorKind::kResponse;
    throw Error(kind, failure(args, position, reply.text));
  }
}

nb::object text_to_python(const std::string& text) {
  PyObject* decoded = PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), "strict");
  if (decoded) return nb::steal(decoded);
  PyErr_Clear();  // not UTF-8: the caller gets the bytes
  return nb::bytes(text.data(), text.size());
}

nb::object to_python(const OwnedReply& reply) {
  switch (reply.type) {
    case resp::Type::kNull:
      return nb::none();
    case resp::Type::kInteger:
      return nb::int_(reply.integer);
    case resp::Type::kDouble:
      return nb::float_(reply.dbl);
    case resp::Type::kBoolean:
      return nb::bool_(reply.boolean);
    case resp::Type::kBigNumber:
      return nb::steal(PyLong_FromString(reply.text.c_str(), nullptr, 10));
    case resp::Type::kMap: {
      nb::dict out;
      for (size_t i = 0; i + 1 < reply.children.size(); i += 2) {
        out[to_python(reply.children[i])] = to_python(reply.children[i + 1]);
      }
      return out;
    }
    case resp::Type::kArray:
    case resp::Type::kSet:
    case resp::Type::kPush: {
      nb::list out;
      for (const auto& child : reply.children) out.append(to_python(child));
      return out;
    }
    default:  // simple, bulk, verbatim strings (errors were raised before conversion)
      return text_to_python(reply.text);
  }
}

// Nested error replies (inside an array) raise too: the caller asked for a value, not an error.
void check_nested(const OwnedReply& reply, const Args& args, const std::string& position) {
  check(reply, args, position);
  for (const auto& child : reply.children) check_nested(child, args, position);
}

// Commands that change the connection's session state (db, user, protocol, name, reply mode,
// transaction, subscriptions): a connection that ran one is closed, never pooled.
bool changes_session(std::string_view name) {
  static constexpr std::string_view kNames[] = {"SELECT", "AUTH", "HELLO", "CLIENT", "MULTI",
                                                "WATCH", "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE",
                                                "MONITOR", "RESET", "READONLY", "READWRITE",
                                                "ASKING", "QUIT", "SYNC", "PSYNC", "REPLCONF"};
  std::string upper(name);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return std::find(std::begin(kNames), std::end(kNames), upper) != std::end(kNames);
}

std::vector<OwnedReply> run(const std::string& url, const std::vector<Args>& commands, const nb::handle& node) {
  net::ConnectionOptions options = command_connection(url, node);
  ReleasedGil release;
  auto connection = net::acquire(options);
  std::vector<std::string_view> views;
  for (const auto& args : commands) {
    views.assign(args.begin(), args.end());
    resp::append_command(connection->out_buffer(), views);
  }
  std::vector<OwnedReply> replies;
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) replies.push_back(OwnedReply::from(connection->read_reply().root()));
  for (const auto& args : commands) {
    if (!args.empty() && changes_session(args.front())) connection.discard();
  }
  return replies;
}

nb::object command(const std::string& url, const nb::sequence& args, const nb::handle& node) {
  std::vector<Args> commands{args_from_python(args)};
  auto replies = run(url, commands, node);
  check_nested(replies[0], commands[0], "");
  return to_python(replies[0]);
}

nb::list commands(const std::string& url, const nb::sequence& list, const nb::handle& node) {
  std::vector<Args> all;
  for (auto item : list) all.push_back(args_from_python(item));
  nb::list out;
  if (all.empty()) return out;
  auto replies = run(url, all, node);
  for (size_t i = 0; i < replies.size(); ++i) {
    check_nested(replies[i], all[i], "command " + std::to_string(i + 1) + " of " + std::to_string(all.size()) + ": ");
  }
  for (const auto& reply : replies) out.append(to_python(reply));
  return out;
}

bool glob_match(const nb::handle& pattern, const nb::handle& text) {
  return read::glob_match(text_or_bytes(pattern, "pattern"), text_or_bytes(text, "text"));
}

}  // namespace

void register_commands(nb::module_& m) {
  m.def("command", &command,
        nb::sig("def command(url: str, args: collections.abc.Sequence[str | bytes], "
                "node: tuple[str, int] | tuple[str, int, bool] | None = None) -> typing.Any"),
        nb::arg("url"), nb::arg("args"), nb::arg("node") = nb::none(),
        "Run one command (str or bytes arguments) on a pooled connection; the reply as Python values. "
        "`node`: a cluster node from cluster_nodes() instead of the URL's.");
  m.def("commands", &commands,
        nb::sig("def commands(url: str, commands: collections.abc.Sequence[collections.abc.Sequence[str | bytes]], "
                "node: tuple[str, int] | tuple[str, int, bool] | None = None) -> list[typing.Any]"),
        nb::arg("url"), nb::arg("commands"), nb::arg("node") = nb::none(),
        "Run several commands pipelined on one pooled connection; their replies, in order.");
  m.def("glob_match", &glob_match,
        nb::sig("def glob_match(pattern: str | bytes, text: str | bytes) -> bool"),
        nb::arg("pattern"), nb::arg("text"),
        "Whether `text` matches the Redis glob `pattern` (SCAN MATCH / KEYS semantics).");
}

}  // namespace polars_redis::bindings
