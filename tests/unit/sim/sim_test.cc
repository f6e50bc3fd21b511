// Tests of the drone-footage simulator: ground-truth consistency,
// determinism and argument errors (library API and the `sturgeon` CLI).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sim/simulator.h"

namespace sturgeon::sim {
namespace {

namespace fs = std::filesystem;

constexpr int kTestFrames = 12;
constexpr int kTestWidth = 480;
constexpr int kTestHeight = 270;

fs::path TempDir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("sturgeon_sim_test_{}_{}", name, ::getpid());
  fs::remove_all(dir);
  return dir;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

SimOptions SmallOptions(const std::string& scenario, const fs::path& out, uint64_t seed = 7) {
  SimOptions o;
  o.scenario = scenario;
  o.out_dir = out.string();
  o.seed = seed;
  o.frames = kTestFrames;
  o.width = kTestWidth;
  o.height = kTestHeight;
  o.encoder = EncoderKind::kNone;
  return o;
}

struct GtLine {
  int frame, id, left, top, width, height;
  double visibility;
};

std::vector<GtLine> ReadGt(const fs::path& p) {
  std::vector<GtLine> out;
  std::ifstream f(p);
  std::string line;
  while (std::getline(f, line)) {
    GtLine g{};
    int a, b, c;
    EXPECT_EQ(std::sscanf(line.c_str(), "%d,%d,%d,%d,%d,%d,%lf,%d,%d,%d", &g.frame, &g.id, &g.left, &g.top, &g.width,
                          &g.height, &g.visibility, &a, &b, &c), 10) << line;
    EXPECT_EQ(a, -1);
    out.push_back(g);
  }
  return out;
}

TEST(SimSuite, HasAtLeastTwelveUniquelyNamedScenarios) {
  const std::vector<std::string> names = ScenarioNames();
  EXPECT_GE(names.size(), 12u);
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
  const auto hard = FindScenario("net_cage_1000_4k");
  ASSERT_TRUE(hard.ok());
  EXPECT_EQ(hard->fish_count, 1000);
  EXPECT_EQ(hard->width, 3840);
}

TEST(SimGeometry, GsdFollowsAltitudeAndFocalLength) {
  const double hfov = HorizontalFovDeg(24.0);
  EXPECT_NEAR(hfov, 73.74, 0.01);
  EXPECT_NEAR(GroundSamplingDistance(30.0, hfov, 1920), 2 * 30.0 * 0.75 / 1920, 1e-9);
}

// Every scenario, tiny: the ground truth must hold together.
class SimGroundTruth : public ::testing::TestWithParam<std::string> {};

TEST_P(SimGroundTruth, IsConsistentWithFrameAndPool) {
  const fs::path dir = TempDir(GetParam());
  const auto summary = RunSimulation(SmallOptions(GetParam(), dir));
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  const std::vector<GtLine> gt = ReadGt(dir / "gt.txt");
  const nlohmann::json j = nlohmann::json::parse(ReadFile(dir / "gt.json"));

  std::map<int, std::set<int>> ids_per_frame;
  std::set<int> ids;
  for (const GtLine& g : gt) {
    EXPECT_GE(g.frame, 1);
    EXPECT_LE(g.frame, kTestFrames);
    EXPECT_TRUE(ids_per_frame[g.frame].insert(g.id).second) << "id " << g.id << " twice in frame " << g.frame;
    ids.insert(g.id);
    EXPECT_GE(g.left, 0);
    EXPECT_GE(g.top, 0);
    EXPECT_GT(g.width, 0);
    EXPECT_GT(g.height, 0);
    EXPECT_LE(g.left + g.width, kTestWidth);
    EXPECT_LE(g.top + g.height, kTestHeight);
    EXPECT_GE(g.visibility, 0.0);
    EXPECT_LE(g.visibility, 1.0);
  }
  const int true_count = j.at("true_count").get<int>();
  EXPECT_EQ(true_count, summary->true_count);
  EXPECT_EQ(j.at("fish").size(), static_cast<size_t>(true_count));
  if (j.at("coverage") == "whole_pool") {
    EXPECT_EQ(static_cast<int>(ids.size()), true_count) << "every fish of a whole-pool scenario must appear";
  } else {
    EXPECT_LE(static_cast<int>(ids.size()), true_count);
  }
  for (const auto& f : j.at("fish")) {
    const double len = f.at("length_cm").get<double>();
    const double w = f.at("weight_g").get<double>();
    EXPECT_NEAR(w, kLengthWeightA * std::pow(len, kLengthWeightB), 0.06) << "fish " << f.at("id");
    EXPECT_GE(f.at("id").get<int>(), 1);
  }
  EXPECT_NEAR(j.at("gsd_m_per_px").get<double>(),
              GroundSamplingDistance(j.at("altitude_m").get<double>(), j.at("hfov_deg").get<double>(), kTestWidth), 1e-12);
  const std::string srt = ReadFile(dir / "telemetry.srt");
  EXPECT_NE(srt.find(fmt::format("FrameCnt: {}, DiffTime:", kTestFrames)), std::string::npos);
  EXPECT_NE(srt.find("[focal_len: 24.00]"), std::string::npos);
  EXPECT_NE(srt.find("[rel_alt: "), std::string::npos);
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(AllScenarios, SimGroundTruth, ::testing::ValuesIn(ScenarioNames()),
                         [](const auto& info) { return info.param; });

TEST(SimDeterminism, SameSeedGivesIdenticalFilesAndFrames) {
  const fs::path a = TempDir("det_a"), b = TempDir("det_b");
  const auto ra = RunSimulation(SmallOptions("cloud_feeding", a, 42));
  const auto rb = RunSimulation(SmallOptions("cloud_feeding", b, 42));
  ASSERT_TRUE(ra.ok() && rb.ok());
  for (const char* name : {"gt.txt", "gt.json", "telemetry.srt"}) EXPECT_EQ(ReadFile(a / name), ReadFile(b / name)) << name;
  EXPECT_EQ(ra->frame_hashes, rb->frame_hashes);
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST(SimDeterminism, DifferentSeedGivesDifferentFootage) {
  const fs::path a = TempDir("seed_a"), b = TempDir("seed_b");
  const auto ra = RunSimulation(SmallOptions("easy_round_tank", a, 1));
  const auto rb = RunSimulation(SmallOptions("easy_round_tank", b, 2));
  ASSERT_TRUE(ra.ok() && rb.ok());
  EXPECT_NE(ReadFile(a / "gt.txt"), ReadFile(b / "gt.txt"));
  EXPECT_NE(ReadFile(a / "gt.json"), ReadFile(b / "gt.json"));
  EXPECT_NE(ra->frame_hashes, rb->frame_hashes);
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST(SimVideo, WritesH264WithEveryFrame) {
  const fs::path dir = TempDir("video");
  SimOptions o = SmallOptions("raceway_current", dir);
  o.encoder = EncoderKind::kAuto;
  const auto r = RunSimulation(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(fs::exists(dir / "video.mp4"));
  EXPECT_GT(fs::file_size(dir / "video.mp4"), 1000u);
  const std::string cmd = fmt::format(
      "ffprobe -v error -select_streams v:0 -count_frames -show_entries stream=codec_name,nb_read_frames -of csv=p=0 '{}'",
      (dir / "video.mp4").string());
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[256] = {0};
    const size_t n = fread(buf, 1, sizeof(buf) - 1, p);
    if (pclose(p) == 0 && n > 0) {
      EXPECT_EQ(std::string(buf), fmt::format("h264,{}\n", kTestFrames));
    }
  }
  fs::remove_all(dir);
}

TEST(SimVideo, SameSeedGivesByteIdenticalVideoWithFfmpeg) {
  const fs::path a = TempDir("vid_a"), b = TempDir("vid_b");
  SimOptions oa = SmallOptions("strong_drift", a, 9), ob = SmallOptions("strong_drift", b, 9);
  oa.encoder = ob.encoder = EncoderKind::kFfmpeg;
  const auto ra = RunSimulation(oa);
  if (!ra.ok() && ra.status().code() == StatusCode::kFailedPrecondition) GTEST_SKIP() << ra.status().message();
  const auto rb = RunSimulation(ob);
  ASSERT_TRUE(ra.ok() && rb.ok());
  EXPECT_EQ(ReadFile(a / "video.mp4"), ReadFile(b / "video.mp4"));
  fs::remove_all(a);
  fs::remove_all(b);
}

struct BadCase {
  std::string name;
  SimOptions options;
  StatusCode code;
  std::string message_part;
};

TEST(SimErrors, BadOptionsGiveClearStatus) {
  const fs::path dir = TempDir("bad");
  auto with = [&](auto change) {
    SimOptions o = SmallOptions("easy_round_tank", dir);
    change(o);
    return o;
  };
  const std::vector<BadCase> cases = {
      {"unknown scenario", with([](SimOptions& o) { o.scenario = "no_such_pool"; }), StatusCode::kInvalidArgument,
       "valid scenarios: easy_round_tank"},
      {"zero frames", with([](SimOptions& o) { o.frames = 0; }), StatusCode::kInvalidArgument, "frames must be positive"},
      {"negative frames", with([](SimOptions& o) { o.frames = -3; }), StatusCode::kInvalidArgument, "frames must be positive"},
      {"odd width", with([](SimOptions& o) { o.width = 481; }), StatusCode::kInvalidArgument, "must be even"},
      {"tiny", with([](SimOptions& o) { o.height = 10; }), StatusCode::kInvalidArgument, "out of range"},
      {"unwritable dir", with([](SimOptions& o) { o.out_dir = "/proc/sturgeon_sim_cannot_write"; }), StatusCode::kIOError,
       "cannot create output directory"},
  };
  for (const BadCase& c : cases) {
    const auto r = RunSimulation(c.options);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), c.code) << c.name;
    EXPECT_NE(r.status().message().find(c.message_part), std::string::npos) << c.name << ": " << r.status().message();
  }
}

TEST(SimErrors, FrameSizeParsingRejectsMalformedText) {
  for (const std::string bad : {"12x", "x10", "1920", "axb", "1920x-2", ""}) EXPECT_FALSE(ParseFrameSize(bad).ok()) << bad;
  const auto ok = ParseFrameSize("640x360");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->first, 640);
  EXPECT_EQ(ok->second, 360);
}

struct CliResult {
  int exit_code;
  std::string output;
};

CliResult RunCli(const std::string& args) {
  const std::string cmd = fmt::format("'{}' sim {} 2>&1", STURGEON_BINARY, args);
  CliResult r{-1, ""};
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.output.append(buf, n);
  const int st = pclose(p);
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

TEST(SimCli, BadArgumentsExitNonZeroWithOneLineMessage) {
  const fs::path dir = TempDir("cli");
  struct Case {
    std::string args, expect;
  };
  const std::vector<Case> cases = {
      {fmt::format("--scenario nope --out {}", dir.string()), "valid scenarios:"},
      {fmt::format("--scenario easy_round_tank --out {} --size 12x", dir.string()), "bad frame size '12x'"},
      {fmt::format("--scenario easy_round_tank --out {} --frames 0", dir.string()), "frames must be positive"},
      {"--scenario easy_round_tank --out /proc/sturgeon_no", "cannot create output directory"},
      {fmt::format("--out {}", dir.string()), "--scenario is required"},
  };
  for (const Case& c : cases) {
    const CliResult r = RunCli(c.args);
    EXPECT_NE(r.exit_code, 0) << c.args;
    EXPECT_NE(r.output.find(c.expect), std::string::npos) << c.args << " -> " << r.output;
  }
}

TEST(SimCli, ListsTheSuite) {
  const CliResult r = RunCli("--list");
  EXPECT_EQ(r.exit_code, 0);
  for (const std::string& name : ScenarioNames()) EXPECT_NE(r.output.find(name), std::string::npos) << name;
  EXPECT_EQ(RunCli("--scenario list").exit_code, 0);
}

TEST(SimCli, WritesAllFourFiles) {
  const fs::path dir = TempDir("cli_ok");
  const CliResult r = RunCli(fmt::format("--scenario night_floodlit --out {} --frames 5 --size 320x180 --seed 3", dir.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* name : {"video.mp4", "gt.txt", "gt.json", "telemetry.srt"}) EXPECT_TRUE(fs::exists(dir / name)) << name;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sturgeon::sim
