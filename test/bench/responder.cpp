// bench-responder: the FastCGI ceiling for scripts/bench.
//
// A prefork libfcgi responder shaped like tudushka-api (a master opens one socket and forks
// TUDUSHKA_WORKERS children that accept on it, one request at a time), but with no router,
// no database and no JSON: every request gets the same bytes, read once from a file. What
// nginx + libfcgi can do with such a pool is the most the real API can hope for.
//
//   bench-responder BODY_FILE [SOCKET]
//
// SOCKET is a unix socket path (or host:port); it defaults to $TUDUSHKA_SOCKET. The socket is
// made mode $TUDUSHKA_SOCKET_MODE (octal, default 0666: nginx workers may run as nobody).
// SIGTERM or SIGINT stops the children, removes the socket and exits 0.
#include <fcgiapp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace {

volatile sig_atomic_t g_terminate = 0;
volatile sig_atomic_t g_reap = 0;

// Handlers only record; the master loop acts.
void OnSignal(int sig) {
  if (sig == SIGCHLD) {
    g_reap = 1;
  } else {
    g_terminate = 1;
  }
}

bool ReadFile(const char* path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

int WorkerCount() {
  if (const char* env = std::getenv("TUDUSHKA_WORKERS"); env != nullptr && *env != '\0') {
    char* end = nullptr;
    long n = std::strtol(env, &end, 10);
    if (*end == '\0' && n > 0 && n <= 1024) return static_cast<int>(n);
    std::fprintf(stderr, "bench-responder: bad TUDUSHKA_WORKERS=%s\n", env);
    std::exit(2);
  }
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  return cores > 0 ? static_cast<int>(2 * cores) : 2;
}

// The child: accept, answer the canned response, repeat. Never returns.
[[noreturn]] void Serve(int listen_fd, const std::string& response) {
  // Die with the master even if it is SIGKILLed.
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  FCGX_Request request;
  if (FCGX_InitRequest(&request, listen_fd, 0) != 0) _exit(1);
  const int length = static_cast<int>(response.size());
  while (FCGX_Accept_r(&request) >= 0) {
    FCGX_PutStr(response.data(), length, request.out);
    // Closes as the API's workers do (src/server/worker.cpp): at once when the input was read
    // to its end, so the ceiling does not pay for a wait the API no longer makes.
    if (FCGX_GetChar(request.in) == EOF) FCGX_Detach(&request);
    FCGX_Finish_r(&request);
  }
  _exit(0);
}

pid_t Spawn(int listen_fd, const std::string& response, const sigset_t& old_mask) {
  pid_t pid = fork();
  if (pid == 0) {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGTERM, &dfl, nullptr);
    sigaction(SIGINT, &dfl, nullptr);
    sigaction(SIGCHLD, &dfl, nullptr);
    sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    if (getppid() == 1) _exit(0);  // the master died before prctl could take effect
    Serve(listen_fd, response);
  }
  return pid;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s BODY_FILE [SOCKET]  (SOCKET defaults to $TUDUSHKA_SOCKET)\n",
                 argv[0]);
    return 2;
  }
  std::string body;
  if (!ReadFile(argv[1], &body)) {
    std::fprintf(stderr, "bench-responder: cannot read %s: %s\n", argv[1], std::strerror(errno));
    return 1;
  }
  const char* socket_path = argc == 3 ? argv[2] : std::getenv("TUDUSHKA_SOCKET");
  if (socket_path == nullptr || *socket_path == '\0') {
    std::fprintf(stderr, "bench-responder: no socket (argument or TUDUSHKA_SOCKET)\n");
    return 2;
  }
  const bool is_unix = std::strchr(socket_path, ':') == nullptr;
  mode_t mode = 0666;
  if (const char* env = std::getenv("TUDUSHKA_SOCKET_MODE"); env != nullptr && *env != '\0') {
    mode = static_cast<mode_t>(std::strtol(env, nullptr, 8));
  }
  const int workers = WorkerCount();

  std::ostringstream head;
  head << "Status: 200 OK\r\nContent-Type: application/json\r\nContent-Length: " << body.size()
       << "\r\n\r\n";
  const std::string response = head.str() + body;

  if (FCGX_Init() != 0) {
    std::fprintf(stderr, "bench-responder: FCGX_Init failed\n");
    return 1;
  }
  if (is_unix) unlink(socket_path);  // a stale socket from a killed run
  const int listen_fd = FCGX_OpenSocket(socket_path, 1024);
  if (listen_fd < 0) {
    std::fprintf(stderr, "bench-responder: cannot listen on %s\n", socket_path);
    return 1;
  }
  if (is_unix && chmod(socket_path, mode) != 0) {
    std::fprintf(stderr, "bench-responder: chmod %s: %s\n", socket_path, std::strerror(errno));
    return 1;
  }

  // Block the signals we wait for, so none is lost between a check and sigsuspend().
  sigset_t block, old_mask;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGCHLD);
  sigprocmask(SIG_BLOCK, &block, &old_mask);
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGCHLD, &sa, nullptr);

  std::vector<pid_t> slots(static_cast<size_t>(workers), 0);
  for (auto& pid : slots) {
    pid = Spawn(listen_fd, response, old_mask);
    if (pid < 0) {
      std::fprintf(stderr, "bench-responder: fork: %s\n", std::strerror(errno));
      g_terminate = 1;
      break;
    }
  }
  std::fprintf(stderr, "bench-responder: %d workers on %s, %zu-byte body\n", workers, socket_path,
               body.size());

  sigset_t wait_mask = old_mask;
  sigdelset(&wait_mask, SIGTERM);
  sigdelset(&wait_mask, SIGINT);
  sigdelset(&wait_mask, SIGCHLD);
  int respawns = 0;
  while (!g_terminate) {
    sigsuspend(&wait_mask);
    if (!g_reap) continue;
    g_reap = 0;
    int status = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      for (auto& slot : slots) {
        if (slot != pid) continue;
        slot = 0;
        if (g_terminate) break;
        std::fprintf(stderr, "bench-responder: worker %d exited (status %d), respawning\n",
                     static_cast<int>(pid), status);
        if (++respawns > 100) {  // a crash loop: a ceiling that crashes is no ceiling
          std::fprintf(stderr, "bench-responder: too many respawns, giving up\n");
          g_terminate = 1;
          break;
        }
        slot = Spawn(listen_fd, response, old_mask);
      }
    }
  }

  for (pid_t pid : slots) {
    if (pid > 0) kill(pid, SIGTERM);
  }
  // Reap them all; children block in accept() and die at once on SIGTERM, but bound the wait.
  for (int i = 0; i < 50; ++i) {
    bool alive = false;
    for (auto& pid : slots) {
      if (pid > 0 && waitpid(pid, nullptr, WNOHANG) == 0) {
        alive = true;
      } else {
        pid = 0;
      }
    }
    if (!alive) break;
    usleep(20000);
  }
  for (pid_t pid : slots) {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
  close(listen_fd);
  if (is_unix) unlink(socket_path);
  return 0;
}
