#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include <mr/render/json.hpp>
#include <mr/util/quote.hpp>

namespace mr::render {

std::string json_quote(std::string_view s) {
  return util::quote_string(s);
}

namespace {

std::string unquoted(std::string_view s) {
  const std::string quoted = json_quote(s);
  return quoted.substr(1, quoted.size() - 2);
}

// Where the last, possibly incomplete, UTF-8 sequence of `s` starts if it is cut short;
// s.size() when `s` ends on a sequence boundary.
std::size_t incomplete_tail(std::string_view s) {
  for (std::size_t back = 1; back <= 3 && back <= s.size(); ++back) {
    const auto c = static_cast<unsigned char>(s[s.size() - back]);
    if ((c & 0xC0) == 0x80) {
      continue; // a continuation byte: look further back for its lead
    }
    const std::size_t needed = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return needed > back ? s.size() - back : s.size();
  }
  return s.size();
}

} // namespace

std::string JsonStringStream::feed(std::string_view piece) {
  m_carry.append(piece);
  const std::size_t cut = incomplete_tail(m_carry);
  std::string out = unquoted(std::string_view(m_carry).substr(0, cut));
  m_carry.erase(0, cut);
  return out;
}

std::string JsonStringStream::finish() {
  std::string out = unquoted(m_carry);
  m_carry.clear();
  return out;
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
  fmt::format_to(std::back_inserter(m_body), "{}", value);
  return *this;
}

JsonObject& JsonObject::add(std::string_view k, std::size_t value) {
  key(k);
  fmt::format_to(std::back_inserter(m_body), "{}", value);
  return *this;
}

JsonObject& JsonObject::add(std::string_view k, double value) {
  key(k);
  if (!std::isfinite(value)) {
    m_body += "null";
  } else if (value == std::floor(value) && std::fabs(value) < 1e15) {
    fmt::format_to(std::back_inserter(m_body), "{}", static_cast<long long>(value));
  } else {
    fmt::format_to(std::back_inserter(m_body), "{:.17g}", value);
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
