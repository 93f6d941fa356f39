#include <algorithm>
#include <memory>
#include <string_view>
#include <vector>

#include <git2.h>

#include <mr/git/worktree.hpp>

#include "error.hpp"
#include "handles.hpp"
#include "refs.hpp"
#include "repository.hpp"

namespace mr::git {

namespace {

std::optional<std::string> config_string(git_config* cfg, const std::string& name) {
  Buf value;
  if (git_config_get_string_buf(&value.buf, cfg, name.c_str()) != 0) {
    return std::nullopt;
  }
  return std::string(value.buf.ptr, value.buf.size);
}

// The remote of the branch HEAD points at, if it has one configured.
std::optional<std::string> current_branch_remote(git_repository* repo) {
  git_reference* raw = nullptr;
  // An unborn branch or detached HEAD simply has no branch remote.
  if (git_repository_head(&raw, repo) != 0) {
    return std::nullopt;
  }
  RefPtr head(raw);
  if (!git_reference_is_branch(head.get())) {
    return std::nullopt;
  }
  Buf remote;
  if (git_branch_upstream_remote(&remote.buf, repo, git_reference_name(head.get())) != 0) {
    return std::nullopt;
  }
  return std::string(remote.buf.ptr, remote.buf.size);
}

// Names of the remotes that have a url. Not git_remote_list(): in libgit2 1.5.1 its regex
// config match leaks pcre2 match data (found by LeakSanitizer).
std::vector<std::string> remote_names(git_config* cfg) {
  std::vector<std::string> names;
  git_config_iterator* raw = nullptr;
  if (git_config_iterator_new(&raw, cfg) != 0) {
    return names;
  }
  const ConfigIteratorPtr it(raw);
  git_config_entry* entry = nullptr;
  while (git_config_next(&entry, it.get()) == 0) {
    const std::string_view key(entry->name);
    constexpr std::string_view prefix = "remote.";
    constexpr std::string_view suffix = ".url";
    if (key.size() > prefix.size() + suffix.size() && key.starts_with(prefix) &&
        key.ends_with(suffix)) {
      std::string name(key.substr(prefix.size(), key.size() - prefix.size() - suffix.size()));
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        names.push_back(std::move(name));
      }
    }
  }
  return names;
}

// The url register records, and the remote it came from: the current branch's remote
// (branch.NAME.remote), else "origin", else the only remote.
void take_url(git_repository* repo, git_config* cfg, RegisterInfo& info) {
  std::optional<std::string> name = current_branch_remote(repo);
  if (!name && config_string(cfg, "remote.origin.url")) {
    name = "origin";
  }
  if (!name) {
    if (const auto remotes = remote_names(cfg); remotes.size() == 1) {
      name = remotes.front();
    }
  }
  if (name) {
    info.url = config_string(cfg, "remote." + *name + ".url");
    if (info.url) {
      info.remote = name;
    }
  }
}

// The branch HEAD names, born or not; none when HEAD is detached.
std::optional<std::string> current_branch(git_repository* repo) {
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo, "HEAD") != 0) {
    return std::nullopt;
  }
  const RefPtr head(raw);
  if (git_reference_type(head.get()) != GIT_REFERENCE_SYMBOLIC) {
    return std::nullopt;
  }
  const std::string target = git_reference_symbolic_target(head.get());
  if (!is_branch_ref(target)) {
    return std::nullopt;
  }
  // An unborn branch (no commit yet: a new or empty bare repository) is not recorded: a
  // checkout elsewhere could not find it.
  git_reference* branch_raw = nullptr;
  if (git_reference_lookup(&branch_raw, repo, target.c_str()) != 0) {
    return std::nullopt;
  }
  const RefPtr branch(branch_raw);
  git_object* commit_raw = nullptr;
  if (git_reference_peel(&commit_raw, branch.get(), GIT_OBJECT_COMMIT) != 0) {
    return std::nullopt;
  }
  const ObjectPtr commit(commit_raw);
  return branch_name(target);
}

} // namespace

Result<RegisterInfo> inspect_for_register(const std::filesystem::path& dir) {
  git_repository* raw = nullptr;
  if (const int rc = git_repository_open_ext(&raw, dir.c_str(), 0, nullptr); rc != 0) {
    if (rc == GIT_ENOTFOUND && git_error_last() != nullptr &&
        git_error_last()->klass == GIT_ERROR_REPOSITORY) {
      return fail(dir.string() + ": not inside a git repository");
    }
    return fail(dir.string() + ": cannot open repository: " + last_error(rc));
  }
  RepoPtr repo(raw);
  if (git_repository_is_bare(repo.get())) {
    return fail(dir.string() + ": is a bare repository; mr manages repositories with a work tree");
  }
  RegisterInfo info;
  info.top = std::filesystem::path(git_repository_workdir(repo.get())).lexically_normal();
  if (!info.top.has_filename()) {
    info.top = info.top.parent_path();
  }

  git_config* raw_cfg = nullptr;
  if (const int rc = git_repository_config_snapshot(&raw_cfg, repo.get()); rc != 0) {
    return fail(info.top.string() + ": cannot read git config: " + last_error(rc));
  }
  ConfigPtr cfg(raw_cfg);
  take_url(repo.get(), cfg.get(), info);
  return info;
}

Result<RegisterInfo> inspect_found(const std::filesystem::path& path, bool bare) {
  MR_TRY_VAR(repo, open_repository(path, {.read_only_config = true, .allow_bare = bare}));
  git_config* raw_cfg = nullptr;
  if (const int rc = git_repository_config_snapshot(&raw_cfg, repo->get()); rc != 0) {
    return fail("cannot read git config: " + last_error(rc));
  }
  const ConfigPtr cfg(raw_cfg);
  RegisterInfo info;
  info.top = path;
  take_url(repo->get(), cfg.get(), info);
  info.branch = current_branch(repo->get());
  return info;
}

} // namespace mr::git
