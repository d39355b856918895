#pragma once
// Connection options and Redis URL parsing.
//
//   redis://[[user]:password@]host[:port][/db][?options]
//   rediss://...                      (TLS)
//   unix:///path/to/socket[?db=N&options]   (also redis+unix://)
// Query options: connect_timeout, socket_timeout (seconds, fractional allowed; 0 = no timeout is
// rejected: no call may hang forever), db, client_name, protocol (2 or 3), and for TLS:
// ssl_ca_certs, ssl_ca_path, ssl_certfile, ssl_keyfile, ssl_cert_reqs (required|none),
// ssl_check_hostname (true|false), ssl_server_name. User and password are percent-decoded.
#include <cstdint>
#include <string>
#include <string_view>

namespace polars_redis::net {

struct TlsOptions {
  bool enabled = false;
  bool verify_peer = true;        // certificate verification is on unless disabled explicitly
  bool verify_hostname = true;
  std::string ca_file;            // empty: the system's default trust store
  std::string ca_path;
  std::string cert_file;          // client certificate (mutual TLS)
  std::string key_file;
  std::string server_name;        // SNI and hostname check; empty: the URL's host
};

struct ConnectionOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 6379;
  std::string unix_path;          // non-empty: connect to this Unix socket
  std::string username;           // empty: "default" when a password is given
  std::string password;
  int db = 0;
  int protocol = 0;               // 0: try RESP3 (HELLO 3), fall back to RESP2; 2 or 3 forces
  std::string client_name;
  int connect_timeout_ms = 10000;
  int socket_timeout_ms = 60000;  // the longest a single read or write may wait for progress
  TlsOptions tls;

  // host:port or the socket path, without credentials: safe for error messages.
  std::string endpoint() const;
};

// Throws Error(kInvalidArgument) naming what is wrong, never including the password.
ConnectionOptions parse_url(std::string_view url);

// The URL with any password replaced by "***", for messages and reprs.
std::string redact_url(std::string_view url);

}  // namespace polars_redis::net
