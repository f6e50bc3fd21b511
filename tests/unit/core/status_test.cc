#include "core/status.h"

#include <gtest/gtest.h>

namespace sturgeon {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  STURGEON_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

TEST(Status, OkByDefaultAndCarriesCodeAndMessage) {
  EXPECT_TRUE(Status().ok());
  Status st = Status::NotFound("no pool 'X'");
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_EQ(st.ToString(), "not_found: no pool 'X'");
  EXPECT_EQ(st.WithContext("fish.csv:3").message(), "fish.csv:3: no pool 'X'");
}

TEST(Result, PropagatesTheFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "odd");
}

}  // namespace
}  // namespace sturgeon
