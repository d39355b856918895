#include "polars_redis/rdb/replication_stream.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <string>

#include "polars_redis/error.hpp"
#include "polars_redis/net/connection.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::rdb {

namespace {

constexpr size_t kMarkSize = 40;
constexpr size_t kChunk = size_t{256} << 10;

[[noreturn]] void refused(const net::ConnectionOptions& options, std::string_view command, std::string_view message) {
  std::string hint;
  if (message.starts_with("NOPERM")) {
    hint = " (the user's ACL must allow +psync and +replconf for snapshot=True)";
  } else if (message.find("unknown command") != std::string_view::npos || message.find("not allowed") != std::string_view::npos ||
             message.find("disabled") != std::string_view::npos) {
    hint = " (managed services often disable replication commands)";
  }
  throw Error(ErrorKind::kResponse, "snapshot read: " + std::string(command) + " refused by " + options.endpoint() + ": " +
                                        std::string(message) + hint +
                                        "; read with snapshot=False (SCAN), or read an RDB backup with scan_rdb()");
}

class ReplicationStream final : public ByteSource {
 public:
  explicit ReplicationStream(const net::ConnectionOptions& options) : endpoint_(options.endpoint()) {
    connection_ = net::Connection::open(options);
    {
      const resp::Reply reply = connection_->command({"REPLCONF", "capa", "eof", "capa", "psync2"});
      if (reply.root().is_error()) refused(options, "REPLCONF", reply.root().str());
    }
    // PSYNC's answer is not an ordinary reply: while the server waits to start the transfer
    // (repl-diskless-sync-delay, 5 s by default) it sends newlines, before +FULLRESYNC too.
    resp::CommandWriter(connection_->out_buffer(), 3).arg("PSYNC").arg("?").arg("-1");
    connection_->flush();
    const std::string answer = read_line();
    if (answer.front() == '-') refused(options, "PSYNC", body(answer));
    if (!answer.starts_with("+FULLRESYNC")) {
      throw Error(ErrorKind::kProtocol, "snapshot read: PSYNC on " + endpoint_ + " answered '" +
                                            quote_for_message(answer) + "' instead of FULLRESYNC");
    }
    read_preamble();
  }

  size_t read(char* data, size_t size) override {
    if (!marked_) {
      const size_t n = remaining_ == 0 ? 0 : connection_->read_raw(data, std::min<uint64_t>(size, remaining_));
      remaining_ -= n;
      return n;
    }
    // Diskless: the payload ends with the mark; hand out only bytes that cannot be part of it.
    for (;;) {
      const size_t buffered = pending_.size() - pos_;
      const size_t ready = ended_ ? buffered : (buffered > kMarkSize ? buffered - kMarkSize : 0);
      if (ready > 0) {
        const size_t n = std::min(size, ready);
        std::memcpy(data, pending_.data() + pos_, n);
        pos_ += n;
        return n;
      }
      if (ended_) return 0;
      pending_.erase(0, pos_);
      pos_ = 0;
      const size_t old = pending_.size();
      pending_.resize(old + kChunk);
      pending_.resize(old + connection_->read_raw(pending_.data() + old, kChunk));
      if (pending_.size() >= kMarkSize && std::string_view(pending_).substr(pending_.size() - kMarkSize) == mark_) {
        pending_.resize(pending_.size() - kMarkSize);
        ended_ = true;
      }
    }
  }

  std::string describe() const override { return "snapshot from " + endpoint_; }

 private:
  // The next line after any newlines (the keepalives a server sends while it prepares the
  // transfer), with its CRLF; at most 128 bytes.
  std::string read_line() {
    char c = '\n';
    while (c == '\n') connection_->read_raw(&c, 1);
    std::string line(1, c);
    while (!line.ends_with("\r\n") && line.size() < 128) {
      connection_->read_raw(&c, 1);
      line.push_back(c);
    }
    return line;
  }

  // A line without its type byte and CRLF.
  static std::string body(const std::string& line) {
    return line.substr(1, line.size() - (line.ends_with("\r\n") ? 3 : 1));
  }

  // `$<length>\r\n` or `$EOF:<mark>\r\n` (after keepalive newlines).
  void read_preamble() {
    const std::string line = read_line();
    if (line.front() == '-') {
      throw Error(ErrorKind::kResponse, "snapshot read: " + endpoint_ + " stopped the full resync: " +
                                            quote_for_message(body(line)));
    }
    if (line.front() != '$' || !line.ends_with("\r\n")) {
      throw Error(ErrorKind::kProtocol, "snapshot read: unexpected start of the RDB transfer from " + endpoint_ + ": '" +
                                            quote_for_message(line) + "'");
    }
    const std::string_view header = std::string_view(line).substr(1, line.size() - 3);
    if (header.starts_with("EOF:") && header.size() == 4 + kMarkSize) {
      marked_ = true;
      mark_ = header.substr(4);
      return;
    }
    const auto result = std::from_chars(header.data(), header.data() + header.size(), remaining_);
    if (result.ec != std::errc() || result.ptr != header.data() + header.size()) {
      throw Error(ErrorKind::kProtocol, "snapshot read: bad RDB transfer length '" + quote_for_message(header) + "' from " + endpoint_);
    }
  }

  std::string endpoint_;
  std::unique_ptr<net::Connection> connection_;
  bool marked_ = false;
  uint64_t remaining_ = 0;  // `$<length>` framing
  std::string mark_;        // `$EOF:` framing
  std::string pending_;
  size_t pos_ = 0;
  bool ended_ = false;
};

}  // namespace

std::unique_ptr<ByteSource> open_replication_stream(const net::ConnectionOptions& options) {
  return std::make_unique<ReplicationStream>(options);
}

}  // namespace polars_redis::rdb
