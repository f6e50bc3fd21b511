// Each command group of the `sturgeon` program registers itself on the CLI11
// app through one of these functions, each defined in its own
// src/cli/<group>_command.cc file.
#pragma once

#include <CLI/CLI.hpp>

namespace sturgeon::cli {

// `sturgeon farm|pool|species|cohort|fish|move|import|inventory|demo`.
void AddRegistryCommands(CLI::App& app);

// `sturgeon status|death|feeding|water|sexing|biopsy add|list`.
void AddRecordCommands(CLI::App& app);

// `sturgeon sim ...`: synthetic drone footage (src/sim).
void AddSimCommand(CLI::App& app);

// `sturgeon count ...` and `sturgeon eval ...`: drone counting (src/vision).
void AddVisionCommands(CLI::App& app);

// `sturgeon serve`: the HTTP API (src/api).
void AddServeCommand(CLI::App& app);

// `sturgeon user add|list` and `sturgeon token create`: API users and tokens.
void AddUserCommands(CLI::App& app);

// `sturgeon stocktake --pool ID VIDEO`: drone count stored as an inventory reset.
void AddStocktakeCommand(CLI::App& app);

// `sturgeon harvest|batch|lot|tin|label|case|shipment|temps|trace|recall|epcis`:
// caviar traceability (src/trace).
void AddTraceCommands(CLI::App& app);

}  // namespace sturgeon::cli
