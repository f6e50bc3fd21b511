// Test support: runs a command line through /bin/sh and captures its exit
// code, standard output and standard error.
#pragma once

#include <string>

namespace sturgeon::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `command` (a shell command line). Arguments must already be quoted.
CommandResult RunCommand(const std::string& command);

// Quotes `arg` for /bin/sh.
std::string ShellQuote(const std::string& arg);

}  // namespace sturgeon::testing
