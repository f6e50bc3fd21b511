#include "core/dates.h"

#include <chrono>
#include <cstdio>

#include <fmt/format.h>

namespace sturgeon {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int* year, int* month, int* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  *year = static_cast<int>(y + (m <= 2));
  *month = static_cast<int>(m);
  *day = static_cast<int>(d);
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Parses exactly `n` ASCII digits at `text[pos]`.
bool ParseDigits(std::string_view text, size_t pos, size_t n, int* out) {
  if (pos + n > text.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

Status BadDate(std::string_view text) {
  return Status::InvalidArgument(fmt::format("bad date '{}': expected YYYY-MM-DD", text));
}

Status BadTime(std::string_view text) {
  return Status::InvalidArgument(
      fmt::format("bad time '{}': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM]", text));
}

}  // namespace

Date Date::FromYmd(int year, int month, int day) {
  return Date{static_cast<int32_t>(DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)))};
}

Result<Date> Date::Parse(std::string_view text) {
  int y, m, d;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !ParseDigits(text, 0, 4, &y) ||
      !ParseDigits(text, 5, 2, &m) || !ParseDigits(text, 8, 2, &d)) {
    return BadDate(text);
  }
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) return BadDate(text);
  return FromYmd(y, m, d);
}

Date Date::Today() { return Timestamp::Now().date(); }

int Date::year() const { int y, m, d; CivilFromDays(days, &y, &m, &d); return y; }
int Date::month() const { int y, m, d; CivilFromDays(days, &y, &m, &d); return m; }
int Date::day() const { int y, m, d; CivilFromDays(days, &y, &m, &d); return d; }

std::string Date::ToString() const {
  int y, m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

Result<Timestamp> Timestamp::Parse(std::string_view text) {
  if (text.size() < 10) return BadTime(text);
  auto date = Date::Parse(text.substr(0, 10));
  if (!date.ok()) return BadTime(text);
  int64_t secs = int64_t{date->days} * 86400;
  if (text.size() == 10) return Timestamp{secs};
  if (text[10] != 'T' && text[10] != ' ') return BadTime(text);
  int hh, mm, ss = 0;
  if (!ParseDigits(text, 11, 2, &hh) || text.size() < 16 || text[13] != ':' || !ParseDigits(text, 14, 2, &mm)) {
    return BadTime(text);
  }
  size_t pos = 16;
  if (pos < text.size() && text[pos] == ':') {
    if (!ParseDigits(text, pos + 1, 2, &ss)) return BadTime(text);
    pos += 3;
    // Fractional seconds are accepted and dropped.
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    }
  }
  if (hh > 23 || mm > 59 || ss > 59) return BadTime(text);
  secs += hh * 3600 + mm * 60 + ss;
  if (pos == text.size()) return Timestamp{secs};
  if (text[pos] == 'Z' && pos + 1 == text.size()) return Timestamp{secs};
  if ((text[pos] == '+' || text[pos] == '-') && text.size() == pos + 6 && text[pos + 3] == ':') {
    int oh, om;
    if (!ParseDigits(text, pos + 1, 2, &oh) || !ParseDigits(text, pos + 4, 2, &om) || oh > 14 || om > 59) {
      return BadTime(text);
    }
    const int64_t offset = oh * 3600 + om * 60;
    return Timestamp{text[pos] == '+' ? secs - offset : secs + offset};
  }
  return BadTime(text);
}

Timestamp Timestamp::Now() {
  using namespace std::chrono;
  return Timestamp{duration_cast<std::chrono::seconds>(system_clock::now().time_since_epoch()).count()};
}

Date Timestamp::date() const {
  int64_t days = seconds / 86400;
  if (seconds % 86400 < 0) --days;
  return Date{static_cast<int32_t>(days)};
}

std::string Timestamp::ToString() const {
  const Date d = date();
  const int64_t sod = seconds - int64_t{d.days} * 86400;
  return fmt::format("{}T{:02}:{:02}:{:02}Z", d.ToString(), sod / 3600, (sod / 60) % 60, sod % 60);
}

}  // namespace sturgeon
