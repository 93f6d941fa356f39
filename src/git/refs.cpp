#include "refs.hpp"

#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

#include <mr/util/dir_entries.hpp>
#include <mr/util/fd.hpp>
#include <mr/util/strings.hpp>

#include "handles.hpp"

namespace mr::git {

namespace {

// The whole of a small file, or nullopt (errno says why) if it cannot be read. (Not
// util::read_file: this one reads relative to a directory descriptor, and is on every
// status's path, where an error message is not wanted.)
std::optional<std::string> slurp(int dirfd, const char* name) {
  const util::FdGuard fd(::openat(dirfd, name, O_RDONLY | O_CLOEXEC));
  if (!fd.open()) {
    return std::nullopt;
  }
  std::string out;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      return std::nullopt; // errno: the read's (a successful close leaves it alone)
    }
    out.append(buf, static_cast<std::size_t>(n));
    if (static_cast<std::size_t>(n) < sizeof buf) {
      break; // a short read of a regular file is its end: no extra read to learn that
    }
  }
  return out;
}

bool parse_oid(git_oid& out, std::string_view hex) {
  return hex.size() == GIT_OID_HEXSZ && git_oid_fromstrn(&out, hex.data(), hex.size()) == 0;
}

} // namespace

bool RefStore::load_packed() {
  if (m_packed_loaded) {
    return m_packed_ok;
  }
  m_packed_loaded = true;
  const auto text = slurp(m_fd, (m_dir + "packed-refs").c_str());
  if (!text) {
    m_packed_ok = errno == ENOENT;
    return m_packed_ok;
  }
  // "<hex> <name>" lines; "^<hex>" peels the tag above it; "#" starts the header.
  std::string_view rest = *text;
  while (!rest.empty()) {
    const auto nl = rest.find('\n');
    const auto line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    if (line.empty() || line.front() == '#' || line.front() == '^') {
      continue;
    }
    const auto space = line.find(' ');
    git_oid id{};
    if (space == std::string_view::npos || !parse_oid(id, line.substr(0, space))) {
      return m_packed_ok = false;
    }
    const auto name = line.substr(space + 1);
    m_packed_stash = m_packed_stash || name == "refs/stash";
    if (is_branch_ref(name) || is_remote_ref(name)) {
      m_packed.emplace(std::string(name), id);
    }
  }
  return m_packed_ok = true;
}

// A loose ref file: "<hex>\n" or "ref: <name>\n". nullopt with errno ENOENT when absent.
std::optional<RefStore::Value> RefStore::loose(const std::string& name) {
  auto text = slurp(m_fd, (m_dir + name).c_str());
  if (!text) {
    return std::nullopt;
  }
  std::string_view t = *text;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) {
    t.remove_suffix(1);
  }
  Value v;
  if (util::consume_prefix(t, "ref:")) {
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) {
      t.remove_prefix(1);
    }
    v.symbolic = std::string(t);
    if (!v.symbolic.empty()) {
      return v;
    }
  } else if (parse_oid(v.id, t)) {
    return v;
  }
  errno = EINVAL;
  return std::nullopt;
}

std::optional<git_oid> RefStore::resolve(const std::string& name) {
  std::string current = name;
  for (int hops = 0; hops < 5; ++hops) {
    if (auto v = loose(current)) {
      if (v->symbolic.empty()) {
        return v->id;
      }
      current = v->symbolic;
      continue;
    }
    if (errno != ENOENT && errno != ENOTDIR) {
      return std::nullopt;
    }
    if (!load_packed()) {
      return std::nullopt;
    }
    const auto packed = m_packed.find(current);
    if (packed == m_packed.end()) {
      return std::nullopt;
    }
    return packed->second;
  }
  return std::nullopt; // a loop of symbolic refs
}

std::optional<bool> RefStore::has_stash() {
  struct stat st {};
  if (::fstatat(m_fd, (m_dir + "refs/stash").c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    return true;
  }
  if (errno != ENOENT || !load_packed()) {
    return std::nullopt;
  }
  return m_packed_stash;
}

std::optional<std::vector<std::pair<std::string, git_oid>>> RefStore::under(std::string_view top) {
  struct stat st {};
  if (::fstatat(m_fd, (m_dir + "reftable").c_str(), &st, 0) == 0 || !load_packed()) {
    return std::nullopt; // not the files backend, or a packed-refs we do not understand
  }
  std::map<std::string, git_oid> found;
  for (const auto& [name, id] : m_packed) {
    if (name.starts_with(top)) {
      found.emplace(name, id);
    }
  }
  // Loose refs below the prefix, recursively; they win over packed ones.
  std::vector<std::string> pending = {std::string(top)};
  while (!pending.empty()) {
    const std::string prefix = std::move(pending.back());
    pending.pop_back();
    const util::FdGuard dir(
        ::openat(m_fd, (m_dir + prefix).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir.open()) {
      if (errno == ENOENT && prefix == top) {
        continue;
      }
      return std::nullopt;
    }
    bool ok = true;
    const int error =
        util::for_each_entry(dir.get(), [&](std::string_view entry, unsigned char type) {
          if (entry.ends_with(".lock")) {
            return true; // a ref being written: git ignores it too
          }
          const std::string name = prefix + std::string(entry);
          if (type == DT_UNKNOWN || type == DT_LNK) {
            if (::fstatat(m_fd, (m_dir + name).c_str(), &st, 0) != 0) {
              return ok = false;
            }
            type = S_ISDIR(st.st_mode) ? DT_DIR : (S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN);
          }
          if (type == DT_DIR) {
            pending.push_back(name + "/");
          } else if (type == DT_REG) {
            const auto id = resolve(name);
            if (!id) {
              return ok = false; // broken, or symbolic to something we cannot place: libgit2 judges
            }
            found[name] = *id;
          }
          return true;
        });
    if (!ok || error != 0) {
      return std::nullopt;
    }
  }
  return std::vector<std::pair<std::string, git_oid>>(found.begin(), found.end());
}

std::optional<std::string> upstream_ref(git_repository* repo, const std::string& branch) {
  git_config* raw = nullptr;
  if (git_repository_config(&raw, repo) != 0) { // a snapshot already (read_status)
    return std::nullopt;
  }
  const ConfigPtr cfg(raw);
  return upstream_ref(cfg.get(), branch);
}

std::optional<std::string> upstream_ref(git_config* cfg, const std::string& branch) {
  const auto get = [&](const std::string& key) -> std::optional<std::string> {
    Buf value;
    if (git_config_get_string_buf(&value.buf, cfg, key.c_str()) != 0) {
      return std::nullopt;
    }
    return value.str();
  };
  const auto remote = get("branch." + branch + ".remote");
  const auto merge = get("branch." + branch + ".merge");
  if (!remote || !merge) {
    return std::nullopt;
  }
  if (*remote == ".") {
    return merge; // a local branch as upstream
  }
  struct Search {
    const std::string* merge;
    std::optional<std::string> found;
  } search{&*merge, std::nullopt};
  const std::string key = "remote." + *remote + ".fetch";
  git_config_get_multivar_foreach(
      cfg, key.c_str(), nullptr,
      [](const git_config_entry* entry, void* payload) {
        auto* s = static_cast<Search*>(payload);
        git_refspec* spec_raw = nullptr;
        if (s->found || git_refspec_parse(&spec_raw, entry->value, 1) != 0) {
          return 0;
        }
        const RefspecPtr spec(spec_raw);
        if (git_refspec_src_matches(spec.get(), s->merge->c_str()) != 0) {
          Buf out;
          if (git_refspec_transform(&out.buf, spec.get(), s->merge->c_str()) == 0) {
            s->found = out.str();
          }
        }
        return 0;
      },
      &search);
  return search.found;
}

} // namespace mr::git
