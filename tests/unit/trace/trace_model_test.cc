#include "trace/trace_model.h"

#include <gtest/gtest.h>

namespace sturgeon::trace {
namespace {

Timestamp T(const char* text) { return *Timestamp::Parse(text); }

ProductSpec Malossol() { return *FindProduct("malossol"); }

TEST(Salt, MalossolRangeIsInclusiveAndOutsideIsFlaggedOrRefusedPerProduct) {
  struct Case {
    const char* product;
    double salt;
    StatusCode code;
    bool flagged;
  } cases[] = {
      {"malossol", 3.0, StatusCode::kOk, false},
      {"malossol", 5.0, StatusCode::kOk, false},
      {"malossol", 2.9, StatusCode::kOk, true},
      {"malossol", 5.5, StatusCode::kOk, true},
      {"malossol-strict", 4.0, StatusCode::kOk, false},
      {"malossol-strict", 5.5, StatusCode::kFailedPrecondition, false},
      {"malossol", -1, StatusCode::kInvalidArgument, false},
  };
  for (const Case& c : cases) {
    auto r = CheckSalt(*FindProduct(c.product), c.salt);
    ASSERT_EQ(r.status().code(), c.code) << c.product << " " << c.salt;
    if (r.ok()) {
      EXPECT_EQ(*r, c.flagged) << c.product << " " << c.salt;
    }
  }
}

TEST(SealTime, MoreThanFifteenMinutesFromExtractionToTinIsABreach) {
  const Timestamp x = T("2026-03-01T08:00:00Z");
  EXPECT_FALSE(CheckSealTime(Malossol(), x, T("2026-03-01T08:15:00Z")).breach);
  const SealCheck late = CheckSealTime(Malossol(), x, T("2026-03-01T08:17:30Z"));
  EXPECT_TRUE(late.breach);
  EXPECT_DOUBLE_EQ(late.minutes, 17.5);
}

TEST(Steps, MustComeInOrderAndOnlySaltingTakesSalt) {
  const Timestamp x = T("2026-03-01T08:00:00Z");
  std::vector<ProcessingStep> done;
  EXPECT_EQ(ValidateNextStep(done, {StepKind::kRinsing, T("2026-03-01T08:01:00Z"), {}}, x).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(ValidateNextStep(done, {StepKind::kScreening, T("2026-03-01T07:59:00Z"), {}}, x).code(),
            StatusCode::kInvalidArgument);
  done.push_back({StepKind::kScreening, T("2026-03-01T08:02:00Z"), {}});
  done.push_back({StepKind::kRinsing, T("2026-03-01T08:04:00Z"), {}});
  EXPECT_EQ(ValidateNextStep(done, {StepKind::kSalting, T("2026-03-01T08:06:00Z"), {}}, x).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(ValidateNextStep(done, {StepKind::kSalting, T("2026-03-01T08:06:00Z"), 3.5}, x).ok());
}

TEST(Grading, AssignsTheBestGradeWhoseMinimaTheSampleMeets) {
  struct Case {
    GradingSample sample;
    const char* grade;
  } cases[] = {
      {{3.3, "golden", 5, 0.98}, "imperial"},
      {{3.3, "black", 5, 0.98}, "classic"},  // dark: not imperial or royal
      {{2.8, "grey", 3, 0.92}, "royal"},
      {{2.4, "dark_grey", 2, 0.85}, "classic"},
      {{2.0, "black", 1, 0.70}, "select"},
      {{3.5, "golden", 5, 0.60}, "pressed"},  // 40% broken
      {{3.5, "golden", 5, 0.65}, "select"},   // exactly 35% broken is not pressed
  };
  for (const Case& c : cases) {
    auto g = Grade(DefaultGradingScale(), c.sample);
    ASSERT_TRUE(g.ok()) << g.status().ToString();
    EXPECT_EQ(*g, c.grade) << c.sample.grain_diameter_mm << " " << c.sample.colour;
  }
}

TEST(Grading, ScaleIsConfigurablePerProduct) {
  GradingScale s;
  s.grades = {{"gold", 2.0, 5, 1, 0.0}};
  s.pressed_broken_share = 0.5;
  EXPECT_EQ(*Grade(s, {2.1, "black", 1, 0.6}), "gold");
}

TEST(Grading, RejectsSamplesOutOfRange) {
  const GradingSample bad[] = {{0, "grey", 3, 0.9}, {3, "purple", 3, 0.9}, {3, "grey", 6, 0.9}, {3, "grey", 3, 1.2}};
  for (const GradingSample& s : bad) {
    EXPECT_EQ(Grade(DefaultGradingScale(), s).status().code(), StatusCode::kInvalidArgument) << s.colour;
  }
}

TEST(Label, BuildsAndParsesPureAndHybridCodes) {
  const CitesLabel hybrid{"DAU x SCH", 'C', "CN", 2026, "CN-ZJ-001", "L2026-001"};
  EXPECT_EQ(hybrid.ToString(), "DAU x SCH/C/CN/2026/CN-ZJ-001/L2026-001");
  auto parsed = ParseLabel(hybrid.ToString());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->species, "DAU x SCH");
  EXPECT_EQ(parsed->year, 2026);
  EXPECT_TRUE(ParseLabel("GUE/C/BE/2015/xxxx/yyyy").ok());
  EXPECT_TRUE(ParseLabel("TRA/C/IT/2003/XYZ/yyyyyy").ok());
}

TEST(Label, RejectsMalformedCodesNamingTheField) {
  struct Case {
    const char* text;
    const char* mentions;
  } cases[] = {
      {"DAU/C/CN/2026/P1", "6 fields"},
      {"DA/C/CN/2026/P1/L1", "species"},
      {"DAU x SC/C/CN/2026/P1/L1", "species"},
      {"DAUxSCH/C/CN/2026/P1/L1", "species"},
      {"DAU/X/CN/2026/P1/L1", "source"},
      {"DAU/C/CHN/2026/P1/L1", "country"},
      {"DAU/C/cn/2026/P1/L1", "country"},
      {"DAU/C/CN/26/P1/L1", "year"},
      {"DAU/C/CN/2026//L1", "plant"},
      {"DAU/C/CN/2026/P1/L 1", "lot"},
  };
  for (const Case& c : cases) {
    auto r = ParseLabel(c.text);
    ASSERT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.text;
    EXPECT_NE(r.status().message().find(c.mentions), std::string::npos) << r.status().message();
  }
}

std::vector<TemperatureReading> Readings(std::initializer_list<std::pair<const char*, double>> list) {
  std::vector<TemperatureReading> out;
  for (const auto& [at, c] : list) out.push_back(TemperatureReading{0, 1, "L1", T(at), c});
  return out;
}

TEST(ColdChain, WarmRunLongerThanTheLimitIsAnExcursionWithItsDuration) {
  ProductSpec p = Malossol();
  p.warm_excursion_minutes = 30;
  auto x = DetectExcursions(p, Readings({{"2026-03-01T10:00:00Z", 1.0},
                                         {"2026-03-01T10:10:00Z", 3.5},
                                         {"2026-03-01T10:30:00Z", 4.2},
                                         {"2026-03-01T10:50:00Z", 1.5}}));
  ASSERT_EQ(x.size(), 1u);
  EXPECT_EQ(x[0].kind, ExcursionKind::kWarm);
  EXPECT_EQ(x[0].duration_s, 40 * 60);
  EXPECT_DOUBLE_EQ(x[0].extreme_celsius, 4.2);
}

TEST(ColdChain, ShortWarmRunIsNotAnExcursionButAnyFreezingReadingIs) {
  ProductSpec p = Malossol();
  auto x = DetectExcursions(p, Readings({{"2026-03-01T10:00:00Z", 1.0},
                                         {"2026-03-01T10:05:00Z", 2.5},
                                         {"2026-03-01T10:10:00Z", 1.0},
                                         {"2026-03-01T11:00:00Z", -3.5},
                                         {"2026-03-01T11:05:00Z", 0.0},
                                         {"2026-03-01T12:00:00Z", -4.5},
                                         {"2026-03-01T12:01:00Z", -1.0}}));
  ASSERT_EQ(x.size(), 1u);
  EXPECT_EQ(x[0].kind, ExcursionKind::kFreezing);
  EXPECT_EQ(x[0].start, T("2026-03-01T12:00:00Z"));
  EXPECT_DOUBLE_EQ(x[0].extreme_celsius, -4.5);
}

TEST(ColdChain, ExcursionStillOpenAtTheLastReadingEndsThere) {
  ProductSpec p = Malossol();
  p.warm_excursion_minutes = 10;
  auto x = DetectExcursions(p, Readings({{"2026-03-01T10:20:00Z", 5.0}, {"2026-03-01T10:00:00Z", 3.0}}));
  ASSERT_EQ(x.size(), 1u);
  EXPECT_EQ(x[0].end, T("2026-03-01T10:20:00Z"));
  EXPECT_EQ(x[0].duration_s, 20 * 60);
}

TEST(LoggerCsv, ParsesRowsAndRejectsTheFileAtTheFirstBadRow) {
  auto ok = ParseLoggerCsv("logger,at,celsius\nL1,2026-03-01T10:00:00Z,1.5\nL1,2026-03-01T10:05:00Z,-0.5\n", "t.csv");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->size(), 2u);
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"logger,at,celsius\nL1,2026-03-01T10:00:00Z,warm\n", "t.csv:2: column 'celsius'"},
      {"logger,at,celsius\nL1,2026-03-01T10:00:00Z,1\nL1,yesterday,1\n", "t.csv:3: column 'at'"},
      {"logger,when,celsius\n", "header"},
      {"logger,at,celsius\nL1,2026-03-01T10:00:00Z\n", "t.csv:2: expected 3 columns"},
  };
  for (const Case& c : cases) {
    auto r = ParseLoggerCsv(c.text, "t.csv");
    ASSERT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.text;
    EXPECT_NE(r.status().message().find(c.message), std::string::npos) << r.status().message();
  }
}

}  // namespace
}  // namespace sturgeon::trace
