// An RFC 4180 CSV reader that reports exactly where a file is malformed.
//
// The whole file is read into memory once (a million daily-status rows is
// about 60 MB). Fields are returned as string_views into the reader's own
// buffer; quoted fields are unescaped in place. A view stays valid until the
// reader is destroyed.
//
// Accepted: comma separators, optional double quotes around a field, "" for a
// quote inside a quoted field, CRLF or LF line ends, a final line without a
// line end, a UTF-8 byte-order mark. Rejected with InvalidArgument naming the
// line and column: an unterminated quoted field, a quote inside an unquoted
// field, text after a closing quote.
//
// Not thread-safe; one reader per thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace sturgeon {

class CsvReader {
 public:
  // Reads `path` whole. IOError if it cannot be read.
  static Result<CsvReader> Open(const std::string& path);
  // Reads from text already in memory; `name` is used in error messages.
  static CsvReader FromString(std::string text, std::string name = "<input>");

  // Reads the next record into `fields`. Returns true if a record was read,
  // false at end of input, or an InvalidArgument Status for malformed quoting.
  // Blank lines are skipped.
  Result<bool> Next(std::vector<std::string_view>* fields);

  // The 1-based line on which the last record returned by Next() began.
  size_t line() const { return record_line_; }
  const std::string& name() const { return name_; }
  // Bytes consumed so far and in all: for progress display.
  size_t position() const { return pos_; }
  size_t size() const { return data_.size(); }

 private:
  CsvReader(std::string data, std::string name);

  std::string data_;
  std::string name_;
  size_t pos_ = 0;
  size_t line_ = 1;
  size_t record_line_ = 0;
};

}  // namespace sturgeon
