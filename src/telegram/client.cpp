#include "tudushka/telegram/client.hpp"

#include <algorithm>
#include <stdexcept>

namespace tudushka::telegram {
namespace {

// Telegram's own 429 answer carries parameters.retry_after; a bare HTTP 429 may not.
int RetryAfter(const rapidjson::Document& doc) {
  if (doc.IsObject() && doc.HasMember("parameters") && doc["parameters"].IsObject()) {
    const auto& p = doc["parameters"];
    if (p.HasMember("retry_after") && p["retry_after"].IsInt())
      return std::max(1, p["retry_after"].GetInt());
  }
  return 1;
}

}  // namespace

const char* ToString(CallStatus status) {
  switch (status) {
    case CallStatus::kOk:
      return "ok";
    case CallStatus::kNetwork:
      return "network";
    case CallStatus::kServer:
      return "server";
    case CallStatus::kRateLimited:
      return "rate_limited";
    case CallStatus::kUnauthorized:
      return "unauthorized";
    case CallStatus::kRejected:
      return "rejected";
  }
  return "unknown";
}

HttpCall::HttpCall()
    : easy_(curl_easy_init(), &curl_easy_cleanup), headers_(nullptr, &curl_slist_free_all) {
  if (!easy_) throw std::runtime_error("curl_easy_init failed");
  headers_.reset(curl_slist_append(nullptr, "Content-Type: application/json"));
  CURL* h = easy_.get();
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS timeouts: we own signals
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers_.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &HttpCall::OnData);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "tudushka-bot/" TUDUSHKA_VERSION);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &HttpCall::OnProgress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, this);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
}

int HttpCall::OnProgress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* call = static_cast<HttpCall*>(self);
  if (!call->interrupt_ || !call->interrupt_()) return 0;
  auto now = std::chrono::steady_clock::now();
  if (!call->interrupted_at_) call->interrupted_at_ = now;
  return now - *call->interrupted_at_ >= call->grace_ ? 1 : 0;
}

size_t HttpCall::OnData(char* data, size_t size, size_t n, void* self) {
  auto* call = static_cast<HttpCall*>(self);
  if (call->response_.size() > (16u << 20)) return 0;  // a runaway body aborts the transfer
  call->response_.append(data, size * n);
  return size * n;
}

void HttpCall::Prepare(const std::string& url, std::string body, std::chrono::seconds timeout) {
  body_ = std::move(body);
  response_.clear();
  if (interrupt_ && !interrupted_at_ && interrupt_())
    interrupted_at_ = std::chrono::steady_clock::now();
  error_[0] = '\0';
  CURL* h = easy_.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body_.c_str());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(body_.size()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(timeout.count()));
}

CallResult HttpCall::Finish(CURLcode code) {
  CallResult r;
  if (code != CURLE_OK) {
    r.status = CallStatus::kNetwork;
    r.description = error_[0] ? error_ : curl_easy_strerror(code);
    // The error code alone cannot tell: CURLE_OPERATION_TIMEDOUT is a connect timeout as
    // well as a lost answer. CURLINFO_REQUEST_SIZE counts the request bytes written in this
    // transfer (0 after a failed resolve, connect or TLS handshake).
    long request_size = 0;
    curl_easy_getinfo(easy_.get(), CURLINFO_REQUEST_SIZE, &request_size);
    r.request_sent = request_size > 0;
    return r;
  }
  curl_easy_getinfo(easy_.get(), CURLINFO_RESPONSE_CODE, &r.http_status);
  r.doc.Parse(response_.data(), response_.size());
  bool shaped =
      !r.doc.HasParseError() && r.doc.IsObject() && r.doc.HasMember("ok") && r.doc["ok"].IsBool();
  if (shaped && r.doc.HasMember("description") && r.doc["description"].IsString())
    r.description = r.doc["description"].GetString();
  int code_in_body = shaped && r.doc.HasMember("error_code") && r.doc["error_code"].IsInt()
                         ? r.doc["error_code"].GetInt()
                         : 0;
  if (r.http_status == 429 || code_in_body == 429) {
    r.status = CallStatus::kRateLimited;
    r.retry_after = shaped ? RetryAfter(r.doc) : 1;
  } else if (r.http_status == 401 || r.http_status == 404 || code_in_body == 401) {
    r.status = CallStatus::kUnauthorized;
  } else if (r.http_status >= 500 || !shaped) {
    r.status = CallStatus::kServer;
    if (r.description.empty()) r.description = "HTTP " + std::to_string(r.http_status);
  } else if (r.doc["ok"].GetBool()) {
    r.status = CallStatus::kOk;
    if (r.doc.HasMember("result")) r.result = &r.doc["result"];
  } else {
    r.status = CallStatus::kRejected;
  }
  return r;
}

BotApi::BotApi(std::string base_url, std::string token)
    : base_url_(std::move(base_url)),
      token_(std::move(token)),
      multi_(curl_multi_init(), &curl_multi_cleanup) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
  if (!multi_) throw std::runtime_error("curl_multi_init failed");
}

BotApi::~BotApi() { AbortPoll(); }

std::string BotApi::Url(const std::string& method) const {
  return base_url_ + "/bot" + token_ + "/" + method;
}

CallResult BotApi::Call(const std::string& method, const std::string& json_body,
                        std::chrono::seconds timeout) {
  sender_.Prepare(Url(method), json_body, timeout);
  return sender_.Finish(curl_easy_perform(sender_.handle()));
}

void BotApi::StartPoll(std::int64_t offset, int timeout_seconds) {
  AbortPoll();
  std::string body = "{\"offset\":" + std::to_string(offset) +
                     ",\"timeout\":" + std::to_string(timeout_seconds) +
                     ",\"allowed_updates\":[\"message\",\"callback_query\"]}";
  // The transfer may take the whole long-poll timeout; give the server 15 s more.
  poller_.Prepare(Url("getUpdates"), std::move(body), std::chrono::seconds(timeout_seconds + 15));
  curl_multi_add_handle(multi_.get(), poller_.handle());
  polling_ = true;
  poll_done_ = false;
}

bool BotApi::WaitPoll(std::chrono::milliseconds wait) {
  if (!polling_) return false;
  if (poll_done_) return true;
  int running = 0;
  curl_multi_perform(multi_.get(), &running);
  if (running > 0) {
    curl_multi_poll(multi_.get(), nullptr, 0, static_cast<int>(wait.count()), nullptr);
    curl_multi_perform(multi_.get(), &running);
  }
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_.get(), &queued)) {
    if (msg->msg == CURLMSG_DONE && msg->easy_handle == poller_.handle()) {
      poll_done_ = true;
      poll_code_ = msg->data.result;
    }
  }
  return poll_done_;
}

CallResult BotApi::TakePoll() {
  curl_multi_remove_handle(multi_.get(), poller_.handle());
  polling_ = false;
  poll_done_ = false;
  return poller_.Finish(poll_code_);
}

void BotApi::AbortPoll() {
  if (!polling_) return;
  curl_multi_remove_handle(multi_.get(), poller_.handle());
  polling_ = false;
  poll_done_ = false;
}

}  // namespace tudushka::telegram
