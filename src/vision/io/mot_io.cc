#include "vision/io/mot_io.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <tuple>

#include <fmt/format.h>

namespace sturgeon::vision {
namespace {

constexpr int kMinFields = 6;
constexpr const char* kFieldNames[] = {"frame", "id", "left", "top", "width", "height", "conf"};
constexpr int kLengthField = 10;      // 0-based index of Sturgeon's body length field
constexpr int kFullLengthField = 11;  // and of its full body length field
constexpr const char* kAuditHeader = "frame,tracklet,fate,fish,left,top,width,height,score,length_px";
constexpr const char* kAuditFieldNames[] = {"frame", "tracklet", "fate",  "fish",  "left",
                                            "top",   "width",    "height", "score", "length_px"};
constexpr int kAuditFields = 10;

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

bool ParseDouble(const std::string& field, double* out) {
  std::string t = Trim(field);
  if (t.empty()) return false;
  errno = 0;
  char* end = nullptr;
  *out = std::strtod(t.c_str(), &end);
  return errno == 0 && end == t.c_str() + t.size() && std::isfinite(*out);
}

// Whether `v` is a whole number that fits an int.
bool IsInt(double v) {
  return v == std::floor(v) && v >= std::numeric_limits<int>::min() && v <= std::numeric_limits<int>::max();
}

// What every row of a file of boxes by frame must hold: a positive
// integer frame (frames are 1-based) and a box of non-negative size.
Status CheckFrameAndBox(const std::string& where, double frame, const std::string& frame_field, double width,
                        double height) {
  if (frame < 1 || !IsInt(frame)) {
    return Status::InvalidArgument(fmt::format(
        "{}: field 'frame' must be a positive integer (frames are 1-based), got {}", where, Trim(frame_field)));
  }
  if (width < 0 || height < 0) {
    return Status::InvalidArgument(fmt::format("{}: width and height must not be negative", where));
  }
  return Status::Ok();
}

// The comma-separated fields of a line. A trailing comma ends the line
// (MOTChallenge files in the wild have them) unless `keep_trailing_empty`:
// then it starts an empty last field.
std::vector<std::string> SplitFields(const std::string& line, bool keep_trailing_empty = false) {
  std::vector<std::string> fields;
  std::stringstream ss(line);
  std::string f;
  while (std::getline(ss, f, ',')) fields.push_back(f);
  if (keep_trailing_empty && !line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

// The whole of a text file; NotFound names it as `what`.
Result<std::string> ReadText(const std::string& path, const char* what) {
  std::ifstream in(path);
  if (!in) return Status::NotFound(fmt::format("cannot open {} '{}'", what, path));
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

Status WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  if (!out) return Status::IOError(fmt::format("cannot write '{}'", path));
  out << text;
  if (!out) return Status::IOError(fmt::format("write to '{}' failed", path));
  return Status::Ok();
}

}  // namespace

Result<std::vector<MotRecord>> ParseMot(const std::string& text, const std::string& source_name) {
  std::vector<MotRecord> records;
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    const std::vector<std::string> fields = SplitFields(t);
    auto where = [&] { return fmt::format("{}:{}", source_name, line_no); };
    if (static_cast<int>(fields.size()) < kMinFields) {
      return Status::InvalidArgument(fmt::format(
          "{}: expected at least {} comma-separated fields (frame,id,left,top,width,height,...), got {}",
          where(), kMinFields, fields.size()));
    }
    double v[7] = {0, 0, 0, 0, 0, 0, 1};
    size_t n = std::min<size_t>(fields.size(), 7);
    for (size_t i = 0; i < n; ++i) {
      if (!ParseDouble(fields[i], &v[i])) {
        return Status::InvalidArgument(fmt::format("{}: field '{}' is not a number: '{}'", where(),
                                                   kFieldNames[i], Trim(fields[i])));
      }
    }
    STURGEON_RETURN_IF_ERROR(CheckFrameAndBox(where(), v[0], fields[0], v[4], v[5]));
    if (!IsInt(v[1])) {
      return Status::InvalidArgument(
          fmt::format("{}: field 'id' must be a whole number within int range, got {}", where(), Trim(fields[1])));
    }
    MotRecord r;
    r.frame = static_cast<int>(v[0]);
    r.id = static_cast<int>(v[1]);
    r.box = cv::Rect2f(static_cast<float>(v[2]), static_cast<float>(v[3]), static_cast<float>(v[4]),
                       static_cast<float>(v[5]));
    r.score = v[6] < 0 ? 1.0f : static_cast<float>(v[6]);
    for (const auto& [index, name, length_px] :
         {std::tuple{kLengthField, "'length' (11th)", &r.length_px},
          std::tuple{kFullLengthField, "'full_length' (12th)", &r.full_length_px}}) {
      if (static_cast<int>(fields.size()) <= index) break;
      double length = 0;
      if (!ParseDouble(fields[index], &length)) {
        return Status::InvalidArgument(
            fmt::format("{}: field {} is not a number: '{}'", where(), name, Trim(fields[index])));
      }
      *length_px = length > 0 ? static_cast<float>(length) : 0.0f;
    }
    records.push_back(r);
  }
  return records;
}

Result<std::vector<MotRecord>> ReadMotFile(const std::string& path) {
  STURGEON_ASSIGN_OR_RETURN(const std::string text, ReadText(path, "MOTChallenge file"));
  return ParseMot(text, path);
}

std::map<int, std::vector<Detection>> GroupDetectionsByFrame(const std::vector<MotRecord>& records) {
  std::map<int, std::vector<Detection>> frames;
  for (const MotRecord& r : records) {
    frames[r.frame].push_back(Detection{r.box, r.score, r.length_px, r.full_length_px});
  }
  return frames;
}

std::string FormatMot(const std::vector<MotRecord>& records) {
  std::string out;
  for (const MotRecord& r : records) {
    out += fmt::format("{},{},{:.2f},{:.2f},{:.2f},{:.2f},{:.3f},-1,-1,-1", r.frame, r.id, r.box.x, r.box.y,
                       r.box.width, r.box.height, r.score);
    if (r.length_px > 0 || r.full_length_px > 0) out += fmt::format(",{:.2f}", r.length_px);
    if (r.full_length_px > 0) out += fmt::format(",{:.2f}", r.full_length_px);
    out += '\n';
  }
  return out;
}

Status WriteMotFile(const std::string& path, const std::vector<MotRecord>& records) {
  return WriteText(path, FormatMot(records));
}

std::string FormatTrackletAudit(const std::vector<TrackletAuditRow>& rows) {
  std::string out = std::string(kAuditHeader) + "\n";
  for (const TrackletAuditRow& r : rows) {
    out += fmt::format("{},{},{},{},{:.2f},{:.2f},{:.2f},{:.2f},{:.3f},{:.1f}\n", r.frame, r.tracklet,
                       TrackletFateName(r.fate), r.fish, r.box.x, r.box.y, r.box.width, r.box.height, r.score,
                       r.length_px);
  }
  return out;
}

Status WriteTrackletAudit(const std::string& path, const std::vector<TrackletAuditRow>& rows) {
  return WriteText(path, FormatTrackletAudit(rows));
}

Result<std::vector<TrackletAuditRow>> ParseTrackletAudit(const std::string& text, const std::string& source_name) {
  std::vector<TrackletAuditRow> rows;
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  bool header_seen = false;
  while (std::getline(in, line)) {
    ++line_no;
    const std::string t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    auto where = [&] { return fmt::format("{}:{}", source_name, line_no); };
    if (!header_seen) {
      const std::vector<std::string> names = SplitFields(t, true);
      bool same = names.size() == static_cast<size_t>(kAuditFields);
      for (size_t i = 0; same && i < names.size(); ++i) same = Trim(names[i]) == kAuditFieldNames[i];
      if (!same) {
        return Status::InvalidArgument(
            fmt::format("{}: expected the tracklet audit header '{}', got '{}'", where(), kAuditHeader, t));
      }
      header_seen = true;
      continue;
    }
    const std::vector<std::string> fields = SplitFields(t, true);
    if (static_cast<int>(fields.size()) != kAuditFields) {
      return Status::InvalidArgument(
          fmt::format("{}: expected {} comma-separated fields ({}), got {}", where(), kAuditFields, kAuditHeader,
                      fields.size()));
    }
    double v[kAuditFields] = {};
    for (int i = 0; i < kAuditFields; ++i) {
      if (i == 2) continue;  // the fate, a name
      if (!ParseDouble(fields[i], &v[i])) {
        return Status::InvalidArgument(
            fmt::format("{}: field '{}' is not a number: '{}'", where(), kAuditFieldNames[i], Trim(fields[i])));
      }
    }
    const std::optional<TrackletFate> fate = TrackletFateFromName(Trim(fields[2]));
    if (!fate) {
      return Status::InvalidArgument(fmt::format("{}: field 'fate' is not a tracklet fate: '{}'", where(), Trim(fields[2])));
    }
    STURGEON_RETURN_IF_ERROR(CheckFrameAndBox(where(), v[0], fields[0], v[6], v[7]));
    for (int i : {1, 3}) {
      if (!IsInt(v[i])) {
        return Status::InvalidArgument(
            fmt::format("{}: field '{}' must be a whole number within int range, got {}", where(), kAuditFieldNames[i],
                        Trim(fields[i])));
      }
    }
    if (*fate == TrackletFate::kCounted ? v[3] < 1 : v[3] != 0) {
      return Status::InvalidArgument(fmt::format(
          "{}: field 'fish' must be a counted fish's id (1 or more) when the fate is counted and 0 otherwise, got {} "
          "with fate {}",
          where(), Trim(fields[3]), Trim(fields[2])));
    }
    rows.push_back(TrackletAuditRow{static_cast<int>(v[0]), static_cast<int>(v[1]), *fate, static_cast<int>(v[3]),
                                    cv::Rect2f(static_cast<float>(v[4]), static_cast<float>(v[5]),
                                               static_cast<float>(v[6]), static_cast<float>(v[7])),
                                    static_cast<float>(v[8]), static_cast<float>(v[9])});
  }
  if (!header_seen) {
    return Status::InvalidArgument(fmt::format("{}: empty; expected the header '{}'", source_name, kAuditHeader));
  }
  return rows;
}

Result<std::vector<TrackletAuditRow>> ReadTrackletAudit(const std::string& path) {
  STURGEON_ASSIGN_OR_RETURN(const std::string text, ReadText(path, "tracklet audit file"));
  return ParseTrackletAudit(text, path);
}

}  // namespace sturgeon::vision
