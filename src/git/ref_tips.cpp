#include "ref_tips.hpp"

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <sys/stat.h>
#include <unistd.h>

namespace mr::git {

namespace {

// A ref's value: an object id, or the name of the ref it points to.
struct Value {
  git_oid id{};
  std::string symbolic;
};

using Refs = std::map<std::string, Value>;

// The whole of a small file, or nullopt if it cannot be read.
std::optional<std::string> slurp(int dirfd, const char* name) {
  const int fd = ::openat(dirfd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return std::nullopt;
  }
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) {
      break;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

bool parse_oid(git_oid& out, std::string_view hex) {
  return hex.size() == GIT_OID_HEXSZ && git_oid_fromstrn(&out, hex.data(), hex.size()) == 0;
}

// "<hex>\n" or "ref: <name>\n", as git writes loose refs.
bool parse_loose(Value& out, std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  if (text.rfind("ref:", 0) == 0) {
    text.remove_prefix(4);
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
      text.remove_prefix(1);
    }
    out.symbolic = std::string(text);
    return !out.symbolic.empty();
  }
  return parse_oid(out.id, text);
}

// Loose refs below `dirfd` (named `prefix`), recursively. False on anything unexpected.
bool read_loose(int dirfd, const std::string& prefix, Refs& refs) {
  DIR* dir = ::fdopendir(dirfd);
  if (dir == nullptr) {
    ::close(dirfd);
    return false;
  }
  bool ok = true;
  while (const dirent* e = ::readdir(dir)) {
    const std::string_view name = e->d_name;
    if (name == "." || name == ".." || name.ends_with(".lock")) {
      continue; // a .lock file is a ref being written: git ignores it too
    }
    unsigned char type = e->d_type;
    if (type == DT_UNKNOWN || type == DT_LNK) {
      struct stat st {};
      if (::fstatat(::dirfd(dir), e->d_name, &st, 0) != 0) {
        ok = false;
        break;
      }
      type = S_ISDIR(st.st_mode) ? DT_DIR : (S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN);
    }
    if (type == DT_DIR) {
      const int sub = ::openat(::dirfd(dir), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (sub < 0 || !read_loose(sub, prefix + e->d_name + "/", refs)) {
        ok = false;
        break;
      }
    } else if (type == DT_REG) {
      const auto text = slurp(::dirfd(dir), e->d_name);
      Value v;
      if (!text || !parse_loose(v, *text)) {
        ok = false;
        break;
      }
      refs[prefix + e->d_name] = std::move(v); // loose wins over packed
    }
  }
  ::closedir(dir);
  return ok;
}

// packed-refs: "<hex> <name>" lines; "^<hex>" peels the tag above; "#" comments.
bool read_packed(const std::string& common_dir, Refs& refs) {
  const auto text = slurp(AT_FDCWD, (common_dir + "packed-refs").c_str());
  if (!text) {
    return errno == ENOENT;
  }
  std::string_view rest = *text;
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    const auto line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    if (line.empty() || line.front() == '#' || line.front() == '^') {
      continue;
    }
    const auto space = line.find(' ');
    Value v;
    if (space == std::string_view::npos || !parse_oid(v.id, line.substr(0, space))) {
      return false;
    }
    const std::string name(line.substr(space + 1));
    if (name.rfind("refs/heads/", 0) == 0 || name.rfind("refs/remotes/", 0) == 0) {
      refs.emplace(name, v); // a loose ref of the same name, read later, replaces it
    }
  }
  return true;
}

bool read_dir(const std::string& common_dir, const char* sub, Refs& refs) {
  const int fd = ::open((common_dir + sub).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return errno == ENOENT;
  }
  return read_loose(fd, sub, refs);
}

} // namespace

std::optional<RefTips> read_ref_tips(const std::string& common_dir) {
  struct stat st {};
  if (::stat((common_dir + "reftable").c_str(), &st) == 0) {
    return std::nullopt; // not the files backend
  }
  Refs refs;
  if (!read_packed(common_dir, refs) || !read_dir(common_dir, "refs/heads/", refs) ||
      !read_dir(common_dir, "refs/remotes/", refs)) {
    return std::nullopt;
  }
  RefTips tips;
  for (const auto& [name, value] : refs) {
    const bool branch = name.rfind("refs/heads/", 0) == 0;
    const Value* v = &value;
    for (int hops = 0; v != nullptr && !v->symbolic.empty(); ++hops) {
      const auto target = refs.find(v->symbolic);
      v = target == refs.end() || hops == 5 ? nullptr : &target->second;
    }
    if (v == nullptr) {
      if (branch) {
        return std::nullopt; // a branch we cannot place: let libgit2 judge
      }
      continue; // a dangling remote HEAD (its branch was pruned) points nowhere
    }
    (branch ? tips.branches : tips.remotes).push_back(v->id);
  }
  return tips;
}

} // namespace mr::git
