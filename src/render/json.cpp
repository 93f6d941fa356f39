#include <cmath>
#include <cstdio>

#include <mr/render/json.hpp>
#include <mr/util/quote.hpp>

namespace mr::render {

std::string json_quote(std::string_view s) {
  return util::quote_string(s);
}

void JsonObject::key(std::string_view k) {
  if (!m_body.empty()) {
    m_body += ',';
  }
  m_body += json_quote(k);
  m_body += ':';
}

JsonObject& JsonObject::add(std::string_view k, std::string_view value) {
  key(k);
  m_body += json_quote(value);
  return *this;
}

JsonObject& JsonObject::add(std::string_view k, std::int64_t value) {
  key(k);
  m_body += std::to_string(value);
  return *this;
}

JsonObject& JsonObject::add(std::string_view k, std::size_t value) {
  key(k);
  m_body += std::to_string(value);
  return *this;
}

JsonObject& JsonObject::add(std::string_view k, double value) {
  key(k);
  if (!std::isfinite(value)) {
    m_body += "null";
  } else if (value == std::floor(value) && std::fabs(value) < 1e15) {
    m_body += std::to_string(static_cast<long long>(value));
  } else {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", value);
    m_body += buf;
  }
  return *this;
}

JsonObject& JsonObject::add(std::string_view k, bool value) {
  key(k);
  m_body += value ? "true" : "false";
  return *this;
}

JsonObject& JsonObject::add(std::string_view k, const std::vector<std::string>& values) {
  key(k);
  m_body += '[';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) {
      m_body += ',';
    }
    m_body += json_quote(values[i]);
  }
  m_body += ']';
  return *this;
}

JsonObject& JsonObject::add_null(std::string_view k) {
  key(k);
  m_body += "null";
  return *this;
}

JsonObject& JsonObject::add_raw(std::string_view k, std::string_view json) {
  key(k);
  m_body += json;
  return *this;
}

JsonObject& JsonObject::append(const JsonObject& other) {
  if (!other.m_body.empty()) {
    if (!m_body.empty()) {
      m_body += ',';
    }
    m_body += other.m_body;
  }
  return *this;
}

} // namespace mr::render
