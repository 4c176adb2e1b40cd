// The prefork pool's reloads against real processes: a master forked from the test runs
// trivial workers on a unix socket in a temporary directory (no port, no database) and is
// driven with signals. Each SIGHUP hands the master the next configuration of a list; a
// configuration is told apart by its label (telegram_bot_username), which every worker
// writes with its pid to a file when it starts.
#include <cppunit/extensions/HelperMacros.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tudushka/core/config.hpp"
#include "tudushka/core/log.hpp"
#include "tudushka/http/fastcgi.hpp"
#include "tudushka/server/pool.hpp"

using namespace tudushka;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

bool PollUntil(milliseconds timeout, const std::function<bool()>& done) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    bool last = Clock::now() >= deadline;
    if (done()) return true;
    if (last) return false;
    std::this_thread::sleep_for(milliseconds(5));
  }
}

// Live (not zombie) processes whose parent is `parent`.
std::set<pid_t> LiveChildren(pid_t parent) {
  std::set<pid_t> out;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return out;
  while (dirent* e = readdir(proc)) {
    char* end = nullptr;
    long pid = std::strtol(e->d_name, &end, 10);
    if (pid <= 0 || *end != '\0') continue;
    // getline, not istreambuf_iterator: a process that exits between open and read makes
    // the read fail (ESRCH), which the iterator throws and getline turns into a failed read.
    std::ifstream in("/proc/" + std::string(e->d_name) + "/stat");
    std::string stat;
    if (!std::getline(in, stat)) continue;
    auto paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    char state = 0;
    long ppid = 0;
    if (std::sscanf(stat.c_str() + paren + 1, " %c %ld", &state, &ppid) == 2 && ppid == parent &&
        state != 'Z')
      out.insert(static_cast<pid_t>(pid));
  }
  closedir(proc);
  return out;
}

core::Config Labelled(int workers, const std::string& label) {
  core::Config c;
  c.workers = workers;
  c.telegram_bot_username = label;
  c.secret_key = std::string(32, 'k');
  return c;
}

// Reads each request as the API does (bodies up to 16 bytes) and answers 204, or 413. A
// request whose body is "take:N" first takes N more requests with `more` (waiting up to 5 s
// for them to arrive, stopping early when `more` has no room left), then answers every
// request it holds "200 together=<how many>".
class IdleApp : public server::WorkerApp {
 public:
  void Serve(FCGX_Request& request, const server::AcceptMore& more) override {
    bool too_large = false;
    http::Request first = http::ReadRequest(request, 16, too_large);
    if (too_large || first.body.rfind("take:", 0) != 0) {
      FCGX_FPrintF(request.out, too_large ? "Status: 413 Content Too Large\r\n\r\n"
                                          : "Status: 204 No Content\r\n\r\n");
      return;
    }
    std::size_t want = 1 + std::strtoul(first.body.c_str() + 5, nullptr, 10);
    std::vector<FCGX_Request*> held{&request};
    PollUntil(milliseconds(5000), [&] {
      while (held.size() < want)
        if (FCGX_Request* next = more()) {
          http::ReadRequest(*next, 16, too_large);
          held.push_back(next);
        } else {
          break;
        }
      return held.size() >= want || held.size() == server::kMaxTogether;
    });
    for (FCGX_Request* r : held)
      FCGX_FPrintF(r->out, "Status: 200 OK\r\n\r\ntogether=%d", static_cast<int>(held.size()));
  }
};

// One FastCGI request over a unix socket, sent as nginx sends it (one request per connection).
class FcgiClient {
 public:
  explicit FcgiClient(const std::string& path) {
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(std::strerror(errno), 0,
                                 connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr));
  }
  ~FcgiClient() { close(fd_); }

  void Send(const std::string& method, const std::string& body) {
    std::string params;
    for (const auto& [k, v] :
         std::map<std::string, std::string>{{"REQUEST_METHOD", method},
                                            {"REQUEST_URI", "/api/tasks/"},
                                            {"CONTENT_LENGTH", std::to_string(body.size())}}) {
      params += static_cast<char>(k.size());
      params += static_cast<char>(v.size());
      params += k + v;
    }
    std::string out = Record(1, std::string("\0\1\0\0\0\0\0\0", 8));  // BEGIN_REQUEST, responder
    out += Record(4, params) + Record(4, "");                         // PARAMS
    if (!body.empty()) out += Record(5, body);
    out += Record(5, "");  // the end of STDIN
    CPPUNIT_ASSERT_EQUAL(static_cast<ssize_t>(out.size()), write(fd_, out.data(), out.size()));
  }

  // STDOUT up to the END_REQUEST record.
  std::string Answer() {
    std::string stdout_data;
    for (;;) {
      std::string header = ReadExactly(8);
      auto type = static_cast<unsigned char>(header[1]);
      std::size_t length =
          static_cast<unsigned char>(header[4]) * 256u + static_cast<unsigned char>(header[5]);
      std::string content = ReadExactly(length + static_cast<unsigned char>(header[6]));
      if (type == 6) stdout_data += content.substr(0, length);
      if (type == 3) return stdout_data;
    }
  }

  // True when the worker has ended its side of the connection (read gives EOF).
  bool AtEnd() {
    char c;
    return read(fd_, &c, 1) == 0;
  }

  // True when the worker has closed the connection, not only shut down its side: a write
  // fails then, while a worker still draining the input would read it.
  bool WorkerClosed() {
    return send(fd_, "x", 1, MSG_NOSIGNAL) < 0 && (errno == EPIPE || errno == ECONNRESET);
  }

 private:
  static std::string Record(int type, const std::string& content) {
    char h[8] = {1,
                 static_cast<char>(type),
                 0,
                 1,
                 static_cast<char>(content.size() >> 8),
                 static_cast<char>(content.size() & 0xff),
                 0,
                 0};
    return std::string(h, 8) + content;
  }

  std::string ReadExactly(std::size_t n) {
    std::string out(n, '\0');
    std::size_t got = 0;
    while (got < n) {
      ssize_t r = read(fd_, out.data() + got, n - got);
      CPPUNIT_ASSERT_MESSAGE("the worker ended the connection mid-answer", r > 0);
      got += static_cast<std::size_t>(r);
    }
    return out;
  }

  int fd_ = -1;
};

// A master running `initial`, reloaded with `reloads[0]`, `reloads[1]`, ... on each SIGHUP.
class Pool {
 public:
  Pool(core::Config initial, std::vector<core::Config> reloads) {
    char dir[] = "/tmp/tudushka-pool-test-XXXXXX";
    CPPUNIT_ASSERT(mkdtemp(dir) != nullptr);
    dir_ = dir;
    initial.socket = dir_ + "/api.sock";
    std::string started = dir_ + "/started";
    std::cout.flush();
    std::fflush(nullptr);  // the children must not write the runner's buffered output again
    master_ = fork();
    CPPUNIT_ASSERT(master_ >= 0);
    if (master_ == 0) {
      int log = open((dir_ + "/master.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
      unsetenv("NOTIFY_SOCKET");
      int code = 99;
      try {
        server::PoolOptions options;
        std::size_t next = 0;
        options.reload = [&]() -> core::Config {
          core::Config c = reloads.at(std::min(next++, reloads.size() - 1));
          c.socket = initial.socket;
          return c;
        };
        code = server::RunPool(
            initial,
            [started](const core::Config& c, http::Metrics*) {
              std::string line = std::to_string(getpid()) + " " + c.telegram_bot_username + "\n";
              int fd = open(started.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
              if (write(fd, line.data(), line.size()) < 0) _exit(3);
              close(fd);
              // Starting takes a while, as a real worker's database connection does.
              std::this_thread::sleep_for(milliseconds(150));
              return std::unique_ptr<server::WorkerApp>(new IdleApp());
            },
            options);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "pool test master: %s\n", e.what());
      }
      _exit(code);
    }
  }

  ~Pool() {
    if (master_ > 0) {
      kill(master_, SIGKILL);  // its workers follow (PR_SET_PDEATHSIG)
      waitpid(master_, nullptr, 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  pid_t master() const { return master_; }
  std::string socket() const { return dir_ + "/api.sock"; }

  // pid -> label of every worker started so far.
  std::map<pid_t, std::string> Started() const {
    std::map<pid_t, std::string> out;
    std::ifstream in(dir_ + "/started");
    long pid;
    std::string label;
    while (in >> pid >> label) out[static_cast<pid_t>(pid)] = label;
    return out;
  }

  int CountStarted(const std::string& label) const {
    int n = 0;
    for (const auto& [pid, l] : Started()) n += l == label;
    return n;
  }

  // Labels of the live workers, sorted ("?" for a child that has not written its line yet).
  std::multiset<std::string> LiveLabels() const {
    std::map<pid_t, std::string> started = Started();
    std::multiset<std::string> out;
    for (pid_t pid : LiveChildren(master_)) {
      auto it = started.find(pid);
      out.insert(it == started.end() ? "?" : it->second);
    }
    return out;
  }

  // Until the master has logged that every worker accepts.
  bool WaitReady() const {
    return PollUntil(milliseconds(5000),
                     [&] { return Log().find("msg=\"pool ready\"") != std::string::npos; });
  }

  std::string Log() const {
    std::ifstream in(dir_ + "/master.log");
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  // SIGTERM; the master's exit code, or -1 if it is still running after `timeout`.
  int Stop(milliseconds timeout) {
    kill(master_, SIGTERM);
    int status = 0;
    bool gone = PollUntil(timeout, [&] { return waitpid(master_, &status, WNOHANG) == master_; });
    if (!gone) return -1;
    master_ = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  std::string dir_;
  pid_t master_ = 0;
};

std::string Show(const std::multiset<std::string>& labels) {
  std::string out;
  for (const std::string& l : labels) out += (out.empty() ? "" : " ") + l;
  return "{" + out + "}";
}

}  // namespace

class PoolTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PoolTest);
  CPPUNIT_TEST(secondReloadDuringAReloadStartsOver);
  CPPUNIT_TEST(reloadRefusesWhatAStartRefuses);
  CPPUNIT_TEST(connectionIsClosedOnceItsInputIsRead);
  CPPUNIT_TEST(waitingRequestsAreHandedToTheAppTogether);
  CPPUNIT_TEST(unreadInputIsDrainedBeforeClosing);
  CPPUNIT_TEST_SUITE_END();

 public:
  void secondReloadDuringAReloadStartsOver() {
    // The second SIGHUP comes while the first one's replacement for slot 1 is starting,
    // and shrinks the pool below that slot.
    Pool pool(Labelled(3, "a"), {Labelled(3, "b"), Labelled(1, "c")});
    using Labels = std::multiset<std::string>;
    CPPUNIT_ASSERT_MESSAGE("the pool never became ready: " + pool.Log(), pool.WaitReady());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(pool.Log(), std::string("{a a a}"), Show(pool.LiveLabels()));
    CPPUNIT_ASSERT_EQUAL(0, kill(pool.master(), SIGHUP));
    CPPUNIT_ASSERT_MESSAGE(
        "the first reload never reached slot 1: " + pool.Log(),
        PollUntil(milliseconds(5000), [&] { return pool.CountStarted("b") >= 2; }));
    CPPUNIT_ASSERT_EQUAL(0, kill(pool.master(), SIGHUP));
    Labels now;
    bool settled = PollUntil(milliseconds(5000), [&] {
      now = pool.LiveLabels();
      return now == Labels{"c"};
    });
    CPPUNIT_ASSERT_MESSAGE(
        "workers are " + Show(now) + ", not one of the new configuration\n" + pool.Log(), settled);
    std::this_thread::sleep_for(milliseconds(300));  // nothing else turns up
    now = pool.LiveLabels();
    CPPUNIT_ASSERT_EQUAL_MESSAGE(pool.Log(), std::string("{c}"), Show(now));
    CPPUNIT_ASSERT_EQUAL_MESSAGE("SIGTERM did not stop the master promptly\n" + pool.Log(), 0,
                                 pool.Stop(milliseconds(5000)));
  }

  void reloadRefusesWhatAStartRefuses() {
    // No TUDUSHKA_SECRET_KEY: a start refuses it, so a reload keeps the old configuration
    // (and still replaces the workers, with that configuration).
    core::Config keyless = Labelled(1, "keyless");
    keyless.secret_key.clear();
    Pool pool(Labelled(2, "a"), {keyless});
    CPPUNIT_ASSERT_MESSAGE("the pool never became ready: " + pool.Log(), pool.WaitReady());
    std::set<pid_t> first = LiveChildren(pool.master());
    CPPUNIT_ASSERT_EQUAL(0, kill(pool.master(), SIGHUP));
    std::set<pid_t> now;
    bool replaced = PollUntil(milliseconds(5000), [&] {
      now = LiveChildren(pool.master());
      if (now.size() != 2) return false;
      for (pid_t p : now)
        if (first.count(p) != 0) return false;
      return pool.Log().find("msg=\"reload complete\"") != std::string::npos;
    });
    CPPUNIT_ASSERT_MESSAGE("the workers were not replaced\n" + pool.Log(), replaced);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(pool.Log(), std::string("{a a}"), Show(pool.LiveLabels()));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(pool.Log(), 0, pool.CountStarted("keyless"));
    std::string log = pool.Log();
    CPPUNIT_ASSERT_MESSAGE(log, log.find("keeping the old configuration") != std::string::npos &&
                                    log.find("TUDUSHKA_SECRET_KEY") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(pool.Log(), 0, pool.Stop(milliseconds(5000)));
  }

  void connectionIsClosedOnceItsInputIsRead() {
    // The worker closes as soon as it has answered, without waiting for the client to
    // close first: the one worker of the pool is free for the next connection at once.
    Pool pool(Labelled(1, "a"), {});
    CPPUNIT_ASSERT_MESSAGE("the pool never became ready: " + pool.Log(), pool.WaitReady());
    for (const auto& [method, body] : std::vector<std::pair<std::string, std::string>>{
             {"GET", ""}, {"POST", "{\"a\":1}"}, {"POST", std::string(16, 'x')}}) {
      FcgiClient client(pool.socket());
      client.Send(method, body);
      std::string answer = client.Answer();
      CPPUNIT_ASSERT_MESSAGE(method + ": " + answer, answer.rfind("Status: 204", 0) == 0);
      CPPUNIT_ASSERT_MESSAGE(method + ": the connection did not end", client.AtEnd());
      CPPUNIT_ASSERT_MESSAGE(
          method + " " + std::to_string(body.size()) + " bytes: the worker only shut down its side",
          client.WorkerClosed());
    }
    CPPUNIT_ASSERT_EQUAL_MESSAGE(pool.Log(), 0, pool.Stop(milliseconds(5000)));
  }

  void waitingRequestsAreHandedToTheAppTogether() {
    // One worker: the app holds the first request while 19 more connect, takes them with
    // `more` up to kMaxTogether, answers those together; the rest are served after, alone.
    Pool pool(Labelled(1, "a"), {});
    CPPUNIT_ASSERT_MESSAGE("the pool never became ready: " + pool.Log(), pool.WaitReady());
    std::vector<std::unique_ptr<FcgiClient>> clients;
    for (int i = 0; i < 20; ++i) {
      clients.push_back(std::make_unique<FcgiClient>(pool.socket()));
      clients.back()->Send("POST", i == 0 ? "take:99" : "take:0");
    }
    std::map<std::string, int> answers;  // answer -> how many clients got it
    for (auto& client : clients) {
      std::string answer = client->Answer();
      answers[answer.substr(answer.find("together="))] += 1;
      CPPUNIT_ASSERT_MESSAGE("a connection did not end", client->AtEnd());
    }
    std::string shown;
    for (const auto& [answer, n] : answers) shown += answer + " x" + std::to_string(n) + "; ";
    CPPUNIT_ASSERT_EQUAL_MESSAGE(shown + pool.Log(), 2, static_cast<int>(answers.size()));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(shown, server::kMaxTogether, answers["together=16"]);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(shown, 20 - server::kMaxTogether, answers["together=1"]);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(pool.Log(), 0, pool.Stop(milliseconds(5000)));
  }

  void unreadInputIsDrainedBeforeClosing() {
    // A body over the limit is not read; closing on it would reset the connection (over
    // TCP, losing the answer), so the worker shuts down its side and reads the rest first.
    Pool pool(Labelled(1, "a"), {});
    CPPUNIT_ASSERT_MESSAGE("the pool never became ready: " + pool.Log(), pool.WaitReady());
    {
      FcgiClient client(pool.socket());
      client.Send("POST", std::string(100, 'x'));
      std::string answer = client.Answer();
      CPPUNIT_ASSERT_MESSAGE(answer, answer.rfind("Status: 413", 0) == 0);
      CPPUNIT_ASSERT(client.AtEnd());
      CPPUNIT_ASSERT_MESSAGE("the worker closed with the input unread", !client.WorkerClosed());
    }
    FcgiClient next(pool.socket());  // served once the first client has closed
    next.Send("GET", "");
    std::string answer = next.Answer();
    CPPUNIT_ASSERT_MESSAGE(answer, answer.rfind("Status: 204", 0) == 0);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(pool.Log(), 0, pool.Stop(milliseconds(5000)));
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(PoolTest);
