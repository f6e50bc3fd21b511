#include "domain/model.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include <fmt/format.h>

namespace sturgeon {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

template <typename E, size_t N>
Result<E> ParseName(std::string_view what, std::string_view text, const std::array<std::pair<std::string_view, E>, N>& names) {
  for (const auto& [name, value] : names) {
    if (EqualsIgnoreCase(name, text)) return value;
  }
  std::string valid;
  for (const auto& [name, value] : names) {
    if (name.empty()) continue;
    if (!valid.empty()) valid += ", ";
    valid += name;
  }
  return Status::InvalidArgument(fmt::format("unknown {} '{}': expected one of {}", what, text, valid));
}

constexpr std::array<std::pair<std::string_view, PoolKind>, 4> kPoolKinds{{
    {"round_tank", PoolKind::kRoundTank}, {"raceway", PoolKind::kRaceway},
    {"pond", PoolKind::kPond}, {"net_cage", PoolKind::kNetCage}}};
constexpr std::array<std::pair<std::string_view, Sex>, 6> kSexes{{
    {"unknown", Sex::kUnknown}, {"F", Sex::kFemale}, {"M", Sex::kMale},
    {"", Sex::kUnknown}, {"female", Sex::kFemale}, {"male", Sex::kMale}}};
constexpr std::array<std::pair<std::string_view, SexMethod>, 7> kSexMethods{{
    {"unknown", SexMethod::kUnknown}, {"visual", SexMethod::kVisual}, {"ultrasound", SexMethod::kUltrasound},
    {"biopsy", SexMethod::kBiopsy}, {"blood_steroids", SexMethod::kBloodSteroids},
    {"genetic", SexMethod::kGenetic}, {"", SexMethod::kUnknown}}};
constexpr std::array<std::pair<std::string_view, RemovalKind>, 2> kRemovalKinds{{
    {"death", RemovalKind::kDeath}, {"harvest", RemovalKind::kHarvest}}};
constexpr std::array<std::pair<std::string_view, Health>, 5> kHealths{{
    {"ok", Health::kOk}, {"sick", Health::kSick}, {"injured", Health::kInjured},
    {"dead", Health::kDead}, {"", Health::kOk}}};
constexpr std::array<std::pair<std::string_view, FeedingResponse>, 6> kFeedings{{
    {"unknown", FeedingResponse::kUnknown}, {"good", FeedingResponse::kGood},
    {"moderate", FeedingResponse::kModerate}, {"poor", FeedingResponse::kPoor},
    {"none", FeedingResponse::kNone}, {"", FeedingResponse::kUnknown}}};

template <typename E, size_t N>
std::string_view NameOf(E v, const std::array<std::pair<std::string_view, E>, N>& names) {
  for (const auto& [name, value] : names) {
    if (value == v) return name;
  }
  return "unknown";
}

}  // namespace

std::string_view ToString(PoolKind v) { return NameOf(v, kPoolKinds); }
std::string_view ToString(Sex v) { return NameOf(v, kSexes); }
std::string_view ToString(SexMethod v) { return NameOf(v, kSexMethods); }
std::string_view ToString(RemovalKind v) { return NameOf(v, kRemovalKinds); }
std::string_view ToString(Health v) { return NameOf(v, kHealths); }
std::string_view ToString(FeedingResponse v) { return NameOf(v, kFeedings); }

Result<PoolKind> ParsePoolKind(std::string_view text) { return ParseName("pool kind", text, kPoolKinds); }
Result<Sex> ParseSex(std::string_view text) { return ParseName("sex", text, kSexes); }
Result<SexMethod> ParseSexMethod(std::string_view text) { return ParseName("sexing method", text, kSexMethods); }
Result<RemovalKind> ParseRemovalKind(std::string_view text) { return ParseName("removal kind", text, kRemovalKinds); }
Result<Health> ParseHealth(std::string_view text) { return ParseName("health", text, kHealths); }
Result<FeedingResponse> ParseFeedingResponse(std::string_view text) {
  return ParseName("feeding response", text, kFeedings);
}

Result<int> ParseGonadStage(std::string_view text) {
  static constexpr std::array<std::string_view, 6> kRoman{"I", "II", "III", "IV", "V", "VI"};
  std::string_view t = text;
  if (t.size() >= 2 && (t[0] == 'F' || t[0] == 'M' || t[0] == 'f' || t[0] == 'm')) t.remove_prefix(1);
  for (size_t i = 0; i < kRoman.size(); ++i) {
    if (EqualsIgnoreCase(kRoman[i], t)) return static_cast<int>(i + 1);
  }
  if (t.size() == 1 && t[0] >= '1' && t[0] <= '6') return t[0] - '0';
  return Status::InvalidArgument(fmt::format("bad gonad stage '{}': expected I..VI, FII..FVI, MII..MVI or 1..6", text));
}

}  // namespace sturgeon
