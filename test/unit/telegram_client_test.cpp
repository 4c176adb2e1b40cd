// The Bot API client against local sockets: what a failed call says about whether its
// request may have reached the server, and the shutdown grace.
#include "tudushka/telegram/client.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

using namespace tudushka::telegram;
using Clock = std::chrono::steady_clock;

namespace {

// A TCP socket on 127.0.0.1 and an ephemeral port. Listening, it completes connections
// (the kernel's backlog) but never reads or answers: a stalled server.
class LocalSocket {
 public:
  explicit LocalSocket(bool listening) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
        (listening && listen(fd_, 16) != 0))
      throw std::runtime_error("cannot set up a local socket");
    port_ = ntohs(addr.sin_port);
    if (!listening) Close();  // nothing listens there any more: connections are refused
  }
  ~LocalSocket() { Close(); }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  int fd_ = -1;
  int port_ = 0;
};

long Millis(Clock::duration d) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

}  // namespace

class TelegramClientTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(TelegramClientTest);
  CPPUNIT_TEST(refusedConnectionWasNotSent);
  CPPUNIT_TEST(timeoutAfterSendingMayHaveBeenDelivered);
  CPPUNIT_TEST(shutdownGraceCountsOnceForAllCalls);
  CPPUNIT_TEST_SUITE_END();

 public:
  void refusedConnectionWasNotSent() {
    LocalSocket closed(false);
    BotApi api(closed.Url(), "1:x");
    CallResult r = api.Call("sendMessage", "{}", std::chrono::seconds(2));
    CPPUNIT_ASSERT(r.status == CallStatus::kNetwork);
    CPPUNIT_ASSERT_MESSAGE(r.description, !r.request_sent);
  }

  void timeoutAfterSendingMayHaveBeenDelivered() {
    LocalSocket silent(true);
    BotApi api(silent.Url(), "1:x");
    CallResult r = api.Call("sendMessage", "{\"chat_id\":1}", std::chrono::seconds(1));
    CPPUNIT_ASSERT(r.status == CallStatus::kNetwork);
    CPPUNIT_ASSERT_MESSAGE(r.description, r.request_sent);
  }

  // The grace runs from the first time the stop is seen, not from each call's start: after
  // one stalled call used it up, the next one gives up at once.
  void shutdownGraceCountsOnceForAllCalls() {
    LocalSocket silent(true);
    HttpCall call;
    call.SetInterrupt([] { return true; }, std::chrono::milliseconds(300));  // stopping
    auto run = [&](long* ms) {
      auto start = Clock::now();
      call.Prepare(silent.Url() + "/bot1:x/sendMessage", "{}", std::chrono::seconds(10));
      CallResult r = call.Finish(curl_easy_perform(call.handle()));
      *ms = Millis(Clock::now() - start);
      return r.status;
    };
    long first_ms = 0, second_ms = 0;
    CPPUNIT_ASSERT(run(&first_ms) == CallStatus::kNetwork);
    CPPUNIT_ASSERT_MESSAGE(std::to_string(first_ms), first_ms >= 250 && first_ms < 5000);
    CPPUNIT_ASSERT(run(&second_ms) == CallStatus::kNetwork);
    CPPUNIT_ASSERT_MESSAGE(std::to_string(second_ms), second_ms < 250);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TelegramClientTest);
