#include "polars_redis/read/search_key_source.hpp"

#include <algorithm>

#include "polars_redis/error.hpp"
#include "polars_redis/read/expansion_check.hpp"
#include "polars_redis/read/search_cursor_release.hpp"
#include "polars_redis/read/search_offset_pages.hpp"
#include "polars_redis/read/search_reply.hpp"
#include "polars_redis/resp/command_text.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::read {

namespace {

// Without LIMIT, FT.AGGREGATE's SORTBY keeps only its MAX first rows (10 by default): ask for
// every row. The server takes MAX as a 32-bit count.
constexpr int64_t kSortAll = 2147483647;

std::string attribute(const std::string& field) { return field.starts_with('@') ? field : "@" + field; }

// FT.AGGREGATE <index> <query> LOAD n @__key [sort fields] [SORTBY ...] ... WITHCURSOR COUNT <count>
void append_aggregate(resp::ArgumentList& args, const SearchKeyQuery& search, int64_t count) {
  args.arg("FT.AGGREGATE").arg(search.index).arg(search.query);
  args.arg("LOAD").arg(static_cast<int64_t>(1 + search.sort_by.size())).arg("@__key");
  for (const auto& [field, descending] : search.sort_by) args.arg(attribute(field));
  if (!search.sort_by.empty()) {
    args.arg("SORTBY").arg(static_cast<int64_t>(2 * search.sort_by.size()));
    for (const auto& [field, descending] : search.sort_by) args.arg(attribute(field)).arg(descending ? "DESC" : "ASC");
    if (!search.limit) args.arg("MAX").arg(kSortAll);
  }
  if (search.limit) args.arg("LIMIT").arg(int64_t{0}).arg(*search.limit);
  append_search_params(args, search);
  args.arg("DIALECT").arg(static_cast<int64_t>(search.dialect));
  args.arg("TIMEOUT").arg(int64_t{0}).arg("WITHCURSOR").arg("COUNT").arg(count);
}

void append_cursor_read(resp::ArgumentList& args, std::string_view index, std::string_view cursor, int64_t count) {
  args.arg("FT.CURSOR").arg("READ").arg(index).arg(cursor).arg("COUNT").arg(count);
}

class SearchKeySource final : public KeySource {
 public:
  explicit SearchKeySource(const KeySourceOptions& options)
      : KeySource(net::acquire(options.connection)),
        search_(options.spec.search),
        count_(std::max<int64_t>(1, options.count_hint)),
        phase_(query_may_expand(search_.query) ? Phase::kCheck : Phase::kAggregate),
        pages_(search_, count_) {}

  bool done() const override { return done_; }
  bool waiting() const override { return waiting_; }
  bool keys_exist() const override { return true; }

  void request() override {
    waiting_ = true;
    if (phase_ == Phase::kCheck) {
      append_expansion_check(connection_->out_buffer(), search_.index, search_.query, search_.params, search_.dialect);
      return;
    }
    resp::ArgumentList args;
    if (search_.by_offset) {
      pages_.append_request(args);
    } else if (phase_ == Phase::kAggregate) {
      append_aggregate(args, search_, count_);
    } else {
      append_cursor_read(args, search_.index, std::to_string(cursor_), count_);
    }
    args.append_command_to(connection_->out_buffer());
  }

  void consume(const resp::NodeView& reply, const Sink& sink) override {
    waiting_ = false;
    SearchCommand what{phase_ == Phase::kCursor ? "FT.CURSOR READ" : "FT.AGGREGATE", search_.index, search_.query};
    if (phase_ == Phase::kCheck) {
      check_expansion_profile(reply, what);
      phase_ = Phase::kAggregate;
      return;
    }
    if (search_.by_offset) {
      pages_.consume(reply, [&](const SearchResult& result) { sink(result.id); });
      done_ = pages_.done();
      return;
    }
    phase_ = Phase::kCursor;
    SearchPage page(reply, what);
    cursor_ = page.cursor();
    page.check_warnings();
    page.for_each_row([&](const SearchRow& row) {
      row.for_each([&](std::string_view name, const resp::NodeView& value) {
        if (name == "__key") sink(value.str());
      });
    });
    done_ = cursor_ == 0;
  }

  void abandon() noexcept override {
    if (done_ || search_.by_offset) return;  // paging by offset holds no cursor
    if (waiting_ && phase_ == Phase::kCheck) return;  // no cursor opened yet
    release_search_cursor(*connection_, search_.index, cursor_);
    cursor_ = 0;
  }

 private:
  // Expansion check (only for queries that may expand terms), then the query, then cursor reads.
  enum class Phase { kCheck, kAggregate, kCursor };

  SearchKeyQuery search_;
  int64_t count_;
  Phase phase_;
  int64_t cursor_ = 0;
  SearchOffsetPages pages_;  // by_offset
  bool waiting_ = false;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<KeySource> open_search_key_source(const KeySourceOptions& options) {
  return std::make_unique<SearchKeySource>(options);
}

std::vector<std::string> describe_search_key_source(const KeySourceOptions& options) {
  SearchKeyQuery search = options.spec.search;
  for (auto& [name, value] : search.params) value = "<value>";  // a vector blob or a secret: not shown
  const int64_t count = std::max<int64_t>(1, options.count_hint);
  std::string out;
  if (!search.by_offset && query_may_expand(search.query)) {
    append_expansion_check(out, search.index, search.query, search.params, search.dialect);
  }
  resp::ArgumentList args;
  if (search.by_offset) {
    SearchOffsetPages::append_page(args, search, "<offset>", SearchOffsetPages::first_page(search));
  } else {
    append_aggregate(args, search, count);
    args.append_command_to(out);
    args.clear();
    append_cursor_read(args, search.index, "<cursor>", count);
  }
  args.append_command_to(out);
  return resp::command_texts(out);
}

}  // namespace polars_redis::read
