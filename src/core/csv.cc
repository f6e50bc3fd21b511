#include "core/csv.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace sturgeon {

CsvReader::CsvReader(std::string data, std::string name) : data_(std::move(data)), name_(std::move(name)) {
  if (data_.size() >= 3 && data_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = 3;
}

Result<CsvReader> CsvReader::Open(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError(fmt::format("cannot open '{}'", path));
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Status::IOError(fmt::format("cannot read '{}'", path));
  return CsvReader(std::move(buf).str(), path);
}

CsvReader CsvReader::FromString(std::string text, std::string name) {
  return CsvReader(std::move(text), std::move(name));
}

Result<bool> CsvReader::Next(std::vector<std::string_view>* fields) {
  fields->clear();
  const size_t n = data_.size();
  // Skip blank lines.
  while (pos_ < n && (data_[pos_] == '\n' || data_[pos_] == '\r')) {
    if (data_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= n) return false;
  record_line_ = line_;
  char* d = data_.data();
  size_t field_start_col = 1;
  size_t line_start = pos_;
  while (true) {
    field_start_col = pos_ - line_start + 1;
    if (pos_ < n && d[pos_] == '"') {
      // Quoted field: unescape in place.
      const size_t open_line = line_;
      const size_t open_col = field_start_col;
      size_t read = pos_ + 1;
      size_t write = read;
      const size_t begin = write;
      bool closed = false;
      while (read < n) {
        const char c = d[read];
        if (c == '"') {
          if (read + 1 < n && d[read + 1] == '"') {
            d[write++] = '"';
            read += 2;
            continue;
          }
          closed = true;
          ++read;
          break;
        }
        if (c == '\n') { ++line_; line_start = read + 1; }
        d[write++] = c;
        ++read;
      }
      if (!closed) {
        return Status::InvalidArgument(fmt::format("{}:{}: column {}: unterminated quoted field", name_, open_line,
                                                   fields->size() + 1));
      }
      fields->emplace_back(d + begin, write - begin);
      pos_ = read;
      if (pos_ < n && d[pos_] != ',' && d[pos_] != '\n' && d[pos_] != '\r') {
        return Status::InvalidArgument(fmt::format("{}:{}: column {}: unexpected text after closing quote",
                                                   name_, line_, fields->size()));
      }
      (void)open_col;
    } else {
      const size_t begin = pos_;
      while (pos_ < n && d[pos_] != ',' && d[pos_] != '\n' && d[pos_] != '\r') {
        if (d[pos_] == '"') {
          return Status::InvalidArgument(fmt::format("{}:{}: column {}: quote inside an unquoted field", name_,
                                                     line_, fields->size() + 1));
        }
        ++pos_;
      }
      fields->emplace_back(d + begin, pos_ - begin);
    }
    if (pos_ >= n) return true;
    if (d[pos_] == ',') { ++pos_; continue; }
    // End of record: \n or \r\n.
    if (d[pos_] == '\r') ++pos_;
    if (pos_ < n && d[pos_] == '\n') { ++pos_; ++line_; }
    return true;
  }
}

}  // namespace sturgeon
