// The floor for a SCAN-path read: one connection, plain POSIX sockets, RESP2 parsed into plain
// buffers (no Arrow, no Python). Each round sends SCAN, waits for its keys, then pipelines one
// fetch command per key (or one MGET for all of them) in a single write and reads every reply.
// The fetched values are copied into a byte buffer plus offsets, as a column builder would.
//
// Usage: raw_loop HOST PORT PATTERN TYPE COUNT MODE [ARG...]
//   MODE "each": per key, the command ARG... with "{}" replaced by the key (HGETALL {}, ...)
//   MODE "mget": one MGET of the round's keys
//   MODE "range": TS.RANGE of key PATTERN in pages of COUNT samples (TYPE is ignored)
// A password in REDIS_PASSWORD (and user in REDIS_USER) is sent with AUTH first.
// Prints one line: rows values value_bytes wall_ms
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

class Conn {
 public:
  Conn(const char* host, int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, host, &addr.sin_addr);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect");
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    in_.resize(1 << 20);
  }
  ~Conn() { close(fd_); }

  void send(const std::string& out) {
    for (size_t done = 0; done < out.size();) {
      ssize_t n = ::write(fd_, out.data() + done, out.size() - done);
      if (n <= 0) throw std::runtime_error("write");
      done += static_cast<size_t>(n);
    }
  }

  // Parses one whole reply, reading more bytes as needed. Leaf strings go to `sink` once the
  // reply is complete. The parse resumes where it stopped when more bytes arrive (a large reply
  // is never parsed from its start again); leaves are noted as offsets from the reply's start.
  template <class Sink>
  void reply(Sink&& sink) {
    pos_ = 0;
    stack_.assign(1, 1);
    leaves_.clear();
    while (!parse()) fill();
    for (auto [offset, len] : leaves_) sink(std::string_view(in_.data() + begin_ + offset, len));
    begin_ += pos_;
  }

  // For replies whose leaves the caller reads (SCAN): the parsed elements as views.
  std::vector<std::string_view> reply_views() {
    std::vector<std::string_view> views;
    reply([&](std::string_view s) { views.push_back(s); });
    return views;
  }

 private:
  void fill() {
    if (begin_ > 0) {
      std::memmove(in_.data(), in_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (end_ == in_.size()) in_.resize(in_.size() * 2);
    ssize_t n = ::read(fd_, in_.data() + end_, in_.size() - end_);
    if (n <= 0) throw std::runtime_error("read");
    end_ += static_cast<size_t>(n);
  }

  bool line(size_t& pos, std::string_view& out) {
    const char* start = in_.data() + pos;
    const void* cr = std::memchr(start, '\r', end_ - pos);
    if (!cr || static_cast<const char*>(cr) + 1 >= in_.data() + end_) return false;
    out = std::string_view(start, static_cast<const char*>(cr) - start);
    pos += out.size() + 2;
    return true;
  }

  // Advances over whole elements; false when the reply is not complete yet.
  bool parse() {
    while (!stack_.empty()) {
      if (stack_.back() == 0) {
        stack_.pop_back();
        continue;
      }
      size_t pos = begin_ + pos_;
      if (pos >= end_) return false;
      const char type = in_[pos++];
      std::string_view text;
      if (!line(pos, text)) return false;
      switch (type) {
        case '+': case ':': case ',':
          leaves_.emplace_back(static_cast<size_t>(text.data() - in_.data()) - begin_, text.size());
          break;
        case '-':
          throw std::runtime_error("server error: " + std::string(text));
        case '$': {
          long len = std::strtol(std::string(text).c_str(), nullptr, 10);
          if (len >= 0) {
            if (end_ - pos < static_cast<size_t>(len) + 2) return false;
            leaves_.emplace_back(pos - begin_, static_cast<size_t>(len));
            pos += static_cast<size_t>(len) + 2;
          }
          break;
        }
        case '*': {
          --stack_.back();
          pos_ = pos - begin_;
          stack_.push_back(std::strtol(std::string(text).c_str(), nullptr, 10));
          continue;
        }
        default:
          throw std::runtime_error("unexpected RESP type");
      }
      --stack_.back();
      pos_ = pos - begin_;
    }
    return true;
  }

  int fd_;
  std::vector<char> in_;
  std::vector<std::pair<size_t, size_t>> leaves_;  // (offset from begin_, length)
  std::vector<long> stack_;                         // elements left per open array
  size_t pos_ = 0;                                  // parsed bytes of the current reply
  size_t begin_ = 0, end_ = 0;
};

void arg(std::string& out, std::string_view a) {
  out += '$';
  out += std::to_string(a.size());
  out += "\r\n";
  out.append(a);
  out += "\r\n";
}

void command(std::string& out, const std::vector<std::string_view>& args) {
  out += '*';
  out += std::to_string(args.size());
  out += "\r\n";
  for (auto a : args) arg(out, a);
}

struct Column {  // what a builder keeps: bytes and offsets, reset per round (the floor)
  std::string bytes;
  std::vector<uint32_t> offsets;
  long values = 0;
  long long total_bytes = 0;
  void operator()(std::string_view s) {
    offsets.push_back(static_cast<uint32_t>(bytes.size()));
    bytes.append(s);
    ++values;
    total_bytes += static_cast<long long>(s.size());
  }
  void reset() {
    bytes.clear();
    offsets.clear();
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 7) {
    std::fprintf(stderr, "usage: raw_loop HOST PORT PATTERN TYPE COUNT MODE [ARG...]\n");
    return 2;
  }
  const std::string pattern = argv[3], type = argv[4], count = argv[5], mode = argv[6];
  std::vector<std::string> templ(argv + 7, argv + argc);
  try {
    Conn conn(argv[1], std::atoi(argv[2]));
    std::string out;
    if (const char* password = std::getenv("REDIS_PASSWORD")) {
      const char* user = std::getenv("REDIS_USER");
      if (user && *user) command(out, {"AUTH", user, password});
      else command(out, {"AUTH", password});
      conn.send(out);
      conn.reply([](std::string_view) {});
    }
    Column column;
    long rows = 0;
    const auto start = std::chrono::steady_clock::now();
    if (mode == "range") {
      std::string from = "-";
      for (;;) {
        out.clear();
        command(out, {"TS.RANGE", pattern, from, "+", "COUNT", count});
        conn.send(out);
        long samples = 0;
        std::string last;
        conn.reply([&](std::string_view s) {
          column(s);
          if (++samples % 2 == 1) last.assign(s);
        });
        rows += samples / 2;
        column.reset();
        if (samples / 2 < std::atol(count.c_str())) break;
        from = std::to_string(std::atoll(last.c_str()) + 1);
      }
    } else {
      std::string cursor = "0";
      do {
        out.clear();
        std::vector<std::string_view> scan = {"SCAN", cursor, "MATCH", pattern, "COUNT", count};
        if (!type.empty() && type != "-") {
          scan.push_back("TYPE");
          scan.push_back(type);
        }
        command(out, scan);
        conn.send(out);
        std::vector<std::string_view> views = conn.reply_views();
        cursor.assign(views.front());
        std::vector<std::string> keys(views.begin() + 1, views.end());
        if (keys.empty()) continue;
        out.clear();
        int replies = 0;
        if (mode == "mget") {
          std::vector<std::string_view> args = {"MGET"};
          args.insert(args.end(), keys.begin(), keys.end());
          command(out, args);
          replies = 1;
        } else {
          std::vector<std::string_view> args;
          for (const std::string& key : keys) {
            args.clear();
            for (const std::string& t : templ) args.push_back(t == "{}" ? std::string_view(key) : std::string_view(t));
            command(out, args);
            ++replies;
          }
        }
        conn.send(out);
        for (int i = 0; i < replies; ++i) conn.reply(column);
        rows += static_cast<long>(keys.size());
        column.reset();
      } while (cursor != "0");
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::printf("%ld %ld %lld %.3f\n", rows, column.values, column.total_bytes, ms);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "raw_loop: %s\n", e.what());
    return 1;
  }
  return 0;
}
