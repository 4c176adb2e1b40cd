// The master's process table (nginx's ngx_processes): fixed slots, a worker is
// respawned into the slot it died in. Private to the server module.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <vector>

#include "tudushka/core/config.hpp"
#include "tudushka/server/pool.hpp"

namespace tudushka::server {

using Clock = std::chrono::steady_clock;

struct Slot {
  pid_t pid = 0;       // 0: empty
  int generation = 0;  // config generation it was started with
  bool ready = false;  // reported it is accepting
  Clock::time_point started;
  int fast_crashes = 0;            // consecutive deaths soon after start
  Clock::time_point respawn_at{};  // when an empty slot may be refilled
};

struct Child {
  pid_t pid;
  int slot;
};

// Forks one worker. In the child: installs worker signals, closes the master's
// end of the ready pipe, builds the app, reports ready, serves until told to stop,
// then _exit()s. Returns the child's pid in the parent (or -1).
pid_t SpawnWorker(int slot, int listen_fd, int ready_fd_write, int ready_fd_read,
                  const core::Config& config, const WorkerFactory& factory, http::Metrics* metrics);

// The worker's accept loop (runs in the child).
int WorkerLoop(int listen_fd, WorkerApp& app, long max_requests);

}  // namespace tudushka::server
