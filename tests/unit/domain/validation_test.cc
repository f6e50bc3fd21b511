#include "domain/ids.h"
#include "domain/validation.h"

#include <gtest/gtest.h>

namespace sturgeon {
namespace {

TEST(Validation, PitTagsAreFifteenDigits) {
  EXPECT_TRUE(ValidatePitTag("156000100000001").ok());
  for (const char* bad : {"", "15600010000000", "1560001000000012", "15600010000000a", "156 00100000001"}) {
    EXPECT_FALSE(ValidatePitTag(bad).ok()) << bad;
  }
}

TEST(Validation, SpeciesCodesAreCitesCodesOrHybrids) {
  for (const char* good : {"DAU", "SCH", "DAU x SCH"}) EXPECT_TRUE(ValidateSpeciesCode(good).ok()) << good;
  for (const char* bad : {"dau", "DA", "DAUX", "DAU X SCH", "DAU x", "DAUxSCH", ""}) {
    EXPECT_FALSE(ValidateSpeciesCode(bad).ok()) << bad;
  }
}

TEST(Validation, MovesNeedAPoolACountAndASubject) {
  Move m;
  m.count = 10;
  m.cohort_id = 1;
  m.to_pool_id = 2;
  EXPECT_TRUE(Validate(m).ok());
  Move same = m;
  same.from_pool_id = 2;
  EXPECT_FALSE(Validate(same).ok());
  Move no_pool = m;
  no_pool.to_pool_id.reset();
  EXPECT_FALSE(Validate(no_pool).ok());
  Move zero = m;
  zero.count = 0;
  EXPECT_FALSE(Validate(zero).ok());
  Move individual = m;
  individual.fish_id = 9;
  EXPECT_FALSE(Validate(individual).ok()) << "an individual's move has count 1";
}

TEST(Validation, NegativeMeasurementsAreRejectedNamingTheField) {
  DailyStatus s;
  s.fish_id = 1;
  s.weight_g = -5;
  Status st = Validate(s);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("weight_g"), std::string::npos);
}

TEST(Validation, GonadStagesAcceptRomanAndSexedForms) {
  EXPECT_EQ(*ParseGonadStage("IV"), 4);
  EXPECT_EQ(*ParseGonadStage("FII"), 2);
  EXPECT_EQ(*ParseGonadStage("MVI"), 6);
  EXPECT_EQ(*ParseGonadStage("3"), 3);
  EXPECT_FALSE(ParseGonadStage("VII").ok());
}

}  // namespace
}  // namespace sturgeon

namespace sturgeon {
namespace {

TEST(ParseId, AcceptsOnlyCanonicalPositiveDecimals) {
  EXPECT_EQ(ParseId("1"), std::optional<Id>(1));
  EXPECT_EQ(ParseId("9223372036854775807"), std::optional<Id>(9223372036854775807));
  for (const char* bad : {"", "0", "01", "-1", "+1", " 1", "1 ", "1e1", "1.0", "0x10", "9223372036854775808", "abc"}) {
    EXPECT_EQ(ParseId(bad), std::nullopt) << "'" << bad << "'";
  }
}

}  // namespace
}  // namespace sturgeon
