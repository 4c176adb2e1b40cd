#include "tudushka/core/config.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>

#include "tudushka/core/crypto.hpp"

extern char** environ;

namespace tudushka::core {
namespace {

std::string Trim(std::string s) {
  const char* ws = " \t\r\n";
  s.erase(0, s.find_first_not_of(ws));
  s.erase(s.find_last_not_of(ws) + 1);
  return s;
}

// The whole of `text` as a number in `base`.
bool ToLong(const std::string& text, int base, long* out) {
  errno = 0;
  char* end = nullptr;
  *out = std::strtol(text.c_str(), &end, base);
  return !text.empty() && errno == 0 && *end == '\0';
}

long ParseLong(const std::string& name, const std::string& value, long min, long max) {
  long n;
  if (!ToLong(value, 10, &n) || n < min || n > max) {
    throw ConfigError(name + ": expected an integer between " + std::to_string(min) + " and " +
                      std::to_string(max) + ", got '" + value + "'");
  }
  return n;
}

// File permissions, written in octal as chmod takes them ("0660", "660").
unsigned ParseMode(const std::string& name, const std::string& value) {
  long n;
  if (!ToLong(value, 8, &n) || n < 0 || n > 0777) {
    throw ConfigError(name + ": expected an octal mode between 0000 and 0777, got '" + value + "'");
  }
  return static_cast<unsigned>(n);
}

// Accepts plain seconds or a number with one unit suffix: s, m, h, d; at most 10 years.
long ParseDuration(const std::string& name, const std::string& value) {
  constexpr long kMax = 10L * 365 * 86400;
  long unit = 1;
  const char* unit_name = "seconds";
  std::string digits = value;
  switch (value.empty() ? '\0' : value.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      unit_name = "minutes";
      break;
    case 'h':
      unit = 3600;
      unit_name = "hours";
      break;
    case 'd':
      unit = 86400;
      unit_name = "days";
      break;
    default:
      unit = 0;
  }
  if (unit != 0)
    digits.pop_back();
  else
    unit = 1;
  long n;
  if (!ToLong(digits, 10, &n) || n < 1 || n > kMax / unit) {
    throw ConfigError(name + ": expected a duration between 1 and " + std::to_string(kMax / unit) +
                      " " + unit_name +
                      " (10 years; seconds, or a number with s, m, h or d), got '" + value + "'");
  }
  return n * unit;
}

LogLevel ParseLogLevel(const std::string& value) {
  if (value == "debug") return LogLevel::kDebug;
  if (value == "info") return LogLevel::kInfo;
  if (value == "warn" || value == "warning") return LogLevel::kWarn;
  if (value == "error") return LogLevel::kError;
  throw ConfigError("TUDUSHKA_LOG_LEVEL: expected debug, info, warn or error, got '" + value + "'");
}

std::vector<std::string> SplitList(const std::string& value) {
  std::vector<std::string> out;
  std::string item;
  for (char c : value + ",") {
    if (c == ',' || c == ' ') {
      if (!item.empty()) out.push_back(item);
      item.clear();
    } else {
      item += c;
    }
  }
  return out;
}

}  // namespace

Config ParseConfig(const Settings& s) {
  Config c;
  auto get = [&](const char* key) -> const std::string* {
    auto it = s.find(key);
    return it == s.end() ? nullptr : &it->second;
  };
  if (auto v = get("TUDUSHKA_DATABASE_URL")) c.database_url = *v;
  if (auto v = get("TUDUSHKA_SOCKET")) {
    if (v->empty()) throw ConfigError("TUDUSHKA_SOCKET: must not be empty");
    c.socket = *v;
  }
  if (auto v = get("TUDUSHKA_SOCKET_MODE")) c.socket_mode = ParseMode("TUDUSHKA_SOCKET_MODE", *v);
  if (auto v = get("TUDUSHKA_WORKERS"))
    c.workers = static_cast<int>(ParseLong("TUDUSHKA_WORKERS", *v, 1, 256));
  if (auto v = get("TUDUSHKA_MAX_REQUESTS"))
    c.max_requests = ParseLong("TUDUSHKA_MAX_REQUESTS", *v, 0, 1L << 40);
  if (auto v = get("TUDUSHKA_LOG_LEVEL")) c.log_level = ParseLogLevel(*v);
  if (auto v = get("TUDUSHKA_BODY_LIMIT"))
    c.body_limit = static_cast<std::size_t>(ParseLong("TUDUSHKA_BODY_LIMIT", *v, 1024, 64L << 20));
  if (auto v = get("TUDUSHKA_CORS_ORIGINS")) c.cors_origins = SplitList(*v);
  if (auto v = get("TUDUSHKA_TOKEN_TTL")) c.token_ttl = ParseDuration("TUDUSHKA_TOKEN_TTL", *v);
  if (auto v = get("TUDUSHKA_SECRET_KEY")) {
    auto key = HexDecode(*v);
    if (!key || key->size() != 32)
      throw ConfigError(
          "TUDUSHKA_SECRET_KEY: expected 64 hex characters (32 bytes); generate one "
          "with `tudushka-api --generate-key`");
    c.secret_key = *key;
  }
  if (auto v = get("TELEGRAM_BOT_USERNAME")) c.telegram_bot_username = *v;
  if (auto v = get("TUDUSHKA_CONFIG")) c.config_file = *v;
  return c;
}

void ValidateForServing(const Config& config) {
  if (config.secret_key.empty())
    throw ConfigError(
        "TUDUSHKA_SECRET_KEY is not set: generate one with `tudushka-api --generate-key`");
}

ApiArguments ParseApiArguments(const std::vector<std::string>& args) {
  ApiArguments out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--migrate") {
      out.action = ApiArguments::Action::kMigrate;
    } else if (arg == "--sql-dir" || arg == "--pidfile") {
      if (i + 1 == args.size()) throw UsageError(arg + " needs a value");
      (arg == "--sql-dir" ? out.sql_dir : out.pidfile) = args[++i];
    } else if (arg == "--generate-key" || arg == "--version" || arg == "--help" || arg == "-h") {
      out.action = arg == "--generate-key" ? ApiArguments::Action::kGenerateKey
                   : arg == "--version"    ? ApiArguments::Action::kVersion
                                           : ApiArguments::Action::kHelp;
      return out;
    } else {
      throw UsageError("unknown argument: " + arg);
    }
  }
  return out;
}

Settings EnvironmentSettings() {
  Settings s;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq == std::string::npos) continue;
    std::string key = entry.substr(0, eq);
    if (key.rfind("TUDUSHKA_", 0) == 0 || key.rfind("TELEGRAM_", 0) == 0)
      s[key] = entry.substr(eq + 1);
  }
  return s;
}

Settings ReadSettingsFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError("TUDUSHKA_CONFIG: cannot read '" + path + "'");
  Settings s;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("export ", 0) == 0) line = Trim(line.substr(7));
    auto eq = line.find('=');
    if (eq == std::string::npos || eq == 0)
      throw ConfigError(path + ":" + std::to_string(n) + ": expected KEY=value");
    std::string key = Trim(line.substr(0, eq));
    std::string value = Trim(line.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    s[key] = value;
  }
  return s;
}

Config LoadConfig() {
  Settings s = EnvironmentSettings();
  auto file = s.find("TUDUSHKA_CONFIG");
  if (file != s.end() && !file->second.empty()) {
    for (auto& [k, v] : ReadSettingsFile(file->second)) s[k] = v;
  }
  return ParseConfig(s);
}

int EffectiveWorkers(const Config& config) {
  if (config.workers > 0) return config.workers;
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  return static_cast<int>(std::clamp(cores, 1L, 64L)) * 2;
}

}  // namespace tudushka::core
