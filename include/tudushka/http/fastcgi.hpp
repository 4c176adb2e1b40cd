// libfcgi glue: a FastCGI request in, an http::Request out; a Response back.
#pragma once

#include <fcgiapp.h>

#include <cstddef>

#include "tudushka/http/http.hpp"

namespace tudushka::http {

// Reads params and body. A body over `body_limit` is not read: the request
// comes back with `body_too_large` set so the caller can answer 413.
Request ReadRequest(FCGX_Request& fcgi, std::size_t body_limit, bool& body_too_large);

// Writes status line, headers and body (the body is skipped for HEAD).
void WriteResponse(FCGX_Request& fcgi, const Request& request, const Response& response);

}  // namespace tudushka::http
