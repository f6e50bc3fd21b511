#include "core/dates.h"

#include <gtest/gtest.h>

namespace sturgeon {
namespace {

TEST(Date, RoundTripsThroughText) {
  for (const char* text : {"1970-01-01", "2000-02-29", "2024-12-31", "2026-11-29"}) {
    auto d = Date::Parse(text);
    ASSERT_TRUE(d.ok()) << text;
    EXPECT_EQ(d->ToString(), text);
  }
  EXPECT_EQ(Date::Parse("1970-01-02")->days, 1);
  EXPECT_EQ(Date::FromYmd(2024, 3, 1).days - Date::FromYmd(2024, 2, 28).days, 2);
}

TEST(Date, RejectsMalformedAndImpossibleDates) {
  for (const char* text : {"", "2024-1-01", "2024-02-30", "2023-02-29", "2024-13-01", "24-01-01", "2024/01/01",
                           "2024-01-01x", "abcd-ef-gh"}) {
    auto d = Date::Parse(text);
    EXPECT_FALSE(d.ok()) << text;
    if (!d.ok()) {
      EXPECT_NE(d.status().message().find("bad date"), std::string::npos);
    }
  }
}

TEST(Timestamp, ParsesZonesAndFormatsUtc) {
  struct Case {
    const char* text;
    const char* utc;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"2025-03-01", "2025-03-01T00:00:00Z"},
           {"2025-03-01T08:30", "2025-03-01T08:30:00Z"},
           {"2025-03-01 08:30:15", "2025-03-01T08:30:15Z"},
           {"2025-03-01T08:30:15Z", "2025-03-01T08:30:15Z"},
           {"2025-03-01T08:30:15.250Z", "2025-03-01T08:30:15Z"},
           {"2025-03-01T08:30:00+08:00", "2025-03-01T00:30:00Z"},
           {"2025-03-01T00:30:00-01:00", "2025-03-01T01:30:00Z"},
       }) {
    auto t = Timestamp::Parse(c.text);
    ASSERT_TRUE(t.ok()) << c.text << ": " << t.status().ToString();
    EXPECT_EQ(t->ToString(), c.utc) << c.text;
  }
  for (const char* bad : {"2025-03-01T25:00", "2025-03-01T08", "2025-03-01T08:30+8", "yesterday"}) {
    EXPECT_FALSE(Timestamp::Parse(bad).ok()) << bad;
  }
}

TEST(Timestamp, EndOfDayIsTheLastSecondOfThatDay) {
  const Date d = Date::FromYmd(2026, 6, 1);
  EXPECT_EQ(Timestamp::EndOfDay(d).ToString(), "2026-06-01T23:59:59Z");
  EXPECT_EQ(Timestamp::EndOfDay(d).date(), d);
}

}  // namespace
}  // namespace sturgeon
