#include <cerrno>
#include <cstdlib>
#include <deque>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <mr/util/paths.hpp>
#include <mr/util/strings.hpp>

#include "path_walk.hpp"

namespace mr::util {

const Account& current_account() {
  static const Account account = [] {
    Account out;
    passwd pw{};
    passwd* found = nullptr;
    std::vector<char> buf(16384);
    if (::getpwuid_r(::geteuid(), &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr) {
      out.name = found->pw_name != nullptr ? found->pw_name : "";
      out.home = found->pw_dir != nullptr ? found->pw_dir : "";
    }
    return out;
  }();
  return account;
}

fs::path home_dir() {
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return fs::path(home);
  }
  return fs::path(current_account().home);
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
  // lexically_normal keeps "//" as it is (POSIX leaves a leading "//" to the system; Linux
  // reads it as "/"), and a trailing separator as an empty last element ("/a/b/").
  if (normal.native().find_first_not_of('/') == std::string::npos && !normal.empty()) {
    return fs::path("/");
  }
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

fs::path physical_location(const fs::path& abs) {
  if (!abs.has_relative_path()) {
    return abs;
  }
  return physical(abs.parent_path()) / abs.filename();
}

namespace {

// As the kernel's limit on symlinks followed in one path walk (MAXSYMLINKS).
constexpr int k_max_symlinks = 40;

Result<std::string> read_link(const fs::path& link, std::size_t size_hint) {
  std::string target(size_hint + 1, '\0');
  for (;;) {
    const ssize_t n = ::readlink(link.c_str(), target.data(), target.size());
    if (n < 0) {
      return fail(link.string() + ": " + errno_text(errno));
    }
    if (static_cast<std::size_t>(n) < target.size()) {
      target.resize(static_cast<std::size_t>(n));
      return target;
    }
    target.resize(target.size() * 2); // the link changed since lstat
  }
}

void push_front_components(std::deque<std::string>& todo, const fs::path& p) {
  std::vector<std::string> parts;
  for (const auto& part : p.relative_path()) {
    parts.push_back(part.string());
  }
  todo.insert(todo.begin(), parts.begin(), parts.end());
}

} // namespace

Result<void> walk_path(WalkState& state, const fs::path& rest, const fs::path& abs) {
  std::deque<std::string> todo;
  push_front_components(todo, rest);
  while (!todo.empty()) {
    const std::string part = std::move(todo.front());
    todo.pop_front();
    if (part.empty() || part == ".") {
      continue;
    }
    if (part == "..") {
      state.done = state.done.parent_path(); // no symlink in `done`: what the kernel does
      state.missing -= state.missing > 0 ? 1 : 0;
      continue;
    }
    fs::path next = state.done / part;
    struct stat st {};
    if (state.missing > 0) {
      ++state.missing;
    } else if (::lstat(next.c_str(), &st) != 0) {
      if (errno != ENOENT && errno != ENOTDIR) {
        return fail(next.string() + ": " + errno_text(errno));
      }
      state.missing = 1;
    } else if (S_ISLNK(st.st_mode)) {
      if (++state.links > k_max_symlinks) {
        return fail(abs.string() + ": " + errno_text(ELOOP));
      }
      MR_TRY_VAR(target, read_link(next, static_cast<std::size_t>(st.st_size)));
      const fs::path t(*target);
      if (t.is_absolute()) {
        state.done = "/";
      }
      push_front_components(todo, t);
      continue;
    }
    state.done = std::move(next);
  }
  return {};
}

Result<fs::path> resolve_path(const fs::path& abs) {
  WalkState state;
  MR_TRY(walk_path(state, abs, abs));
  return std::move(state.done);
}

Result<fs::path> resolve_within(const fs::path& abs, const fs::path& dir) {
  auto resolved = resolve_path(abs);
  if (!resolved) {
    return resolved;
  }
  if (!depth_below(*resolved, dir)) {
    return fail("resolves to " + resolved->string() + ", outside " + dir.string());
  }
  return resolved;
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
