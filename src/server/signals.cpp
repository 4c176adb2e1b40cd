#include "tudushka/server/signals.hpp"

#include <cerrno>
#include <cstring>
#include <initializer_list>

namespace tudushka::server {

SignalFlags g_signals;

namespace {

void OnSignal(int sig) {
  int saved = errno;
  switch (sig) {
    case SIGTERM:
    case SIGINT:
    case SIGQUIT:
      g_signals.terminate = 1;
      break;
    case SIGHUP:
      g_signals.reload = 1;
      break;
    case SIGCHLD:
      g_signals.reap = 1;
      break;
  }
  errno = saved;
}

void Handle(int sig, void (*handler)(int)) {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: waits must return EINTR
  sigaction(sig, &sa, nullptr);
}

void BlockAll(sigset_t* wait_mask) {
  sigset_t block;
  sigemptyset(&block);
  for (int sig : {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGCHLD}) sigaddset(&block, sig);
  sigprocmask(SIG_BLOCK, &block, wait_mask);
  for (int sig : {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGCHLD}) sigdelset(wait_mask, sig);
}

}  // namespace

void InstallMasterSignals(sigset_t* wait_mask) {
  BlockAll(wait_mask);
  for (int sig : {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGCHLD}) Handle(sig, OnSignal);
  Handle(SIGPIPE, SIG_IGN);
}

void InstallWorkerSignals(sigset_t* wait_mask) {
  g_signals = SignalFlags{};
  BlockAll(wait_mask);
  for (int sig : {SIGTERM, SIGINT, SIGQUIT}) Handle(sig, OnSignal);
  Handle(SIGHUP, SIG_IGN);
  Handle(SIGCHLD, SIG_DFL);
  Handle(SIGPIPE, SIG_IGN);
}

}  // namespace tudushka::server
