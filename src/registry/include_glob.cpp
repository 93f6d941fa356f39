#include "include_glob.hpp"

#include <algorithm>
#include <dirent.h>
#include <fnmatch.h>
#include <optional>
#include <sys/stat.h>

#include <climits>

namespace mr::registry {

namespace {

std::vector<std::string> components(std::string_view pattern) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= pattern.size()) {
    const auto end = std::min(pattern.find('/', start), pattern.size());
    if (end > start) {
      parts.emplace_back(pattern.substr(start, end - start));
    }
    start = end + 1;
  }
  return parts;
}

std::string unescape(std::string_view part) {
  std::string out;
  for (std::size_t i = 0; i < part.size(); ++i) {
    if (part[i] == '\\' && i + 1 < part.size()) {
      ++i;
    }
    out += part[i];
  }
  return out;
}

std::string join(const std::string& dir, std::string_view name) {
  std::string out = dir;
  if (out.empty() || out.back() != '/') {
    out += '/';
  }
  out += name;
  return out;
}

class Expander {
public:
  Expander(std::vector<std::string> parts, const GlobLimits& limits)
      : m_parts(std::move(parts)), m_limits(limits) {}

  tl::expected<std::vector<std::filesystem::path>, GlobFailure> run(const std::string& start) {
    walk(start, 0);
    if (m_failure) {
      return tl::unexpected(*m_failure);
    }
    std::sort(m_matches.begin(), m_matches.end());
    return std::vector<std::filesystem::path>(m_matches.begin(), m_matches.end());
  }

private:
  // Counts one entry read or path looked up; false once a limit or an interrupt ends it.
  bool visit() {
    if (m_failure) {
      return false;
    }
    if (++m_visits > m_limits.max_visits) {
      m_failure = GlobFailure{GlobFailure::Kind::too_many_visits};
    } else if (m_limits.stop.stop_requested()) {
      m_failure = GlobFailure{GlobFailure::Kind::interrupted};
    }
    return !m_failure;
  }

  void add(std::string path) {
    m_matches.push_back(std::move(path));
    if (m_matches.size() > m_limits.max_matches) {
      m_failure = GlobFailure{GlobFailure::Kind::too_many_matches};
    }
  }

  // Matches components i... of the pattern below `path`, which exists as a directory (or
  // is a literal prefix that may not exist: then nothing below it matches).
  void walk(const std::string& path, std::size_t i) {
    // Deeper than the kernel could open: nothing there can match (and the recursion
    // depth stays bounded whatever the pattern's length).
    if (m_failure || path.size() >= static_cast<std::size_t>(PATH_MAX)) {
      return;
    }
    const bool last = i + 1 == m_parts.size();
    const std::string& part = m_parts[i];
    if (!has_glob_magic(part)) {
      const auto next = join(path, unescape(part));
      if (!last) {
        walk(next, i + 1);
        return;
      }
      struct stat st {};
      if (visit() && ::lstat(next.c_str(), &st) == 0) {
        add(next);
      }
      return;
    }
    for (const auto& name : matching_names(path, part)) {
      const auto next = join(path, name);
      if (last) {
        add(next);
      } else if (struct stat st{};
                 visit() && ::stat(next.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        walk(next, i + 1);
      }
      if (m_failure) {
        return;
      }
    }
  }

  // The names in `dir` that `part` matches, sorted; every entry read counts as a visit.
  std::vector<std::string> matching_names(const std::string& dir, const std::string& part) {
    std::vector<std::string> names;
    if (!visit()) {
      return names;
    }
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) {
      return names;
    }
    while (const dirent* entry = ::readdir(d)) {
      if (!visit()) {
        break;
      }
      const std::string_view name = entry->d_name;
      if (name == "." || name == "..") {
        continue;
      }
      if (::fnmatch(part.c_str(), entry->d_name, FNM_PERIOD) == 0) {
        names.emplace_back(name);
      }
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
  }

  std::vector<std::string> m_parts;
  const GlobLimits& m_limits;
  std::vector<std::string> m_matches;
  std::size_t m_visits = 0;
  std::optional<GlobFailure> m_failure;
};

} // namespace

bool has_glob_magic(std::string_view s) {
  return s.find_first_of("*?[") != std::string_view::npos;
}

tl::expected<std::vector<std::filesystem::path>, GlobFailure>
expand_include_glob(const std::filesystem::path& base, std::string_view pattern,
                    const GlobLimits& limits) {
  auto parts = components(pattern);
  if (parts.empty()) {
    return std::vector<std::filesystem::path>{};
  }
  const std::string start = !pattern.empty() && pattern.front() == '/' ? "/" : base.string();
  return Expander(std::move(parts), limits).run(start);
}

} // namespace mr::registry
