#include "vision/io/mot_io.h"

#include <gtest/gtest.h>

namespace sturgeon::vision {
namespace {

TEST(MotIo, ReadsDetectionsWithUnknownScoreAsOne) {
  auto r = ParseMot("1,-1,10,20,30,40,0.8,-1,-1,-1\n\n# note\n2,-1,1.5,2,3,4,-1\n", "det.txt");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].frame, 1);
  EXPECT_FLOAT_EQ((*r)[0].box.width, 30);
  EXPECT_FLOAT_EQ((*r)[0].score, 0.8f);
  EXPECT_FLOAT_EQ((*r)[1].score, 1.0f);
}

TEST(MotIo, MalformedLinesNameFileAndLine) {
  struct Case { const char* text; const char* expect; };
  const Case cases[] = {
      {"1,-1,10,20,30,40,0.9\n1,-1,10,x,30,40,0.9\n", "det.txt:2: field 'top' is not a number"},
      {"1,-1,10,20\n", "det.txt:1: expected at least 6"},
      {"0,-1,10,20,30,40,1\n", "det.txt:1: field 'frame' must be a positive integer"},
      {"1,-1,10,20,-3,40,1\n", "det.txt:1: width and height must not be negative"},
      {"1.5,-1,10,20,3,40,1\n", "det.txt:1: field 'frame'"},
      {"1,-1,10,20,3,40,1,-1,-1,-1,long\n", "det.txt:1: field 'length' (11th) is not a number: 'long'"},
      {"1,-1,10,20,3,40,1,-1,-1,-1,30,full\n", "det.txt:1: field 'full_length' (12th) is not a number: 'full'"},
      {"1,4.7,10,20,3,40,1\n", "det.txt:1: field 'id' must be a whole number"},
      {"3000000000,-1,10,20,3,40,1\n", "det.txt:1: field 'frame' must be a positive integer"},
  };
  for (const Case& c : cases) {
    auto r = ParseMot(c.text, "det.txt");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos) << r.status().message();
  }
}

TEST(MotIo, MissingFileIsNotFound) {
  auto r = ReadMotFile("/nonexistent/det.txt");
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

TEST(MotIo, FormatThenParseRoundTrips) {
  std::vector<MotRecord> rows = {{3, 7, cv::Rect2f(1.25f, 2.5f, 30, 40), 0.5f}};
  auto back = ParseMot(FormatMot(rows), "x");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ((*back)[0].frame, 3);
  EXPECT_EQ((*back)[0].id, 7);
  EXPECT_FLOAT_EQ((*back)[0].box.x, 1.25f);
  EXPECT_FLOAT_EQ((*back)[0].length_px, 0.0f);
}

// The detector's body length travels in an 11th field, so a replay of
// --write-detections feeds the counter's length rules as the video did.
TEST(MotIo, MeasuredBodyLengthRoundTripsInTheEleventhField) {
  std::vector<MotRecord> rows = {{1, -1, cv::Rect2f(0, 0, 30, 10), 0.9f, 31.5f},
                                 {1, -1, cv::Rect2f(50, 0, 10, 10), 0.6f, 0.0f}};
  const std::string text = FormatMot(rows);
  EXPECT_EQ(text, "1,-1,0.00,0.00,30.00,10.00,0.900,-1,-1,-1,31.50\n1,-1,50.00,0.00,10.00,10.00,0.600,-1,-1,-1\n");
  auto back = ParseMot(text, "x");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_FLOAT_EQ((*back)[0].length_px, 31.5f);
  EXPECT_FLOAT_EQ((*back)[1].length_px, 0.0f);
  auto frames = GroupDetectionsByFrame(*back);
  ASSERT_EQ(frames[1].size(), 2u);
  EXPECT_FLOAT_EQ(frames[1][0].length_px, 31.5f);
}

// The full body length (for sizes) travels in a 12th field; a full length
// without a shape length keeps the 11th field's place with 0.
TEST(MotIo, FullBodyLengthRoundTripsInTheTwelfthField) {
  std::vector<MotRecord> rows = {{1, -1, cv::Rect2f(0, 0, 30, 10), 0.9f, 31.5f, 34.25f},
                                 {2, -1, cv::Rect2f(50, 0, 10, 10), 0.6f, 0.0f, 12.0f}};
  const std::string text = FormatMot(rows);
  EXPECT_EQ(text,
            "1,-1,0.00,0.00,30.00,10.00,0.900,-1,-1,-1,31.50,34.25\n"
            "2,-1,50.00,0.00,10.00,10.00,0.600,-1,-1,-1,0.00,12.00\n");
  auto back = ParseMot(text, "x");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_FLOAT_EQ((*back)[0].full_length_px, 34.25f);
  EXPECT_FLOAT_EQ((*back)[1].length_px, 0.0f);
  EXPECT_FLOAT_EQ((*back)[1].full_length_px, 12.0f);
  auto frames = GroupDetectionsByFrame(*back);
  EXPECT_FLOAT_EQ(frames[1][0].full_length_px, 34.25f);
}

TEST(MotIo, TrackletAuditRoundTrips) {
  const std::vector<TrackletAuditRow> rows = {
      {1, 4, TrackletFate::kCounted, 2, cv::Rect2f(10.5f, 20, 30, 12), 0.75f, 41.5f},
      {1, 7, TrackletFate::kUnstableLength, 0, cv::Rect2f(300, 40.25f, 18, 18), 0.5f, 0},
      {2, 4, TrackletFate::kUnconfirmed, 0, cv::Rect2f(12, 21, 30, 12), 1.0f, 40},
  };
  const std::string text = FormatTrackletAudit(rows);
  EXPECT_EQ(text.substr(0, text.find('\n')), "frame,tracklet,fate,fish,left,top,width,height,score,length_px");
  auto back = ParseTrackletAudit(text, "tracklets.csv");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ((*back)[i].frame, rows[i].frame);
    EXPECT_EQ((*back)[i].tracklet, rows[i].tracklet);
    EXPECT_EQ((*back)[i].fate, rows[i].fate);
    EXPECT_EQ((*back)[i].fish, rows[i].fish);
    EXPECT_FLOAT_EQ((*back)[i].box.x, rows[i].box.x);
    EXPECT_FLOAT_EQ((*back)[i].box.y, rows[i].box.y);
    EXPECT_FLOAT_EQ((*back)[i].box.width, rows[i].box.width);
    EXPECT_FLOAT_EQ((*back)[i].box.height, rows[i].box.height);
    EXPECT_FLOAT_EQ((*back)[i].score, rows[i].score);
    EXPECT_FLOAT_EQ((*back)[i].length_px, rows[i].length_px);
  }
}

TEST(MotIo, MalformedTrackletAuditNamesFileLineAndField) {
  const std::string header = "frame,tracklet,fate,fish,left,top,width,height,score,length_px\n";
  struct Case {
    std::string text;
    const char* expect;
  };
  const Case cases[] = {
      {"", "tracklets.csv: empty; expected the header"},
      {"1,4,counted,2,10,20,30,12,0.7,40\n", "tracklets.csv:1: expected the tracklet audit header"},
      {header + "1,4,counted,2,10,20,30,12,0.7\n", "tracklets.csv:2: expected 10 comma-separated fields"},
      {header + "1,4,kept,2,10,20,30,12,0.7,40\n", "tracklets.csv:2: field 'fate' is not a tracklet fate: 'kept'"},
      {header + "1,4,counted,2,10,y,30,12,0.7,40\n", "tracklets.csv:2: field 'top' is not a number: 'y'"},
      {header + "0,4,counted,2,10,20,30,12,0.7,40\n", "tracklets.csv:2: field 'frame' must be a positive integer"},
      {header + "1,4,counted,2,10,20,-30,12,0.7,40\n", "tracklets.csv:2: width and height must not be negative"},
      {header + "1,4,counted,2,10,20,30,12,0.7,\n", "tracklets.csv:2: field 'length_px' is not a number: ''"},
      {header + "1,4,counted,2,10,20,30,12,0.7,40,\n", "tracklets.csv:2: expected 10 comma-separated fields"},
      {header + "1,4.7,counted,2,10,20,30,12,0.7,40\n", "tracklets.csv:2: field 'tracklet' must be a whole number"},
      {header + "1,4,counted,1e12,10,20,30,12,0.7,40\n", "tracklets.csv:2: field 'fish' must be a whole number"},
      {header + "1,4,counted,0,10,20,30,12,0.7,40\n", "tracklets.csv:2: field 'fish' must be a counted fish's id"},
      {header + "1,4,unconfirmed,3,10,20,30,12,0.7,40\n", "tracklets.csv:2: field 'fish' must be a counted fish's id"},
      {header + "1,4,duplicate,-3,10,20,30,12,0.7,40\n", "tracklets.csv:2: field 'fish' must be a counted fish's id"},
      {header + "3000000000,4,counted,2,10,20,30,12,0.7,40\n", "tracklets.csv:2: field 'frame' must be a positive integer"},
  };
  for (const Case& c : cases) {
    auto r = ParseTrackletAudit(c.text, "tracklets.csv");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos) << r.status().message();
  }
  EXPECT_EQ(ReadTrackletAudit("/nonexistent/tracklets.csv").status().code(), StatusCode::kNotFound);
  // Spaces around the header's names and CRLF line ends are read.
  auto spaced = ParseTrackletAudit("frame, tracklet, fate, fish, left, top, width, height, score, length_px\r\n"
                                   "1,4,counted,2,10,20,30,12,0.7,40\r\n",
                                   "tracklets.csv");
  ASSERT_TRUE(spaced.ok()) << spaced.status().ToString();
  EXPECT_EQ(spaced->size(), 1u);
}

}  // namespace
}  // namespace sturgeon::vision
