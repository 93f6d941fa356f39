#include <cerrno>
#include <cstdlib>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <mr/util/paths.hpp>
#include <mr/util/strings.hpp>

namespace mr::util {

fs::path home_dir() {
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return fs::path(home);
  }
  if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_dir != nullptr) {
    return fs::path(pw->pw_dir);
  }
  return {};
}

fs::path expand_user(std::string_view p, const fs::path& home) {
  if (p == "~") {
    return home;
  }
  if (p.size() >= 2 && p[0] == '~' && p[1] == '/') {
    return home / fs::path(p.substr(2));
  }
  return fs::path(p);
}

fs::path absolute_normal(const fs::path& p, const fs::path& base) {
  fs::path joined = p.is_absolute() ? p : base / p;
  fs::path normal = joined.lexically_normal();
  // lexically_normal keeps a trailing separator as an empty last element ("/a/b/").
  if (!normal.has_filename() && normal.has_parent_path() && normal != normal.root_path()) {
    normal = normal.parent_path();
  }
  return normal;
}

std::optional<std::size_t> depth_below(const fs::path& p, const fs::path& dir) {
  auto pi = p.begin();
  for (auto di = dir.begin(); di != dir.end(); ++di) {
    if (di->empty()) {
      continue; // "/" has an empty trailing element on some inputs
    }
    if (pi == p.end() || *pi != *di) {
      return std::nullopt;
    }
    ++pi;
  }
  std::size_t depth = 0;
  for (; pi != p.end(); ++pi) {
    if (!pi->empty()) {
      ++depth;
    }
  }
  return depth;
}

fs::path physical(const fs::path& abs) {
  std::error_code ec;
  fs::path resolved = fs::weakly_canonical(abs, ec);
  if (ec) {
    return abs;
  }
  return absolute_normal(resolved, "/");
}

namespace {

bool same_directory(const fs::path& a, const fs::path& b) {
  struct stat sa {};
  struct stat sb {};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

} // namespace

Result<Place> current_place() {
  std::vector<char> buf(4096);
  while (::getcwd(buf.data(), buf.size()) == nullptr) {
    if (errno != ERANGE) {
      return fail("cannot determine the current directory: " + errno_text(errno));
    }
    buf.resize(buf.size() * 2);
  }
  Place place;
  place.physical = absolute_normal(fs::path(buf.data()), "/");
  place.logical = place.physical;
  if (const char* pwd = std::getenv("PWD"); pwd != nullptr && pwd[0] == '/') {
    fs::path logical = absolute_normal(fs::path(pwd), "/");
    if (same_directory(logical, place.physical)) {
      place.logical = logical;
    }
  }
  return place;
}

Result<Place> place_of(const fs::path& dir, const Place& cwd) {
  Place place;
  place.logical = absolute_normal(dir, cwd.logical);
  struct stat st {};
  if (::stat(place.logical.c_str(), &st) != 0) {
    return fail(place.logical.string() + ": " + errno_text(errno));
  }
  if (!S_ISDIR(st.st_mode)) {
    return fail(place.logical.string() + ": not a directory");
  }
  place.physical = physical(place.logical);
  return place;
}

} // namespace mr::util
