// A small, portable random number generator for the simulator.
//
// std::normal_distribution and friends are implementation-defined, so the
// same seed could give different footage with another standard library. This
// generator (SplitMix64 with Box-Muller normals) gives the same stream
// everywhere. Not thread-safe: give each thread or object its own Rng.
#pragma once

#include <cmath>
#include <cstdint>

namespace sturgeon::sim {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0); }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer in [0, n); n > 0.
  int Int(int n) { return static_cast<int>(Next() % static_cast<uint64_t>(n)); }
  double Normal(double mean = 0.0, double sd = 1.0) {
    constexpr double kTwoPi = 6.283185307179586;
    double u1 = Uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    const double u2 = Uniform();
    return mean + sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
  }
  bool Chance(double p) { return Uniform() < p; }
  // A child generator whose stream depends on this one's seed and `salt`.
  Rng Fork(uint64_t salt) { return Rng(Next() ^ (salt * 0xD1B54A32D192ED03ull)); }

 private:
  uint64_t state_;
};

}  // namespace sturgeon::sim
