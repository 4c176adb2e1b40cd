// db::Connection and db::Migrate against a fake PostgreSQL server: a thread that speaks
// enough of the v3 protocol (startup, simple query, Parse/Bind/Describe/Execute/Sync) on a
// unix socket in a temporary directory, answering each statement as the test says. It
// records the startup parameters and every statement it is sent. No database, no port.
#include <cppunit/extensions/HelperMacros.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tudushka/db/db.hpp"

using namespace tudushka;

namespace {

class FakePostgres {
 public:
  // kHangUp: the server closes the connection when asked to run the statement.
  enum class Answer { kOk, kEmpty, kError, kHangUp };
  using Answerer = std::function<Answer(const std::string& sql)>;

  FakePostgres() {
    char dir[] = "/tmp/tudushka-fake-pg-XXXXXX";
    CPPUNIT_ASSERT(mkdtemp(dir) != nullptr);
    dir_ = dir;
    listen_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::string path = dir_ + "/.s.PGSQL.5432";
    CPPUNIT_ASSERT(path.size() < sizeof addr.sun_path);
    path.copy(addr.sun_path, path.size());
    CPPUNIT_ASSERT_EQUAL(0, bind(listen_, reinterpret_cast<sockaddr*>(&addr), sizeof addr));
    CPPUNIT_ASSERT_EQUAL(0, listen(listen_, 4));
    CPPUNIT_ASSERT_EQUAL(0, pipe(stop_));
    thread_ = std::thread([this] { AcceptLoop(); });
  }

  ~FakePostgres() {
    char c = 0;
    if (write(stop_[1], &c, 1) != 1) std::abort();
    thread_.join();
    close(listen_);
    close(stop_[0]);
    close(stop_[1]);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // A URL for it; `query` adds URL parameters ("a=b&c=d").
  std::string Url(const std::string& query = "") const {
    return "postgresql:///fake?host=" + dir_ + (query.empty() ? "" : "&" + query);
  }

  void SetAnswer(Answerer answer) {
    std::lock_guard<std::mutex> lock(mutex_);
    answer_ = std::move(answer);
  }
  // Every Parse and simple Query text, in order.
  std::vector<std::string> Statements() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return statements_;
  }
  // The last connection's startup parameters (user, database, options, application_name...).
  std::map<std::string, std::string> Startup() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return startup_;
  }
  int Connections() const { return connections_; }

 private:
  void AcceptLoop() {
    for (;;) {
      pollfd p[2] = {{listen_, POLLIN, 0}, {stop_[0], POLLIN, 0}};
      if (poll(p, 2, -1) < 0) continue;
      if (p[1].revents != 0) return;
      int fd = accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      ++connections_;
      Serve(fd);
      close(fd);
    }
  }

  // Reads exactly `n` bytes; false at end of stream or when the server is stopping.
  bool Read(int fd, std::string* out, std::size_t n) {
    out->clear();
    while (out->size() < n) {
      pollfd p[2] = {{fd, POLLIN, 0}, {stop_[0], POLLIN, 0}};
      if (poll(p, 2, -1) < 0) continue;
      if (p[1].revents != 0) return false;
      char buf[4096];
      ssize_t got = read(fd, buf, std::min(sizeof buf, n - out->size()));
      if (got <= 0) return false;
      out->append(buf, static_cast<std::size_t>(got));
    }
    return true;
  }

  static std::uint32_t Int32(const std::string& s, std::size_t at) {
    return (std::uint32_t(std::uint8_t(s[at])) << 24) |
           (std::uint32_t(std::uint8_t(s[at + 1])) << 16) |
           (std::uint32_t(std::uint8_t(s[at + 2])) << 8) | std::uint32_t(std::uint8_t(s[at + 3]));
  }
  static std::string Be32(std::uint32_t v) {
    return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
  }
  static std::string Be16(std::uint16_t v) { return {char(v >> 8), char(v)}; }
  static std::string Z(const std::string& s) { return s + '\0'; }

  static void Send(int fd, char type, const std::string& body = "") {
    std::string m = std::string(1, type) + Be32(static_cast<std::uint32_t>(body.size() + 4)) + body;
    if (write(fd, m.data(), m.size()) != static_cast<ssize_t>(m.size())) return;
  }

  static bool IsSelect(const std::string& sql) {
    std::string head;
    for (char c : sql) {
      if (std::isspace(static_cast<unsigned char>(c)) && head.empty()) continue;
      if (!std::isalpha(static_cast<unsigned char>(c))) break;
      head += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return head == "SELECT";
  }

  Answer AnswerFor(const std::string& sql) {
    std::lock_guard<std::mutex> lock(mutex_);
    return answer_ ? answer_(sql) : Answer::kOk;
  }

  // Sends the answer to one statement; false when it was an error.
  bool Result(int fd, const std::string& sql, bool describe_rows) {
    switch (AnswerFor(sql)) {
      case Answer::kEmpty:
        Send(fd, 'I');
        return true;
      case Answer::kError:
        Send(fd, 'E',
             Z("SERROR") + Z("VERROR") + Z("C42P01") + Z("Mrelation \"missing\" does not exist") +
                 std::string(1, '\0'));
        return false;
      case Answer::kOk:
      case Answer::kHangUp:  // Serve hangs up before it asks for an answer
        break;
    }
    if (IsSelect(sql)) {
      if (describe_rows)
        Send(fd, 'T',
             Be16(1) + Z("?column?") + Be32(0) + Be16(0) + Be32(25) + Be16(0xffff) +
                 Be32(0xffffffff) + Be16(0));
      Send(fd, 'C', Z("SELECT 0"));
    } else {
      Send(fd, 'C', Z("OK"));
    }
    return true;
  }

  void Serve(int fd) {
    std::string head, body;
    for (;;) {  // startup: SSL or GSS requests are declined, then the startup packet
      if (!Read(fd, &head, 4) || !Read(fd, &body, Int32(head, 0) - 4)) return;
      std::uint32_t code = Int32(body, 0);
      if (code == 80877103 || code == 80877104) {
        if (write(fd, "N", 1) != 1) return;
        continue;
      }
      std::map<std::string, std::string> params;
      std::size_t at = 4;
      while (at < body.size() && body[at] != '\0') {
        std::string key = body.c_str() + at;
        at += key.size() + 1;
        std::string value = body.c_str() + at;
        at += value.size() + 1;
        params[key] = value;
      }
      std::lock_guard<std::mutex> lock(mutex_);
      startup_ = params;
      break;
    }
    Send(fd, 'R', Be32(0));
    for (auto [k, v] : {std::pair<const char*, const char*>{"server_version", "15.0"},
                        {"server_encoding", "UTF8"},
                        {"client_encoding", "UTF8"},
                        {"standard_conforming_strings", "on"},
                        {"integer_datetimes", "on"},
                        {"DateStyle", "ISO, MDY"},
                        {"TimeZone", "UTC"}})
      Send(fd, 'S', Z(k) + Z(v));
    Send(fd, 'K', Be32(4242) + Be32(1));
    Send(fd, 'Z', "I");

    std::map<std::string, std::string> prepared;  // name -> sql
    std::string portal_sql;
    bool failed = false;  // an error in an extended-protocol batch: skip until Sync
    for (;;) {
      std::string type;
      if (!Read(fd, &type, 1) || !Read(fd, &head, 4) || !Read(fd, &body, Int32(head, 0) - 4))
        return;
      switch (type[0]) {
        case 'Q': {
          std::string sql = body.c_str();
          {
            std::lock_guard<std::mutex> lock(mutex_);
            statements_.push_back(sql);
          }
          Result(fd, sql, true);
          Send(fd, 'Z', "I");
          break;
        }
        case 'P': {
          std::string name = body.c_str();
          std::string sql = body.c_str() + name.size() + 1;
          {
            std::lock_guard<std::mutex> lock(mutex_);
            statements_.push_back(sql);
          }
          if (failed) break;
          if (AnswerFor(sql) == Answer::kError) {
            failed = !Result(fd, sql, false);
          } else {
            prepared[name] = sql;
            Send(fd, '1');
          }
          break;
        }
        case 'B':
          if (failed) break;
          portal_sql = prepared[body.c_str() + std::string(body.c_str()).size() + 1];
          Send(fd, '2');
          break;
        case 'D':
          if (failed) break;
          if (body[0] == 'S') Send(fd, 't', Be16(0));
          Send(fd, 'n');
          break;
        case 'E':
          if (failed) break;
          if (AnswerFor(portal_sql) == Answer::kHangUp) return;  // the caller closes fd
          failed = !Result(fd, portal_sql, false);
          break;
        case 'S':
          failed = false;
          Send(fd, 'Z', "I");
          break;
        case 'C':
          if (!failed) Send(fd, '3');
          break;
        case 'X':
          return;
        default:  // 'H' (Flush) and anything else: no answer
          break;
      }
    }
  }

  std::string dir_;
  int listen_ = -1;
  int stop_[2] = {-1, -1};
  std::thread thread_;
  mutable std::mutex mutex_;
  Answerer answer_;
  std::vector<std::string> statements_;
  std::map<std::string, std::string> startup_;
  std::atomic<int> connections_{0};
};

const db::Statement kGood{"good", "SELECT 1"};
const db::Statement kMissing{"missing", "SELECT * FROM missing"};
const db::Statement kEmptyStatement{"empty", ""};

int Count(const std::vector<std::string>& all, const std::string& item) {
  int n = 0;
  for (const std::string& s : all) n += s == item;
  return n;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Answers a statement whose text is only whitespace and "--" comments as the server does.
FakePostgres::Answer EmptyWhenBlank(const std::string& sql) {
  bool blank = true, comment = false;
  for (char c : sql) {
    if (c == '\n') comment = false;
    if (comment || std::isspace(static_cast<unsigned char>(c))) continue;
    if (c == '-') {
      comment = true;  // good enough for the test files: "--" starts every comment line
      continue;
    }
    blank = false;
  }
  return blank ? FakePostgres::Answer::kEmpty : FakePostgres::Answer::kOk;
}

}  // namespace

class DbTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(DbTest);
  CPPUNIT_TEST(connectsAndPrepares);
  CPPUNIT_TEST(failedPrepareClosesTheConnection);
  CPPUNIT_TEST(urlSettingsWinOverDefaults);
  CPPUNIT_TEST(urlConnectTimeoutIsUsed);
  CPPUNIT_TEST(emptyResultNamesItsStatus);
  CPPUNIT_TEST(customPlanRunsBetweenSetAndReset);
  CPPUNIT_TEST(customPlanErrorLeavesTheConnectionUsable);
  CPPUNIT_TEST(customPlanOnALostConnectionIsUnavailable);
  CPPUNIT_TEST(emptyMigrationsAreRecorded);
  CPPUNIT_TEST(unreadableMigrationIsNamed);
  CPPUNIT_TEST_SUITE_END();

  std::string dir_;

  std::string WriteFile(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
    return dir_ + "/" + name;
  }

  static void Quiet(const std::string&) {}

 public:
  void setUp() override {
    char dir[] = "/tmp/tudushka-db-test-XXXXXX";
    CPPUNIT_ASSERT(mkdtemp(dir) != nullptr);
    dir_ = dir;
  }
  void tearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

 public:
  void connectsAndPrepares() {
    FakePostgres pg;
    db::Connection conn(pg.Url(), {&kGood}, {"changes"});
    conn.Connect();
    CPPUNIT_ASSERT(conn.IsOpen());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), conn.sessions());
    CPPUNIT_ASSERT_EQUAL(1, Count(pg.Statements(), "SELECT 1"));
    CPPUNIT_ASSERT_EQUAL(1, Count(pg.Statements(), "LISTEN \"changes\""));
    CPPUNIT_ASSERT_EQUAL(0, conn.Exec("good").Rows());
  }

  void failedPrepareClosesTheConnection() {
    // An error that is not about the connection (here: a missing table) while preparing.
    // The connection must not stay open half-prepared: the next EnsureOpen connects again.
    FakePostgres pg;
    pg.SetAnswer([](const std::string& sql) {
      return Contains(sql, "missing") ? FakePostgres::Answer::kError : FakePostgres::Answer::kOk;
    });
    db::Connection conn(pg.Url(), {&kGood, &kMissing});
    try {
      conn.Connect();
      CPPUNIT_FAIL("Connect did not throw for a statement the server rejected");
    } catch (const db::Unavailable& e) {
      CPPUNIT_FAIL(std::string("a rejected statement is no lost connection: ") + e.what());
    } catch (const db::Error& e) {
      CPPUNIT_ASSERT_EQUAL(std::string("42P01"), e.sqlstate());
    }
    CPPUNIT_ASSERT_MESSAGE("the half-prepared connection is still open", !conn.IsOpen());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), conn.sessions());

    pg.SetAnswer(nullptr);  // the table exists now
    conn.EnsureOpen([](std::string_view, std::string_view) {});
    CPPUNIT_ASSERT(conn.IsOpen());
    CPPUNIT_ASSERT_EQUAL(2, pg.Connections());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), conn.sessions());
    CPPUNIT_ASSERT_EQUAL(2, Count(pg.Statements(), "SELECT * FROM missing"));
    conn.Exec("missing");
  }

  void urlSettingsWinOverDefaults() {
    FakePostgres pg;
    const std::vector<std::string> ours = {"tudushka.client_announces=on"};
    {
      db::Connection conn(pg.Url(), {}, {}, ours);
      conn.Connect();
      auto startup = pg.Startup();
      if (std::getenv("PGAPPNAME") == nullptr)
        CPPUNIT_ASSERT_EQUAL(std::string("tudushka"), startup["application_name"]);
      std::string options = startup["options"];
      for (const char* part :
           {"-c TimeZone=UTC", "-c DateStyle=ISO", "-c plan_cache_mode=force_generic_plan",
            "-c tudushka.client_announces=on"})
        CPPUNIT_ASSERT_MESSAGE(options + " lacks " + part, Contains(options, part));
    }
    {
      // The URL sets its own application name and server settings: one of ours it may
      // change (plan_cache_mode), one it may not (TimeZone), one we never set.
      db::Connection conn(pg.Url("application_name=mine&options=-c%20statement_timeout%3D5s%20"
                                 "-c%20plan_cache_mode%3Dauto%20-c%20TimeZone%3DEurope/Moscow"),
                          {}, {}, ours);
      conn.Connect();
      auto startup = pg.Startup();
      CPPUNIT_ASSERT_EQUAL(std::string("mine"), startup["application_name"]);
      std::string options = startup["options"];
      CPPUNIT_ASSERT_MESSAGE(options, Contains(options, "-c statement_timeout=5s"));
      CPPUNIT_ASSERT_MESSAGE(options, Contains(options, "-c tudushka.client_announces=on"));
      // The server applies options in order: the later of two values wins.
      CPPUNIT_ASSERT_MESSAGE(options, options.find("plan_cache_mode=auto") >
                                          options.find("plan_cache_mode=force_generic_plan"));
      CPPUNIT_ASSERT_MESSAGE(options,
                             options.find("TimeZone=UTC") > options.find("TimeZone=Europe/Moscow"));
    }
  }

  void urlConnectTimeoutIsUsed() {
    // libpq rejects a connect_timeout that is no integer: that it complains shows the
    // URL's value is the one used, not our default of 3.
    FakePostgres pg;
    db::Connection conn(pg.Url("connect_timeout=soon"));
    try {
      conn.Connect();
      CPPUNIT_FAIL("the URL's connect_timeout was not used");
    } catch (const db::Unavailable& e) {
      CPPUNIT_ASSERT_MESSAGE(e.what(), Contains(e.what(), "connect_timeout"));
    }
  }

  void emptyResultNamesItsStatus() {
    // The server answers an empty statement with EmptyQueryResponse, which carries no
    // message: the error names the result status instead of being empty.
    FakePostgres pg;
    pg.SetAnswer(EmptyWhenBlank);
    db::Connection conn(pg.Url(), {&kEmptyStatement});
    conn.Connect();
    try {
      conn.Exec("empty");
      CPPUNIT_FAIL("an empty query result was taken for a success");
    } catch (const db::Error& e) {
      CPPUNIT_ASSERT_MESSAGE(e.what(), Contains(e.what(), "PGRES_EMPTY_QUERY"));
    }
    CPPUNIT_ASSERT_EQUAL(0, conn.Run("-- nothing to do\n").Rows());  // plain SQL: a no-op
  }

  // Records what the server is asked to parse or run, in order; the fake asks twice for an
  // unnamed statement (at Parse and at Execute), recorded once.
  static FakePostgres::Answerer Recorder(std::vector<std::string>* ran, std::mutex* m,
                                         const std::string& failing = "") {
    return [=](const std::string& sql) {
      std::lock_guard<std::mutex> lock(*m);
      if (ran->empty() || ran->back() != sql) ran->push_back(sql);
      return sql == failing ? FakePostgres::Answer::kError : FakePostgres::Answer::kOk;
    };
  }

  void customPlanRunsBetweenSetAndReset() {
    FakePostgres pg;
    db::Connection conn(pg.Url(), {&kGood});
    conn.Connect();
    std::vector<std::string> ran;
    std::mutex m;
    pg.SetAnswer(Recorder(&ran, &m));
    CPPUNIT_ASSERT_EQUAL(0, conn.ExecCustomPlan("good", {}).Rows());
    {
      std::lock_guard<std::mutex> lock(m);
      std::vector<std::string> want = {"SET plan_cache_mode = force_custom_plan", "SELECT 1",
                                       "RESET plan_cache_mode"};
      CPPUNIT_ASSERT(want == ran);
    }
    CPPUNIT_ASSERT_EQUAL(0, conn.Exec("good").Rows());  // out of pipeline mode again
  }

  void customPlanErrorLeavesTheConnectionUsable() {
    // The statement fails: the server skips the RESET (its transaction, with the SET in
    // it, is rolled back); the caller gets the statement's error and the connection stays.
    FakePostgres pg;
    db::Connection conn(pg.Url(), {&kGood, &kMissing});
    conn.Connect();
    std::vector<std::string> ran;
    std::mutex m;
    pg.SetAnswer(Recorder(&ran, &m, kMissing.sql));
    try {
      conn.ExecCustomPlan("missing", {});
      CPPUNIT_FAIL("a failed statement was taken for a success");
    } catch (const db::Unavailable& e) {
      CPPUNIT_FAIL(std::string("a failed statement is no lost connection: ") + e.what());
    } catch (const db::Error& e) {
      CPPUNIT_ASSERT_EQUAL(std::string("42P01"), e.sqlstate());
    }
    CPPUNIT_ASSERT(conn.IsOpen());
    CPPUNIT_ASSERT_EQUAL(0, conn.Exec("good").Rows());
    CPPUNIT_ASSERT_EQUAL(0, conn.ExecCustomPlan("good", {}).Rows());
    std::lock_guard<std::mutex> lock(m);
    CPPUNIT_ASSERT_EQUAL(1, Count(ran, "RESET plan_cache_mode"));  // the second call's only
  }

  void customPlanOnALostConnectionIsUnavailable() {
    // The server goes away in the middle of the pipeline: Unavailable (a 503 upstairs),
    // the connection closed, and the next EnsureOpen connects afresh.
    FakePostgres pg;
    db::Connection conn(pg.Url(), {&kGood});
    conn.Connect();
    pg.SetAnswer([](const std::string& sql) {
      return sql == kGood.sql ? FakePostgres::Answer::kHangUp : FakePostgres::Answer::kOk;
    });
    try {
      conn.ExecCustomPlan("good", {});
      CPPUNIT_FAIL("a lost connection was taken for a success");
    } catch (const db::Unavailable&) {
    }
    CPPUNIT_ASSERT(!conn.IsOpen());
    pg.SetAnswer(nullptr);
    conn.EnsureOpen([](std::string_view, std::string_view) {});
    CPPUNIT_ASSERT(conn.IsOpen());
    CPPUNIT_ASSERT_EQUAL(2, pg.Connections());
    CPPUNIT_ASSERT_EQUAL(0, conn.ExecCustomPlan("good", {}).Rows());
  }

  void emptyMigrationsAreRecorded() {
    FakePostgres pg;
    pg.SetAnswer(EmptyWhenBlank);
    WriteFile("001_first.sql", "CREATE TABLE first (x int);\n");
    WriteFile("002_empty.sql", "");
    WriteFile("003_comments.sql", "-- reserved\n-- for later\n");
    db::Connection conn(pg.Url());
    conn.Connect();
    CPPUNIT_ASSERT_EQUAL(3, db::Migrate(conn, dir_, Quiet));
    auto statements = pg.Statements();
    for (const char* version : {"001_first", "002_empty", "003_comments"})
      CPPUNIT_ASSERT_EQUAL_MESSAGE(
          version, 1,
          Count(statements,
                std::string("INSERT INTO schema_migrations (version) VALUES ('") + version + "')"));
  }

  void unreadableMigrationIsNamed() {
    FakePostgres pg;
    db::Connection conn(pg.Url());
    conn.Connect();
    std::filesystem::create_symlink(dir_ + "/nowhere", dir_ + "/001_gone.sql");
    try {
      db::Migrate(conn, dir_, Quiet);
      CPPUNIT_FAIL("a migration that cannot be read was applied");
    } catch (const db::Error& e) {
      CPPUNIT_ASSERT_MESSAGE(e.what(), Contains(e.what(), "cannot read " + dir_ + "/001_gone.sql"));
    }
    std::filesystem::remove(dir_ + "/001_gone.sql");
    std::filesystem::create_directory(dir_ + "/001_folder.sql");
    try {
      db::Migrate(conn, dir_, Quiet);
      CPPUNIT_FAIL("a directory named like a migration was applied");
    } catch (const db::Error& e) {
      CPPUNIT_ASSERT_MESSAGE(e.what(),
                             Contains(e.what(), "cannot read " + dir_ + "/001_folder.sql"));
    }
    for (const std::string& s : pg.Statements())
      CPPUNIT_ASSERT_MESSAGE("recorded: " + s, !Contains(s, "INSERT INTO schema_migrations"));
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(DbTest);
