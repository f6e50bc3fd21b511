#include "cli/commands.h"

namespace sturgeon::cli {

void AddVisionCommands(CLI::App& app) {
  // Filled in by the vision work (issue 5).
  app.add_subcommand("count", "Count the fish in a pool from drone footage");
  app.add_subcommand("eval", "Score counts and tracks against ground truth");
}

}  // namespace sturgeon::cli
