// tudushka-api: the FastCGI master (default), or a one-shot tool with a flag.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include "tudushka/api/service.hpp"
#include "tudushka/core/config.hpp"
#include "tudushka/core/crypto.hpp"
#include "tudushka/core/log.hpp"
#include "tudushka/db/db.hpp"
#include "tudushka/server/pool.hpp"

namespace {

constexpr const char* kUsage =
    "usage: tudushka-api [--pidfile PATH]      run the FastCGI pool (configured by TUDUSHKA_*)\n"
    "       tudushka-api --migrate [--sql-dir DIR]  apply database migrations and exit\n"
    "       tudushka-api --generate-key         print a new TUDUSHKA_SECRET_KEY\n"
    "       tudushka-api --version\n";

// sql/ next to the working directory (a checkout), else <prefix>/share/tudushka/sql.
std::string DefaultSqlDir(const char* argv0) {
  namespace fs = std::filesystem;
  if (fs::is_directory("sql")) return "sql";
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) exe = argv0;
  return (exe.parent_path().parent_path() / "share/tudushka/sql").string();
}

int Migrate(const tudushka::core::Config& config, const std::string& dir) {
  tudushka::db::Connection conn(config.database_url);
  conn.Connect();
  int n = tudushka::db::Migrate(conn, dir, [](const std::string& line) {
    std::fprintf(stderr, "migrate: %s\n", line.c_str());
  });
  std::fprintf(stderr, "migrate: %s\n",
               n == 0 ? "database is up to date" : (std::to_string(n) + " applied").c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tudushka;
  core::ApiArguments args;
  try {
    args = core::ParseApiArguments(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const core::UsageError& e) {
    std::cerr << "tudushka-api: " << e.what() << "\n" << kUsage;
    return 2;
  }
  using Action = core::ApiArguments::Action;
  switch (args.action) {
    case Action::kGenerateKey:
      core::InitCrypto();
      std::cout << core::HexEncode(core::RandomBytes(32)) << "\n";
      return 0;
    case Action::kVersion:
      std::cout << "tudushka-api " TUDUSHKA_VERSION "\n";
      return 0;
    case Action::kHelp:
      std::cerr << kUsage;
      return 0;
    case Action::kServe:
    case Action::kMigrate:
      break;
  }
  try {
    core::InitCrypto();
    core::Config config = core::LoadConfig();
    core::SetLogLevel(config.log_level);
    if (args.action == Action::kMigrate)
      return Migrate(config, args.sql_dir.empty() ? DefaultSqlDir(argv[0]) : args.sql_dir);
    core::ValidateForServing(config);  // BeginReload checks every reloaded configuration too
    server::PoolOptions options;
    options.pidfile = args.pidfile;
    // Shared by the workers forked from here on (freshness.hpp).
    api::Freshness* freshness = api::Freshness::CreateShared();
    return server::RunPool(
        config,
        [freshness](const core::Config& c, http::Metrics* m) -> std::unique_ptr<server::WorkerApp> {
          return std::make_unique<api::Service>(c, m, freshness);
        },
        options);
  } catch (const core::ConfigError& e) {
    std::fprintf(stderr, "tudushka-api: configuration error: %s\n", e.what());
    return server::kExitConfig;
  } catch (const db::Error& e) {
    std::fprintf(stderr, "tudushka-api: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tudushka-api: %s\n", e.what());
    return 1;
  }
}
