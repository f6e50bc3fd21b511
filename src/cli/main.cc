#include <CLI/CLI.hpp>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "core/allocator.h"

int main(int argc, char** argv) {
  sturgeon::KeepImageBuffersInHeap();  // video work: core/allocator.h
  CLI::App app{"sturgeon: farm registry, drone stocktake and caviar traceability"};
  app.require_subcommand(1);
  sturgeon::cli::AddRegistryCommands(app);
  sturgeon::cli::AddRecordCommands(app);
  sturgeon::cli::AddSimCommand(app);
  sturgeon::cli::AddVisionCommands(app);
  sturgeon::cli::AddStocktakeCommand(app);
  sturgeon::cli::AddServeCommand(app);
  sturgeon::cli::AddUserCommands(app);
  sturgeon::cli::AddTraceCommands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const sturgeon::cli::CommandExit& e) {
    return e.code;
  }
  return 0;
}
