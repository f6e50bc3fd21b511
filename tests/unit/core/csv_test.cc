#include "core/csv.h"

#include <gtest/gtest.h>

namespace sturgeon {
namespace {

std::vector<std::vector<std::string>> ReadAll(const std::string& text) {
  CsvReader r = CsvReader::FromString(text, "t.csv");
  std::vector<std::string_view> fields;
  std::vector<std::vector<std::string>> out;
  while (true) {
    auto more = r.Next(&fields);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    out.emplace_back(fields.begin(), fields.end());
  }
  return out;
}

Status FirstError(const std::string& text) {
  CsvReader r = CsvReader::FromString(text, "t.csv");
  std::vector<std::string_view> fields;
  while (true) {
    auto more = r.Next(&fields);
    if (!more.ok()) return more.status();
    if (!*more) return Status::Ok();
  }
}

TEST(CsvReader, ReadsQuotedFieldsEscapedQuotesAndLineEnds) {
  auto rows = ReadAll("\xEF\xBB\xBF" "a,b,c\r\n1,\"x, \"\"y\"\"\",\r\n\n2,\"multi\nline\",z");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"1", "x, \"y\"", ""}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"2", "multi\nline", "z"}));
}

TEST(CsvReader, ReportsLineOfEachRecord) {
  CsvReader r = CsvReader::FromString("h\n\"a\nb\"\nc\n", "t.csv");
  std::vector<std::string_view> f;
  ASSERT_TRUE(*r.Next(&f));
  EXPECT_EQ(r.line(), 1u);
  ASSERT_TRUE(*r.Next(&f));
  EXPECT_EQ(r.line(), 2u);
  ASSERT_TRUE(*r.Next(&f));
  EXPECT_EQ(r.line(), 4u);
}

TEST(CsvReader, RejectsMalformedQuotingWithLineAndColumn) {
  struct Case {
    const char* text;
    const char* expected;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"a,b\n1,\"open\n", "t.csv:2: column 2: unterminated quoted field"},
           {"a,b\n1,x\"y\n", "t.csv:2: column 2: quote inside an unquoted field"},
           {"a,b\n\"q\"z,1\n", "t.csv:2: column 1: unexpected text after closing quote"},
       }) {
    Status st = FirstError(c.text);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << c.text;
    EXPECT_EQ(st.message(), c.expected);
  }
}

TEST(CsvReader, OpenNamesAMissingFile) {
  auto r = CsvReader::Open("/nonexistent/dir/x.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIOError);
  EXPECT_NE(r.status().message().find("/nonexistent/dir/x.csv"), std::string::npos);
}

}  // namespace
}  // namespace sturgeon
