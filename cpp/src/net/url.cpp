#include "polars_redis/net/url.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <climits>
#include <optional>
#include <set>
#include <vector>

#include "polars_redis/error.hpp"
#include "redact.hpp"
#include "routing_url.hpp"

namespace polars_redis::net {
namespace {

constexpr std::string_view kSchemeSeparator = "://";

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes; nullopt when an escape is malformed.
std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hex_digit(text[i + 1]);
    const int low = hex_digit(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

// Where the credentials of a URL are: [scheme]://[userinfo@]host..., the authority ending at
// the first '/', '?' or '#'. The secret is the part after the first ':' of the user info, or all
// of it when there is no ':' (a lone word there may well be a password).
struct UrlCredentials {
  size_t authority_start = std::string_view::npos;
  size_t at = std::string_view::npos;  // the '@' ending the user info
  std::string_view secret;
};

UrlCredentials locate_credentials(std::string_view url) {
  UrlCredentials found;
  const size_t separator = url.find(kSchemeSeparator);
  if (separator == std::string_view::npos) return found;
  found.authority_start = separator + kSchemeSeparator.size();
  const size_t end = std::min(url.find_first_of("/?#", found.authority_start), url.size());
  const size_t at = url.substr(0, end).rfind('@');
  if (at == std::string_view::npos || at < found.authority_start) return found;
  found.at = at;
  const std::string_view userinfo = url.substr(found.authority_start, at - found.authority_start);
  const size_t colon = userinfo.find(':');
  found.secret = colon == std::string_view::npos ? userinfo : userinfo.substr(colon + 1);
  return found;
}

bool names_a_secret(std::string_view name) {
  for (size_t i = 0; i + 4 <= name.size(); ++i) {
    if ((name[i] | 0x20) == 'p' && (name[i + 1] | 0x20) == 'a' && (name[i + 2] | 0x20) == 's' &&
        (name[i + 3] | 0x20) == 's') {
      return true;
    }
  }
  return false;
}

// The values of query items whose name contains "pass" in any case (?password=...). Items are
// looked for after every '?' and '&' of the URL, so a stray '?' in the user info, or an '@' in
// such a value, cannot hide one.
std::vector<std::string_view> query_secrets(std::string_view url) {
  std::vector<std::string_view> values;
  for (size_t at = url.find_first_of("?&"); at != std::string_view::npos;
       at = url.find_first_of("?&", at + 1)) {
    const size_t end = std::min(url.find('&', at + 1), url.size());
    const std::string_view item = url.substr(at + 1, end - at - 1);
    const size_t eq = item.find('=');
    if (eq != std::string_view::npos && names_a_secret(item.substr(0, eq))) {
      values.push_back(item.substr(eq + 1));
    }
  }
  return values;
}

// `url` with the values query_secrets() finds replaced by "***".
std::string mask_query_secrets(std::string_view url) {
  std::string out;
  size_t copied = 0;
  for (std::string_view value : query_secrets(url)) {
    const size_t start = static_cast<size_t>(value.data() - url.data());
    if (start < copied) continue;  // inside a value masked already
    out.append(url.substr(copied, start - copied)).append("***");
    copied = start + value.size();
  }
  return out.append(url.substr(copied));
}

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Parses all of `text` as a decimal number in [low, high].
std::optional<long long> parse_integer(std::string_view text, long long low, long long high) {
  long long value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || text[0] == '-' || error != std::errc() || ptr != end || value < low ||
      value > high) {
    return std::nullopt;
  }
  return value;
}

// url_secrets(), each also as messages quote it (escaped), for scrubbing messages.
std::vector<std::string> secrets_as_shown(std::string_view url) {
  std::vector<std::string> secrets;
  for (const std::string& secret : url_secrets(url)) {
    secrets.push_back(secret);
    secrets.push_back(quote_for_message(secret, secret.size()));
  }
  return secrets;
}

class UrlParser {
 public:
  explicit UrlParser(std::string_view url) : url_(url), credentials_(locate_credentials(url)) {
    const size_t last_at = url.rfind('@');
    hide_before_ = last_at == std::string_view::npos ? 0 : last_at;
    secrets_ = secrets_as_shown(url);
    secret_views_.assign(secrets_.begin(), secrets_.end());
  }

  ConnectionOptions parse() {
    if (credentials_.authority_start == std::string_view::npos) {
      fail("expected redis://, rediss://, unix:// or redis+unix:// at the start");
    }
    const std::string_view scheme =
        url_.substr(0, credentials_.authority_start - kSchemeSeparator.size());
    const std::string lower = lowercase(scheme);
    const bool unix_socket = lower == "unix" || lower == "redis+unix";
    options_.cluster = lower == "redis+cluster" || lower == "rediss+cluster";
    if (!unix_socket && !options_.cluster && lower != "redis" && lower != "rediss") {
      fail("unsupported scheme " + show(scheme) +
           " (expected redis://, rediss://, redis+cluster://, rediss+cluster://, unix:// or redis+unix://)");
    }
    options_.tls.enabled = lower == "rediss" || lower == "rediss+cluster";
    if (url_.find('#') != std::string_view::npos) {
      fail("a URL fragment ('#') is not supported; write '#' in a password as %23");
    }
    const std::string_view rest = url_.substr(credentials_.authority_start);
    const size_t authority_end = std::min(rest.find_first_of("/?"), rest.size());
    const std::string_view after = rest.substr(authority_end);
    const size_t question = std::min(after.find('?'), after.size());
    std::string_view host_port = rest.substr(0, authority_end);
    if (credentials_.at != std::string_view::npos) {
      parse_userinfo(url_.substr(credentials_.authority_start,
                                 credentials_.at - credentials_.authority_start));
      host_port = url_.substr(credentials_.at + 1,
                              authority_end - (credentials_.at + 1 - credentials_.authority_start));
    }
    if (unix_socket) {
      if (!host_port.empty()) {
        fail("a unix:// URL has no host: write unix:///path/to/socket (three slashes)");
      }
      parse_unix_path(after.substr(0, question));
    } else {
      parse_host_port(host_port);
      parse_db_path(after.substr(0, question));
    }
    if (question < after.size()) parse_query(after.substr(question + 1));
    return options_;
  }

 private:
  // Pieces are redacted before they are escaped and cut (which could hide a password from a
  // later search); invalid_url_message() searches the whole message once more.
  [[noreturn]] void fail(const std::string& problem) const {
    throw Error(ErrorKind::kInvalidArgument, invalid_url_message(url_, problem));
  }

  std::string redacted(std::string text) const {
    return redact_secrets(std::move(text), secret_views_);
  }

  // A quoted piece of the URL. Pieces before the last '@' are not shown: a password with an
  // unescaped '/', '?' or '#' would have been split there and parts of it parsed as other pieces.
  std::string show(std::string_view piece) const {
    if (static_cast<size_t>(piece.data() - url_.data()) < hide_before_) {
      return "(not shown: it precedes an '@', so it may be part of a password; write '@', '/', "
             "'?' and '#' in a password as %40, %2F, %3F and %23)";
    }
    return "'" + quote_for_message(redacted(std::string(piece)), 64) + "'";
  }

  std::string decode(std::string_view text, const char* what) const {
    std::optional<std::string> decoded = percent_decode(text);
    if (!decoded) fail(std::string("malformed percent-encoding in the ") + what);
    return *std::move(decoded);
  }

  void parse_userinfo(std::string_view userinfo) {
    if (userinfo.empty()) return;
    const size_t colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      fail("the part before '@' has no ':'; write redis://:password@host or "
           "redis://user:password@host");
    }
    options_.username = decode(userinfo.substr(0, colon), "user name");
    options_.password = decode(userinfo.substr(colon + 1), "password");
    credentials_in_userinfo_ = true;
  }

  void parse_host_port(std::string_view host_port) {
    std::string_view host;
    std::optional<std::string_view> port;
    if (!host_port.empty() && host_port[0] == '[') {
      const size_t close = host_port.find(']');
      if (close == std::string_view::npos) fail("unterminated '[' in the host");
      host = host_port.substr(1, close - 1);
      const std::string_view tail = host_port.substr(close + 1);
      if (!tail.empty() && tail[0] != ':') fail("unexpected " + show(tail) + " after ']'");
      if (!tail.empty()) port = tail.substr(1);
      options_.host = parse_ipv6(host);
    } else {
      const size_t colon = host_port.find(':');
      host = host_port.substr(0, colon);
      if (colon != std::string_view::npos) {
        port = host_port.substr(colon + 1);
        if (port->find(':') != std::string_view::npos) {
          fail("an IPv6 host must be in brackets, as in redis://[::1]:6379");
        }
      }
      for (char c : host) {
        if (!is_host_char(c)) fail("invalid host " + show(host));
      }
      options_.host = std::string(host);
    }
    if (host.empty()) fail("no host");
    if (port) {
      const std::optional<long long> number = parse_integer(*port, 1, 65535);
      if (!number) fail("invalid port " + show(*port) + " (expected 1 to 65535)");
      options_.port = static_cast<uint16_t>(*number);
    }
  }

  // An IPv6 address, possibly with a zone written as %25 (RFC 6874): fe80::1%25eth0.
  std::string parse_ipv6(std::string_view text) const {
    const size_t zone_at = text.find("%25");
    const std::string address(text.substr(0, zone_at));
    in6_addr parsed;
    bool valid = ::inet_pton(AF_INET6, address.c_str(), &parsed) == 1;
    std::string host = address;
    if (valid && zone_at != std::string_view::npos) {
      const std::string_view zone = text.substr(zone_at + 3);
      for (char c : zone) valid = valid && is_host_char(c);
      valid = valid && !zone.empty();
      host += "%" + std::string(zone);
    }
    if (!valid) fail("invalid IPv6 address " + show(text));
    return host;
  }

  void parse_db_path(std::string_view path) {
    if (path.size() <= 1) return;  // "" or "/"
    set_db(path.substr(1), path.substr(1));
    db_in_path_ = true;
  }

  void set_db(std::string_view text, std::string_view shown) {
    const std::optional<long long> db = parse_integer(text, 0, INT_MAX);
    if (!db) fail("invalid db " + show(shown) + " (expected a number >= 0)");
    options_.db = static_cast<int>(*db);
  }

  void parse_unix_path(std::string_view path) {
    options_.unix_path = decode(path, "socket path");
    if (options_.unix_path.empty()) {
      fail("no socket path; write unix:///path/to/socket");
    }
  }

  void parse_query(std::string_view query) {
    std::set<std::string, std::less<>> seen;
    while (!query.empty()) {
      const size_t amp = std::min(query.find('&'), query.size());
      const std::string_view item = query.substr(0, amp);
      query.remove_prefix(std::min(amp + 1, query.size()));
      if (item.empty()) continue;
      const size_t eq = item.find('=');
      if (eq == std::string_view::npos) fail("option " + show(item) + " has no '=value'");
      const std::string_view name = item.substr(0, eq);
      const std::string_view raw = item.substr(eq + 1);
      if (!seen.emplace(name).second) fail("option " + show(name) + " is given twice");
      set_option(name, raw, decode(raw, "value of an option"));
    }
    if (!options_.tls.key_file.empty() && options_.tls.cert_file.empty()) {
      fail("ssl_keyfile needs ssl_certfile");
    }
    if (seen.contains("ssl_check_hostname") && options_.tls.verify_hostname &&
        !options_.tls.verify_peer) {
      fail("ssl_check_hostname=true needs certificate verification (ssl_cert_reqs=required)");
    }
  }

  void set_option(std::string_view name, std::string_view raw, const std::string& value) {
    if (name == "db") {
      if (db_in_path_) fail("db is given both in the path and as ?db=");
      set_db(value, raw);
    } else if (name == "password" || name == "username") {
      // redis-py's spelling; one place per URL, so that no precedence rule is needed.
      if (credentials_in_userinfo_) {
        fail(std::string(name) + " is given both before '@' and as ?" + std::string(name) + "=");
      }
      (name == "password" ? options_.password : options_.username) = value;
    } else if (name == "connect_timeout") {
      options_.connect_timeout_ms = timeout_ms(name, raw, value);
    } else if (name == "socket_timeout") {
      options_.socket_timeout_ms = timeout_ms(name, raw, value);
    } else if (name == "client_name") {
      // Redis refuses names with spaces, newlines or other non-graphic characters.
      for (char c : value) {
        if (c < '!' || c > '~') fail("client_name may only contain printable ASCII without spaces");
      }
      options_.client_name = value;
    } else if (name == "protocol") {
      if (value != "2" && value != "3") fail("protocol must be 2 or 3, not " + show(raw));
      options_.protocol = value[0] - '0';
    } else if (name == "read_from_replicas") {
      if (value != "true" && value != "false") fail("read_from_replicas must be true or false, not " + show(raw));
      options_.read_from_replicas = value == "true";
    } else if (name == "shard_slots") {
      std::optional<SlotRanges> slots = parse_slot_ranges(value);
      if (!slots) fail("shard_slots must be slot ranges from 0 to 16383 like 0-5460,5462, not " + show(raw));
      options_.shard_slots = std::move(*slots);
    } else if (name.starts_with("ssl_")) {
      set_tls_option(name, raw, value);
    } else if (!set_client_option(name, raw, value)) {
      fail("unknown option " + show(name) +
           " (known: db, username, password, connect_timeout, socket_timeout, client_name, protocol, pool, pool_size, "
           "pool_idle_timeout, retries, parallel, read_from_replicas, shard_slots, ssl_ca_certs, ssl_ca_path, ssl_certfile, "
           "ssl_keyfile, ssl_cert_reqs, ssl_check_hostname, ssl_server_name)");
    }
  }

  // Pool and read-scheduling options; false when `name` is none of them.
  bool set_client_option(std::string_view name, std::string_view raw, const std::string& value) {
    if (name == "pool") {
      for (char c : value) {
        if (c < '!' || c > '~') fail("pool may only contain printable ASCII without spaces");
      }
      options_.pool = value;
    } else if (name == "pool_size") {
      options_.pool_size = bounded_int(name, raw, value, 0, 100000);
    } else if (name == "pool_idle_timeout") {
      options_.pool_idle_timeout_ms = timeout_ms(name, raw, value);
    } else if (name == "retries") {
      options_.retries = bounded_int(name, raw, value, 0, 100);
    } else if (name == "parallel") {
      options_.parallel = bounded_int(name, raw, value, 1, 64);
    } else {
      return false;
    }
    return true;
  }

  int bounded_int(std::string_view name, std::string_view raw, const std::string& value, int low,
                  int high) const {
    const std::optional<long long> number = parse_integer(value, low, high);
    if (!number) {
      fail(std::string(name) + " must be an integer from " + std::to_string(low) + " to " +
           std::to_string(high) + ", not " + show(raw));
    }
    return static_cast<int>(*number);
  }

  void set_tls_option(std::string_view name, std::string_view raw, const std::string& value) {
    TlsOptions& tls = options_.tls;
    std::string* text = nullptr;
    if (name == "ssl_ca_certs") text = &tls.ca_file;
    if (name == "ssl_ca_path") text = &tls.ca_path;
    if (name == "ssl_certfile") text = &tls.cert_file;
    if (name == "ssl_keyfile") text = &tls.key_file;
    if (name == "ssl_server_name") text = &tls.server_name;
    const bool flag = name == "ssl_cert_reqs" || name == "ssl_check_hostname";
    if (text == nullptr && !flag) {
      fail("unknown option " + show(name) +
           " (known TLS options: ssl_ca_certs, ssl_ca_path, ssl_certfile, ssl_keyfile, "
           "ssl_cert_reqs, ssl_check_hostname, ssl_server_name)");
    }
    if (!tls.enabled) fail("option " + show(name) + " needs a rediss:// URL");
    if (text != nullptr) {
      if (value.empty()) fail("option " + show(name) + " is empty");
      *text = value;
    } else if (name == "ssl_cert_reqs") {
      if (value != "required" && value != "none") {
        fail("ssl_cert_reqs must be 'required' or 'none', not " + show(raw));
      }
      tls.verify_peer = value == "required";
    } else {
      if (value != "true" && value != "false") {
        fail("ssl_check_hostname must be 'true' or 'false', not " + show(raw));
      }
      tls.verify_hostname = value == "true";
    }
  }

  int timeout_ms(std::string_view name, std::string_view raw, const std::string& value) const {
    // Whole milliseconds fit an int up to this many seconds (almost 25 days).
    constexpr double kMaxSeconds = INT_MAX / 1000;
    double seconds = 0;
    const char* end = value.data() + value.size();
    const auto [ptr, error] = std::from_chars(value.data(), end, seconds);
    if (value.empty() || error != std::errc() || ptr != end || !(seconds > 0) ||
        !(seconds <= kMaxSeconds)) {
      fail(std::string(name) + " must be a number of seconds > 0 and <= 2147483, not " +
           show(raw));
    }
    // Rounded up: a tiny positive timeout must not become 0 ms.
    return static_cast<int>(std::ceil(seconds * 1000));
  }

  std::string_view url_;
  UrlCredentials credentials_;
  size_t hide_before_ = 0;
  std::vector<std::string> secrets_;  // raw, decoded and escaped as messages show them
  std::vector<std::string_view> secret_views_;
  ConnectionOptions options_;
  bool db_in_path_ = false;
  bool credentials_in_userinfo_ = false;
};

}  // namespace

std::string ConnectionOptions::endpoint() const {
  if (!unix_path.empty()) return unix_path;
  const std::string port_text = std::to_string(port);
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + port_text;
  return host + ":" + port_text;
}

ConnectionOptions parse_plain_url(std::string_view url) { return UrlParser(url).parse(); }

ConnectionOptions parse_url(std::string_view url) { return parse_routing_url(url); }

std::vector<std::string> url_secrets(std::string_view url) {
  std::vector<std::string_view> raw = query_secrets(url);
  raw.push_back(locate_credentials(url).secret);
  std::vector<std::string> secrets;
  for (std::string_view secret : raw) {
    if (secret.empty()) continue;
    secrets.emplace_back(secret);
    std::optional<std::string> decoded = percent_decode(secret);
    if (decoded && !decoded->empty() && *decoded != secret) secrets.push_back(*std::move(decoded));
  }
  return secrets;
}

std::string redact_url(std::string_view original) {
  // Query values are masked first: an '@' left in one would look like the end of the user info.
  const std::string masked = mask_query_secrets(original);
  const size_t separator = original.find(kSchemeSeparator);
  for (std::string_view value : query_secrets(original)) {
    if (value.find('@') != std::string_view::npos && separator != std::string_view::npos) {
      // Whether that '@' ended the user info or belongs to the value cannot be told apart
      // (a user-info password may hold "&pass="): show the scheme only.
      return std::string(original.substr(0, separator + kSchemeSeparator.size())) + "***";
    }
  }
  const std::string_view url = masked;
  const size_t last_at = url.rfind('@');
  if (last_at == std::string_view::npos) return std::string(url);
  const UrlCredentials credentials = locate_credentials(url);
  if (credentials.at == last_at) {
    // The usual case: keep the scheme, host and a user name; hide only the password.
    const size_t secret_start = static_cast<size_t>(credentials.secret.data() - url.data());
    return std::string(url.substr(0, secret_start)) + "***" + std::string(url.substr(last_at));
  }
  // An '@' after the host: a password with an unescaped '/', '?' or '#' may reach up to it.
  const size_t start =
      credentials.authority_start == std::string_view::npos ? 0 : credentials.authority_start;
  return std::string(url.substr(0, start)) + "***" + std::string(url.substr(last_at));
}

std::string invalid_url_message(std::string_view url, const std::string& problem) {
  const std::vector<std::string> secrets = secrets_as_shown(url);
  const std::vector<std::string_view> views(secrets.begin(), secrets.end());
  const std::string message = "invalid Redis URL '" +
                              quote_for_message(redact_secrets(redact_url(url), views), 200) +
                              "': " + problem;
  return redact_secrets(message, views);
}

}  // namespace polars_redis::net
