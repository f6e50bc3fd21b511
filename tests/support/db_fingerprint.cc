#include "support/db_fingerprint.h"

#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <vector>

namespace sturgeon::testing {

std::string DatabaseFingerprint(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return "error: cannot open " + path;
  }
  std::vector<std::string> tables;
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
                     -1, &st, nullptr);
  while (sqlite3_step(st) == SQLITE_ROW) tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  sqlite3_finalize(st);
  std::string out;
  for (const std::string& t : tables) {
    const std::string sql = "SELECT * FROM \"" + t + "\" ORDER BY rowid";
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      out += t + ":error;";
      continue;
    }
    size_t rows = 0;
    size_t hash = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
      ++rows;
      for (int c = 0; c < sqlite3_column_count(st); ++c) {
        const unsigned char* v = sqlite3_column_text(st, c);
        const std::string text = v ? std::string(reinterpret_cast<const char*>(v)) : std::string("\x01NULL");
        hash = hash * 1000003u ^ std::hash<std::string>{}(text);
      }
    }
    sqlite3_finalize(st);
    char buf[64];
    std::snprintf(buf, sizeof buf, ":%zu:%zx;", rows, hash);
    out += t + buf;
  }
  sqlite3_close(db);
  return out;
}

std::string TempPath(const std::string& name) {
  const char* base = std::getenv("TEST_TMPDIR");
  std::filesystem::path dir = base ? base : std::filesystem::temp_directory_path();
  dir /= "sturgeon-tests-" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  std::string safe = name;
  for (char& c : safe) {
    if (c == '/') c = '_';
  }
  std::filesystem::path p = dir / safe;
  std::filesystem::remove(p);
  std::filesystem::remove(p.string() + "-wal");
  std::filesystem::remove(p.string() + "-shm");
  return p.string();
}

}  // namespace sturgeon::testing
