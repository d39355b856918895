#include "polars_redis/read/scan_key_source.hpp"

#include <algorithm>

#include "polars_redis/error.hpp"
#include "polars_redis/resp/command_text.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::read {

namespace {

void append_scan(std::string& out, std::string_view cursor, std::string_view pattern, std::string_view count,
                 std::string_view type_filter) {
  const bool typed = !type_filter.empty();
  resp::CommandWriter scan(out, typed ? 8 : 6);
  scan.arg("SCAN").arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(count);
  if (typed) scan.arg("TYPE").arg(type_filter);
}

class ScanKeySource final : public KeySource {
 public:
  explicit ScanKeySource(const KeySourceOptions& options)
      : KeySource(net::acquire(options.connection)),
        pattern_(options.pattern),
        type_filter_(options.type_filter),
        count_(std::to_string(std::max<int64_t>(1, options.count_hint))),
        typed_(!options.defer_type_filter) {}

  bool done() const override { return done_; }
  bool waiting() const override { return waiting_; }

  void request() override {
    append_scan(connection_->out_buffer(), cursor_, pattern_, count_, typed_ ? type_filter_ : std::string_view());
    waiting_ = true;
  }

  // The cursor stays valid: TYPE only filters the keys of the buckets a SCAN visits.
  void filter_by_type() override { typed_ = true; }

  void consume(const resp::NodeView& reply, const Sink& sink) override {
    net::throw_if_error(reply, "SCAN");
    if (!reply.is_aggregate() || reply.size() != 2) throw Error(ErrorKind::kProtocol, "SCAN returned an unexpected reply");
    auto cursor = reply.first_child();
    auto keys = cursor.next_sibling();
    cursor_.assign(cursor.str());
    done_ = cursor_ == "0";
    waiting_ = false;
    auto key = keys.first_child();
    for (size_t i = 0, n = keys.size(); i < n; ++i, key = key.next_sibling()) sink(key.str());
  }

 private:
  std::string pattern_;
  std::string type_filter_;
  std::string count_;
  std::string cursor_ = "0";
  bool done_ = false;
  bool waiting_ = false;
  bool typed_;
};

}  // namespace

std::unique_ptr<KeySource> open_scan_key_source(const KeySourceOptions& options) {
  return std::make_unique<ScanKeySource>(options);
}

std::string describe_scan_key_source(const KeySourceOptions& options) {
  std::string out;
  const bool deferred = options.defer_type_filter && !options.type_filter.empty();
  append_scan(out, "<cursor>", options.pattern, std::to_string(std::max<int64_t>(1, options.count_hint)),
              deferred ? std::string_view() : std::string_view(options.type_filter));
  std::string text = resp::command_texts(out).front();
  if (deferred) text += "; adding TYPE " + resp::quote_argument(options.type_filter) + " once many keys prove to be of other types";
  return text;
}

}  // namespace polars_redis::read
