#include "registry/demo.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <random>

#include <fmt/format.h>

namespace sturgeon {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kLengthWeightA = 0.0035;  // W = a L^b, g and cm (DOMAIN.md)
constexpr double kLengthWeightB = 3.1;
constexpr double kThermalGrowthCoefficient = 0.07;

struct FarmPlan {
  const char* code;
  const char* name;
  const char* province;
  const char* city;
  double lat, lon;
  double mean_temp_c, temp_amplitude_c;
  // Pool mix.
  int round_tanks, raceways, ponds, net_cages;
};

constexpr std::array<FarmPlan, 8> kFarms{{
    {"ZJ-QZ1", "Quzhou Huangtankou Base", "Zhejiang", "Quzhou", 28.97, 118.87, 18, 5, 22, 10, 0, 0},
    {"ZJ-QD2", "Qiandao Lake Cages", "Zhejiang", "Hangzhou", 29.60, 119.03, 19, 7, 2, 0, 0, 34},
    {"JX-JJ1", "Jiujiang Lakeside Farm", "Jiangxi", "Jiujiang", 29.70, 116.00, 19, 7, 10, 8, 18, 0},
    {"HN-YY1", "Yiyang Dongting Farm", "Hunan", "Yiyang", 28.55, 112.36, 19, 7, 12, 10, 14, 0},
    {"HB-YC1", "Yichang Three Gorges Station", "Hubei", "Yichang", 30.69, 111.29, 18, 6, 20, 12, 0, 6},
    {"SC-YA1", "Ya'an Cold Water Base", "Sichuan", "Ya'an", 29.98, 103.01, 14, 3, 8, 30, 0, 0},
    {"SC-LS2", "Leshan Riverside Farm", "Sichuan", "Leshan", 29.55, 103.77, 16, 5, 16, 16, 4, 0},
    {"LN-DD1", "Dandong Yalu Farm", "Liaoning", "Dandong", 40.00, 124.35, 13, 8, 18, 12, 6, 0},
}};

struct SpeciesPlan {
  const char* code;
  const char* name;
  const char* scientific;
};

constexpr std::array<SpeciesPlan, 7> kSpecies{{
    {"HUS", "Beluga", "Huso huso"},
    {"DAU", "Kaluga", "Huso dauricus"},
    {"SCH", "Amur sturgeon", "Acipenser schrenckii"},
    {"BAE", "Siberian sturgeon", "Acipenser baerii"},
    {"GUE", "Russian sturgeon", "Acipenser gueldenstaedtii"},
    {"TRA", "White sturgeon", "Acipenser transmontanus"},
    {"RUT", "Sterlet", "Acipenser ruthenus"},
}};

double WeightAtAge(double age_years) {
  // Typical farmed growth, grams.
  return 1000.0 * 0.45 * std::pow(std::max(age_years, 0.2), 1.45);
}

double LengthFromWeight(double w) { return std::pow(w / kLengthWeightA, 1.0 / kLengthWeightB); }

// Daily growth by the thermal-unit growth coefficient (DOMAIN.md), with a
// bell-shaped response around 20 C.
double GrowOneDay(double w, double temp_c) {
  const double response = std::exp(-std::pow((temp_c - 20.0) / 7.0, 2.0));
  const double cube = std::cbrt(w) + kThermalGrowthCoefficient / 100.0 * temp_c * response;
  return cube * cube * cube;
}

double FeedRationPercent(double w, double temp_c) {
  double pct = w < 20 ? 6.0 : w < 200 ? 1.2 : w < 1000 ? 0.9 : 0.6;
  return pct * std::clamp(temp_c / 16.0, 0.3, 1.5);
}

struct Population {
  Id pool_id;
  Id cohort_id;
  int64_t count;
  double weight_g;
};

struct Broodfish {
  Id id;
  Id pool_id;
  double weight_g;
  Sex sex;
};

class DemoBuilder {
 public:
  DemoBuilder(Store& store, const DemoOptions& o) : store_(store), o_(o), rng_(o.seed) {}

  Result<DemoSummary> Run(const std::function<void(int, int)>& progress) {
    STURGEON_ASSIGN_OR_RETURN(auto farms, store_.ListFarms());
    if (!farms.empty()) {
      return Status::FailedPrecondition("the database already holds farms; the demo needs an empty database");
    }
    start_ = o_.end_date.AddDays(-(o_.days - 1));
    STURGEON_RETURN_IF_ERROR(AddSpecies());
    const int total = static_cast<int>(kFarms.size());
    for (int i = 0; i < total; ++i) {
      STURGEON_RETURN_IF_ERROR(AddFarm(kFarms[static_cast<size_t>(i)]));
      if (progress) progress(i + 1, total);
    }
    STURGEON_RETURN_IF_ERROR(store_.Optimize());
    return summary_;
  }

 private:
  double Uniform(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng_); }
  int UniformInt(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  double Normal(double mean, double sd) { return std::normal_distribution<double>(mean, sd)(rng_); }
  int Poisson(double mean) { return mean <= 0 ? 0 : std::poisson_distribution<int>(mean)(rng_); }

  Status AddSpecies() {
    for (const auto& s : kSpecies) {
      STURGEON_ASSIGN_OR_RETURN(Species added, store_.AddSpecies(Species{0, s.code, s.name, s.scientific, {}, {}}));
      species_ids_.push_back(added.id);
    }
    // The flagship hybrid: Kaluga male x Amur female.
    STURGEON_ASSIGN_OR_RETURN(Species hybrid, store_.AddSpecies(Species{
        0, "DAU x SCH", "Kaluga x Amur hybrid", "Huso dauricus x Acipenser schrenckii", species_ids_[1], species_ids_[2]}));
    species_ids_.push_back(hybrid.id);
    return Status::Ok();
  }

  double TempOn(const FarmPlan& f, Date d) const {
    // Warmest in early August.
    const double phase = 2 * kPi * (d.days - Date::FromYmd(d.year(), 8, 5).days) / 365.25;
    return f.mean_temp_c + f.temp_amplitude_c * std::cos(phase);
  }

  Pool MakePool(const FarmPlan& f, Id farm_id, int number, PoolKind kind) {
    Pool p;
    p.code = fmt::format("{}-P{:03}", f.code, number);
    p.farm_id = farm_id;
    p.kind = kind;
    switch (kind) {
      case PoolKind::kRoundTank:
        p.diameter_m = std::round(Uniform(6, 10));
        p.depth_m = 1.5;
        p.length_m = p.width_m = p.diameter_m;
        p.volume_m3 = std::round(kPi * p.diameter_m * p.diameter_m / 4 * 1.2 * 10) / 10;
        p.max_density_kg_m3 = 40;
        break;
      case PoolKind::kRaceway:
        p.length_m = 30;
        p.width_m = 4;
        p.depth_m = 1.2;
        p.volume_m3 = 30 * 4 * 1.0;
        p.max_density_kg_m3 = 45;
        break;
      case PoolKind::kPond:
        p.length_m = std::round(Uniform(35, 60));
        p.width_m = std::round(Uniform(20, 30));
        p.depth_m = 2.0;
        p.volume_m3 = p.length_m * p.width_m * 1.8;
        p.max_density_kg_m3 = 12;
        break;
      case PoolKind::kNetCage:
        p.length_m = p.width_m = 10;
        p.depth_m = 6;
        p.volume_m3 = 10 * 10 * 5.5;
        p.max_density_kg_m3 = 20;
        break;
    }
    return p;
  }

  int64_t Scaled(double n) const { return std::max<int64_t>(1, std::llround(n * o_.scale)); }

  Status AddFarm(const FarmPlan& f) {
    STURGEON_ASSIGN_OR_RETURN(Farm farm, store_.AddFarm(Farm{0, f.code, f.name, f.province, f.city, f.lat, f.lon,
                                                             "Asia/Shanghai"}));
    ++summary_.farms;
    std::vector<Pool> pools;
    int number = 0;
    auto add_pools = [&](int n, PoolKind kind) -> Status {
      const int scaled = std::max(n > 0 ? 1 : 0, static_cast<int>(std::lround(n * std::min(1.0, o_.scale * 4))));
      for (int i = 0; i < scaled; ++i) {
        STURGEON_ASSIGN_OR_RETURN(Pool p, store_.AddPool(MakePool(f, farm.id, ++number, kind)));
        pools.push_back(p);
      }
      return Status::Ok();
    };
    STURGEON_RETURN_IF_ERROR(add_pools(f.round_tanks, PoolKind::kRoundTank));
    STURGEON_RETURN_IF_ERROR(add_pools(f.raceways, PoolKind::kRaceway));
    STURGEON_RETURN_IF_ERROR(add_pools(f.ponds, PoolKind::kPond));
    STURGEON_RETURN_IF_ERROR(add_pools(f.net_cages, PoolKind::kNetCage));
    summary_.pools += static_cast<int>(pools.size());

    // Cohorts: one per year class 2019-2025 at this farm, species by turn.
    std::vector<Cohort> cohorts;
    for (int year = 2019; year <= 2025; ++year) {
      const size_t sp = static_cast<size_t>(year + summary_.farms) % species_ids_.size();
      STURGEON_ASSIGN_OR_RETURN(Cohort c, store_.AddCohort(Cohort{
          0, fmt::format("{}-{}-{}", f.code, year, kSpecies[std::min(sp, kSpecies.size() - 1)].code), year,
          species_ids_[sp], fmt::format("{} hatchery", f.city)}));
      cohorts.push_back(c);
    }

    // The first pools of the farm (tanks first) hold broodstock.
    const size_t brood_pools = std::max<size_t>(1, pools.size() / 12);
    WriteBatch setup;
    const Timestamp stocked = Timestamp::FromDate(start_).AddSeconds(6 * 3600);
    std::vector<Population> pops;
    std::vector<Broodfish> brood;
    std::vector<std::string> brood_tags;
    for (size_t i = 0; i < pools.size(); ++i) {
      const Pool& p = pools[i];
      if (i < brood_pools) {
        // Founders (no parents) then F1 broodstock bred from them.
        const int n = static_cast<int>(Scaled(120));
        std::vector<std::string> females, males;
        for (int k = 0; k < n; ++k) {
          NewFish nf;
          const std::string tag = fmt::format("156{:012}", next_tag_++);
          nf.fish.pit_tag = tag;
          nf.fish.species_id = species_ids_[static_cast<size_t>(UniformInt(0, 6))];
          const bool founder = k < n / 3;
          nf.fish.birth_date = Date::FromYmd(founder ? UniformInt(2006, 2010) : UniformInt(2014, 2017), 4, 15);
          const bool female = Uniform(0, 1) < 0.7;
          const bool sexed = founder || Uniform(0, 1) < 0.8;
          nf.fish.sex = sexed ? (female ? Sex::kFemale : Sex::kMale) : Sex::kUnknown;
          nf.fish.sex_method = sexed ? SexMethod::kUltrasound : SexMethod::kUnknown;
          if (!founder && !females.empty() && !males.empty()) {
            nf.dam_tag = females[static_cast<size_t>(UniformInt(0, static_cast<int>(females.size()) - 1))];
            if (Uniform(0, 1) < 0.85) nf.sire_tag = males[static_cast<size_t>(UniformInt(0, static_cast<int>(males.size()) - 1))];
          }
          if (founder && nf.fish.sex == Sex::kFemale) females.push_back(tag);
          if (founder && nf.fish.sex == Sex::kMale) males.push_back(tag);
          nf.stock_pool_id = p.id;
          nf.stocked_at = stocked;
          brood.push_back(Broodfish{0, p.id, Normal(founder ? 22000 : 12000, 2500), female ? Sex::kFemale : Sex::kMale});
          brood_tags.push_back(tag);
          setup.fish.push_back(std::move(nf));
        }
        continue;
      }
      const Cohort& c = cohorts[static_cast<size_t>(UniformInt(0, static_cast<int>(cohorts.size()) - 1))];
      const double age = (start_.days - Date::FromYmd(c.year_class, 4, 1).days) / 365.25;
      const double w = std::max(5.0, WeightAtAge(age) * Uniform(0.85, 1.15));
      // Stock to 25-55% of the pool's maximum biomass, within head-count bounds.
      const double target_kg = p.volume_m3 * p.max_density_kg_m3 * Uniform(0.25, 0.55);
      const int64_t count = Scaled(std::clamp(target_kg * 1000 / w, 100.0, 1300.0));
      pops.push_back(Population{p.id, c.id, count, w});
      setup.moves.push_back(Move{0, stocked, static_cast<int32_t>(count), std::nullopt, c.id, std::nullopt, p.id,
                                 "stocked"});
      summary_.fish += count;
    }
    summary_.fish += static_cast<int64_t>(brood.size());
    summary_.individuals += static_cast<int64_t>(brood.size());
    STURGEON_RETURN_IF_ERROR(store_.Write(setup));
    summary_.records += static_cast<int64_t>(setup.size());
    STURGEON_ASSIGN_OR_RETURN(auto ids, store_.ResolveTags(brood_tags));
    for (size_t k = 0; k < brood.size(); ++k) brood[k].id = ids[brood_tags[k]];

    // A year of daily records, written a month at a time.
    WriteBatch batch;
    for (int d = 0; d < o_.days; ++d) {
      const Date day = start_.AddDays(d);
      const Timestamp morning = Timestamp::FromDate(day).AddSeconds(8 * 3600);
      const double temp = TempOn(f, day);
      for (Population& pop : pops) {
        pop.weight_g = GrowOneDay(pop.weight_g, temp);
        // Deaths.
        const int dead = std::min<int64_t>(pop.count - 1, Poisson(pop.count * 0.00015));
        if (dead > 0) {
          pop.count -= dead;
          static constexpr std::array<const char*, 4> kCauses{"unknown", "gill disease", "handling injury",
                                                               "low oxygen"};
          batch.removals.push_back(Removal{0, RemovalKind::kDeath, morning.AddSeconds(3600), pop.pool_id, dead,
                                           std::nullopt, pop.cohort_id, kCauses[static_cast<size_t>(UniformInt(0, 3))]});
        }
        const double w = pop.weight_g * Uniform(0.97, 1.03);
        DailyStatus s;
        s.day = day;
        s.cohort_id = pop.cohort_id;
        s.pool_id = pop.pool_id;
        s.weight_g = std::round(w * 10) / 10;
        s.length_cm = std::round(LengthFromWeight(w) * 10) / 10;
        s.health = Uniform(0, 1) < 0.01 ? Health::kSick : Health::kOk;
        s.feeding = temp < 10 ? FeedingResponse::kPoor : temp > 26 ? FeedingResponse::kModerate : FeedingResponse::kGood;
        batch.statuses.push_back(std::move(s));
        const double biomass_kg = pop.count * pop.weight_g / 1000.0;
        batch.feedings.push_back(Feeding{0, pop.pool_id, morning.AddSeconds(1800),
                                         pop.weight_g < 200 ? "starter 1.5mm" : "grower 6mm",
                                         std::round(biomass_kg * FeedRationPercent(pop.weight_g, temp) / 100 * 10) / 10});
      }
      for (Broodfish& b : brood) {
        b.weight_g += Normal(8, 20);
        DailyStatus s;
        s.day = day;
        s.fish_id = b.id;
        s.pool_id = b.pool_id;
        s.weight_g = std::round(b.weight_g);
        s.length_cm = std::round(LengthFromWeight(b.weight_g) * 10) / 10;
        s.feeding = FeedingResponse::kGood;
        batch.statuses.push_back(std::move(s));
      }
      for (const Pool& p : pools) {
        for (int reading = 0; reading < 2; ++reading) {
          WaterQuality wq;
          wq.pool_id = p.id;
          wq.at = Timestamp::FromDate(day).AddSeconds(reading == 0 ? 7 * 3600 : 16 * 3600);
          wq.temperature_c = std::round((temp + (reading ? 1.0 : -0.5) + Normal(0, 0.4)) * 10) / 10;
          // Oxygen falls with temperature; rare dips below the 5 mg/L alert.
          double o2 = 9.5 - 0.12 * temp + Normal(0, 0.5);
          if (Uniform(0, 1) < 0.004) o2 = Uniform(3.2, 4.8);
          wq.oxygen_mg_l = std::round(std::max(1.0, o2) * 10) / 10;
          wq.ph = std::round(Normal(7.6, 0.15) * 100) / 100;
          wq.ammonia_mg_l = std::round(std::max(0.0, Normal(0.15, 0.06)) * 100) / 100;
          wq.nitrite_mg_l = std::round(std::max(0.0, Normal(0.04, 0.02)) * 1000) / 1000;
          batch.water.push_back(wq);
        }
      }
      // Monthly grading: split a share of one population into another pool.
      if (day.day() == 15 && pops.size() >= 2) {
        Population& from = pops[static_cast<size_t>(UniformInt(0, static_cast<int>(pops.size()) - 1))];
        Population& to = pops[static_cast<size_t>(UniformInt(0, static_cast<int>(pops.size()) - 1))];
        const int64_t n = from.count / 10;
        if (&from != &to && n > 0 && from.pool_id != to.pool_id) {
          batch.moves.push_back(Move{0, morning.AddSeconds(2 * 3600), static_cast<int32_t>(n), std::nullopt,
                                     from.cohort_id, from.pool_id, to.pool_id, "grading"});
          from.count -= n;
          // The moved fish join the destination: as a new cohort share, or
          // merged into the share of the same cohort already there.
          const Id dest_pool = to.pool_id;
          const Population moved{dest_pool, from.cohort_id, n, from.weight_g};
          auto same = std::find_if(pops.begin(), pops.end(), [&](const Population& p) {
            return p.pool_id == dest_pool && p.cohort_id == moved.cohort_id;
          });
          if (same == pops.end()) {
            pops.push_back(moved);
          } else {
            same->weight_g = (same->weight_g * same->count + moved.weight_g * n) / (same->count + n);
            same->count += n;
          }
        }
      }
      // Ultrasound sexing and biopsies in the autumn.
      if (d == o_.days - 60) {
        for (const Broodfish& b : brood) {
          const int stage = b.sex == Sex::kFemale ? UniformInt(2, 5) : UniformInt(2, 4);
          batch.sexings.push_back(Sexing{0, b.id, day, b.sex, stage, ""});
          if (b.sex == Sex::kFemale && stage >= 4) {
            batch.biopsies.push_back(Biopsy{0, b.id, day.AddDays(3), std::round(Uniform(2.6, 3.6) * 100) / 100,
                                            std::round(Uniform(0.05, 0.2) * 1000) / 1000, "maturation check"});
          }
        }
      }
      const bool month_end = day.AddDays(1).day() == 1 || d == o_.days - 1;
      if (month_end) {
        summary_.records += static_cast<int64_t>(batch.size());
        STURGEON_RETURN_IF_ERROR(store_.Write(batch));
        batch = WriteBatch();
      }
    }
    // Last spring's drone stocktake, for the pools it covered, reset the books.
    WriteBatch counts;
    const Timestamp count_time = Timestamp::FromDate(start_.AddDays(o_.days / 3)).AddSeconds(10 * 3600);
    for (size_t i = 0; i < pops.size() && i < 12; ++i) {
      STURGEON_ASSIGN_OR_RETURN(PoolLedger ledger, store_.LoadPoolLedger(pops[i].pool_id, count_time));
      int64_t book = 0;
      for (const auto& e : ledger.entries) book += e.delta;
      const int64_t counted = std::max<int64_t>(0, book - UniformInt(0, std::max(1, static_cast<int>(book / 50))));
      const int64_t margin = std::max<int64_t>(1, counted / 100);
      counts.stocktakes.push_back(Stocktake{0, pops[i].pool_id, count_time, counted, counted - margin,
                                            counted + margin, std::nullopt, "drone", "annual drone stocktake"});
    }
    STURGEON_RETURN_IF_ERROR(store_.Write(counts));
    summary_.records += static_cast<int64_t>(counts.size());
    return Status::Ok();
  }

  Store& store_;
  DemoOptions o_;
  std::mt19937_64 rng_;
  Date start_;
  std::vector<Id> species_ids_;
  int64_t next_tag_ = 100000001;
  DemoSummary summary_;
};

}  // namespace

Result<DemoSummary> SeedDemo(Store& store, const DemoOptions& options,
                             const std::function<void(int, int)>& progress) {
  if (options.days < 1 || options.days > 3660) return Status::InvalidArgument("demo days: must be 1-3660");
  if (!(options.scale > 0 && options.scale <= 10)) return Status::InvalidArgument("demo scale: must be in (0, 10]");
  DemoBuilder builder(store, options);
  return builder.Run(progress);
}

}  // namespace sturgeon
