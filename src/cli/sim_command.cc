#include "cli/commands.h"

namespace sturgeon::cli {

void AddSimCommand(CLI::App& app) {
  // Filled in by the simulator work (issue 4).
  app.add_subcommand("sim", "Write synthetic drone footage with ground truth");
}

}  // namespace sturgeon::cli
