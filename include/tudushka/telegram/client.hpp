// Telegram Bot API client over libcurl: blocking calls for replies, and one long poll
// (getUpdates) driven through a curl multi handle so the caller can keep working
// (signals, watchdog, reminders) while it waits.
#pragma once

#include <curl/curl.h>
#include <rapidjson/document.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace tudushka::telegram {

// What a Bot API call came back as, sorted by what the caller must do about it.
enum class CallStatus {
  kOk,            // ok:true; `result` holds the "result" member
  kNetwork,       // no HTTP answer (refused, timeout, reset): see request_sent
  kServer,        // 5xx or a body that is not Telegram's JSON shape: retry with back-off
  kRateLimited,   // 429: wait `retry_after` seconds
  kUnauthorized,  // 401/404: the token is wrong; retrying will not help
  kRejected,      // any other ok:false (400 chat not found, message not modified, ...)
};

struct CallResult {
  CallStatus status = CallStatus::kNetwork;
  long http_status = 0;
  int retry_after = 0;                       // seconds, for kRateLimited (at least 1)
  std::string description;                   // Telegram's description or the curl error
  rapidjson::Document doc;                   // the whole parsed body when it was JSON
  const rapidjson::Value* result = nullptr;  // doc["result"] for kOk
  // Whether the request may have reached the server. false only for a kNetwork failure
  // before any byte of it was written (name resolution, connect or TLS handshake failed):
  // a retry then cannot deliver it twice.
  bool request_sent = true;
};

const char* ToString(CallStatus status);

// One reusable easy handle (keeps its connection alive between calls).
class HttpCall {
 public:
  HttpCall();
  HttpCall(const HttpCall&) = delete;
  HttpCall& operator=(const HttpCall&) = delete;

  // Sets up a JSON POST to `url`; the body is copied. `timeout` bounds the whole transfer.
  void Prepare(const std::string& url, std::string body, std::chrono::seconds timeout);
  CURL* handle() const { return easy_.get(); }
  // Turns the finished transfer into a CallResult.
  CallResult Finish(CURLcode code);
  // Checked about once a second during a transfer: once `interrupt` has returned true,
  // calls are aborted (as kNetwork) `grace` after the first time it was seen true, however
  // many calls that spans, so stalled calls cannot hold up a shutdown.
  void SetInterrupt(std::function<bool()> interrupt, std::chrono::milliseconds grace) {
    interrupt_ = std::move(interrupt);
    grace_ = grace;
    interrupted_at_.reset();
  }

 private:
  static size_t OnData(char* data, size_t size, size_t n, void* self);
  static int OnProgress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t);

  std::unique_ptr<CURL, void (*)(CURL*)> easy_;
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers_;
  std::string body_;
  std::string response_;
  char error_[CURL_ERROR_SIZE] = {};
  std::function<bool()> interrupt_;
  std::chrono::milliseconds grace_{0};
  std::optional<std::chrono::steady_clock::time_point> interrupted_at_;
};

class BotApi {
 public:
  // `base_url` like "https://api.telegram.org" (no trailing slash needed).
  BotApi(std::string base_url, std::string token);
  BotApi(const BotApi&) = delete;
  BotApi& operator=(const BotApi&) = delete;
  ~BotApi();

  // Blocking calls give up ~2 s after `interrupt` is first seen true, counted once for all
  // of them (shutdown with a stalled server).
  void SetInterrupt(const std::function<bool()>& interrupt) {
    sender_.SetInterrupt(interrupt, std::chrono::seconds(2));
  }

  // A blocking call: POST <base>/bot<token>/<method> with a JSON body.
  CallResult Call(const std::string& method, const std::string& json_body,
                  std::chrono::seconds timeout = std::chrono::seconds(30));

  // Starts getUpdates(offset, timeout) in the background. Only one at a time.
  void StartPoll(std::int64_t offset, int timeout_seconds);
  // Waits up to `wait` for the poll; true when it finished (then TakePoll() has the answer).
  bool WaitPoll(std::chrono::milliseconds wait);
  CallResult TakePoll();
  // Drops a poll in flight (shutdown); safe when none is running.
  void AbortPoll();
  bool Polling() const { return polling_; }

 private:
  std::string Url(const std::string& method) const;

  std::string base_url_;
  std::string token_;
  HttpCall sender_;
  HttpCall poller_;
  std::unique_ptr<CURLM, CURLMcode (*)(CURLM*)> multi_;
  bool polling_ = false;
  bool poll_done_ = false;
  CURLcode poll_code_ = CURLE_OK;
};

}  // namespace tudushka::telegram
