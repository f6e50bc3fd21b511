// `sturgeon serve`: the HTTP API (src/api).
#include <csignal>
#include <iostream>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/api_server.h"
#include "cli/cli_common.h"
#include "cli/commands.h"

namespace sturgeon::cli {

void AddServeCommand(CLI::App& app) {
  struct Args {
    std::string db, listen = "127.0.0.1:8080", log_level = "info";
    int threads = 0;
    int cache_ms = 1000;
    std::string stocktake_dir;
    int stocktake_threads = 1;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve the JSON HTTP API (see docs/api.md)");
  AddDbOption(cmd, &a->db);
  cmd->add_option("--listen", a->listen, "HOST:PORT to listen on (default 127.0.0.1:8080; port 0 picks one)");
  cmd->add_option("--threads", a->threads, "I/O threads (default: 2 per CPU core, 2 to 8)");
  cmd->add_option("--inventory-cache-ms", a->cache_ms,
                  "Serve a computed pool inventory again for up to this long (0: off; API writes clear it)");
  cmd->add_option("--stocktake-dir", a->stocktake_dir,
                  "Where uploaded stocktake footage waits to be counted (default: DB.uploads beside the database)");
  cmd->add_option("--stocktake-threads", a->stocktake_threads,
                  "Stocktake videos counted at the same time (default 1; 0: leave them to another process)")
      ->check(CLI::Range(0, 4));
  cmd->add_option("--log-level", a->log_level, "trace, debug, info (one line per request), warn, error");
  cmd->callback([a] {
    api::ApiOptions o;
    o.db = a->db;
    o.inventory_cache_ttl = std::chrono::milliseconds(std::max(0, a->cache_ms));
    o.stocktake_dir = a->stocktake_dir;
    o.stocktake_threads = a->stocktake_threads;
    OrFail(api::ParseListen(a->listen, &o.server));
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    o.server.io_threads = a->threads > 0 ? a->threads : std::clamp(2 * cores, 2, 8);
    spdlog::set_level(spdlog::level::from_str(a->log_level));
    o.log_requests = spdlog::should_log(spdlog::level::info);
    // Block SIGINT and SIGTERM before the I/O threads start, so only
    // sigwait below receives them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    auto server = OrFail(api::ApiServer::Start(o));
    spdlog::info("sturgeon serve: listening on http://{}:{} (database {}, {} I/O threads)", o.server.address,
                 server->port(), o.db, o.server.io_threads);
    std::cout << fmt::format("listening on http://{}:{}", o.server.address, server->port()) << std::endl;
    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("sturgeon serve: signal {}; finishing requests in flight", sig);
    server->Shutdown();
    server->Wait();
    spdlog::info("sturgeon serve: stopped");
  });
}

}  // namespace sturgeon::cli
