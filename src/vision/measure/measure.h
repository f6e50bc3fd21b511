// Turning pixels into centimetres and fish into kilograms.
//
// Ground sampling distance for a camera looking straight down from altitude
// A (m) with horizontal field of view HFOV over W pixels:
// GSD = 2 A tan(HFOV / 2) / W metres per pixel. A DJI focal length f (35 mm
// equivalent) gives HFOV = 2 atan(36 / (2 f)). Weight follows W = a L^b
// (grams, L in cm).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace sturgeon::vision {

// A GPS fix in degrees.
struct GeoPoint {
  double latitude_deg = 0;
  double longitude_deg = 0;
};

// Per-frame telemetry from a DJI .SRT subtitle file.
struct Telemetry {
  std::vector<double> altitude_m;  // relative altitude, one per subtitle block
  // The drone's position, one per altitude (subtitle block); empty unless
  // the file has exactly as many `latitude:`/`longitude:` fixes as
  // altitudes (a 0, 0 fix, written before the GPS has one, is no fix).
  std::vector<GeoPoint> position;
  double focal_len_mm = 0;         // 35 mm equivalent; 0 when absent
  double MeanAltitude() const;
};

// Parses DJI SRT text. Understands `rel_alt: X` (newer drones) and
// `altitude: X` / `H X` blocks; `focal_len: F`; `latitude: Y` and
// `longitude: X` (or `longtitude`) on one line (the older `GPS(lon, lat,
// alt)` form is not read). InvalidArgument naming the file when no
// altitude is found, or a latitude or longitude is out of range.
Result<Telemetry> ParseSrt(const std::string& text, const std::string& source_name);
Result<Telemetry> ReadSrtFile(const std::string& path);

// Distance over the ground between two nearby fixes, metres (equirectangular
// on a sphere: within 0.5% of the ellipsoid's over a farm's few hundred
// metres).
double GroundDistanceM(const GeoPoint& a, const GeoPoint& b);

double HfovFromFocalLength(double focal_len_mm_35);  // degrees
double GroundSamplingDistance(double altitude_m, double hfov_deg, int image_width_px);  // m / px

struct LengthWeight {
  double a = 0.0035;
  double b = 3.1;
  double WeightG(double length_cm) const;
};

// The length of one fish from its per-frame measurements (any unit): the
// median (the lower of the middle two). Measured from its ends' contrast
// profiles (detect/body_length.h) a fish is about as often long (merged
// with a neighbour or its shadow) as short (bent, partly hidden, deep);
// the 90th percentile, which suited ends walked out to a noise floor
// (they stop short of a faint tail), made fish with crisp ends 15-60% long
// (round 27). 0 for no measurement.
double WholeBodyLength(std::vector<double> measurements);

struct SizeReport {
  double gsd_m = 0;
  double mean_length_cm = 0;
  double median_length_cm = 0;
  double biomass_kg = 0;
  double mean_weight_g = 0;
  double bin_cm = 0;
  std::vector<double> bin_lower_cm;  // histogram bins [lower, lower + bin_cm)
  std::vector<int> bin_count;
};

// Summarises per-fish lengths (cm). `bin_cm` <= 0 chooses a bin width from
// the spread. Fish with length <= 0 (not measured) are left out of the mean
// and histogram but get the mean length in the biomass, so biomass covers
// every counted fish.
SizeReport SummariseSizes(const std::vector<double>& lengths_cm, int counted_fish, const LengthWeight& lw,
                          double gsd_m, double bin_cm = 0);

}  // namespace sturgeon::vision
