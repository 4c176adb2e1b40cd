// What the app layer can refuse; the api layer maps each to its HTTP status.
#pragma once

#include <map>
#include <stdexcept>
#include <string>

namespace tudushka::app {

// 422: `fields` names each bad field with a short reason.
class Invalid : public std::runtime_error {
 public:
  explicit Invalid(std::map<std::string, std::string> fields)
      : std::runtime_error("validation failed"), fields(std::move(fields)) {}
  Invalid(const std::string& field, const std::string& reason)
      : Invalid(std::map<std::string, std::string>{{field, reason}}) {}
  std::map<std::string, std::string> fields;
};

// 404: missing, or not the caller's (the two are indistinguishable on purpose).
class NotFound : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// 409: the request clashes with existing state.
class Conflict : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// 401: bad credentials.
class Unauthorized : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// 412: If-Match did not match the current representation.
class PreconditionFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace tudushka::app
