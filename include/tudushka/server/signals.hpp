// Signal handlers only record what happened (nginx's ngx_signal_handler style);
// the master and worker loops act on the flags.
#pragma once

#include <signal.h>

namespace tudushka::server {

struct SignalFlags {
  volatile sig_atomic_t terminate = 0;  // SIGTERM, SIGINT, SIGQUIT
  volatile sig_atomic_t reload = 0;     // SIGHUP
  volatile sig_atomic_t reap = 0;       // SIGCHLD
};

extern SignalFlags g_signals;

// Master: installs the recording handlers and blocks the signals, so they are
// delivered only inside ppoll with `*wait_mask` (returned: the unblocked mask).
void InstallMasterSignals(sigset_t* wait_mask);

// Worker (right after fork): termination signals set `terminate`, SIGHUP and
// SIGCHLD are ignored, and everything stays blocked except while waiting for a
// connection inside epoll_pwait with `*wait_mask`.
void InstallWorkerSignals(sigset_t* wait_mask);

}  // namespace tudushka::server
