// The master loop (after ngx_master_process_cycle): signals stay blocked and are
// delivered only inside ppoll, whose handlers just set flags; the loop then
// reaps, respawns, reloads or stops.
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "children.hpp"
#include "tudushka/core/log.hpp"
#include "tudushka/server/signals.hpp"

namespace tudushka::server {
namespace {

using std::chrono::milliseconds;

constexpr auto kFastCrash =
    std::chrono::seconds(2);  // dying sooner than this counts as a crash loop
constexpr auto kMaxBackoff = std::chrono::seconds(10);

std::string Str(long n) { return std::to_string(n); }

bool IsTcp(const std::string& socket) {
  return socket.find('/') == std::string::npos && socket.find(':') != std::string::npos;
}

int OpenListenSocket(const core::Config& config) {
  if (!IsTcp(config.socket)) unlink(config.socket.c_str());  // a stale socket from a crash
  int fd = FCGX_OpenSocket(config.socket.c_str(), 1024);
  if (fd < 0)
    throw core::ConfigError("cannot listen on '" + config.socket + "': " + std::strerror(errno));
  if (!IsTcp(config.socket) && chmod(config.socket.c_str(), config.socket_mode) != 0)
    throw core::ConfigError("cannot chmod '" + config.socket + "': " + std::strerror(errno));
  // Non-blocking: a worker woken for a connection another worker took gets EAGAIN, not a hang.
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  return fd;
}

std::string DescribeExit(int status) {
  if (WIFSIGNALED(status))
    return std::string("signal ") + Str(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) +
           ")";
  return "code " + Str(WEXITSTATUS(status));
}

class Master {
 public:
  Master(core::Config config, const WorkerFactory& factory, const PoolOptions& options)
      : config_(std::move(config)), factory_(factory), options_(options) {}

  int Run() {
    listen_fd_ = OpenListenSocket(config_);
    metrics_ = http::Metrics::CreateShared();
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error("pipe failed");
    ready_read_ = pipe_fds[0];
    ready_write_ = pipe_fds[1];
    InstallMasterSignals(&wait_mask_);
    WritePidfile();

    slots_.resize(core::EffectiveWorkers(config_));
    core::LogInfo("master started",
                  {{"socket", config_.socket}, {"workers", Str(static_cast<long>(slots_.size()))}});
    for (size_t i = 0; i < slots_.size(); ++i) Spawn(static_cast<int>(i));

    while (true) {
      WaitForEvents();
      DrainReadyPipe();
      if (g_signals.reap) Reap();
      if (g_signals.terminate && !stopping_) BeginStop();
      if (g_signals.reload && !stopping_) BeginReload();
      if (stopping_) {
        if (LiveWorkers() == 0) break;
        if (Clock::now() >= kill_at_) KillStragglers();
        continue;
      }
      RefillSlots();
      AdvanceReload();
      NotifyReadiness();
    }
    if (!IsTcp(config_.socket)) unlink(config_.socket.c_str());
    if (!options_.pidfile.empty()) unlink(options_.pidfile.c_str());
    core::LogInfo("master stopped", {{"exit_code", Str(exit_code_)}});
    return exit_code_;
  }

 private:
  void WaitForEvents() {
    pollfd p{ready_read_, POLLIN, 0};
    timespec timeout{0, 100 * 1000 * 1000};  // timers (back-off, stop grace) need a tick
    ppoll(&p, 1, &timeout, &wait_mask_);
  }

  void WritePidfile() {
    if (options_.pidfile.empty()) return;
    std::ofstream(options_.pidfile) << getpid() << "\n";
  }

  void Spawn(int slot) {
    pid_t pid =
        SpawnWorker(slot, listen_fd_, ready_write_, ready_read_, config_, factory_, metrics_);
    if (pid < 0) {
      core::LogError(std::string("fork failed: ") + std::strerror(errno));
      slots_[slot].respawn_at = Clock::now() + std::chrono::seconds(1);
      return;
    }
    Slot& s = slots_[slot];
    s.pid = pid;
    s.generation = generation_;
    s.ready = false;
    s.started = Clock::now();
  }

  void DrainReadyPipe() {
    pid_t pid;
    while (read(ready_read_, &pid, sizeof pid) == sizeof pid) {
      for (auto* list : {&slots_, &incoming_, &retired_})
        for (Slot& s : *list)
          if (s.pid == pid) s.ready = true;
    }
  }

  void Reap() {
    g_signals.reap = 0;
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      NoteConfigExit(status);
      if (Remove(retired_, pid)) {
        core::LogInfo("retired worker exited",
                      {{"worker_pid", Str(pid)}, {"how", DescribeExit(status)}});
      } else if (Remove(incoming_, pid)) {
        // A replacement died before taking over: retry this slot shortly.
        core::LogWarn("replacement worker died",
                      {{"worker_pid", Str(pid)}, {"how", DescribeExit(status)}});
        reload_slot_wait_ = Clock::now() + std::chrono::seconds(1);
      } else {
        for (size_t i = 0; i < slots_.size(); ++i)
          if (slots_[i].pid == pid) WorkerDied(static_cast<int>(i), status);
      }
    }
  }

  // A worker that exits with kExitConfig cannot work with this configuration: respawning
  // would loop, so the whole pool stops with that code (systemd then leaves it down).
  void NoteConfigExit(int status) {
    if (!WIFEXITED(status) || WEXITSTATUS(status) != kExitConfig || stopping_) return;
    core::LogError("a worker reported a configuration error; stopping the pool");
    exit_code_ = kExitConfig;
    g_signals.terminate = 1;
  }

  static bool Remove(std::vector<Slot>& list, pid_t pid) {
    auto it = std::find_if(list.begin(), list.end(), [&](const Slot& s) { return s.pid == pid; });
    if (it == list.end()) return false;
    list.erase(it);
    return true;
  }

  void WorkerDied(int slot, int status) {
    Slot& s = slots_[slot];
    auto lived = Clock::now() - s.started;
    bool crashed = !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    core::Log(crashed && !stopping_ ? core::LogLevel::kWarn : core::LogLevel::kInfo,
              "worker exited",
              {{"slot", Str(slot)},
               {"worker_pid", Str(s.pid)},
               {"how", DescribeExit(status)},
               {"after_s", Str(std::chrono::duration_cast<std::chrono::seconds>(lived).count())}});
    s.pid = 0;
    s.ready = false;
    if (stopping_) return;
    metrics_->RecordWorkerRestart();
    // Replaced at once; only a slot that keeps dying right after start waits, doubling each time.
    s.fast_crashes = crashed && lived < kFastCrash ? s.fast_crashes + 1 : 0;
    Clock::duration delay = Clock::duration::zero();
    if (s.fast_crashes > 1) {
      delay = std::min<Clock::duration>(milliseconds(100) * (1 << std::min(s.fast_crashes, 8)),
                                        kMaxBackoff);
      core::LogWarn("worker crash loop: backing off",
                    {{"slot", Str(slot)},
                     {"delay_ms", Str(std::chrono::duration_cast<milliseconds>(delay).count())}});
    }
    s.respawn_at = Clock::now() + delay;
  }

  void RefillSlots() {
    for (size_t i = 0; i < slots_.size(); ++i) {
      Slot& s = slots_[i];
      if (s.pid == 0 && Clock::now() >= s.respawn_at) Spawn(static_cast<int>(i));
    }
  }

  void BeginStop() {
    stopping_ = true;
    sd_notify(0, "STOPPING=1");
    core::LogInfo("stopping: finishing requests in flight");
    kill_at_ = Clock::now() + kStopGrace;
    for (auto* list : {&slots_, &incoming_, &retired_})
      for (Slot& s : *list)
        if (s.pid > 0) kill(s.pid, SIGTERM);
  }

  void KillStragglers() {
    for (auto* list : {&slots_, &incoming_, &retired_})
      for (Slot& s : *list)
        if (s.pid > 0) {
          core::LogWarn("worker did not stop in time: SIGKILL", {{"worker_pid", Str(s.pid)}});
          kill(s.pid, SIGKILL);
        }
    kill_at_ = Clock::now() + std::chrono::seconds(1);
  }

  int LiveWorkers() const {
    int n = 0;
    for (auto* list : {&slots_, &incoming_, &retired_})
      for (const Slot& s : *list) n += s.pid > 0;
    return n;
  }

  void BeginReload() {
    g_signals.reload = 0;
    sd_notify(0, "RELOADING=1");
    try {
      core::Config next = options_.reload();
      core::ValidateForServing(next);  // what a start would refuse, a reload refuses too
      if (next.socket != config_.socket)
        core::LogWarn("TUDUSHKA_SOCKET changed: takes effect on restart, not reload");
      next.socket = config_.socket;
      config_ = std::move(next);
      core::SetLogLevel(config_.log_level);
    } catch (const std::exception& e) {
      core::LogError(std::string("reload: keeping the old configuration: ") + e.what());
    }
    ++generation_;
    // A reload already under way starts over: its replacement was built with the
    // configuration just replaced, and the slot it was meant for may be gone.
    for (const Slot& s : incoming_) Retire(s);
    incoming_.clear();
    reload_slot_ = 0;
    reload_slot_wait_ = {};
    size_t want = static_cast<size_t>(core::EffectiveWorkers(config_));
    // Shrinking: retire the extra slots outright; growing: new slots start empty and fill.
    for (size_t i = want; i < slots_.size(); ++i) Retire(slots_[i]);
    slots_.resize(want);
    core::LogInfo("reloading: replacing workers one by one",
                  {{"workers", Str(static_cast<long>(want))}, {"generation", Str(generation_)}});
    reloading_ = true;
  }

  // One slot at a time: start its replacement, wait until it is accepting, then retire the old one.
  void AdvanceReload() {
    if (!reloading_) return;
    if (!incoming_.empty()) {
      Slot& fresh = incoming_.front();
      if (!fresh.ready) return;
      if (reload_slot_ < slots_.size()) {
        Slot& old = slots_[reload_slot_];
        Retire(old);
        old = fresh;
        ++reload_slot_;
      } else {
        Retire(fresh);  // its slot is gone (BeginReload restarts a reload; this is a safety net)
      }
      incoming_.clear();
    }
    if (Clock::now() < reload_slot_wait_) return;
    while (reload_slot_ < slots_.size() &&
           (slots_[reload_slot_].generation == generation_ || slots_[reload_slot_].pid == 0)) {
      ++reload_slot_;
    }
    if (reload_slot_ >= slots_.size()) {
      reloading_ = false;
      reload_slot_ = 0;
      core::LogInfo("reload complete", {{"generation", Str(generation_)}});
      notified_ready_ = false;  // READY=1 again once all are accepting
      return;
    }
    pid_t pid = SpawnWorker(static_cast<int>(reload_slot_), listen_fd_, ready_write_, ready_read_,
                            config_, factory_, metrics_);
    if (pid < 0) return;
    Slot fresh;
    fresh.pid = pid;
    fresh.generation = generation_;
    fresh.started = Clock::now();
    incoming_.push_back(fresh);
  }

  // Asks a worker to finish and tracks it until it is reaped; a pid already retired is
  // not added twice (LiveWorkers would then never reach 0 and stop would hang).
  void Retire(const Slot& s) {
    if (s.pid <= 0) return;
    if (std::any_of(retired_.begin(), retired_.end(),
                    [&](const Slot& r) { return r.pid == s.pid; }))
      return;
    kill(s.pid, SIGTERM);
    retired_.push_back(s);
  }

  void NotifyReadiness() {
    if (notified_ready_ || reloading_) return;
    for (const Slot& s : slots_)
      if (!s.ready) return;
    notified_ready_ = true;
    std::string status = "STATUS=" + Str(static_cast<long>(slots_.size())) + " workers accepting";
    sd_notify(0, ("READY=1\n" + status).c_str());
    core::LogInfo("pool ready", {{"workers", Str(static_cast<long>(slots_.size()))}});
  }

  core::Config config_;
  const WorkerFactory& factory_;
  const PoolOptions& options_;
  http::Metrics* metrics_ = nullptr;
  int listen_fd_ = -1;
  int ready_read_ = -1;
  int ready_write_ = -1;
  sigset_t wait_mask_;
  std::vector<Slot> slots_;
  std::vector<Slot> incoming_;  // a reload's replacement, not yet accepting
  std::vector<Slot> retired_;   // retired workers still finishing (reaped by pid)
  int generation_ = 0;
  bool reloading_ = false;
  size_t reload_slot_ = 0;
  Clock::time_point reload_slot_wait_{};
  bool stopping_ = false;
  bool notified_ready_ = false;
  Clock::time_point kill_at_{};
  int exit_code_ = 0;
};

}  // namespace

int RunPool(core::Config config, const WorkerFactory& factory, const PoolOptions& options) {
  FCGX_Init();
  Master master(std::move(config), factory, options);
  return master.Run();
}

}  // namespace tudushka::server
