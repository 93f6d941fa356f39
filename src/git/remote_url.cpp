#include "remote_url.hpp"

#include <cctype>

#include <mr/util/redact.hpp>
#include <mr/util/strings.hpp>

namespace mr::git {

namespace {

// git's url_is_local_not_ssh(): no colon, or a slash before the first colon.
bool local_not_ssh(std::string_view url) {
  const auto colon = url.find(':');
  const auto slash = url.find('/');
  return colon == std::string_view::npos || (slash != std::string_view::npos && slash < colon);
}

// "[user@]host[:port]" (host maybe "[v6]") into its parts.
void split_authority(std::string_view authority, RemoteUrl& out, bool strip_password) {
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    auto user = authority.substr(0, at);
    if (strip_password) {
      user = user.substr(0, user.find(':'));
    }
    out.user = std::string(user);
    authority.remove_prefix(at + 1);
  }
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close != std::string_view::npos) {
      out.host = std::string(authority.substr(1, close - 1));
      authority.remove_prefix(close + 1);
      if (!authority.empty() && authority.front() == ':') {
        out.port = std::string(authority.substr(1));
      }
      return;
    }
  }
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos) {
    out.host = std::string(authority.substr(0, colon));
    out.port = std::string(authority.substr(colon + 1));
  } else {
    out.host = std::string(authority);
  }
}

// git's transport_get(): "<transport>::<address>", the name a letter then letters,
// digits, '+', '-' or '.', names a remote helper. Returns the length of the name, or 0.
std::size_t helper_name_length(std::string_view url) {
  std::size_t i = 0;
  while (i < url.size() && (std::isalpha(static_cast<unsigned char>(url[i])) != 0 ||
                            (i > 0 && (std::isdigit(static_cast<unsigned char>(url[i])) != 0 ||
                                       url[i] == '+' || url[i] == '-' || url[i] == '.')))) {
    ++i;
  }
  return i > 0 && url.substr(i, 2) == "::" ? i : 0;
}

} // namespace

std::optional<RemoteUrl> parse_remote_url(std::string_view url) {
  if (url.empty()) {
    return std::nullopt;
  }
  RemoteUrl out;
  out.original = std::string(url);
  if (const auto name = helper_name_length(url); name > 0) {
    out.scheme = RemoteUrl::Scheme::helper;
    out.transport = std::string(url.substr(0, name));
    out.path = std::string(url.substr(name + 2));
    return out;
  }
  if (const auto sep = url.find("://"); sep != std::string_view::npos) {
    const auto scheme = util::ascii_lower(url.substr(0, sep));
    std::string_view rest = url.substr(sep + 3);
    if (scheme == "file") {
      out.scheme = RemoteUrl::Scheme::file;
      out.path = std::string(rest);
      return out;
    }
    if (scheme == "ssh" || scheme == "git+ssh" || scheme == "ssh+git") {
      out.scheme = RemoteUrl::Scheme::ssh;
    } else if (scheme == "git") {
      out.scheme = RemoteUrl::Scheme::git;
    } else if (scheme == "http") {
      out.scheme = RemoteUrl::Scheme::http;
    } else if (scheme == "https") {
      out.scheme = RemoteUrl::Scheme::https;
    } else {
      out.scheme = RemoteUrl::Scheme::other;
    }
    const auto slash = rest.find('/');
    split_authority(rest.substr(0, slash), out, true);
    out.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    return out;
  }
  if (local_not_ssh(url)) {
    out.scheme = RemoteUrl::Scheme::local;
    out.path = std::string(url);
    return out;
  }
  // scp-like: [user@]host:path, the host maybe in brackets ("[host:port]:path").
  out.scheme = RemoteUrl::Scheme::ssh;
  out.scp_like = true;
  std::string_view rest = url;
  if (rest.front() == '[' || (rest.find("@[") != std::string_view::npos)) {
    const auto close = rest.find("]:");
    if (close != std::string_view::npos) {
      std::string_view inside = rest.substr(0, close + 1);
      if (const auto at = inside.find('@'); at != std::string_view::npos && at < inside.find('[')) {
        out.user = std::string(inside.substr(0, at));
        inside.remove_prefix(at + 1);
      }
      split_authority(inside.substr(1, inside.size() - 2), out, false);
      out.path = std::string(rest.substr(close + 2));
      return out;
    }
  }
  const auto colon = rest.find(':');
  std::string_view authority = rest.substr(0, colon);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    out.user = std::string(authority.substr(0, at));
    authority.remove_prefix(at + 1);
  }
  out.host = std::string(authority);
  out.path = std::string(rest.substr(colon + 1));
  return out;
}

std::string RemoteUrl::display() const {
  // git's transport_anonymize_url(): drop everything up to the '@' of the user part.
  std::string url = original;
  const auto at = url.find('@');
  if (!local_not_ssh(url) && at != std::string::npos) {
    const auto sep = url.find("://");
    if (sep == std::string::npos) {
      if (url.find(':', at + 1) != std::string::npos) {
        url = url.substr(at + 1);
      }
    } else {
      bool reasonable = true;
      for (std::size_t i = 0; i < sep; ++i) {
        const char c = url[i];
        reasonable = reasonable && (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' ||
                                    c == '.' || c == '-');
      }
      // git cuts at the first '@'; the last one before the path is where the userinfo
      // ends, so an '@' in the password cannot leave part of it shown.
      const auto first_slash = url.find('/', sep + 3);
      const auto last_at =
          url.rfind('@', first_slash == std::string::npos ? url.npos : first_slash);
      if (reasonable && last_at != std::string::npos && last_at > sep) {
        url = url.substr(0, sep + 3) + url.substr(last_at + 1);
      }
    }
  }
  // builtin/fetch.c: trailing slashes, then one ".git", are not shown.
  auto len = url.size();
  while (len > 0 && url[len - 1] == '/') {
    --len;
  }
  if (const std::string_view shown(url.data(), len); shown.size() > 4 && shown.ends_with(".git")) {
    len -= 4;
  }
  // What anonymising left (a helper's "x::https://u:p@h/r") still shows no password.
  return util::redact_urls(url.substr(0, len));
}

std::string RemoteUrl::ssh_url(const std::string& new_user, const std::string& new_host,
                               const std::string& new_port) const {
  std::string out = "ssh://";
  if (!new_user.empty()) {
    out += new_user + "@";
  }
  out += new_host.find(':') != std::string::npos ? "[" + new_host + "]" : new_host;
  if (!new_port.empty() && new_port != "22") {
    out += ":" + new_port;
  }
  // An scp-like path is relative to the login directory unless it starts with '/'; ssh://
  // paths are absolute, and "/~/" asks for the home directory.
  if (scp_like && (path.empty() || path.front() != '/')) {
    out += "/~/" + path;
  } else {
    out += path;
  }
  return out;
}

} // namespace mr::git
