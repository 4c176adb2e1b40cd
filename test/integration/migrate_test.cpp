// tudushka-api --migrate against a fresh database: two migrators started at once both
// succeed, every sql/ file is applied exactly once, and a third run has nothing to do.
// Empty and comment-only files are migrations that do nothing; an unreadable one is named.
#include <cppunit/extensions/HelperMacros.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "fixture.hpp"
#include "http_client.hpp"

namespace tudushka::itest {
namespace {

// The test stack's URL with another database name ("...:///tudushka?host=..." form).
std::string WithDatabase(const std::string& url, const std::string& name) {
  auto slash = url.find(":///");
  auto query = url.find('?');
  if (slash == std::string::npos) return "";
  return url.substr(0, slash + 4) + name + (query == std::string::npos ? "" : url.substr(query));
}

class MigrateTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MigrateTest);
  CPPUNIT_TEST(testConcurrentMigratorsApplyEachFileOnce);
  CPPUNIT_TEST(testEmptyAndUnreadableMigrations);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testConcurrentMigratorsApplyEachFileOnce() {
    std::string base = Env("TUDUSHKA_DATABASE_URL");
    CPPUNIT_ASSERT_MESSAGE("TUDUSHKA_DATABASE_URL is not set", !base.empty());
    std::string name = "migrate_" + RandomHex(8);
    std::string url = WithDatabase(base, name);
    CPPUNIT_ASSERT_MESSAGE("unexpected URL form: " + base, !url.empty());
    Psql("CREATE DATABASE " + name, base);

    std::string bin = Env("TUDUSHKA_API_BIN", ProjectRoot() + "/build/tudushka-api");
    std::string migrate = "TUDUSHKA_DATABASE_URL='" + url + "' " + bin + " --migrate --sql-dir sql";
    std::string out;
    int rc = RunInRoot("(" + migrate + " & a=$!; " + migrate + " & b=$!; wait $a && wait $b) 2>&1",
                       &out);
    std::size_t files = 0;
    for (const auto& e : std::filesystem::directory_iterator(ProjectRoot() + "/sql"))
      files += e.path().extension() == ".sql";
    std::string applied = Psql("SELECT count(*) FROM schema_migrations", url);
    std::string again;
    int rc_again = RunInRoot(migrate + " 2>&1", &again);
    Psql("DROP DATABASE " + name, base);

    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0, rc);
    CPPUNIT_ASSERT_EQUAL(std::to_string(files), applied);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(again, 0, rc_again);
    CPPUNIT_ASSERT_MESSAGE(again, again.find("up to date") != std::string::npos);
  }

  void testEmptyAndUnreadableMigrations() {
    std::string base = Env("TUDUSHKA_DATABASE_URL");
    CPPUNIT_ASSERT_MESSAGE("TUDUSHKA_DATABASE_URL is not set", !base.empty());
    std::string name = "migrate_" + RandomHex(8);
    std::string url = WithDatabase(base, name);
    CPPUNIT_ASSERT_MESSAGE("unexpected URL form: " + base, !url.empty());
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("tudushka-migrations-" + RandomHex(8));
    fs::create_directories(dir);
    std::ofstream(dir / "001_first.sql") << "CREATE TABLE first_table (x int);\n";
    std::ofstream(dir / "002_empty.sql");
    std::ofstream(dir / "003_comments.sql") << "-- reserved for later\n/* nothing yet */\n";
    Psql("CREATE DATABASE " + name, base);

    std::string bin = Env("TUDUSHKA_API_BIN", ProjectRoot() + "/build/tudushka-api");
    std::string migrate = "TUDUSHKA_DATABASE_URL='" + url + "' " + bin + " --migrate --sql-dir '" +
                          dir.string() + "' 2>&1";
    std::string out;
    int rc = RunInRoot(migrate, &out);
    std::string applied =
        Psql("SELECT string_agg(version, ',' ORDER BY version) FROM schema_migrations", url);
    fs::create_symlink(dir / "nowhere", dir / "004_gone.sql");  // cannot be opened
    std::string unreadable;
    int rc_unreadable = RunInRoot(migrate, &unreadable);
    std::string after =
        Psql("SELECT string_agg(version, ',' ORDER BY version) FROM schema_migrations", url);
    Psql("DROP DATABASE " + name, base);
    std::error_code ec;
    fs::remove_all(dir, ec);

    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0, rc);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, std::string("001_first,002_empty,003_comments"), applied);
    CPPUNIT_ASSERT_MESSAGE(unreadable, rc_unreadable != 0);
    CPPUNIT_ASSERT_MESSAGE(
        unreadable,
        unreadable.find("cannot read " + (dir / "004_gone.sql").string()) != std::string::npos);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(unreadable, applied, after);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MigrateTest);

}  // namespace
}  // namespace tudushka::itest
