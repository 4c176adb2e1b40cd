#include <sys/epoll.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <vector>

#include "children.hpp"
#include "tudushka/core/log.hpp"
#include "tudushka/server/signals.hpp"

namespace tudushka::server {

pid_t SpawnWorker(int slot, int listen_fd, int ready_fd_write, int ready_fd_read,
                  const core::Config& config, const WorkerFactory& factory,
                  http::Metrics* metrics) {
  pid_t parent = getpid();
  pid_t pid = fork();  // signals are blocked in the master, so none run in the child early
  if (pid != 0) return pid;

  sigset_t wait_mask;
  InstallWorkerSignals(&wait_mask);
  prctl(PR_SET_PDEATHSIG, SIGTERM);  // a master killed with -9 takes its workers along
  if (getppid() != parent) _exit(0);
  close(ready_fd_read);

  int code = 0;
  try {
    std::unique_ptr<WorkerApp> app = factory(config, metrics);
    pid_t me = getpid();
    if (write(ready_fd_write, &me, sizeof me) != sizeof me) _exit(1);
    core::LogInfo("worker started", {{"slot", std::to_string(slot)}});
    code = WorkerLoop(listen_fd, *app, config.max_requests);
  } catch (const core::ConfigError& e) {
    core::LogError(e.what(), {{"slot", std::to_string(slot)}});
    code = kExitConfig;
  } catch (const std::exception& e) {
    core::LogError(std::string("worker failed: ") + e.what(), {{"slot", std::to_string(slot)}});
    code = 1;
  }
  std::fflush(nullptr);
  _exit(code);
}

int WorkerLoop(int listen_fd, WorkerApp& app, long max_requests) {
  sigset_t wait_mask;
  sigprocmask(SIG_BLOCK, nullptr, &wait_mask);
  for (int sig : {SIGTERM, SIGINT, SIGQUIT}) sigdelset(&wait_mask, sig);

  // EPOLLEXCLUSIVE wakes one waiting worker per connection instead of the herd;
  // epoll_pwait unblocks SIGTERM only while idle, so a request in flight always finishes.
  int ep = epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLEXCLUSIVE;
  ev.data.fd = listen_fd;
  if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, listen_fd, &ev) != 0) {
    core::LogError(std::string("epoll setup failed: ") + std::strerror(errno));
    return 1;
  }

  // Requests the app answers together: the first one, then those it takes with `more`.
  std::vector<FCGX_Request> requests(kMaxTogether);
  for (auto& r : requests) FCGX_InitRequest(&r, listen_fd, 0);
  std::size_t taken = 0;
  AcceptMore more = [&]() -> FCGX_Request* {
    if (taken == requests.size() || g_signals.terminate) return nullptr;
    int rc = FCGX_Accept_r(&requests[taken]);
    if (rc < 0) {
      // The socket is non-blocking: none is waiting (or another worker won it).
      if (rc != -EAGAIN && rc != -EWOULDBLOCK && rc != -EINTR)
        core::LogWarn(std::string("accept failed: ") + std::strerror(-rc));
      return nullptr;
    }
    return &requests[taken++];
  };
  long served = 0;
  while (!g_signals.terminate) {
    epoll_event got;
    int n = epoll_pwait(ep, &got, 1, app.IdleMillis(), &wait_mask);
    if (n == 0 && !g_signals.terminate) app.Idle();
    if (n <= 0) continue;  // EINTR: the loop condition sees the flag
    taken = 0;
    FCGX_Request* first = more();
    if (!first) continue;
    app.Serve(*first, more);
    for (std::size_t i = 0; i < taken; ++i) {
      // libfcgi ends a connection by shutting down its side and reading until nginx closes
      // the other, lest unread input reset it (over TCP) and lose the answer. When the input
      // is at its end (the record that ends it came with the params or the body the app
      // read), none is left: close at once instead of waiting for nginx. An unread body
      // keeps the drain.
      if (FCGX_GetChar(requests[i].in) == EOF) FCGX_Detach(&requests[i]);
      FCGX_Finish_r(&requests[i]);
    }
    served += static_cast<long>(taken);
    if (max_requests > 0 && served >= max_requests) {
      core::LogInfo("worker recycling", {{"requests", std::to_string(served)}});
      break;
    }
  }
  for (auto& r : requests) FCGX_Free(&r, 1);
  close(ep);
  return 0;
}

}  // namespace tudushka::server
