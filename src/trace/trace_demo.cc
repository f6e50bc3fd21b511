#include "trace/trace_demo.h"

#include <array>
#include <cmath>
#include <random>

#include <fmt/format.h>

namespace sturgeon::trace {
namespace {

constexpr int kTinsPerCase = 12;
constexpr int kCasesPerShipment = 8;
constexpr int kReadingIntervalS = 30 * 60;
constexpr double kRoeKgMin = 1.2;
constexpr double kRoeKgMax = 3.5;
constexpr std::array<const char*, 6> kDestinations = {"FR", "DE", "US", "JP", "AE", "GB"};
constexpr std::array<const char*, 3> kCarriers = {"AirCold Cargo", "Polar Express Logistics", "SinoFreeze Air"};
constexpr std::array<const char*, 6> kColours = {"golden", "amber", "light_grey", "grey", "dark_grey", "black"};
constexpr char kPlant[] = "CN-ZJ-001";

}  // namespace

Result<TraceDemoSummary> SeedTraceDemo(Store& store, TraceStore& trace, const TraceDemoOptions& o) {
  STURGEON_ASSIGN_OR_RETURN(std::vector<trace::Batch> existing, trace.ListBatches());
  if (!existing.empty()) return Status::FailedPrecondition("the database already holds caviar batches");
  std::vector<std::string> females;
  RecordQuery q;
  q.limit = 10000;
  while (true) {
    STURGEON_ASSIGN_OR_RETURN(std::vector<Fish> page, store.ListFish(q));
    if (page.empty()) break;
    for (const Fish& f : page) {
      if (f.sex == Sex::kFemale && f.pit_tag) females.push_back(*f.pit_tag);
    }
    q.after_id = page.back().id;
  }
  if (females.empty()) return Status::FailedPrecondition("no PIT-tagged females: run `sturgeon demo` first");
  if (o.max_females > 0 && static_cast<int>(females.size()) > o.max_females) females.resize(static_cast<size_t>(o.max_females));

  std::mt19937_64 rng(o.seed);
  auto uniform = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); };
  auto pick = [&](int n) { return static_cast<int>(std::uniform_int_distribution<int>(0, n - 1)(rng)); };

  TraceDemoSummary sum;
  if (o.season_days < 1) return Status::InvalidArgument("season_days: must be at least 1");
  const Date first_day = o.last_day.AddDays(1 - o.season_days);
  const int season = first_day.year();
  for (int round = 0; round < o.rounds; ++round) {
    const Timestamp start = Timestamp::FromDate(first_day).AddSeconds(int64_t{3600} * round);
    std::vector<std::string> unpacked;
    std::vector<std::string> cases;
    Timestamp last_tin_time = start;
    for (size_t i = 0; i < females.size(); ++i) {
      const Timestamp x = start.AddSeconds(int64_t{86400} * (static_cast<int64_t>(i) * o.season_days /
                                                             static_cast<int64_t>(females.size())) +
                                           8 * 3600 + pick(3600 * 8));
      const std::string colour = kColours[static_cast<size_t>(pick(static_cast<int>(kColours.size())))];
      const double roe_kg = std::round(uniform(kRoeKgMin, kRoeKgMax) * 1000) / 1000;
      STURGEON_ASSIGN_OR_RETURN(Harvest h, trace.AddHarvest(HarvestInput{females[i], x, roe_kg, uniform(2.6, 3.6), colour}));
      ++sum.harvests;
      const std::string code = fmt::format("{}{}-{:04d}", season, static_cast<char>('A' + round % 26), i + 1 + (round / 26) * 10000);
      STURGEON_RETURN_IF_ERROR(trace.AddBatch("B" + code, "malossol", kPlant, {h.id}).status());
      // Most batches are sealed in 9-14 minutes; about one in 25 runs late.
      const int seal_s = pick(25) == 0 ? 16 * 60 + pick(300) : 9 * 60 + pick(300);
      STURGEON_RETURN_IF_ERROR(trace.AddStep("B" + code, {StepKind::kScreening, x.AddSeconds(seal_s / 5), {}}).status());
      STURGEON_RETURN_IF_ERROR(trace.AddStep("B" + code, {StepKind::kRinsing, x.AddSeconds(2 * seal_s / 5), {}}).status());
      const double salt = pick(30) == 0 ? 5.4 : std::round(uniform(3.2, 4.2) * 10) / 10;
      STURGEON_RETURN_IF_ERROR(trace.AddStep("B" + code, {StepKind::kSalting, x.AddSeconds(3 * seal_s / 5), salt}).status());
      STURGEON_RETURN_IF_ERROR(trace.AddStep("B" + code, {StepKind::kTinning, x.AddSeconds(seal_s), {}}).status());
      const GradingSample sample{uniform(2.4, 3.5), colour, 2 + pick(4), uniform(0.6, 1.0)};
      STURGEON_RETURN_IF_ERROR(trace.AddLot(LotInput{"L" + code, "B" + code, sample}).status());
      ++sum.lots;
      double left_g = roe_kg * 1000;
      for (int t = 1; left_g >= 125; ++t) {
        const double net = left_g >= 250 && pick(2) == 0 ? 250 : 125;
        const std::string tin = fmt::format("T{}-{:02d}", code, t);
        STURGEON_RETURN_IF_ERROR(trace.AddTin(TinInput{tin, "L" + code, net, {}}).status());
        left_g -= net;
        unpacked.push_back(tin);
        ++sum.tins;
      }
      last_tin_time = x.AddSeconds(seal_s);
      while (unpacked.size() >= kTinsPerCase) {
        std::vector<std::string> tins(unpacked.begin(), unpacked.begin() + kTinsPerCase);
        unpacked.erase(unpacked.begin(), unpacked.begin() + kTinsPerCase);
        const std::string c = fmt::format("C{}-{:05d}", season, sum.cases + 1);
        STURGEON_RETURN_IF_ERROR(trace.AddCase(c, last_tin_time.AddSeconds(3600), tins).status());
        cases.push_back(c);
        ++sum.cases;
      }
      const bool last_female = i + 1 == females.size();
      if (cases.size() < kCasesPerShipment && !(last_female && !cases.empty())) continue;
      const int n = ++sum.shipments;
      const std::string s = fmt::format("S{}-{:04d}", season, n);
      const Timestamp dep = last_tin_time.AddSeconds(86400);
      const Timestamp arr = dep.AddSeconds(36 * 3600);
      STURGEON_RETURN_IF_ERROR(trace.AddShipment(Shipment{0, s, kDestinations[static_cast<size_t>(n) % kDestinations.size()],
                                                          kCarriers[static_cast<size_t>(n) % kCarriers.size()], dep, arr},
                                                 cases).status());
      cases.clear();
      const bool excursion = sum.excursion_shipment.empty();
      if (excursion) sum.excursion_shipment = s;
      std::vector<TemperatureReading> readings;
      for (Timestamp t = dep; t <= arr; t = t.AddSeconds(kReadingIntervalS)) {
        double c = std::round(uniform(-1.5, 1.5) * 10) / 10;
        // The excursion: a tarmac wait 10 hours in, 90 minutes at 3.5-5.5 °C.
        const int64_t since = t.seconds - dep.seconds;
        if (excursion && since >= 10 * 3600 && since < 11 * 3600 + 1800) c = std::round(uniform(3.5, 5.5) * 10) / 10;
        readings.push_back(TemperatureReading{0, 0, fmt::format("LOG-{}", s), t, c});
      }
      STURGEON_ASSIGN_OR_RETURN(int stored, trace.AddReadings(s, readings));
      sum.readings += stored;
    }
  }
  return sum;
}

}  // namespace sturgeon::trace
