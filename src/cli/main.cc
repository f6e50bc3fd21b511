#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"sturgeon: farm registry, drone stocktake and caviar traceability"};
  app.require_subcommand(1);
  sturgeon::cli::AddSimCommand(app);
  sturgeon::cli::AddVisionCommands(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
