#include <algorithm>
#include <cctype>

#include <mr/util/redact.hpp>

namespace mr::util {

namespace {

bool scheme_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '.' || c == '-';
}

// Where the authority that starts at `from` ends: at the path, query or fragment, or, in
// free text, at a space or a quote around the URL. A control character does not end it: a
// URL never holds one unencoded, so one there is part of a password written with it
// ("https://kim:SEKRET\nk@host/r"), which must be covered up to its '@'.
std::size_t authority_end(std::string_view text, std::size_t from, bool free_text) {
  for (std::size_t i = from; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '/' || c == '?' || c == '#') {
      return i;
    }
    if (free_text && (c == ' ' || c == '\'' || c == '"' || c == '`' || c == '<' || c == '>')) {
      return i;
    }
  }
  return text.size();
}

// Appends text[copied, end) to `out` with the password of the authority text[start, end)
// replaced by "***"; the userinfo runs to the last '@', so an unencoded '@' in a password
// is covered too. Returns where the copy has got to.
std::size_t redact_authority(std::string_view text, std::size_t copied, std::size_t start,
                             std::size_t end, std::string& out) {
  const auto authority = text.substr(start, end - start);
  const auto at = authority.rfind('@');
  if (at == std::string_view::npos) {
    return copied;
  }
  const auto colon = authority.substr(0, at).find(':');
  if (colon == std::string_view::npos || colon + 1 == at) {
    return copied; // a user without a password, or an empty one: nothing secret
  }
  out.append(text.substr(copied, start + colon + 1 - copied));
  out += "***";
  return start + at;
}

std::string redact_in(std::string_view text, bool free_text) {
  std::string out;
  out.reserve(text.size());
  std::size_t copied = 0;
  for (auto sep = text.find("://"); sep != std::string_view::npos;
       sep = text.find("://", sep + 3)) {
    // A scheme ("https", "git+ssh") must come right before "://".
    if (sep == 0 || !scheme_char(text[sep - 1])) {
      continue;
    }
    const std::size_t start = sep + 3;
    if (start < copied) {
      continue;
    }
    copied = redact_authority(text, copied, start, authority_end(text, start, free_text), out);
  }
  out.append(text.substr(copied));
  return out;
}

} // namespace

std::string redact_urls(std::string_view text) {
  return redact_in(text, true);
}

std::string redact_url(std::string_view url) {
  // The whole string is the URL: only its path ends the authority, so a space in a password
  // is covered as well.
  return redact_in(url, false);
}

std::string printable_line(std::string_view text, std::size_t max) {
  static constexpr std::string_view k_truncated = " (truncated)";
  const bool cut = text.size() > max;
  std::size_t keep = std::min(text.size(), max);
  // Never half a UTF-8 character: back up over continuation bytes.
  while (cut && keep > 0 && (static_cast<unsigned char>(text[keep]) & 0xC0) == 0x80) {
    --keep;
  }
  std::string out;
  out.reserve(keep + (cut ? k_truncated.size() : 0));
  for (const char c : text.substr(0, keep)) {
    const auto u = static_cast<unsigned char>(c);
    out += u < 0x20 || u == 0x7f ? ' ' : c;
  }
  if (cut) {
    out += k_truncated;
  }
  return out;
}

} // namespace mr::util
