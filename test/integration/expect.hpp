// Checks shared by the suites. Each returns "" when the response is as expected, else a
// sentence saying what is wrong; the IT_ASSERT_* macros turn that into a CppUnit failure
// that also prints the whole exchange.
#pragma once

#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

#include "http_client.hpp"

namespace tudushka::itest {

// The one error shape: status, {"error":{"code","message",...},"request_id"} as JSON.
inline std::string CheckError(const Response& r, long status, const std::string& code) {
  std::string problems;
  if (r.status != status)
    problems += "status " + std::to_string(r.status) + " != " + std::to_string(status) + "; ";
  if (r.Header("Content-Type").find("application/json") == std::string::npos) {
    problems += "Content-Type is '" + r.Header("Content-Type") + "', not application/json; ";
  }
  if (!r.is_json || !r.json.IsObject()) return problems + "body is not a JSON object; ";
  auto error = r.json.FindMember("error");
  if (error == r.json.MemberEnd() || !error->value.IsObject()) {
    return problems + "no \"error\" object; ";
  }
  if (r.ErrorCode() != code) problems += "error.code '" + r.ErrorCode() + "' != '" + code + "'; ";
  auto message = error->value.FindMember("message");
  if (message == error->value.MemberEnd() || !message->value.IsString() ||
      message->value.GetStringLength() == 0) {
    problems += "error.message missing or empty; ";
  }
  auto id = r.json.FindMember("request_id");
  if (id == r.json.MemberEnd() || !id->value.IsString() || id->value.GetStringLength() == 0) {
    problems += "request_id missing or empty; ";
  }
  return problems;
}

// A 422 whose error.fields names every one of `fields`.
inline std::string CheckFields(const Response& r, const std::vector<std::string>& fields) {
  std::string problems = CheckError(r, 422, "validation_failed");
  if (!r.is_json || !r.json.IsObject()) return problems;
  auto error = r.json.FindMember("error");
  if (error == r.json.MemberEnd() || !error->value.IsObject()) return problems;
  auto f = error->value.FindMember("fields");
  if (f == error->value.MemberEnd() || !f->value.IsObject()) {
    return problems + "error.fields missing or not an object; ";
  }
  for (const auto& name : fields) {
    if (!f->value.HasMember(name.c_str())) problems += "error.fields lacks '" + name + "'; ";
  }
  return problems;
}

}  // namespace tudushka::itest

// Each macro evaluates `resp` exactly once (it is often a Call(...) expression).
#define IT_ASSERT_ERROR(resp, status, code)                                             \
  do {                                                                                  \
    const ::tudushka::itest::Response& it_r_ = (resp);                                  \
    std::string it_problem_ = ::tudushka::itest::CheckError(it_r_, (status), (code));   \
    CPPUNIT_ASSERT_MESSAGE(it_problem_ + "\n" + it_r_.Describe(), it_problem_.empty()); \
  } while (0)

#define IT_ASSERT_FIELDS(resp, ...)                                                     \
  do {                                                                                  \
    const ::tudushka::itest::Response& it_r_ = (resp);                                  \
    std::string it_problem_ = ::tudushka::itest::CheckFields(it_r_, {__VA_ARGS__});     \
    CPPUNIT_ASSERT_MESSAGE(it_problem_ + "\n" + it_r_.Describe(), it_problem_.empty()); \
  } while (0)

#define IT_ASSERT_STATUS(resp, expected)                                                       \
  do {                                                                                         \
    const ::tudushka::itest::Response& it_r_ = (resp);                                         \
    CPPUNIT_ASSERT_EQUAL_MESSAGE(it_r_.Describe(), static_cast<long>(expected), it_r_.status); \
  } while (0)

// `cond` is evaluated separately: pass a named Response, not a Call(...).
#define IT_ASSERT_MSG(resp, cond) CPPUNIT_ASSERT_MESSAGE((resp).Describe(), (cond))
