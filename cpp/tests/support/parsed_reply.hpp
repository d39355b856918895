#pragma once
// Test support: one complete RESP reply parsed from bytes the object owns.
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "polars_redis/resp/parser.hpp"

namespace polars_redis::test_support {

class ParsedReply {
 public:
  explicit ParsedReply(std::string bytes) : bytes_(std::move(bytes)) {
    EXPECT_EQ(parser_.feed(bytes_.data(), bytes_.size()), resp::ReplyParser::Status::kComplete);
  }
  // The reply's root; valid while this object lives.
  resp::NodeView root() {
    reply_ = std::make_unique<resp::Reply>(parser_.reply(bytes_.data()));
    return reply_->root();
  }

 private:
  std::string bytes_;
  resp::ReplyParser parser_;
  std::unique_ptr<resp::Reply> reply_;
};

}  // namespace polars_redis::test_support
