#include "tudushka/core/config.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <unistd.h>
#include <cstdio>

#include <fstream>

using namespace tudushka::core;

class ConfigTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ConfigTest);
  CPPUNIT_TEST(defaults);
  CPPUNIT_TEST(parsesEveryVariable);
  CPPUNIT_TEST(rejectsBadValuesNamingTheVariable);
  CPPUNIT_TEST(readsSettingsFiles);
  CPPUNIT_TEST(effectiveWorkersDefaultsToTwicePerCore);
  CPPUNIT_TEST(servingNeedsASecretKey);
  CPPUNIT_TEST(errorsEchoTheValueAsGiven);
  CPPUNIT_TEST(readsApiArguments);
  CPPUNIT_TEST(optionWithoutValueSaysSo);
  CPPUNIT_TEST_SUITE_END();

 public:
  void defaults() {
    Config c = ParseConfig({});
    CPPUNIT_ASSERT_EQUAL(std::string("postgresql:///tudushka"), c.database_url);
    CPPUNIT_ASSERT_EQUAL(std::string("/run/tudushka/api.sock"), c.socket);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1 << 20), c.body_limit);
    CPPUNIT_ASSERT_EQUAL(30L * 86400, c.token_ttl);
    CPPUNIT_ASSERT(c.cors_origins.empty());
    CPPUNIT_ASSERT(c.log_level == LogLevel::kInfo);
  }
  void parsesEveryVariable() {
    Config c = ParseConfig({{"TUDUSHKA_DATABASE_URL", "postgresql://db/x"},
                            {"TUDUSHKA_SOCKET", "127.0.0.1:9000"},
                            {"TUDUSHKA_SOCKET_MODE", "0666"},
                            {"TUDUSHKA_WORKERS", "3"},
                            {"TUDUSHKA_MAX_REQUESTS", "1000"},
                            {"TUDUSHKA_LOG_LEVEL", "debug"},
                            {"TUDUSHKA_BODY_LIMIT", "2048"},
                            {"TUDUSHKA_CORS_ORIGINS", "https://a.example, https://b.example"},
                            {"TUDUSHKA_TOKEN_TTL", "7d"},
                            {"TUDUSHKA_SECRET_KEY", std::string(64, 'a')},
                            {"TELEGRAM_BOT_USERNAME", "tudushka_bot"}});
    CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:9000"), c.socket);
    CPPUNIT_ASSERT_EQUAL(0666u, c.socket_mode);
    CPPUNIT_ASSERT_EQUAL(3, c.workers);
    CPPUNIT_ASSERT_EQUAL(1000L, c.max_requests);
    CPPUNIT_ASSERT(c.log_level == LogLevel::kDebug);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2048), c.body_limit);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), c.cors_origins.size());
    CPPUNIT_ASSERT_EQUAL(std::string("https://b.example"), c.cors_origins[1]);
    CPPUNIT_ASSERT_EQUAL(7L * 86400, c.token_ttl);
    CPPUNIT_ASSERT_EQUAL(std::size_t(32), c.secret_key.size());
    CPPUNIT_ASSERT_EQUAL(std::string("tudushka_bot"), c.telegram_bot_username);
  }
  void rejectsBadValuesNamingTheVariable() {
    auto expect = [](Settings s, const std::string& name) {
      try {
        ParseConfig(s);
        CPPUNIT_FAIL("expected ConfigError for " + name);
      } catch (const ConfigError& e) {
        CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find(name) != std::string::npos);
      }
    };
    expect({{"TUDUSHKA_WORKERS", "0"}}, "TUDUSHKA_WORKERS");
    expect({{"TUDUSHKA_WORKERS", "four"}}, "TUDUSHKA_WORKERS");
    expect({{"TUDUSHKA_LOG_LEVEL", "loud"}}, "TUDUSHKA_LOG_LEVEL");
    expect({{"TUDUSHKA_SECRET_KEY", "short"}}, "TUDUSHKA_SECRET_KEY");
    expect({{"TUDUSHKA_TOKEN_TTL", "3w"}}, "TUDUSHKA_TOKEN_TTL");
    expect({{"TUDUSHKA_SOCKET_MODE", "999"}}, "TUDUSHKA_SOCKET_MODE");
    expect({{"TUDUSHKA_BODY_LIMIT", "-1"}}, "TUDUSHKA_BODY_LIMIT");
  }
  void readsSettingsFiles() {
    std::string path = "/tmp/tudushka-config-test-" + std::to_string(getpid());
    {
      std::ofstream f(path);
      f << "# comment\n\nTUDUSHKA_WORKERS=5\nexport TUDUSHKA_LOG_LEVEL='warn'\n"
           "TUDUSHKA_SOCKET = \"/tmp/x.sock\"\n";
    }
    Settings s = ReadSettingsFile(path);
    CPPUNIT_ASSERT_EQUAL(std::string("5"), s["TUDUSHKA_WORKERS"]);
    CPPUNIT_ASSERT_EQUAL(std::string("warn"), s["TUDUSHKA_LOG_LEVEL"]);
    CPPUNIT_ASSERT_EQUAL(std::string("/tmp/x.sock"), s["TUDUSHKA_SOCKET"]);
    {
      std::ofstream f(path);
      f << "not a setting\n";
    }
    CPPUNIT_ASSERT_THROW(ReadSettingsFile(path), ConfigError);
    std::remove(path.c_str());
    CPPUNIT_ASSERT_THROW(ReadSettingsFile(path), ConfigError);
  }
  void effectiveWorkersDefaultsToTwicePerCore() {
    Config c;
    CPPUNIT_ASSERT_EQUAL(2 * static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)), EffectiveWorkers(c));
    c.workers = 3;
    CPPUNIT_ASSERT_EQUAL(3, EffectiveWorkers(c));
  }
  void servingNeedsASecretKey() {
    try {
      ValidateForServing(ParseConfig({{"TUDUSHKA_WORKERS", "2"}}));
      CPPUNIT_FAIL("a configuration without TUDUSHKA_SECRET_KEY was accepted for serving");
    } catch (const ConfigError& e) {
      CPPUNIT_ASSERT_MESSAGE(
          e.what(), std::string(e.what()).find("TUDUSHKA_SECRET_KEY") != std::string::npos);
    }
    ValidateForServing(ParseConfig({{"TUDUSHKA_SECRET_KEY", std::string(64, 'a')}}));
  }
  static std::string ErrorFor(const Settings& s) {
    try {
      ParseConfig(s);
    } catch (const ConfigError& e) {
      return e.what();
    }
    CPPUNIT_FAIL("expected a ConfigError");
    return "";
  }
  static bool Has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
  }
  void errorsEchoTheValueAsGiven() {
    // The mode is octal: so are its bounds in the message.
    std::string mode = ErrorFor({{"TUDUSHKA_SOCKET_MODE", "999"}});
    CPPUNIT_ASSERT_MESSAGE(mode, Has(mode, "0000") && Has(mode, "0777") && Has(mode, "'999'"));
    CPPUNIT_ASSERT_MESSAGE(mode, !Has(mode, "511"));
    CPPUNIT_ASSERT_EQUAL(0755u, ParseConfig({{"TUDUSHKA_SOCKET_MODE", "755"}}).socket_mode);
    // A duration's bound is in the unit it was written with, and the value keeps its unit.
    std::string ttl = ErrorFor({{"TUDUSHKA_TOKEN_TTL", "4000d"}});
    CPPUNIT_ASSERT_MESSAGE(ttl, Has(ttl, "'4000d'") && Has(ttl, "3650 days"));
    ttl = ErrorFor({{"TUDUSHKA_TOKEN_TTL", "3w"}});
    CPPUNIT_ASSERT_MESSAGE(ttl, Has(ttl, "'3w'"));
    ttl = ErrorFor({{"TUDUSHKA_TOKEN_TTL", ""}});
    CPPUNIT_ASSERT_MESSAGE(ttl, Has(ttl, "TUDUSHKA_TOKEN_TTL") && Has(ttl, "''"));
    CPPUNIT_ASSERT_EQUAL(3650L * 86400, ParseConfig({{"TUDUSHKA_TOKEN_TTL", "3650d"}}).token_ttl);
    CPPUNIT_ASSERT_EQUAL(90L, ParseConfig({{"TUDUSHKA_TOKEN_TTL", "90"}}).token_ttl);
  }
  void readsApiArguments() {
    using Action = ApiArguments::Action;
    ApiArguments a = ParseApiArguments({});
    CPPUNIT_ASSERT(a.action == Action::kServe);
    a = ParseApiArguments({"--pidfile", "/run/api.pid"});
    CPPUNIT_ASSERT(a.action == Action::kServe);
    CPPUNIT_ASSERT_EQUAL(std::string("/run/api.pid"), a.pidfile);
    a = ParseApiArguments({"--migrate", "--sql-dir", "db/sql"});
    CPPUNIT_ASSERT(a.action == Action::kMigrate);
    CPPUNIT_ASSERT_EQUAL(std::string("db/sql"), a.sql_dir);
    CPPUNIT_ASSERT(ParseApiArguments({"--generate-key"}).action == Action::kGenerateKey);
    CPPUNIT_ASSERT(ParseApiArguments({"--version", "--bogus"}).action == Action::kVersion);
    CPPUNIT_ASSERT(ParseApiArguments({"-h"}).action == Action::kHelp);
    try {
      ParseApiArguments({"--bogus"});
      CPPUNIT_FAIL("--bogus was accepted");
    } catch (const UsageError& e) {
      CPPUNIT_ASSERT_EQUAL(std::string("unknown argument: --bogus"), std::string(e.what()));
    }
  }
  void optionWithoutValueSaysSo() {
    for (const char* option : {"--pidfile", "--sql-dir"}) {
      try {
        ParseApiArguments({"--migrate", option});
        CPPUNIT_FAIL(std::string(option) + " without a value was accepted");
      } catch (const UsageError& e) {
        CPPUNIT_ASSERT_EQUAL(std::string(option) + " needs a value", std::string(e.what()));
      }
    }
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(ConfigTest);
