#include "fixture.hpp"

#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include "http_client.hpp"

namespace tudushka::itest {
namespace {

// State letter and parent pid from /proc/<pid>/stat; false if the process is gone.
bool ReadStat(pid_t pid, char* state, pid_t* ppid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return false;
  // The command name is in parentheses and may contain spaces: parse after the last ')'.
  auto close = line.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream rest(line.substr(close + 1));
  char s = '?';
  long parent = 0;
  if (!(rest >> s >> parent)) return false;
  if (state != nullptr) *state = s;
  if (ppid != nullptr) *ppid = static_cast<pid_t>(parent);
  return true;
}

std::vector<pid_t> NumericEntries(const std::string& dir) {
  std::vector<pid_t> out;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    char* end = nullptr;
    long v = std::strtol(e->d_name, &end, 10);
    if (end != e->d_name && *end == '\0' && v > 0) out.push_back(static_cast<pid_t>(v));
  }
  closedir(d);
  return out;
}

}  // namespace

std::string Env(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

std::string ProjectRoot() {
  std::string root = Env("TUDUSHKA_SOURCE_DIR");
  if (!root.empty()) return root;
  char buf[4096];
  if (getcwd(buf, sizeof buf) != nullptr) return buf;
  return ".";
}

std::string ApiPidFile() {
  std::string file = Env("TUDUSHKA_API_PIDFILE", "var/test/run/api.pid");
  if (!file.empty() && file[0] != '/') file = ProjectRoot() + "/" + file;
  return file;
}

pid_t ReadMasterPid() {
  std::ifstream in(ApiPidFile());
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return 0;
  return static_cast<pid_t>(pid);
}

bool IsAlive(pid_t pid) {
  if (pid <= 0) return false;
  if (kill(pid, 0) != 0 && errno == ESRCH) return false;
  char state = '?';
  if (!ReadStat(pid, &state, nullptr)) return false;
  return state != 'Z' && state != 'X';
}

std::set<pid_t> LiveChildren(pid_t parent) {
  std::set<pid_t> children;
  if (parent <= 0) return children;
  std::string task_dir = "/proc/" + std::to_string(parent) + "/task";
  bool have_children_files = false;
  for (pid_t tid : NumericEntries(task_dir)) {
    std::ifstream in(task_dir + "/" + std::to_string(tid) + "/children");
    if (!in) continue;
    have_children_files = true;
    long pid;
    while (in >> pid) children.insert(static_cast<pid_t>(pid));
  }
  if (!have_children_files) {
    for (pid_t pid : NumericEntries("/proc")) {
      pid_t ppid = 0;
      if (ReadStat(pid, nullptr, &ppid) && ppid == parent) children.insert(pid);
    }
  }
  std::set<pid_t> live;
  for (pid_t pid : children) {
    if (IsAlive(pid)) live.insert(pid);
  }
  return live;
}

bool PollUntil(milliseconds timeout, const std::function<bool()>& done, milliseconds interval) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    bool last = Clock::now() >= deadline;
    if (done()) return true;
    if (last) return false;
    std::this_thread::sleep_for(interval);
  }
}

int RunInRoot(const std::string& command, std::string* output) {
  // Output goes to a file, not a pipe: a daemon started by the command may keep an
  // inherited pipe open forever, and reading it would never end.
  char path[] = "/tmp/tudushka-itest-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return -1;
  close(fd);
  std::string full =
      "cd '" + ProjectRoot() + "' && " + command + " </dev/null >'" + path + "' 2>&1";
  int status = std::system(full.c_str());
  if (output != nullptr) {
    std::ifstream in(path);
    *output = std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  unlink(path);
  if (status == -1) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string Psql(const std::string& sql, std::string url) {
  if (url.empty()) url = Env("TUDUSHKA_DATABASE_URL");
  std::string out;
  RunInRoot("psql -X -q -t -A -v ON_ERROR_STOP=1 '" + url + "' -c \"" + sql + "\" 2>&1", &out);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

bool Healthy() {
  CallOptions options;
  options.timeout_ms = 3000;
  return Call("GET", "/api/health", "", {}, options).status == 200;
}

LoadGenerator::LoadGenerator(std::string token, int threads, std::string path, milliseconds max_run)
    : token_(std::move(token)), path_(std::move(path)), stop_at_(Clock::now() + max_run) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
}

LoadGenerator::~LoadGenerator() { Stop(); }

void LoadGenerator::Stop() {
  stop_ = true;
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void LoadGenerator::Run() {
  Headers auth = AuthHeader(token_);
  CallOptions options;
  options.timeout_ms = 10000;
  while (!stop_ && Clock::now() < stop_at_) {
    Response r = Call("GET", path_, "", auth, options);
    Sample s{Clock::now(), r.status, "", "", ""};
    if (r.status != 200) {
      s.code = r.ErrorCode();
      s.retry_after = r.Header("Retry-After");
      s.detail = r.Brief();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    samples_.push_back(std::move(s));
  }
}

std::vector<LoadGenerator::Sample> LoadGenerator::Samples() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return samples_;
}

std::size_t LoadGenerator::Count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return samples_.size();
}

std::vector<LoadGenerator::Sample> LoadGenerator::SamplesSince(Clock::time_point from) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<Sample> out;
  for (const auto& s : samples_) {
    if (s.at >= from) out.push_back(s);
  }
  return out;
}

bool LoadGenerator::WaitForMore(std::size_t n, milliseconds timeout) const {
  std::size_t target = Count() + n;
  return PollUntil(timeout, [&] { return Count() >= target; });
}

std::string LoadGenerator::Summary(const std::vector<Sample>& samples) {
  std::map<long, std::size_t> histogram;
  for (const auto& s : samples) ++histogram[s.status];
  std::string out = std::to_string(samples.size()) + " requests:";
  for (const auto& [status, n] : histogram) {
    out += " " + std::to_string(status) + "x" + std::to_string(n);
  }
  int shown = 0;
  for (const auto& s : samples) {
    if (s.status == 200) continue;
    out += "\n  non-200: " + s.detail;
    if (++shown == 3) break;
  }
  return out;
}

std::size_t LoadGenerator::CountNot(const std::vector<Sample>& samples, long status) {
  std::size_t n = 0;
  for (const auto& s : samples) n += s.status != status ? 1 : 0;
  return n;
}

}  // namespace tudushka::itest
