// tudushka-bot: the Telegram bot (configured by TELEGRAM_* and TUDUSHKA_* variables).
#include <curl/curl.h>

#include <cstring>
#include <iostream>

#include "tudushka/core/config.hpp"
#include "tudushka/core/crypto.hpp"
#include "tudushka/core/log.hpp"
#include "tudushka/telegram/bot.hpp"

namespace {

constexpr const char* kUsage =
    "usage: tudushka-bot            run the bot (long polling)\n"
    "       tudushka-bot --version\n"
    "environment: TELEGRAM_BOT_TOKEN (required), TELEGRAM_API_URL, TUDUSHKA_DATABASE_URL,\n"
    "  TELEGRAM_POLL_TIMEOUT, TELEGRAM_IDLE_DELAY_MS, TELEGRAM_SCHEDULER_INTERVAL_MS,\n"
    "  TELEGRAM_BACKOFF_MAX_MS, TUDUSHKA_LOG_LEVEL, TUDUSHKA_CONFIG (KEY=value file)\n";

// The environment, overridden by the TUDUSHKA_CONFIG file when set (as for the API).
tudushka::core::Settings LoadSettings() {
  auto settings = tudushka::core::EnvironmentSettings();
  if (auto it = settings.find("TUDUSHKA_CONFIG"); it != settings.end() && !it->second.empty())
    for (auto& [k, v] : tudushka::core::ReadSettingsFile(it->second)) settings[k] = v;
  return settings;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tudushka;
  if (argc > 1) {
    bool version = std::strcmp(argv[1], "--version") == 0;
    bool help = std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0;
    if (version) std::cout << "tudushka-bot " TUDUSHKA_VERSION "\n";
    if (!version)
      std::cerr << (help ? "" : std::string("unknown argument: ") + argv[1] + "\n") << kUsage;
    return version || help ? 0 : 2;
  }
  telegram::BotConfig config;
  try {
    config = telegram::ParseBotConfig(LoadSettings());
  } catch (const core::ConfigError& e) {
    core::LogError(std::string("configuration error: ") + e.what());
    return telegram::kExitConfig;
  }
  core::SetLogLevel(config.log_level);
  core::InitCrypto();
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    core::LogError("curl_global_init failed");
    return 1;
  }
  telegram::InstallStopSignals();
  int code = telegram::RunBot(config);
  curl_global_cleanup();
  return code;
}
