// Each command group of the `sturgeon` program registers itself on the CLI11
// app through one of these functions. A command's callback returns its exit
// code through CommandExit (thrown as CLI::RuntimeError) so main() stays thin.
#pragma once

#include <CLI/CLI.hpp>

namespace sturgeon::cli {

// `sturgeon sim ...`: synthetic drone footage (src/sim).
void AddSimCommand(CLI::App& app);

}  // namespace sturgeon::cli
