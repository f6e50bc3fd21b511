// Reading and writing MOTChallenge text files, and the count's audit trail
// (a CSV of every tracklet and the counter's verdict on it; below).
//
// Every line is `frame,id,left,top,width,height,conf,x,y,z`, frames 1-based.
// Detection files carry id -1 and the detector's score in `conf`;
// ground-truth files carry the visibility there; track files the track's
// confidence. Blank lines and lines starting with '#' are skipped.
//
// Sturgeon's extension: an 11th field `length` holds the detector's
// measured body length in pixels, the counter's shape evidence, and a 12th
// `full_length` the length for size estimates (Detection says how they
// differ); `count --write-detections` writes them when measured, so a
// replay without the video runs the counter's body length rules as the
// original run did and keeps both lengths. Readers of plain MOTChallenge
// ignore them; files without them read as "not measured" (0). A record
// with the 11th field only has full length 0: Sturgeon writes it so where
// a body's ends could not be read.
//
// Errors: a missing file is NotFound; a malformed line is InvalidArgument
// whose message names `path:line` and the offending field (an 11th or 12th
// field that is not a number included).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "vision/count/counter.h"
#include "vision/types.h"

namespace sturgeon::vision {

// Parses MOTChallenge text. `source_name` is used in error messages.
// A negative score ("unknown") reads as 1.
Result<std::vector<MotRecord>> ParseMot(const std::string& text, const std::string& source_name);

// Reads a MOTChallenge file.
Result<std::vector<MotRecord>> ReadMotFile(const std::string& path);

// Groups records by frame, converted to detections.
std::map<int, std::vector<Detection>> GroupDetectionsByFrame(const std::vector<MotRecord>& records);

// Writes records as MOTChallenge lines (`conf` = score, x,y,z = -1; the
// 11th field when either length was measured, 0.00 when only the full
// one; the 12th only with a full length).
Status WriteMotFile(const std::string& path, const std::vector<MotRecord>& records);

// Formats records as MOTChallenge text.
std::string FormatMot(const std::vector<MotRecord>& records);

// The audit trail of a count (`count --tracklets`): every tracklet's
// observations, counted or not, with what the counter made of the
// tracklet. A CSV with the header
// `frame,tracklet,fate,fish,left,top,width,height,score,length_px`, one row
// an observation in image pixels, by frame; `fate` is a TrackletFateName,
// `fish` the counted fish's id (1 or more when counted, else 0). Errors as
// ParseMot's, naming `path:line` and the field (also: a header other than
// that one, spaces around its names aside; a tracklet or fish id that is
// not a whole number; a fish id that does not agree with the fate; an
// empty field, a trailing comma included).
struct TrackletAuditRow {
  int frame = 0;
  int tracklet = 0;
  TrackletFate fate = TrackletFate::kUnconfirmed;
  int fish = 0;
  cv::Rect2f box;
  float score = 0.0f;
  float length_px = 0.0f;
};
std::string FormatTrackletAudit(const std::vector<TrackletAuditRow>& rows);
Status WriteTrackletAudit(const std::string& path, const std::vector<TrackletAuditRow>& rows);
Result<std::vector<TrackletAuditRow>> ParseTrackletAudit(const std::string& text, const std::string& source_name);
Result<std::vector<TrackletAuditRow>> ReadTrackletAudit(const std::string& path);

}  // namespace sturgeon::vision
