// Service configuration: read from the environment, optionally overridden by
// a KEY=value file (TUDUSHKA_CONFIG) that is re-read on SIGHUP.
#pragma once

#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace tudushka::core {

// Thrown for a missing or malformed setting; the message names the variable.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A command line that cannot be made sense of; the message says what is wrong.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class LogLevel { kDebug, kInfo, kWarn, kError };

struct Config {
  std::string database_url = "postgresql:///tudushka";
  std::string socket = "/run/tudushka/api.sock";  // a path, or host:port for TCP
  unsigned socket_mode = 0660;
  int workers = 0;        // 0 = 2 x online cores
  long max_requests = 0;  // recycle a worker after this many requests; 0 = never
  LogLevel log_level = LogLevel::kInfo;
  std::size_t body_limit = 1 << 20;
  std::vector<std::string> cors_origins;
  long token_ttl = 30L * 24 * 3600;  // seconds
  std::string secret_key;            // 32 raw bytes (decoded from 64 hex chars)
  std::string telegram_bot_username;
  std::string config_file;  // TUDUSHKA_CONFIG, re-read on SIGHUP
};

using Settings = std::map<std::string, std::string>;

// Builds a Config from settings (environment variable names as keys).
// Throws ConfigError naming the first bad variable.
Config ParseConfig(const Settings& settings);

// What running the API pool needs beyond ParseConfig's checks of each variable (a
// TUDUSHKA_SECRET_KEY). Checked at start and on every reload (SIGHUP), so a reload cannot
// bring in a configuration that a start would refuse. Throws ConfigError.
void ValidateForServing(const Config& config);

// tudushka-api's command line.
struct ApiArguments {
  enum class Action { kServe, kMigrate, kGenerateKey, kVersion, kHelp };
  Action action = Action::kServe;
  std::string pidfile;  // --pidfile PATH
  std::string sql_dir;  // --sql-dir DIR
};

// Reads tudushka-api's arguments (without the program name) in order: --generate-key,
// --version and --help end the list. Throws UsageError for an unknown argument or an
// option without its value.
ApiArguments ParseApiArguments(const std::vector<std::string>& args);

// The process environment as Settings (only TUDUSHKA_* and TELEGRAM_* keys).
Settings EnvironmentSettings();

// Reads a KEY=value file (blank lines and # comments ignored, optional quotes).
// Throws ConfigError when the file cannot be read or a line is malformed.
Settings ReadSettingsFile(const std::string& path);

// Environment, overridden by the TUDUSHKA_CONFIG file when set.
Config LoadConfig();

// Number of workers to run: the configured count, or 2 x online cores.
int EffectiveWorkers(const Config& config);

}  // namespace tudushka::core
