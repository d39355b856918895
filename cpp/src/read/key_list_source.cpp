#include "polars_redis/read/key_list_source.hpp"

#include <algorithm>

#include "polars_redis/net/redirect.hpp"
#include "polars_redis/resp/command_text.hpp"
#include "polars_redis/resp/encoder.hpp"
#include "polars_redis/read/seen_keys.hpp"

namespace polars_redis::read {

namespace {

class KeyListSource final : public KeySource {
 public:
  explicit KeyListSource(const KeySourceOptions& options)
      : KeySource(net::acquire(options.connection)),
        type_filter_(options.type_filter),
        on_redirect_(options.on_redirect),
        chunk_(static_cast<size_t>(std::max<int64_t>(1, options.count_hint))) {
    SeenKeys seen;
    for (const auto& key : options.spec.keys) {
      if (seen.insert(key)) keys_.push_back(key);
    }
  }

  bool done() const override { return answered_ == keys_.size(); }
  bool waiting() const override { return answered_ < requested_; }
  bool keys_exist() const override { return true; }

  void request() override {
    const size_t end = std::min(keys_.size(), requested_ + chunk_);
    for (; requested_ < end; ++requested_) {
      resp::CommandWriter(connection_->out_buffer(), 2).arg("TYPE").arg(keys_[requested_]);
    }
  }

  void consume(const resp::NodeView& reply, const Sink& sink) override {
    const std::string& key = keys_[answered_++];
    if (on_redirect_ && reply.is_error() && net::parse_redirect(reply.str())) {
      on_redirect_(key);
      return;
    }
    net::throw_if_error(reply, "TYPE");
    const std::string_view type = reply.str();
    if (type_filter_.empty() ? type != "none" : type == type_filter_) sink(key);
  }

 private:
  std::string type_filter_;
  std::function<void(std::string_view key)> on_redirect_;
  size_t chunk_;
  std::vector<std::string> keys_;
  size_t requested_ = 0;  // keys whose TYPE was sent
  size_t answered_ = 0;   // keys whose TYPE reply was consumed
};

}  // namespace

std::unique_ptr<KeySource> open_key_list_source(const KeySourceOptions& options) {
  return std::make_unique<KeyListSource>(options);
}

std::string describe_key_list_source(const KeySourceOptions& options, size_t shown) {
  SeenKeys seen;
  std::vector<std::string_view> keys;
  for (const auto& key : options.spec.keys) {
    if (seen.insert(key)) keys.push_back(key);
  }
  std::string text = std::to_string(keys.size()) + " named key(s), each checked with TYPE";
  for (size_t i = 0; i < keys.size() && i < shown; ++i) text += (i ? " " : ": ") + resp::quote_argument(keys[i]);
  if (keys.size() > shown) text += " ...";
  return text;
}

}  // namespace polars_redis::read
