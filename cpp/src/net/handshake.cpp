// The commands that open a session: HELLO (or AUTH and CLIENT SETNAME on RESP2), then SELECT.
#include <optional>
#include <string>
#include <vector>

#include "polars_redis/error.hpp"
#include "polars_redis/net/connection.hpp"
#include "polars_redis/resp/encoder.hpp"
#include "redact.hpp"

namespace polars_redis::net {
namespace {

struct Step {
  std::vector<std::string> args;
  std::string label;  // for messages: the command without its secret arguments
};

struct Failure {
  size_t step;
  std::string message;
};

// Sends the steps in one pipeline and reads every reply; returns the first error.
std::optional<Failure> run(Connection& connection, const std::vector<Step>& steps) {
  for (const Step& step : steps) {
    const std::vector<std::string_view> args(step.args.begin(), step.args.end());
    resp::append_command(connection.out_buffer(), args);
  }
  std::optional<Failure> failure;
  for (size_t i = 0; i < steps.size(); ++i) {
    const resp::NodeView reply = connection.read_reply().root();
    if (reply.is_error() && !failure) failure = Failure{i, std::string(reply.str())};
  }
  return failure;
}

// Servers before Redis 6 do not know HELLO; proxies may refuse RESP3 with NOPROTO.
bool means_no_resp3(std::string_view message) {
  return message.starts_with("ERR unknown command") || message.starts_with("NOPROTO");
}

}  // namespace

void Connection::handshake() {
  const ConnectionOptions& o = options_;
  const bool login = !o.password.empty() || !o.username.empty();
  const std::string user = o.username.empty() ? "default" : o.username;
  std::vector<Step> steps;
  if (o.protocol != 2) {
    Step hello{{"HELLO", "3"}, "HELLO"};
    if (login) hello.args.insert(hello.args.end(), {"AUTH", user, o.password});
    if (!o.client_name.empty()) hello.args.insert(hello.args.end(), {"SETNAME", o.client_name});
    steps.push_back(std::move(hello));
  }
  const auto add_resp2_steps = [&] {
    if (login) {
      // A lone password keeps AUTH working on servers before Redis 6, which have no users.
      Step auth{{"AUTH"}, "AUTH"};
      if (!o.username.empty()) auth.args.push_back(o.username);
      auth.args.push_back(o.password);
      steps.push_back(std::move(auth));
    }
    if (!o.client_name.empty()) {
      steps.push_back({{"CLIENT", "SETNAME", o.client_name}, "CLIENT SETNAME"});
    }
  };
  if (o.protocol == 2) add_resp2_steps();
  const auto add_select = [&] {
    const std::string db = std::to_string(o.db);
    if (o.db != 0) steps.push_back({{"SELECT", db}, "SELECT " + db});
    // A cluster replica answers keyed reads only on a READONLY connection (MOVED otherwise).
    if (o.readonly) steps.push_back({{"READONLY"}, "READONLY"});
  };
  add_select();

  protocol_ = o.protocol == 2 ? 2 : 3;
  std::optional<Failure> failure = run(*this, steps);
  if (failure && o.protocol == 0 && failure->step == 0 && means_no_resp3(failure->message)) {
    steps.clear();
    add_resp2_steps();
    add_select();
    protocol_ = 2;
    failure = run(*this, steps);
  }
  if (!failure) return;

  // Redis echoes the first arguments of an unknown command, so the text may hold the password.
  std::string text = quote_for_message(redact_secrets(failure->message, {o.password}), 500);
  if (o.protocol == 3 && failure->step == 0 && means_no_resp3(failure->message)) {
    text += " (protocol=3 needs Redis 6 or later)";
  }
  const Step& step = steps[failure->step];
  if (is_authentication_error(failure->message) || step.label == "AUTH" ||
      (step.label == "HELLO" && failure->message.starts_with("NOPERM"))) {
    throw Error(ErrorKind::kAuthentication,
                (login ? "authentication as user '" + quote_for_message(user) + "' failed at " +
                             o.endpoint()
                       : o.endpoint() + " requires authentication and no password was given") +
                    ": " + text);
  }
  throw Error(ErrorKind::kResponse, step.label + " failed at " + o.endpoint() + ": " + text);
}

}  // namespace polars_redis::net
