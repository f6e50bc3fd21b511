#include "vision/measure/measure.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <regex>
#include <sstream>
#include <utility>

#include <fmt/format.h>

#include "core/order_statistics.h"

namespace sturgeon::vision {

double Telemetry::MeanAltitude() const {
  if (altitude_m.empty()) return 0;
  return std::accumulate(altitude_m.begin(), altitude_m.end(), 0.0) / altitude_m.size();
}

Result<Telemetry> ParseSrt(const std::string& text, const std::string& source_name) {
  // A number has at least one digit ("rel_alt: ." is no altitude, not a
  // std::stod exception).
  static const std::string kNumber = R"((-?[0-9]*\.?[0-9]+))";
  static const std::regex kRelAlt(R"(rel_alt\s*[:=]\s*)" + kNumber);
  static const std::regex kAltitude(R"(\baltitude\s*[:=]?\s*\(?\s*)" + kNumber, std::regex::icase);
  static const std::regex kH(R"(\bH\s+)" + kNumber + R"(\s*m)");
  static const std::regex kFocal(R"(focal_len\s*[:=]\s*)" + kNumber);
  static const std::regex kLatitude(R"(\blatitude\s*[:=]\s*)" + kNumber);
  // Some DJI firmware spells it "longtitude".
  static const std::regex kLongitude(R"(\blongt?itude\s*[:=]\s*)" + kNumber);
  Telemetry t;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, kRelAlt) || std::regex_search(line, m, kAltitude) ||
        std::regex_search(line, m, kH)) {
      t.altitude_m.push_back(std::stod(m[1].str()));
    }
    if (std::regex_search(line, m, kFocal)) t.focal_len_mm = std::stod(m[1].str());
    std::smatch lon;
    if (std::regex_search(line, m, kLatitude) && std::regex_search(line, lon, kLongitude)) {
      const GeoPoint p{std::stod(m[1].str()), std::stod(lon[1].str())};
      if (std::abs(p.latitude_deg) > 90 || std::abs(p.longitude_deg) > 180) {
        return Status::InvalidArgument(fmt::format("{}: GPS fix out of range (latitude {}, longitude {})", source_name,
                                                   p.latitude_deg, p.longitude_deg));
      }
      // Before the GPS has a fix DJI writes 0, 0: no fix, not a position.
      if (p.latitude_deg != 0 || p.longitude_deg != 0) t.position.push_back(p);
    }
  }
  if (t.altitude_m.empty()) {
    return Status::InvalidArgument(fmt::format("{}: no altitude (rel_alt) found in telemetry", source_name));
  }
  // Fixes are used frame by frame, so only when there is one per altitude.
  if (t.position.size() != t.altitude_m.size()) t.position.clear();
  if (t.MeanAltitude() <= 0) {
    return Status::InvalidArgument(fmt::format("{}: altitude must be positive", source_name));
  }
  return t;
}

Result<Telemetry> ReadSrtFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound(fmt::format("cannot open telemetry '{}'", path));
  std::stringstream buf;
  buf << in.rdbuf();
  return ParseSrt(buf.str(), path);
}

double GroundDistanceM(const GeoPoint& a, const GeoPoint& b) {
  constexpr double kMetresPerDegree = 111320.0;  // of latitude; of longitude x cos(latitude)
  const double north = (b.latitude_deg - a.latitude_deg) * kMetresPerDegree;
  const double east = (b.longitude_deg - a.longitude_deg) * kMetresPerDegree *
                      std::cos(0.5 * (a.latitude_deg + b.latitude_deg) * M_PI / 180.0);
  return std::hypot(north, east);
}

double HfovFromFocalLength(double f) { return 2.0 * std::atan(36.0 / (2.0 * f)) * 180.0 / M_PI; }

double GroundSamplingDistance(double altitude_m, double hfov_deg, int width) {
  return 2.0 * altitude_m * std::tan(hfov_deg * M_PI / 360.0) / width;
}

double LengthWeight::WeightG(double length_cm) const { return a * std::pow(length_cm, b); }

double WholeBodyLength(std::vector<double> v) {
  return QuantileAtRank(std::move(v), 0.5);  // the lower median; 0 for none
}

SizeReport SummariseSizes(const std::vector<double>& lengths_cm, int counted_fish, const LengthWeight& lw,
                          double gsd_m, double bin_cm) {
  SizeReport r;
  r.gsd_m = gsd_m;
  std::vector<double> v;
  for (double l : lengths_cm) {
    if (l > 0) v.push_back(l);
  }
  if (v.empty()) return r;
  std::sort(v.begin(), v.end());
  r.mean_length_cm = std::accumulate(v.begin(), v.end(), 0.0) / v.size();
  r.median_length_cm = v[v.size() / 2];
  double measured_weight = 0;
  for (double l : v) measured_weight += lw.WeightG(l);
  r.mean_weight_g = measured_weight / v.size();
  int unmeasured = std::max(0, counted_fish - static_cast<int>(v.size()));
  r.biomass_kg = (measured_weight + unmeasured * r.mean_weight_g) / 1000.0;
  if (bin_cm <= 0) {
    constexpr double kNiceBins[] = {1, 2, 5, 10, 20, 50};
    double span = v.back() - v.front();
    bin_cm = 50;
    for (double b : kNiceBins) {
      if (span / b <= 12) { bin_cm = b; break; }
    }
  }
  r.bin_cm = bin_cm;
  double lo = std::floor(v.front() / bin_cm) * bin_cm;
  int nbins = static_cast<int>(std::floor((v.back() - lo) / bin_cm)) + 1;
  r.bin_count.assign(nbins, 0);
  for (int i = 0; i < nbins; ++i) r.bin_lower_cm.push_back(lo + i * bin_cm);
  for (double l : v) r.bin_count[std::min(nbins - 1, static_cast<int>((l - lo) / bin_cm))]++;
  return r;
}

}  // namespace sturgeon::vision
