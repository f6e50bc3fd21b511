#include "sim/simulator.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "sim/fish.h"
#include "sim/video_encoder.h"
#include "sim/world.h"

namespace sturgeon::sim {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kMinSide = 64;
constexpr int kMaxWidth = 7680;
constexpr int kMaxHeight = 4320;
constexpr int kMaxFrames = 100000;
constexpr int kTile = 256;  // caustic and glitter tiles, power of two
constexpr int kNoiseTile = 512;
constexpr int kGainCell = 16;  // pixels per cell of the low-resolution light map
constexpr uint16_t kCoverId = 0xFFFF;

struct CameraPose {
  cv::Point2d centre;  // metres
  double yaw = 0.0;    // radians
};

// Maps world metres to frame pixels for one pose.
struct Projector {
  cv::Point2d centre;
  double cos_y = 1.0, sin_y = 0.0, inv_gsd = 100.0;
  cv::Point2d half;
  cv::Point2d ToFrame(cv::Point2d m) const {
    const cv::Point2d d = (m - centre) * inv_gsd;
    return {d.x * cos_y + d.y * sin_y + half.x, -d.x * sin_y + d.y * cos_y + half.y};
  }
};

Projector MakeProjector(const CameraPose& pose, double gsd, cv::Size size) {
  Projector p;
  p.centre = pose.centre;
  p.cos_y = std::cos(pose.yaw);
  p.sin_y = std::sin(pose.yaw);
  p.inv_gsd = 1.0 / gsd;
  p.half = {(size.width - 1) * 0.5, (size.height - 1) * 0.5};
  return p;
}

std::vector<CameraPose> PlanFlight(const Scenario& s, const PoolGeometry& pool, int frames, double view_w,
                                   Rng& rng) {
  std::vector<CameraPose> poses(frames);
  const double w1 = 2 * kPi / rng.Uniform(7.0, 13.0), w2 = 2 * kPi / rng.Uniform(3.0, 6.0);
  const double p1 = rng.Uniform(0, 2 * kPi), p2 = rng.Uniform(0, 2 * kPi), p3 = rng.Uniform(0, 2 * kPi);
  const double p4 = rng.Uniform(0, 2 * kPi), yaw0 = rng.Normal(0.0, 0.02);
  const double wind = rng.Uniform(0, 2 * kPi);
  const double extent = std::max({pool.radius, pool.half_length});
  const double sweep = std::max(0.0, extent - view_w * 0.3);
  const double rot = s.rotation_deg * kPi / 180.0;
  for (int i = 0; i < frames; ++i) {
    const double t = i / s.fps;
    const double u = frames > 1 ? static_cast<double>(i) / (frames - 1) : 0.0;
    cv::Point2d c = pool.centre;
    if (s.coverage == Coverage::kSweep) c.x += -sweep * std::cos(kPi * 1.5 * u);
    c.x += s.drift_m * (0.6 * std::sin(w1 * t + p1) + 0.4 * std::sin(w2 * t + p2) - 0.6 * std::sin(p1) - 0.4 * std::sin(p2));
    c.y += s.drift_m * (0.6 * std::sin(w1 * 0.8 * t + p3) + 0.4 * std::sin(w2 * 1.3 * t + p4) - 0.6 * std::sin(p3) - 0.4 * std::sin(p4));
    c += cv::Point2d(std::cos(wind), std::sin(wind)) * (s.drift_m * 0.5 * std::sin(kPi * u));
    poses[i].centre = c;
    poses[i].yaw = yaw0 + rot * (0.7 * std::sin(w1 * 0.6 * t + p2) + 0.3 * std::sin(w2 * 0.7 * t + p1) -
                                 0.7 * std::sin(p2) - 0.3 * std::sin(p1));
  }
  return poses;
}

// A tileable pattern of bright interference lines, like caustics or glitter.
cv::Mat WaveTile(Rng& rng, int waves, int min_freq, int max_freq, double sharpness) {
  std::vector<std::array<double, 3>> w;
  for (int k = 0; k < waves; ++k)
    w.push_back({static_cast<double>(rng.Int(max_freq - min_freq + 1) + min_freq) * (rng.Chance(0.5) ? 1 : -1),
                 static_cast<double>(rng.Int(max_freq - min_freq + 1) + min_freq) * (rng.Chance(0.5) ? 1 : -1),
                 rng.Uniform(0, 2 * kPi)});
  cv::Mat tile(kTile, kTile, CV_8UC1);
  for (int y = 0; y < kTile; ++y)
    for (int x = 0; x < kTile; ++x) {
      double sum = 0.0;
      for (const auto& q : w) sum += std::sin(2 * kPi * (q[0] * x + q[1] * y) / kTile + q[2]);
      const double v = std::pow(std::max(0.0, 1.0 - std::abs(sum) / std::sqrt(static_cast<double>(waves))), sharpness);
      tile.at<uchar>(y, x) = cv::saturate_cast<uchar>(v * 255.0);
    }
  return tile;
}

// A kTile-periodic 8-bit tile at a real-valued point, bilinear: the
// caustic network is sampled where the first frame saw each spot of the
// pool, positions that move by fractions of a pixel as the drone drifts
// (nearest-pixel sampling broke thin lines into steps under its slight
// yaw). At integer points it is exactly the tile's value.
float TileAt(const cv::Mat& tile, double x, double y) {
  const double fx = std::floor(x), fy = std::floor(y);
  const float ax = static_cast<float>(x - fx), ay = static_cast<float>(y - fy);
  const int x0 = static_cast<int>(fx) & (kTile - 1), y0 = static_cast<int>(fy) & (kTile - 1);
  const int x1 = (x0 + 1) & (kTile - 1), y1 = (y0 + 1) & (kTile - 1);
  const uchar* r0 = tile.ptr<uchar>(y0);
  const uchar* r1 = tile.ptr<uchar>(y1);
  return (1 - ay) * ((1 - ax) * r0[x0] + ax * r0[x1]) + ay * ((1 - ax) * r1[x0] + ax * r1[x1]);
}

// A tileable cellular network (Worley F2 - F1), the look of caustics.
cv::Mat CausticTile(Rng& rng, int cells, double sharpness) {
  std::vector<cv::Point2d> pts;
  for (int i = 0; i < cells; ++i) pts.emplace_back(rng.Uniform(0, kTile), rng.Uniform(0, kTile));
  const double cell = kTile / std::sqrt(static_cast<double>(cells));
  cv::Mat tile(kTile, kTile, CV_8UC1);
  for (int y = 0; y < kTile; ++y)
    for (int x = 0; x < kTile; ++x) {
      double f1 = 1e9, f2 = 1e9;
      for (const cv::Point2d& p : pts) {
        double dx = std::abs(x - p.x), dy = std::abs(y - p.y);
        dx = std::min(dx, kTile - dx);
        dy = std::min(dy, kTile - dy);
        const double d = std::sqrt(dx * dx + dy * dy);
        if (d < f1) { f2 = f1; f1 = d; } else if (d < f2) { f2 = d; }
      }
      const double v = std::pow(std::max(0.0, 1.0 - (f2 - f1) / (0.35 * cell)), sharpness);
      tile.at<uchar>(y, x) = cv::saturate_cast<uchar>(v * 255.0);
    }
  cv::Mat blurred;
  cv::GaussianBlur(tile, blurred, cv::Size(5, 5), 1.0, 1.0, cv::BORDER_REFLECT);
  return blurred;
}

cv::Mat FoamSprite(double size_px, Rng& rng) {
  const int n = std::max(4, static_cast<int>(size_px));
  cv::Mat noise = FractalNoise(cv::Size(n, n), 5.0, 3, 0.6, rng);
  cv::Mat out(n, n, CV_8UC1);
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      const double dx = (x + 0.5) / n - 0.5, dy = (y + 0.5) / n - 0.5;
      const double r = std::sqrt(dx * dx + dy * dy) * 2.0;
      const double v = noise.at<float>(y, x) - 0.35 - 0.4 * r;
      out.at<uchar>(y, x) = cv::saturate_cast<uchar>(std::clamp(v * 3.0, 0.0, 1.0) * 180.0);
    }
  return out;
}

struct Floater {
  cv::Point2d pos;
  cv::Point2d vel;
  int sprite = -1;  // foam sprite index, -1 for a feed pellet
};

uint64_t HashFrame(const cv::Mat& frame) {
  uint64_t h = 1469598103934665603ull;
  for (int y = 0; y < frame.rows; ++y) {
    const uchar* p = frame.ptr<uchar>(y);
    const size_t n = static_cast<size_t>(frame.cols) * frame.elemSize();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      h = (h ^ w) * 1099511628211ull;
    }
    for (; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  }
  return h;
}

std::string SrtTime(int64_t ms) {
  return fmt::format("{:02}:{:02}:{:02},{:03}", ms / 3600000, (ms / 60000) % 60, (ms / 1000) % 60, ms % 1000);
}

std::string ClockTime(int base_seconds, int64_t ms) {
  const int64_t total = base_seconds * 1000LL + ms;
  return fmt::format("2024-05-01 {:02}:{:02}:{:02}.{:03}", (total / 3600000) % 24, (total / 60000) % 60,
                     (total / 1000) % 60, total % 1000);
}

}  // namespace

std::vector<std::string> ScenarioNames() {
  std::vector<std::string> names;
  for (const Scenario& s : ScenarioSuite()) names.push_back(s.name);
  return names;
}

double HorizontalFovDeg(double focal_len_mm) { return 2.0 * std::atan(36.0 / (2.0 * focal_len_mm)) * 180.0 / kPi; }

double GroundSamplingDistance(double altitude_m, double hfov_deg, int width_px) {
  return 2.0 * altitude_m * std::tan(hfov_deg * kPi / 360.0) / width_px;
}

double WeightFromLength(double length_cm) { return kLengthWeightA * std::pow(length_cm, kLengthWeightB); }

Result<std::pair<int, int>> ParseFrameSize(const std::string& text) {
  const size_t x = text.find_first_of("xX");
  auto bad = [&] { return Status::InvalidArgument(fmt::format("bad frame size '{}': expected WxH, e.g. 1920x1080", text)); };
  if (x == std::string::npos || x == 0 || x + 1 >= text.size()) return bad();
  const std::string ws = text.substr(0, x), hs = text.substr(x + 1);
  auto digits = [](const std::string& s) { return s.size() <= 6 && std::all_of(s.begin(), s.end(), ::isdigit); };
  if (!digits(ws) || !digits(hs)) return bad();
  return std::make_pair(std::stoi(ws), std::stoi(hs));
}

Status ValidateOptions(const SimOptions& o) {
  STURGEON_ASSIGN_OR_RETURN(const Scenario s, FindScenario(o.scenario));
  const int frames = o.frames.value_or(s.frames);
  if (frames <= 0) return Status::InvalidArgument(fmt::format("frames must be positive, got {}", frames));
  if (frames > kMaxFrames) return Status::InvalidArgument(fmt::format("frames must be at most {}, got {}", kMaxFrames, frames));
  const int w = o.width.value_or(s.width), h = o.height.value_or(s.height);
  if (w < kMinSide || h < kMinSide || w > kMaxWidth || h > kMaxHeight)
    return Status::InvalidArgument(
        fmt::format("frame size {}x{} out of range: {}x{} .. {}x{}", w, h, kMinSide, kMinSide, kMaxWidth, kMaxHeight));
  if (w % 2 != 0 || h % 2 != 0)
    return Status::InvalidArgument(fmt::format("frame size {}x{}: width and height must be even for H.264", w, h));
  if (o.out_dir.empty()) return Status::InvalidArgument("no output directory given");
  return Status::Ok();
}

Result<SimSummary> RunSimulation(const SimOptions& options) {
  const auto t_start = std::chrono::steady_clock::now();
  STURGEON_RETURN_IF_ERROR(ValidateOptions(options));
  STURGEON_ASSIGN_OR_RETURN(const Scenario s, FindScenario(options.scenario));
  const int frames = options.frames.value_or(s.frames);
  const cv::Size size(options.width.value_or(s.width), options.height.value_or(s.height));

  namespace fs = std::filesystem;
  const fs::path out(options.out_dir);
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec || !fs::is_directory(out))
    return Status::IOError(fmt::format("cannot create output directory '{}': {}", options.out_dir,
                                       ec ? ec.message() : "not a directory"));
  std::ofstream gt_txt(out / "gt.txt", std::ios::binary | std::ios::trunc);
  if (!gt_txt) return Status::IOError(fmt::format("cannot write '{}'", (out / "gt.txt").string()));

  const double hfov = HorizontalFovDeg(s.focal_len_mm);
  const double gsd = GroundSamplingDistance(s.altitude_m, hfov, size.width);
  const double view_w = size.width * gsd, view_h = size.height * gsd;

  uint64_t name_hash = 1469598103934665603ull;
  for (char ch : s.name) name_hash = (name_hash ^ static_cast<uint8_t>(ch)) * 1099511628211ull;
  Rng rng(options.seed ^ name_hash);
  Rng geo_rng = rng.Fork(1), flight_rng = rng.Fork(2), world_rng = rng.Fork(3), fish_rng = rng.Fork(4);
  Rng fx_rng = rng.Fork(5), float_rng = rng.Fork(6);
  PoolGeometry pool = MakePoolGeometry(s, geo_rng);
  std::vector<CameraPose> poses = PlanFlight(s, pool, frames, view_w, flight_rng);

  cv::Point2d lo(1e9, 1e9), hi(-1e9, -1e9);
  for (const CameraPose& p : poses) {
    const double ex = 0.5 * (view_w * std::abs(std::cos(p.yaw)) + view_h * std::abs(std::sin(p.yaw)));
    const double ey = 0.5 * (view_w * std::abs(std::sin(p.yaw)) + view_h * std::abs(std::cos(p.yaw)));
    lo.x = std::min(lo.x, p.centre.x - ex);
    lo.y = std::min(lo.y, p.centre.y - ey);
    hi.x = std::max(hi.x, p.centre.x + ex);
    hi.y = std::max(hi.y, p.centre.y + ey);
  }
  const double margin = 8 * gsd;
  lo -= cv::Point2d(margin, margin);
  hi += cv::Point2d(margin, margin);
  const World world = BuildWorld(s, pool, lo, hi, gsd, world_rng);

  SceneState state;
  std::vector<Fish> fish = MakeFish(s, pool, gsd, fish_rng, state);

  // Dynamic-effect textures.
  const cv::Mat caustic_a = CausticTile(fx_rng, 24, 2.5), caustic_b = CausticTile(fx_rng, 40, 1.5);
  const cv::Mat glitter = WaveTile(fx_rng, 7, 9, 21, 14.0);
  const double noise_sigma = s.noise_sigma;
  cv::Mat noise_tile(kNoiseTile, kNoiseTile, CV_16SC3);
  for (int y = 0; y < kNoiseTile; ++y)
    for (int x = 0; x < kNoiseTile; ++x) {
      const double luma = fx_rng.Normal(0, noise_sigma);
      cv::Vec3s& v = noise_tile.at<cv::Vec3s>(y, x);
      for (int k = 0; k < 3; ++k) v[k] = static_cast<short>(std::lround(8.0 * (luma + fx_rng.Normal(0, noise_sigma * 0.5))));
    }
  const cv::Size small((size.width + kGainCell - 1) / kGainCell + 1, (size.height + kGainCell - 1) / kGainCell + 1);
  const cv::Size cloud_size(std::max(8, static_cast<int>((hi.x - lo.x) / 1.0) + 40),
                            std::max(8, static_cast<int>((hi.y - lo.y) / 1.0) + 40));
  const cv::Mat clouds = FractalNoise(cloud_size, cloud_size.width / 12.0, 3, 0.5, fx_rng);
  const cv::Point2d cloud_wind = cv::Point2d(fx_rng.Normal(0, 1), fx_rng.Normal(0, 1)) * 0.7;
  const cv::Point2d pool_px = MakeProjector(poses.front(), gsd, size).ToFrame(pool.centre);
  const double glare_reach = 0.3 * std::min(size.width, size.height);
  const cv::Point2d glare_centre(std::clamp(pool_px.x + fx_rng.Uniform(-glare_reach, glare_reach), 0.0, size.width - 1.0),
                                 std::clamp(pool_px.y + fx_rng.Uniform(-glare_reach, glare_reach), 0.0, size.height - 1.0));
  const double glare_sigma = size.width * fx_rng.Uniform(0.07, 0.12);
  const cv::Point2d lamp(size.width * fx_rng.Uniform(0.2, 0.8), size.height * fx_rng.Uniform(0.2, 0.8));
  const cv::Vec3f tint = s.night ? cv::Vec3f(1.1f, 1.0f, 0.85f) : cv::Vec3f(1.f, 1.f, 1.f);
  const cv::Vec3f water_bgr = s.water_colour * 255.f;

  // Floating feed and foam.
  std::vector<cv::Mat> foam_sprites;
  std::vector<Floater> floaters;
  const int foam_count = static_cast<int>(std::round(s.foam * pool.Area() / 3.0));
  for (int i = 0; i < std::min(foam_count, 24); ++i) foam_sprites.push_back(FoamSprite(float_rng.Uniform(0.2, 1.0) / gsd, float_rng));
  auto inside = [&](double margin_m) {
    const double reach = std::max({pool.radius, pool.half_length, pool.half_width});
    for (int k = 0; k < 200; ++k) {
      cv::Point2d p = pool.centre + cv::Point2d(float_rng.Uniform(-reach, reach), float_rng.Uniform(-reach, reach));
      if (pool.SignedDistance(p) < -margin_m) return p;
    }
    return pool.centre;
  };
  for (int i = 0; i < foam_count; ++i)
    floaters.push_back({inside(0.1), cv::Point2d(float_rng.Normal(0, 0.03), float_rng.Normal(0, 0.03)),
                        i % std::max<int>(1, foam_sprites.size())});
  for (int i = 0; i < s.feed_pellets; ++i)
    floaters.push_back({inside(0.05), cv::Point2d(float_rng.Normal(0, 0.02), float_rng.Normal(0, 0.02)), -1});

  STURGEON_ASSIGN_OR_RETURN(std::unique_ptr<VideoEncoder> encoder,
                            OpenVideoEncoder(options.encoder, (out / "video.mp4").string(), size, s.fps));

  SimSummary summary;
  summary.scenario = s.name;
  summary.frames = frames;
  summary.width = size.width;
  summary.height = size.height;
  summary.fps = s.fps;
  summary.true_count = static_cast<int>(fish.size());
  summary.altitude_m = s.altitude_m;
  summary.gsd_m_per_px = gsd;
  summary.encoder = encoder->Name();

  std::string srt;
  const int base_clock = s.night ? 21 * 3600 + 30 * 60 : 10 * 3600;
  const double dt = 1.0 / s.fps;
  cv::Mat frame, wmask, ov, ids(size, CV_16UC1), gain_small(small, CV_32F), glare_small(small, CV_32F);
  cv::Mat gain_full, glare_full;
  std::vector<int> order(fish.size());
  std::vector<FishFrameStats> stats(fish.size());
  std::vector<float> transmit(fish.size());
  std::vector<std::vector<std::array<double, 6>>> lines(frames);
  std::string gt_text;
  double render_s = 0.0;

  cv::Matx23d first_world_to_frame;  // the first frame's world pixels -> frame pixels
  for (int fi = 0; fi < frames; ++fi) {
    const auto t_frame = std::chrono::steady_clock::now();
    const double time = fi * dt;
    if (fi > 0) StepFish(s, pool, dt, state, fish);
    for (Floater& f : floaters) {
      f.pos += f.vel * dt;
      if (pool.kind == PoolKind::kRoundTank) {
        const cv::Point2d rel = f.pos - pool.centre;
        f.pos += cv::Point2d(-rel.y, rel.x) * (s.current_mps * 0.5 / pool.radius * dt);
      } else if (pool.kind == PoolKind::kRaceway) {
        f.pos.x += s.current_mps * dt;
        if (f.pos.x > pool.centre.x + pool.half_length) f.pos.x -= 2 * pool.half_length;
      }
      if (pool.SignedDistance(f.pos) > -0.05) f.pos += pool.InwardNormal(f.pos) * 0.05;
    }
    const CameraPose& cam = poses[fi];
    const Projector proj = MakeProjector(cam, gsd, size);

    // World pixels -> frame pixels.
    const double c = proj.cos_y, sn = proj.sin_y;
    const cv::Point2d cw = (cam.centre - world.origin_m) / gsd;
    cv::Matx23d m(c, sn, proj.half.x - (c * cw.x + sn * cw.y), -sn, c, proj.half.y - (-sn * cw.x + c * cw.y));
    // This frame's pixels -> the first frame's pixels over the same spot of
    // the pool (the bottom's caustics are drawn there; exactly the identity
    // on the first frame).
    cv::Matx23d frame_to_first(1, 0, 0, 0, 1, 0);
    if (fi == 0) {
      first_world_to_frame = m;
    } else {
      cv::Matx23d frame_to_world;
      cv::invertAffineTransform(m, frame_to_world);
      const cv::Matx33d to_world(frame_to_world(0, 0), frame_to_world(0, 1), frame_to_world(0, 2), frame_to_world(1, 0),
                                 frame_to_world(1, 1), frame_to_world(1, 2), 0, 0, 1);
      const cv::Matx33d to_first(first_world_to_frame(0, 0), first_world_to_frame(0, 1), first_world_to_frame(0, 2),
                                 first_world_to_frame(1, 0), first_world_to_frame(1, 1), first_world_to_frame(1, 2), 0,
                                 0, 1);
      const cv::Matx33d a = to_first * to_world;
      frame_to_first = cv::Matx23d(a(0, 0), a(0, 1), a(0, 2), a(1, 0), a(1, 1), a(1, 2));
    }
    cv::warpAffine(world.bg, frame, m, size, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    cv::warpAffine(world.water, wmask, m, size, cv::INTER_LINEAR, cv::BORDER_CONSTANT);
    ids.setTo(0);

    // Shadows on the bottom, then fish from the deepest up.
    const double sun_strength = s.night ? 0.0 : 0.35 * (1.0 - 0.5 * s.clouds) * (1.0 - s.glare * 0.3);
    const cv::Point2d sun_dir(std::cos(world.sun_angle), std::sin(world.sun_angle));
    std::vector<FishPose> fposes(fish.size());
    for (size_t i = 0; i < fish.size(); ++i) {
      const Fish& f = fish[i];
      const double len_px = f.sprite.length_px;
      FishPose& p = fposes[i];
      const cv::Point2d cpx = proj.ToFrame(f.pos);
      p.centre_px = cv::Point2f(static_cast<float>(cpx.x), static_cast<float>(cpx.y));
      p.heading = static_cast<float>(f.heading - cam.yaw);
      const double swim = std::min(1.0, f.speed / std::max(0.05, 0.5 * f.length_cm / 100.0));
      p.bend_amp_px = static_cast<float>(len_px * (0.012 + 0.05 * swim));
      p.bend_phase = static_cast<float>(f.phase);
      p.turn_bend_px = static_cast<float>(std::clamp(-f.turn * len_px * 0.22, -0.2 * len_px, 0.2 * len_px));
      const double T = std::exp(-s.turbidity_per_m * f.depth);
      transmit[i] = static_cast<float>(T);
      p.transmit = static_cast<float>(T);
      p.water_bgr = water_bgr;
      const double blur = f.depth * (0.4 + 1.2 * s.turbidity_per_m) + swim * 0.5 + s.ripples * 0.3;
      p.level = blur < 1.0 ? 0 : blur < 2.0 ? 1 : 2;
      const double bottom = pool.Depth(f.pos);
      const double shadow = sun_strength * std::exp(-s.turbidity_per_m * bottom) * (1.0 - 0.5 * (bottom - f.depth) / bottom);
      if (shadow > 0.03 && s.caustics > 0.0) {
        FishPose sp = p;
        const cv::Point2d off = sun_dir * ((bottom - f.depth) * 0.5);
        const cv::Point2d spx = proj.ToFrame(f.pos + off);
        sp.centre_px = cv::Point2f(static_cast<float>(spx.x), static_cast<float>(spx.y));
        DrawShadow(f.sprite, sp, static_cast<float>(shadow), frame);
      }
    }
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return fish[a].depth > fish[b].depth; });
    for (int i : order) stats[i] = DrawFish(fish[i].sprite, fposes[i], frame, ids, static_cast<uint16_t>(i + 1));

    // Above the water: walkways and ropes, foam, feed.
    if (!world.overlay.empty()) {
      cv::warpAffine(world.overlay, ov, m, size, cv::INTER_LINEAR, cv::BORDER_CONSTANT);
      cv::parallel_for_(cv::Range(0, size.height), [&](const cv::Range& r) {
        for (int y = r.start; y < r.end; ++y) {
          const cv::Vec4b* o = ov.ptr<cv::Vec4b>(y);
          cv::Vec3b* f = frame.ptr<cv::Vec3b>(y);
          uint16_t* id = ids.ptr<uint16_t>(y);
          for (int x = 0; x < size.width; ++x) {
            const int a = o[x][3];
            if (a == 0) continue;
            for (int k = 0; k < 3; ++k) f[x][k] = static_cast<uchar>((f[x][k] * (255 - a) + o[x][k] * a) / 255);
            if (a > 127) id[x] = kCoverId;
          }
        }
      });
    }
    for (const Floater& fl : floaters) {
      const cv::Point2d p = proj.ToFrame(fl.pos);
      if (fl.sprite < 0) {
        const int px = static_cast<int>(std::floor(p.x)), py = static_cast<int>(std::floor(p.y));
        if (px < 1 || py < 1 || px >= size.width - 2 || py >= size.height - 2) continue;
        const double fx = p.x - px, fy = p.y - py;
        for (int dy = 0; dy < 2; ++dy)
          for (int dx = 0; dx < 2; ++dx) {
            const double w = (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy) * 0.8;
            cv::Vec3b& o = frame.at<cv::Vec3b>(py + dy, px + dx);
            const cv::Vec3d pellet(40, 70, 95);
            for (int k = 0; k < 3; ++k) o[k] = cv::saturate_cast<uchar>(o[k] * (1 - w) + pellet[k] * w);
          }
        continue;
      }
      const cv::Mat& spr = foam_sprites[fl.sprite];
      const int x0 = static_cast<int>(p.x) - spr.cols / 2, y0 = static_cast<int>(p.y) - spr.rows / 2;
      for (int y = std::max(0, y0); y < std::min(size.height, y0 + spr.rows); ++y) {
        const uchar* a = spr.ptr<uchar>(y - y0);
        cv::Vec3b* f = frame.ptr<cv::Vec3b>(y);
        uint16_t* id = ids.ptr<uint16_t>(y);
        for (int x = std::max(0, x0); x < std::min(size.width, x0 + spr.cols); ++x) {
          const int al = a[x - x0];
          if (al == 0) continue;
          for (int k = 0; k < 3; ++k) f[x][k] = static_cast<uchar>((f[x][k] * (255 - al) + 238 * al) / 255);
          if (al > 127) id[x] = kCoverId;
        }
      }
    }

    // Light: clouds, vignetting, exposure, lamp, glare (low resolution, upsampled).
    const double flicker = 1.0 + 0.015 * std::sin(time * 1.7);
    for (int y = 0; y < small.height; ++y)
      for (int x = 0; x < small.width; ++x) {
        const double px = x * kGainCell, py = y * kGainCell;
        const double nx = px / size.width - 0.5, ny = py / size.height - 0.5;
        double g = s.exposure * flicker * (1.0 - 0.55 * (nx * nx + ny * ny));
        if (s.clouds > 0) {
          const double dxm = (px - proj.half.x) * gsd, dym = (py - proj.half.y) * gsd;
          const cv::Point2d wm = cam.centre + cv::Point2d(dxm * c - dym * sn, dxm * sn + dym * c) + cloud_wind * time - lo;
          const double qx = std::clamp(wm.x + 20.0, 0.0, cloud_size.width - 1.001);
          const double qy = std::clamp(wm.y + 20.0, 0.0, cloud_size.height - 1.001);
          const int cx = static_cast<int>(qx), cy = static_cast<int>(qy);
          const double fx = qx - cx, fy = qy - cy;
          const double sample = (clouds.at<float>(cy, cx) * (1 - fx) + clouds.at<float>(cy, cx + 1) * fx) * (1 - fy) +
                                (clouds.at<float>(cy + 1, cx) * (1 - fx) + clouds.at<float>(cy + 1, cx + 1) * fx) * fy;
          const double cloud = std::clamp((sample - 0.42) * 4.0, 0.0, 1.0);
          g *= 1.0 - 0.45 * s.clouds * cloud;
        }
        if (s.night) {
          const double d2 = ((px - lamp.x) * (px - lamp.x) + (py - lamp.y) * (py - lamp.y)) / (size.width * size.width * 0.12);
          g *= 0.35 + 2.2 * std::exp(-d2);
        }
        gain_small.at<float>(y, x) = static_cast<float>(std::clamp(g * 128.0, 0.0, 255.0));
        const double gd2 = ((px - glare_centre.x) * (px - glare_centre.x) + (py - glare_centre.y) * (py - glare_centre.y)) /
                           (2 * glare_sigma * glare_sigma);
        glare_small.at<float>(y, x) = static_cast<float>(255.0 * s.glare * (0.85 * std::exp(-gd2) + 0.15 * std::exp(-gd2 * 0.15)));
      }
    cv::resize(gain_small, gain_full, cv::Size(small.width * kGainCell, small.height * kGainCell), 0, 0, cv::INTER_LINEAR);
    if (s.glare > 0.0 || glare_full.empty()) cv::resize(glare_small, glare_full, cv::Size(small.width * kGainCell, small.height * kGainCell), 0, 0, cv::INTER_LINEAR);
    const int ox1 = static_cast<int>(time * 9.0), oy1 = static_cast<int>(time * 6.0);
    const int ox2 = static_cast<int>(-time * 7.0) + 4096, oy2 = static_cast<int>(time * 10.0);
    const int ox3 = static_cast<int>(time * 23.0), oy3 = static_cast<int>(-time * 17.0) + 4096;
    const int nox = fx_rng.Int(kNoiseTile), noy = fx_rng.Int(kNoiseTile);
    const float caust = static_cast<float>(s.caustics * (s.night ? 0.0 : 1.0) * (1.0 - 0.6 * s.clouds));
    const float ripple = static_cast<float>(s.ripples);
    const float exposure = static_cast<float>(s.exposure);
    cv::parallel_for_(cv::Range(0, size.height), [&](const cv::Range& r) {
      for (int y = r.start; y < r.end; ++y) {
        cv::Vec3b* f = frame.ptr<cv::Vec3b>(y);
        const uchar* wm = wmask.ptr<uchar>(y);
        const float* gn = gain_full.ptr<float>(y);
        const float* gl = glare_full.ptr<float>(y);
        // The caustic network lies on the pool's bottom: it is sampled where
        // the first frame saw this spot of the pool, so it moves with the
        // pool when the drone drifts or sweeps (drawn in frame pixels, it
        // stayed put while the pool slid past, and camera-motion estimation
        // tracked it: a sweep of 1200 px was seen as 10).
        const double wx0 = frame_to_first(0, 1) * y + frame_to_first(0, 2);
        const double wy0 = frame_to_first(1, 1) * y + frame_to_first(1, 2);
        const uchar* gt = glitter.ptr<uchar>((y + oy3) & (kTile - 1));
        const cv::Vec3s* nz = noise_tile.ptr<cv::Vec3s>((y + noy) & (kNoiseTile - 1));
        for (int x = 0; x < size.width; ++x) {
          float light = gn[x] * (1.f / 128.f);
          float add = 0.f;
          float glare = gl[x] * (1.f / 255.f);
          if (wm[x] != 0) {
            const float w = wm[x] * (1.f / 255.f);
            if (caust > 0.f) {
              const double wx = wx0 + frame_to_first(0, 0) * x, wy = wy0 + frame_to_first(1, 0) * x;
              const float cpat = TileAt(caustic_a, wx + ox1, wy + oy1) * TileAt(caustic_b, wx + ox2, wy + oy2) *
                                 (1.f / 65025.f);
              light *= 1.f + caust * w * (1.6f * cpat - 0.15f);
            }
            if (ripple > 0.f) {
              const float sparkle = gt[(x + ox3) & (kTile - 1)] * (1.f / 255.f);
              add = ripple * sparkle * sparkle * (14.f * exposure + glare * 255.f);
            }
          } else {
            glare *= 0.25f;
          }
          const float keep = 1.f - 0.9f * glare;
          add += glare * 0.9f * 250.f;
          const cv::Vec3s& n = nz[(x + nox) & (kNoiseTile - 1)];
          uchar* px = f[x].val;
          for (int k = 0; k < 3; ++k) {
            const float v = px[k] * light * tint[k] * keep + add + n[k] * 0.125f;
            px[k] = static_cast<uchar>(std::clamp(v + 0.5f, 0.f, 255.f));
          }
        }
      }
    });

    // Ground truth for this frame.
    for (size_t i = 0; i < fish.size(); ++i) {
      const FishFrameStats& st = stats[i];
      if (st.body_pixels == 0) continue;
      int visible = 0;
      for (int y = st.min_y; y <= st.max_y; ++y) {
        const uint16_t* id = ids.ptr<uint16_t>(y);
        for (int x = st.min_x; x <= st.max_x; ++x) visible += id[x] == i + 1;
      }
      const double vis = std::clamp(visible / static_cast<double>(fish[i].sprite.area_px), 0.0, 1.0) * transmit[i];
      lines[fi].push_back({static_cast<double>(fish[i].id), static_cast<double>(st.min_x), static_cast<double>(st.min_y),
                           static_cast<double>(st.max_x - st.min_x + 1), static_cast<double>(st.max_y - st.min_y + 1),
                           vis});
    }
    for (const auto& l : lines[fi]) {
      gt_text += fmt::format("{},{},{},{},{},{},{:.3f},-1,-1,-1\n", fi + 1, static_cast<int>(l[0]), static_cast<int>(l[1]),
                             static_cast<int>(l[2]), static_cast<int>(l[3]), static_cast<int>(l[4]), l[5]);
      ++summary.gt_lines;
    }

    // Telemetry.
    const int64_t ms0 = std::llround(fi * 1000.0 / s.fps), ms1 = std::llround((fi + 1) * 1000.0 / s.fps);
    const double lat = s.latitude - cam.centre.y / 111320.0;
    const double lon = s.longitude + cam.centre.x / (111320.0 * std::cos(s.latitude * kPi / 180.0));
    srt += fmt::format(
        "{}\n{} --> {}\n<font size=\"28\">FrameCnt: {}, DiffTime: {}ms\n{}\n[iso: {}] [shutter: {}] [fnum: 2.8] "
        "[ev: 0] [color_md: default] [focal_len: {:.2f}] [latitude: {:.6f}] [longitude: {:.6f}] "
        "[rel_alt: {:.3f} abs_alt: {:.3f}] [ct: {}] </font>\n\n",
        fi + 1, SrtTime(ms0), SrtTime(ms1), fi + 1, ms1 - ms0, ClockTime(base_clock, ms0), s.night ? 3200 : 100,
        s.night ? "1/30.0" : "1/500.0", s.focal_len_mm, lat, lon, s.altitude_m, s.altitude_m + s.ground_alt_m,
        s.night ? 3800 : 5500);

    if (options.keep_frame_hashes) summary.frame_hashes.push_back(HashFrame(frame));
    if (std::find(options.png_frames.begin(), options.png_frames.end(), fi + 1) != options.png_frames.end()) {
      const std::string png = (out / fmt::format("frame_{:05}.png", fi + 1)).string();
      if (!cv::imwrite(png, frame)) return Status::IOError(fmt::format("cannot write '{}'", png));
    }
    render_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t_frame).count();
    STURGEON_RETURN_IF_ERROR(encoder->Write(frame));
  }
  STURGEON_RETURN_IF_ERROR(encoder->Close());

  gt_txt << gt_text;
  gt_txt.close();
  if (!gt_txt) return Status::IOError(fmt::format("cannot write '{}'", (out / "gt.txt").string()));
  {
    std::ofstream f(out / "telemetry.srt", std::ios::binary | std::ios::trunc);
    f << srt;
    if (!f) return Status::IOError(fmt::format("cannot write '{}'", (out / "telemetry.srt").string()));
  }

  nlohmann::ordered_json j;
  j["scenario"] = s.name;
  j["description"] = s.description;
  j["seed"] = options.seed;
  j["true_count"] = fish.size();
  j["frames"] = frames;
  j["fps"] = s.fps;
  j["frame_size"] = {{"width", size.width}, {"height", size.height}};
  j["coverage"] = s.coverage == Coverage::kWholePool ? "whole_pool" : "sweep";
  j["altitude_m"] = s.altitude_m;
  j["focal_len_mm"] = s.focal_len_mm;
  j["hfov_deg"] = hfov;
  j["gsd_m_per_px"] = gsd;
  j["length_weight"] = {{"a", kLengthWeightA}, {"b", kLengthWeightB}, {"length_unit", "cm"}, {"weight_unit", "g"}};
  nlohmann::ordered_json pj;
  pj["type"] = PoolKindName(pool.kind);
  pj["centre_m"] = {pool.centre.x, pool.centre.y};
  if (pool.kind == PoolKind::kRoundTank || pool.kind == PoolKind::kPond) {
    pj["diameter_m"] = 2 * pool.radius;
  } else {
    pj["length_m"] = 2 * pool.half_length;
    pj["width_m"] = 2 * pool.half_width;
  }
  pj["depth_edge_m"] = pool.depth_edge;
  pj["depth_centre_m"] = pool.depth_centre;
  pj["area_m2"] = pool.Area();
  const Projector p0 = MakeProjector(poses.front(), gsd, size);
  nlohmann::ordered_json outline_m = nlohmann::ordered_json::array(), outline_px = nlohmann::ordered_json::array();
  for (const cv::Point2d& q : pool.Outline(48)) {
    outline_m.push_back({std::round(q.x * 1000) / 1000, std::round(q.y * 1000) / 1000});
    const cv::Point2d px = p0.ToFrame(q);
    outline_px.push_back({std::round(px.x * 10) / 10, std::round(px.y * 10) / 10});
  }
  pj["outline_m"] = outline_m;
  pj["outline_px_frame1"] = outline_px;
  const cv::Point2d centre_px = p0.ToFrame(pool.centre);
  pj["centre_px_frame1"] = {std::round(centre_px.x * 10) / 10, std::round(centre_px.y * 10) / 10};
  j["pool"] = pj;
  double biomass = 0.0;
  nlohmann::ordered_json fj = nlohmann::ordered_json::array();
  for (const Fish& f : fish) {
    fj.push_back({{"id", f.id}, {"length_cm", f.length_cm}, {"weight_g", f.weight_g}, {"behaviour", BehaviourName(f.behaviour)}});
    biomass += f.weight_g;
  }
  j["total_biomass_kg"] = std::round(biomass) / 1000.0;
  j["fish"] = fj;
  {
    std::ofstream f(out / "gt.json", std::ios::binary | std::ios::trunc);
    f << j.dump(2) << "\n";
    if (!f) return Status::IOError(fmt::format("cannot write '{}'", (out / "gt.json").string()));
  }
  summary.render_seconds = render_s;
  summary.total_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  return summary;
}

}  // namespace sturgeon::sim
