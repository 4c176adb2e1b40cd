// The prefork FastCGI pool: a master that opens the socket, forks workers,
// supervises them and never serves a request itself (nginx/PHP-FPM style).
//
//   SIGTERM/SIGINT  stop accepting, finish requests in flight, exit 0
//                   (stragglers get SIGKILL after kStopGrace)
//   SIGHUP          re-read the configuration and replace workers one by one,
//                   each new worker ready before an old one is retired
//   worker death    respawn into the same slot at once; back-off when a slot
//                   crashes again right after starting
#pragma once

#include <fcgiapp.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "tudushka/core/config.hpp"
#include "tudushka/http/metrics.hpp"

namespace tudushka::server {

// Exit code meaning "configuration error: do not restart me" (EX_CONFIG); the
// master stops the pool with it, and systemd's RestartPreventExitStatus honours it.
constexpr int kExitConfig = 78;
constexpr auto kStopGrace = std::chrono::seconds(8);

// The most requests a worker holds at once (see WorkerApp::Serve).
constexpr int kMaxTogether = 16;

// Accepts one more request if one is already waiting, without blocking; nullptr when none
// is, or when the worker already holds kMaxTogether.
using AcceptMore = std::function<FCGX_Request*()>;

// What a worker runs: built in the child after fork, then fed requests.
class WorkerApp {
 public:
  virtual ~WorkerApp() = default;
  // Answers an accepted request, and every request it takes with `more` to answer
  // together with it (it must write each whole response).
  virtual void Serve(FCGX_Request& request, const AcceptMore& more) = 0;
  // Called while no request comes, IdleMillis() after the last call or request
  // (housekeeping; must not throw).
  virtual void Idle() {}
  virtual int IdleMillis() const { return 1000; }
};

using WorkerFactory =
    std::function<std::unique_ptr<WorkerApp>(const core::Config& config, http::Metrics* metrics)>;

struct PoolOptions {
  std::string pidfile;  // written by the master when set
  std::function<core::Config()> reload = core::LoadConfig;
};

// Runs the master until it is told to stop; returns the process exit code.
int RunPool(core::Config config, const WorkerFactory& factory, const PoolOptions& options);

}  // namespace tudushka::server
