// TLS over a connected socket with OpenSSL (the 3.x client API).
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "polars_redis/error.hpp"
#include "transport.hpp"

namespace polars_redis::net {
namespace {

// OpenSSL's error queue is per thread: read it into one message and leave it empty, so that a
// later SSL_get_error() on this thread is not misled by stale entries.
std::string take_openssl_errors() {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    if (!text.empty()) text += "; ";
    const char* reason = ERR_reason_error_string(code);
    if (reason != nullptr) {
      text += reason;
    } else {
      char buffer[256];
      ERR_error_string_n(code, buffer, sizeof(buffer));
      text += buffer;
    }
  }
  return text.empty() ? "unknown OpenSSL error" : text;
}

// What the socket BIO below works on. The last errno is kept because OpenSSL reports a failed
// socket call as SSL_ERROR_SYSCALL, by which time errno may have been overwritten.
struct SocketState {
  int fd = -1;
  int error = 0;
};

SocketState& state_of(BIO* bio) { return *static_cast<SocketState*>(BIO_get_data(bio)); }

// A socket BIO that sends with MSG_NOSIGNAL: OpenSSL's own socket BIO uses write(), which raises
// SIGPIPE when the peer is gone, and a library must not change the process's signal handling.
int bio_write(BIO* bio, const char* data, size_t size, size_t* written) {
  BIO_clear_retry_flags(bio);
  SocketState& state = state_of(bio);
  for (;;) {
    const ssize_t n = ::send(state.fd, data, size, MSG_NOSIGNAL);
    if (n >= 0) {
      *written = static_cast<size_t>(n);
      return 1;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      BIO_set_retry_write(bio);
    } else {
      state.error = errno;
    }
    return 0;
  }
}

int bio_read(BIO* bio, char* data, size_t size, size_t* read) {
  BIO_clear_retry_flags(bio);
  SocketState& state = state_of(bio);
  for (;;) {
    const ssize_t n = ::recv(state.fd, data, size, 0);
    if (n > 0) {
      *read = static_cast<size_t>(n);
      return 1;
    }
    if (n == 0) {
      // Lets OpenSSL tell a peer that vanished without close_notify (BIO_eof) from an error.
      BIO_set_flags(bio, BIO_FLAGS_IN_EOF);
    } else if (errno == EINTR) {
      continue;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      BIO_set_retry_read(bio);
    } else {
      state.error = errno;
    }
    return 0;
  }
}

long bio_ctrl(BIO* bio, int command, long, void*) {
  switch (command) {
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_CTRL_EOF:
      return BIO_test_flags(bio, BIO_FLAGS_IN_EOF) != 0 ? 1 : 0;
    default:
      return 0;
  }
}

const BIO_METHOD* socket_bio_method() {
  // Created once and kept for the life of the process (OpenSSL's own methods are static too).
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m =
        BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "polars_redis socket");
    if (m == nullptr || BIO_meth_set_write_ex(m, bio_write) != 1 ||
        BIO_meth_set_read_ex(m, bio_read) != 1 || BIO_meth_set_ctrl(m, bio_ctrl) != 1) {
      throw Error(ErrorKind::kConnection,
                  "cannot create the OpenSSL socket BIO: " + take_openssl_errors());
    }
    return m;
  }();
  return method;
}

struct ContextDeleter {
  void operator()(SSL_CTX* context) const { SSL_CTX_free(context); }
};
struct SslDeleter {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};
using ContextPtr = std::unique_ptr<SSL_CTX, ContextDeleter>;
using SslPtr = std::unique_ptr<SSL, SslDeleter>;

[[noreturn]] void throw_bad_file(const char* what, const std::string& path) {
  throw Error(ErrorKind::kInvalidArgument,
              std::string("cannot load the TLS ") + what + " '" + path + "': " + take_openssl_errors());
}

ContextPtr make_context(const TlsOptions& tls) {
  ContextPtr context(SSL_CTX_new(TLS_client_method()));
  if (!context) {
    throw Error(ErrorKind::kConnection, "cannot create a TLS context: " + take_openssl_errors());
  }
  SSL_CTX* ctx = context.get();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  // An encrypted key must fail, not make OpenSSL prompt for a passphrase on the terminal.
  SSL_CTX_set_default_passwd_cb(ctx, [](char*, int, int, void*) { return 0; });
  // Partial writes and a buffer that may move between retries fit the pipelined output buffer,
  // which is appended to (and compacted) while a write is pending.
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (tls.verify_peer) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    if (!tls.ca_file.empty() || !tls.ca_path.empty()) {
      const char* file = tls.ca_file.empty() ? nullptr : tls.ca_file.c_str();
      const char* path = tls.ca_path.empty() ? nullptr : tls.ca_path.c_str();
      if (SSL_CTX_load_verify_locations(ctx, file, path) != 1) {
        throw_bad_file("CA certificates", file != nullptr ? tls.ca_file : tls.ca_path);
      }
    } else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
      throw Error(ErrorKind::kConnection,
                  "cannot load the system's trusted CA certificates: " + take_openssl_errors());
    }
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  }
  if (!tls.cert_file.empty()) {
    // Without a separate key file the key is expected in the certificate file (one PEM).
    const std::string& key = tls.key_file.empty() ? tls.cert_file : tls.key_file;
    if (SSL_CTX_use_certificate_chain_file(ctx, tls.cert_file.c_str()) != 1) {
      throw_bad_file("client certificate", tls.cert_file);
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
      throw_bad_file("client key", key);
    }
  } else if (!tls.key_file.empty()) {
    throw Error(ErrorKind::kInvalidArgument, "a TLS client key needs a client certificate");
  }
  return context;
}

// An address literal: dotted IPv4, or anything with a ':' (host names have none).
bool is_ip_address(const std::string& name) {
  unsigned char address[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, name.c_str(), address) == 1 || name.find(':') != std::string::npos;
}

class TlsTransport final : public Transport {
 public:
  TlsTransport(UniqueFd fd, const ConnectionOptions& options)
      : fd_(std::move(fd)), endpoint_(options.endpoint()) {
    state_.fd = fd_.get();
    ERR_clear_error();
    const ContextPtr context = make_context(options.tls);
    ssl_.reset(SSL_new(context.get()));  // holds its own reference to the context
    BIO* bio = ssl_ ? BIO_new(socket_bio_method()) : nullptr;
    if (bio == nullptr) {
      throw Error(ErrorKind::kConnection, "cannot create a TLS session: " + take_openssl_errors());
    }
    BIO_set_data(bio, &state_);
    BIO_set_init(bio, 1);
    SSL_set_bio(ssl_.get(), bio, bio);
    set_peer_name(options);
    SSL_set_connect_state(ssl_.get());
  }

  ~TlsTransport() override {
    if (open_) {
      // Best effort close_notify; the socket is non-blocking, so this cannot hang.
      SSL_shutdown(ssl_.get());
      ERR_clear_error();
    }
  }

  void handshake(const ConnectionOptions& options, Clock::time_point deadline) {
    for (;;) {
      ERR_clear_error();
      const int result = SSL_connect(ssl_.get());
      if (result == 1) break;
      const int error = SSL_get_error(ssl_.get(), result);
      short event = 0;
      if (error == SSL_ERROR_WANT_READ) event = POLLIN;
      if (error == SSL_ERROR_WANT_WRITE) event = POLLOUT;
      if (event == 0) {
        throw Error(ErrorKind::kConnection,
                    "TLS handshake with " + endpoint_ + " failed: " + describe_failure(error));
      }
      if (!wait_for(fd_.get(), event, deadline)) {
        throw Error(ErrorKind::kTimeout, "TLS handshake with " + endpoint_ + " timed out after " +
                                             std::to_string(options.connect_timeout_ms) + " ms");
      }
    }
    open_ = true;
  }

  IoResult read(char* data, size_t size) override {
    ERR_clear_error();
    size_t n = 0;
    const int result = SSL_read_ex(ssl_.get(), data, size, &n);
    if (result == 1) return {n, 0};
    return retry_or_throw(result, "reading from");
  }

  IoResult write(const char* data, size_t size) override {
    ERR_clear_error();
    size_t n = 0;
    const int result = SSL_write_ex(ssl_.get(), data, size, &n);
    if (result == 1) return {n, 0};
    return retry_or_throw(result, "writing to");
  }

  int fd() const override { return fd_.get(); }

 private:
  void set_peer_name(const ConnectionOptions& options) {
    const TlsOptions& tls = options.tls;
    const std::string name = !tls.server_name.empty()      ? tls.server_name
                             : options.unix_path.empty() ? options.host
                                                           : std::string();
    const bool ip = is_ip_address(name);
    // SNI carries host names only (RFC 6066), never address literals.
    if (!name.empty() && !ip && SSL_set_tlsext_host_name(ssl_.get(), name.c_str()) != 1) {
      throw Error(ErrorKind::kInvalidArgument,
                  "invalid TLS server name '" + name + "': " + take_openssl_errors());
    }
    if (!tls.verify_peer || !tls.verify_hostname) return;
    if (name.empty()) {
      throw Error(ErrorKind::kInvalidArgument,
                  "TLS over a Unix socket needs a server name to verify the certificate against");
    }
    int ok = 0;
    if (ip) {
      // A zone suffix (fe80::1%eth0) is not part of the address in a certificate.
      ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_.get()),
                                         name.substr(0, name.find('%')).c_str());
    } else {
      SSL_set_hostflags(ssl_.get(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      ok = SSL_set1_host(ssl_.get(), name.c_str());
    }
    if (ok != 1) {
      throw Error(ErrorKind::kInvalidArgument, "invalid TLS server name '" + name + "'");
    }
  }

  IoResult retry_or_throw(int result, const char* what) {
    const int error = SSL_get_error(ssl_.get(), result);
    if (error == SSL_ERROR_WANT_READ) return {0, POLLIN};
    if (error == SSL_ERROR_WANT_WRITE) return {0, POLLOUT};
    // After any other outcome OpenSSL forbids further use of the session, close_notify included.
    open_ = false;
    if (error == SSL_ERROR_ZERO_RETURN || peer_vanished(error)) {
      throw Error(ErrorKind::kConnection, "connection closed by " + endpoint_);
    }
    throw Error(ErrorKind::kConnection,
                std::string(what) + " " + endpoint_ + " failed: " + describe_failure(error));
  }

  bool peer_vanished(int error) const {
    if (error == SSL_ERROR_SYSCALL) return state_.error == 0;
    return error == SSL_ERROR_SSL &&
           ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING;
  }

  std::string describe_failure(int error) {
    if (error == SSL_ERROR_SYSCALL && state_.error != 0) return std::strerror(state_.error);
    std::string text = take_openssl_errors();
    const long verify = SSL_get_verify_result(ssl_.get());
    if (verify != X509_V_OK) {
      text += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
    }
    return text;
  }

  UniqueFd fd_;
  std::string endpoint_;
  SocketState state_;  // outlives ssl_, whose BIO points at it
  SslPtr ssl_;
  bool open_ = false;  // handshake done and no fatal error: close_notify may be sent
};

}  // namespace

std::unique_ptr<Transport> make_tls_transport(UniqueFd fd, const ConnectionOptions& options,
                                              Clock::time_point deadline) {
  auto transport = std::make_unique<TlsTransport>(std::move(fd), options);
  transport->handshake(options, deadline);
  return transport;
}

}  // namespace polars_redis::net
