// Calendar dates and UTC timestamps as small value types.
//
// Dates are stored and exchanged as ISO 8601 text ("2025-03-01"); timestamps
// as "2025-03-01T08:30:00Z". Parsing is strict: a bad value yields an
// InvalidArgument Status that quotes it.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace sturgeon {

// A day in the proleptic Gregorian calendar.
struct Date {
  int32_t days = 0;  // days since 1970-01-01

  static Date FromYmd(int year, int month, int day);
  // Accepts exactly YYYY-MM-DD with a valid day of month.
  static Result<Date> Parse(std::string_view text);
  static Date Today();

  int year() const;
  int month() const;
  int day() const;
  std::string ToString() const;  // YYYY-MM-DD
  Date AddDays(int n) const { return Date{days + n}; }

  auto operator<=>(const Date&) const = default;
};

// An instant, in whole seconds since the Unix epoch, UTC.
struct Timestamp {
  int64_t seconds = 0;

  static Timestamp FromDate(Date d) { return Timestamp{int64_t{d.days} * 86400}; }
  // Accepts YYYY-MM-DD (midnight UTC), YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM|-HH:MM];
  // a space may stand for the 'T'. Without a zone the time is UTC.
  static Result<Timestamp> Parse(std::string_view text);
  static Timestamp Now();

  // The end of day `d`: 23:59:59 UTC, so "on date d" includes the whole day.
  static Timestamp EndOfDay(Date d) { return Timestamp{int64_t{d.days} * 86400 + 86399}; }

  Date date() const;
  std::string ToString() const;  // YYYY-MM-DDTHH:MM:SSZ
  Timestamp AddSeconds(int64_t s) const { return Timestamp{seconds + s}; }

  auto operator<=>(const Timestamp&) const = default;
};

}  // namespace sturgeon
