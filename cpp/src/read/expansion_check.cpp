#include "polars_redis/read/expansion_check.hpp"

#include "polars_redis/error.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::read {

namespace {

// Collects the values that follow a "Warning" name anywhere in the profile. RESP3 gives a map
// with "Warning": "None" when all is well; RESP2 gives a flat list, ["Warning"] alone when all is
// well and "Warning", "<text>" otherwise.
void collect_warnings(const resp::NodeView& node, std::string& out) {
  if (!node.is_aggregate()) return;
  const size_t n = node.type() == resp::Type::kMap ? 2 * node.size() : node.size();
  auto child = node.first_child();
  for (size_t i = 0; i < n; ++i) {
    auto next = child.next_sibling();
    if (child.is_string() && child.str() == "Warning" && i + 1 < n && next.is_string()) {
      const std::string_view text = next.str();
      if (!text.empty() && text != "None") {
        if (!out.empty()) out += "; ";
        out += text;
      }
    }
    collect_warnings(child, out);
    child = next;
  }
}

}  // namespace

bool query_may_expand(std::string_view query) {
  const size_t first = query.find_first_not_of(' ');
  const size_t last = query.find_last_not_of(' ');
  if (first != std::string_view::npos && query.substr(first, last - first + 1) == "*") return false;
  return query.find_first_of("*%") != std::string_view::npos;
}

void append_expansion_check(std::string& out, std::string_view index, std::string_view query,
                            const std::vector<std::pair<std::string, std::string>>& params, int dialect) {
  resp::ArgumentList args;
  args.arg("FT.PROFILE").arg(index).arg("AGGREGATE").arg("LIMITED").arg("QUERY").arg(query);
  args.arg("LIMIT").arg(int64_t{0}).arg(int64_t{0});
  if (!params.empty()) {
    args.arg("PARAMS").arg(static_cast<int64_t>(2 * params.size()));
    for (const auto& [name, value] : params) args.arg(name).arg(value);
  }
  if (dialect > 0) args.arg("DIALECT").arg(static_cast<int64_t>(dialect));
  args.append_command_to(out);
}

void check_expansion_profile(const resp::NodeView& reply, const SearchCommand& what) {
  if (reply.is_error()) throw Error(ErrorKind::kResponse, search_error_message(what, reply.str()));
  std::string warnings;
  collect_warnings(reply, warnings);
  if (!warnings.empty()) {
    throw Error(ErrorKind::kResponse,
                search_error_message(what, "the results would be incomplete (warning: " + warnings + ")"));
  }
}

}  // namespace polars_redis::read
