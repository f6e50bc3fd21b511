// Test support: a digest of every row of every table in an SQLite database,
// so a test can assert that a rejected operation left the content unchanged.
#pragma once

#include <string>

namespace sturgeon::testing {

// Returns a text digest (table names, row counts and a hash of all values in
// rowid order), or "error: ..." if the file cannot be read.
std::string DatabaseFingerprint(const std::string& path);

// A fresh path under the test temp dir; the file does not exist yet.
std::string TempPath(const std::string& name);

}  // namespace sturgeon::testing
