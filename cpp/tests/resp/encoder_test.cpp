#include "polars_redis/resp/encoder.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace polars_redis::resp {
namespace {

using namespace std::string_literals;  // "..."s keeps embedded NULs

TEST(AppendCommand, ArrayOfBulkStrings) {
  std::string out;
  append_command(out, {"SET", "mykey", "myvalue"});
  EXPECT_EQ(out, "*3\r\n$3\r\nSET\r\n$5\r\nmykey\r\n$7\r\nmyvalue\r\n");
}

TEST(AppendCommand, AppendsAfterExistingBytes) {
  std::string out = "*1\r\n$4\r\nPING\r\n";
  append_command(out, {"GET", "k"});
  EXPECT_EQ(out, "*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
}

TEST(AppendCommand, EmptyAndBinaryArguments) {
  std::string out;
  append_command(out, {"SET", "", "a\r\nb\0\xff"s});
  EXPECT_EQ(out, "*3\r\n$3\r\nSET\r\n$0\r\n\r\n$6\r\na\r\nb\0\xff\r\n"s);
}

TEST(AppendCommand, FromSpan) {
  const std::vector<std::string_view> args = {"HMGET", "user:1", "name", "age"};
  std::string out;
  append_command(out, args);
  EXPECT_EQ(out, "*4\r\n$5\r\nHMGET\r\n$6\r\nuser:1\r\n$4\r\nname\r\n$3\r\nage\r\n");
}

TEST(AppendCommand, LongArgumentAndManyArguments) {
  const std::string value(1000, 'x');
  std::string out;
  append_command(out, {value});
  EXPECT_EQ(out, "*1\r\n$1000\r\n" + value + "\r\n");

  const std::vector<std::string_view> args(12, "a");
  out.clear();
  append_command(out, args);
  std::string expected = "*12\r\n";
  for (int i = 0; i < 12; ++i) expected += "$1\r\na\r\n";
  EXPECT_EQ(out, expected);
}

TEST(CommandWriter, MixedArguments) {
  std::string out;
  CommandWriter(out, 4).arg("HSET").arg(std::string_view("h")).arg(int64_t{42}).arg(1.5);
  EXPECT_EQ(out, "*4\r\n$4\r\nHSET\r\n$1\r\nh\r\n$2\r\n42\r\n$3\r\n1.5\r\n");
}

TEST(CommandWriter, Integers) {
  std::string out;
  CommandWriter writer(out, 4);
  writer.arg(int64_t{0})
      .arg(int64_t{-1})
      .arg(std::numeric_limits<int64_t>::max())
      .arg(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(out,
            "*4\r\n$1\r\n0\r\n$2\r\n-1\r\n$19\r\n9223372036854775807\r\n"
            "$20\r\n-9223372036854775808\r\n");
}

std::string double_arg(double value) {
  std::string out;
  CommandWriter(out, 1).arg(value);
  const std::string prefix = "*1\r\n$";
  EXPECT_EQ(out.compare(0, prefix.size(), prefix), 0) << out;
  const size_t header_end = out.find("\r\n", prefix.size());
  const size_t length = std::stoul(out.substr(prefix.size(), header_end - prefix.size()));
  EXPECT_EQ(out.size(), header_end + 2 + length + 2) << out;
  EXPECT_EQ(out.substr(out.size() - 2), "\r\n");
  return out.substr(header_end + 2, length);
}

TEST(CommandWriter, DoublesUseTheShortestRoundTripText) {
  EXPECT_EQ(double_arg(1.5), "1.5");
  EXPECT_EQ(double_arg(0.1), "0.1");
  EXPECT_EQ(double_arg(-2.25), "-2.25");
  EXPECT_EQ(double_arg(100.0), "100");
  EXPECT_EQ(double_arg(0.0), "0");
  EXPECT_EQ(double_arg(-0.0), "-0");
  EXPECT_EQ(double_arg(1.0 / 3.0), "0.3333333333333333");
  EXPECT_EQ(double_arg(1e21), "1e+21");
  EXPECT_EQ(double_arg(1e-7), "1e-07");
  EXPECT_EQ(double_arg(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
  EXPECT_EQ(double_arg(std::numeric_limits<double>::denorm_min()), "5e-324");
}

TEST(CommandWriter, DoublesReadBackExactly) {
  for (double value : {0.1 + 0.2, 123456.789, 6.02214076e23, -1.0e-300, 2.0 / 3.0, 1e300 / 7}) {
    const std::string text = double_arg(value);
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), value) << text;
  }
}

TEST(CommandWriter, NonFiniteDoubles) {
  EXPECT_EQ(double_arg(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(double_arg(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(double_arg(std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(double_arg(-std::numeric_limits<double>::quiet_NaN()), "nan");
}

}  // namespace
}  // namespace polars_redis::resp

namespace polars_redis::resp {
namespace {

TEST(ArgumentList, EncodesBulksThenACompleteCommand) {
  ArgumentList args;
  args.arg("HSET").arg("k").arg(int64_t{-12});
  EXPECT_EQ(args.size(), 3u);
  EXPECT_EQ(args.encoded(), "$4\r\nHSET\r\n$1\r\nk\r\n$3\r\n-12\r\n");
  std::string out = "x";
  args.append_command_to(out);
  EXPECT_EQ(out, "x*3\r\n$4\r\nHSET\r\n$1\r\nk\r\n$3\r\n-12\r\n");
  args.clear();
  EXPECT_EQ(args.size(), 0u);
  EXPECT_EQ(args.encoded(), "");
}

// The writer checks the longest argument against the server's proto-max-bulk-len.
TEST(ArgumentList, TracksItsLongestArgument) {
  ArgumentList args;
  args.arg("HSET").arg("key").arg(std::string(1000, 'x'));
  ArgumentList more;
  more.arg(int64_t{12}).append(args);
  EXPECT_EQ(more.largest(), 1000u);
  more.clear();
  EXPECT_EQ(more.largest(), 0u);
}

}  // namespace
}  // namespace polars_redis::resp
