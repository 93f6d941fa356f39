#include <cstdint>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <mr/util/fd.hpp>

#include "log.hpp"
#include "repository.hpp"

namespace mr::git {

namespace {

constexpr int k_fallback_abbrev = 7;

// Objects in one pack index: the last entry of its fan-out table.
std::uint64_t objects_in_index(const std::string& path) {
  const util::FdGuard fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.open()) {
    return 0;
  }
  unsigned char buf[8 + 256 * 4];
  const auto n = ::read(fd.get(), buf, sizeof buf);
  if (n < 256 * 4) {
    return 0;
  }
  // Version 2+ indexes start with "\377tOc" and a version; version 1 has none.
  const bool v2 = n >= static_cast<ssize_t>(sizeof buf) && buf[0] == 0xff && buf[1] == 't' &&
                  buf[2] == 'O' && buf[3] == 'c';
  const unsigned char* last = buf + (v2 ? 8 : 0) + 255 * 4;
  return (std::uint64_t{last[0]} << 24) | (std::uint64_t{last[1]} << 16) |
         (std::uint64_t{last[2]} << 8) | std::uint64_t{last[3]};
}

// git's "auto" abbreviation length (find_unique_abbrev_r): from the number of packed
// objects, 2^len objects expect a collision at 2^(len/2), 4 bits per hex digit.
int auto_length(git_repository* repo) {
  const std::string pack_dir = std::string(git_repository_commondir(repo)) + "objects/pack";
  std::uint64_t count = 0;
  if (DIR* dir = ::opendir(pack_dir.c_str())) {
    while (const dirent* e = ::readdir(dir)) {
      const std::string name = e->d_name;
      if (name.size() > 4 && name.ends_with(".idx")) {
        count += objects_in_index(pack_dir + "/" + name);
      }
    }
    ::closedir(dir);
  }
  int msb = 0;
  for (auto x = count; x > 1; x >>= 1) {
    ++msb;
  }
  const int len = (msb + 2 + 1) / 2;
  return len < k_fallback_abbrev ? k_fallback_abbrev : len;
}

} // namespace

Abbreviator::Abbreviator(git_repository* repo) : m_repo(repo) {}

std::string Abbreviator::operator()(const git_oid& id) {
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &id);
  if (m_min_length < 0) {
    const Config config(m_repo);
    const auto setting = config.string("core.abbrev");
    if (setting && *setting == "no") {
      m_min_length = GIT_OID_HEXSZ;
    } else if (const auto n = config.integer("core.abbrev"); n && *n >= 4) {
      m_min_length = static_cast<int>(std::min<long long>(*n, GIT_OID_HEXSZ));
    } else {
      m_min_length = auto_length(m_repo);
    }
    git_odb* raw = nullptr;
    if (git_repository_odb(&raw, m_repo) == 0) {
      m_odb.reset(raw);
    }
  }
  if (git_oid_is_zero(&id)) {
    return std::string(static_cast<std::size_t>(m_min_length), '0');
  }
  // Unique among the objects there are; an object that is not in the store itself (a work
  // tree file's blob) must not share the prefix with one that is.
  for (int len = m_min_length; len < GIT_OID_HEXSZ; ++len) {
    git_oid found;
    const int rc = m_odb ? git_odb_exists_prefix(&found, m_odb.get(), &id, static_cast<size_t>(len))
                         : GIT_ENOTFOUND;
    if (rc == GIT_ENOTFOUND || (rc == 0 && git_oid_equal(&found, &id))) {
      return std::string(hex, static_cast<std::size_t>(len));
    }
  }
  return hex;
}

std::string subject_of(const char* raw_message) {
  std::string_view msg = raw_message != nullptr ? raw_message : "";
  const auto next_line = [&msg]() {
    const auto nl = msg.find('\n');
    std::string_view line = msg.substr(0, nl);
    msg = nl == std::string_view::npos ? std::string_view() : msg.substr(nl + 1);
    return line;
  };
  const auto rtrim = [](std::string_view line) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r' ||
                             line.back() == '\n' || line.back() == '\v' || line.back() == '\f')) {
      line.remove_suffix(1);
    }
    return line;
  };
  // Leading blank lines are skipped; the first paragraph is the subject.
  std::string_view line = rtrim(next_line());
  while (line.empty() && !msg.empty()) {
    line = rtrim(next_line());
  }
  std::string subject;
  while (!line.empty()) {
    if (!subject.empty()) {
      subject += ' ';
    }
    subject += line;
    if (msg.empty()) {
      break;
    }
    line = rtrim(next_line());
  }
  return subject;
}

} // namespace mr::git
