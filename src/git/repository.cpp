#include "repository.hpp"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <git2/sys/repository.h>

#include <mr/util/strings.hpp>

#include "shared_config.hpp"

namespace mr::git {

namespace {

bool is_ownership_error(int rc) {
  const git_error* e = git_error_last();
  if (rc == GIT_EOWNER) {
    return true;
  }
  // libgit2 1.5.1 reports a missing safe.directory as "config value 'safe.directory' was
  // not found" (GIT_ENOTFOUND, class config): the same refusal (libgit2 #6427).
  return rc == GIT_ENOTFOUND && e != nullptr && e->klass == GIT_ERROR_CONFIG &&
         e->message != nullptr && std::strstr(e->message, "safe.directory") != nullptr;
}

std::string owned_by_another(unsigned uid, const std::filesystem::path& path) {
  return "repository owned by another user (uid " + std::to_string(uid) +
         "); if you trust it: git config --global --add safe.directory " + path.string();
}

// Why libgit2 could not open the directory at `path` (owned by `uid`), as the user can act
// on it.
std::string open_error_text(int rc, const std::filesystem::path& path, unsigned uid) {
  if (is_ownership_error(rc)) {
    return owned_by_another(uid, path);
  }
  const git_error* e = git_error_last();
  if (rc == GIT_ENOTFOUND && e != nullptr && e->klass == GIT_ERROR_REPOSITORY) {
    // libgit2 cannot tell a directory it may not look into from one without .git.
    if (::access(path.c_str(), R_OK | X_OK) != 0) {
      return "cannot read " + path.string() + ": " + util::errno_text(errno);
    }
    return "not a git repository";
  }
  return last_error(rc);
}

// The owners git checks: the work tree (`workdir_uid`), the .git file if there is one,
// and the git directory.
std::vector<unsigned> repository_owners(git_repository* repo, const std::filesystem::path& path,
                                        unsigned workdir_uid) {
  const std::string dotgit = path / ".git";
  const std::string gitdir = git_repository_path(repo);
  struct stat dot {};
  const bool has_dot = ::lstat(dotgit.c_str(), &dot) == 0;
  std::vector<unsigned> owners = {workdir_uid};
  if (has_dot) {
    owners.push_back(dot.st_uid);
  }
  if (!has_dot || !S_ISDIR(dot.st_mode) || dotgit + "/" != gitdir) {
    struct stat g {};
    if (::lstat(gitdir.c_str(), &g) == 0) {
      owners.push_back(g.st_uid);
    }
  }
  return owners;
}

// libgit2's own ownership check is off under the shared config (it would read the user's
// config again), so git's rule is applied here, safe.directory = * included: the first
// owner safe.directory does not allow, or nullopt.
std::optional<unsigned> foreign_owner(git_repository* repo, const std::filesystem::path& path,
                                      unsigned workdir_uid) {
  const char* top = git_repository_workdir(repo); // none for a bare repository
  const std::string workdir = top != nullptr ? top : git_repository_path(repo);
  for (const unsigned uid : repository_owners(repo, path, workdir_uid)) {
    // git compares safe.directory with the physical path; the path as registered also
    // counts, as it is what the user sees and copies into the config.
    if (!owner_allowed(uid, path.string()) && !owner_allowed(uid, workdir)) {
      return uid;
    }
  }
  return std::nullopt;
}

// libgit2 re-stats the repository's config file on every lookup to notice edits; a task
// that only reads takes one snapshot instead (the shared levels are immutable anyway).
Result<void> install_repository_config(git_repository* repo, OpenOptions options) {
  git_config* cfg_raw = nullptr;
  const int crc = options.read_only_config ? git_repository_config_snapshot(&cfg_raw, repo)
                                           : git_repository_config(&cfg_raw, repo);
  if (crc != 0) {
    return fail(last_error(crc));
  }
  ConfigPtr cfg(cfg_raw);
  if (shared_config_active()) {
    if (const int arc = add_shared_config(cfg.get()); arc != 0) {
      return fail(last_error(arc));
    }
  }
  // Also makes libgit2 forget values it cached from the configuration before.
  git_repository_set_config(repo, cfg.get());
  return {};
}

} // namespace

Result<RepoPtr> open_repository(const std::filesystem::path& path, OpenOptions options) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return fail(util::errno_text(errno));
  }
  if (!S_ISDIR(st.st_mode)) {
    return fail("not a directory");
  }
  git_repository* raw = nullptr;
  const int rc =
      git_repository_open_ext(&raw, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  if (rc != 0) {
    return fail(open_error_text(rc, path, st.st_uid));
  }
  RepoPtr repo(raw);
  if (git_repository_is_bare(repo.get()) && !options.allow_bare) {
    return fail("a bare repository (mr manages repositories with a work tree)");
  }
  if (shared_config_active()) {
    if (const auto uid = foreign_owner(repo.get(), path, st.st_uid)) {
      return fail(owned_by_another(*uid, path));
    }
  }
  MR_TRY(install_repository_config(repo.get(), options));
  return repo;
}

Config::Config(git_repository* repo) {
  git_config* raw = nullptr;
  // A repository opened with read_only_config already holds a snapshot: share it rather
  // than copy every entry again.
  if (git_repository_config(&raw, repo) == 0) {
    m_snapshot.reset(raw);
  }
}

std::optional<std::string> Config::string(const char* name) const {
  Buf value;
  if (!m_snapshot || git_config_get_string_buf(&value.buf, m_snapshot.get(), name) != 0) {
    return std::nullopt;
  }
  return value.str();
}

std::optional<bool> Config::boolean(const char* name) const {
  int value = 0;
  if (!m_snapshot || git_config_get_bool(&value, m_snapshot.get(), name) != 0) {
    return std::nullopt;
  }
  return value != 0;
}

std::optional<long long> Config::integer(const char* name) const {
  int64_t value = 0;
  if (!m_snapshot || git_config_get_int64(&value, m_snapshot.get(), name) != 0) {
    return std::nullopt;
  }
  return static_cast<long long>(value);
}

} // namespace mr::git
