#include "status_fast.hpp"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

#include <mr/util/dir_entries.hpp>
#include <mr/util/fd.hpp>

#include "clean_worktree.hpp"
#include "commit_tree.hpp"
#include "handles.hpp"
#include "index_file.hpp"
#include "index_tree.hpp"
#include "refs.hpp"
#include "repository.hpp"
#include "shared_config.hpp"
#include "status_settings.hpp"

namespace mr::git {

namespace {

// A doubt: the reason is kept for -v, and the caller asks libgit2.
using Doubt = FastPathDoubt;

// Names in .git that mean an operation in progress (git_repository_state's files), an
// interrupted mr update, or a layout the fast path does not read (a linked worktree's
// commondir, a reftable).
constexpr std::string_view k_doubtful_names[] = {
    "MERGE_HEAD",   "CHERRY_PICK_HEAD", "REVERT_HEAD", "BISECT_LOG", "rebase-merge",
    "rebase-apply", "sequencer",        "mr-update",   "commondir",  "reftable"};

// The names in the git directory (one listing instead of a stat per file asked about).
std::optional<std::set<std::string>> names_in(int dir_fd) {
  const util::FdGuard fd(::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  std::set<std::string> names;
  if (!fd.open() || util::for_each_entry(fd.get(), [&](std::string_view name, unsigned char) {
                      names.emplace(name);
                      return true;
                    }) != 0) {
    return std::nullopt;
  }
  return names;
}

// A small file below `dir_fd`, whole; nullopt when it cannot be read or is not small.
std::optional<std::string> small_file(int dir_fd, const char* name) {
  const util::FdGuard fd(::openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.open()) {
    return std::nullopt;
  }
  char buf[512];
  const ssize_t n = ::read(fd.get(), buf, sizeof buf);
  if (n <= 0 || static_cast<std::size_t>(n) == sizeof buf) {
    return std::nullopt;
  }
  return std::string(buf, static_cast<std::size_t>(n));
}

// The repository's own configuration file with the shared user and system levels. An
// includeIf in it is a doubt: its conditions need the repository libgit2 is not given here.
tl::expected<Config, Doubt> load_config(const std::string& gitdir) {
  git_config* raw = nullptr;
  if (git_config_new(&raw) != 0) {
    return tl::unexpected(Doubt{"no configuration"});
  }
  ConfigPtr cfg(raw);
  if (git_config_add_file_ondisk(cfg.get(), (gitdir + "config").c_str(), GIT_CONFIG_LEVEL_LOCAL,
                                 nullptr, 0) != 0 ||
      add_shared_config(cfg.get()) != 0) {
    return tl::unexpected(Doubt{"the configuration cannot be read"});
  }
  // Only the repository's own file: the shared levels were judged when they were loaded.
  git_config* local_raw = nullptr;
  if (git_config_open_level(&local_raw, cfg.get(), GIT_CONFIG_LEVEL_LOCAL) != 0) {
    return tl::unexpected(Doubt{"the configuration cannot be listed"});
  }
  const ConfigPtr local(local_raw);
  git_config_iterator* it_raw = nullptr;
  if (git_config_iterator_new(&it_raw, local.get()) != 0) {
    return tl::unexpected(Doubt{"the configuration cannot be listed"});
  }
  const ConfigIteratorPtr it(it_raw);
  git_config_entry* entry = nullptr;
  while (git_config_next(&entry, it.get()) == 0) {
    if (std::string_view(entry->name).starts_with("includeif.")) {
      return tl::unexpected(Doubt{"the configuration has an includeIf"});
    }
  }
  // A snapshot: a live configuration would stat the file again on every lookup.
  git_config* snapshot = nullptr;
  if (git_config_snapshot(&snapshot, cfg.get()) != 0) {
    return tl::unexpected(Doubt{"the configuration cannot be read"});
  }
  return Config(ConfigPtr(snapshot));
}

// Settings under which stat data alone does not decide what git shows, or which change
// where the index and work tree are.
std::optional<std::string> config_doubt(const Config& config) {
  for (const char* name : {"core.bare", "core.ignorecase", "core.sparsecheckout", "core.splitindex",
                           "index.sparse", "extensions.worktreeconfig", "core.precomposeunicode"}) {
    if (config.boolean(name).value_or(false)) {
      return std::string(name);
    }
  }
  for (const char* name : {"core.worktree", "extensions.objectformat"}) {
    if (config.string(name)) {
      return std::string(name);
    }
  }
  if (const auto crlf = config.string("core.autocrlf");
      crlf && config.boolean("core.autocrlf") != false) {
    return "core.autocrlf";
  }
  if (const auto fsmonitor = config.string("core.fsmonitor");
      fsmonitor && config.boolean("core.fsmonitor") != false) {
    return "core.fsmonitor";
  }
  if (config.integer("core.repositoryformatversion").value_or(0) > 1) {
    return "core.repositoryformatversion";
  }
  return std::nullopt;
}

// HEAD's branch, when HEAD is a symbolic ref to one.
std::optional<std::string> head_branch(int git_fd) {
  const auto text = small_file(git_fd, "HEAD");
  std::string_view t = text ? std::string_view(*text) : std::string_view();
  if (!t.starts_with("ref: refs/heads/") || !t.ends_with('\n')) {
    return std::nullopt;
  }
  t.remove_prefix(std::string_view("ref: ").size());
  t.remove_suffix(1);
  return branch_name(t);
}

// Nothing unpushed: every branch sits on its upstream, or on some remote-tracking branch.
std::optional<std::string>
unpushed_doubt(RefStore& store, git_config* cfg,
               const std::vector<std::pair<std::string, git_oid>>& branches) {
  std::optional<std::vector<std::pair<std::string, git_oid>>> remotes;
  for (const auto& branch : branches) {
    const std::string& ref = branch.first;
    const git_oid& id =
        branch.second; // a reference, not a structured binding: clang 14 cannot capture one
    const auto up = upstream_ref(cfg, branch_name(ref));
    if (up && is_remote_ref(*up)) {
      if (const auto up_id = store.resolve(*up); up_id && git_oid_equal(&*up_id, &id) != 0) {
        continue;
      }
    }
    if (!remotes && !(remotes = store.under(k_remotes))) {
      return "the remote-tracking branches cannot be read";
    }
    if (std::none_of(remotes->begin(), remotes->end(),
                     [&](const auto& r) { return git_oid_equal(&r.second, &id) != 0; })) {
      return ref + " is on no remote-tracking branch";
    }
  }
  return std::nullopt;
}

// The upstream of `branch` when it is exactly on it; a doubt when it is not (the counts need
// a walk) or cannot be read.
tl::expected<std::optional<Upstream>, Doubt>
upstream_of(RefStore& store, git_config* cfg, const std::string& branch, const git_oid& head) {
  const auto full = upstream_ref(cfg, branch);
  if (!full) {
    return std::nullopt;
  }
  const auto id = store.resolve(*full);
  if (!id || git_oid_equal(&*id, &head) == 0) {
    return tl::unexpected(Doubt{"the upstream is elsewhere or missing"});
  }
  Upstream up;
  up.name = upstream_name(*full);
  up.ahead = up.behind = 0;
  return up;
}

class FastStatus {
public:
  FastStatus(const StatusRequest& request, const std::stop_token& stop)
      : m_request(request), m_stop(stop), m_gitdir((request.repo / ".git").string() + "/") {}

  tl::expected<RepoStatus, Doubt> read() {
    if (!shared_config_active()) {
      return doubt("the git configuration needs libgit2's own loading");
    }
    m_top.reset(::open(m_request.repo.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    m_git.reset(m_top.open()
                    ? ::openat(m_top.get(), ".git", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                    : -1);
    struct stat top_st {};
    struct stat git_st {};
    if (!m_git.open() || ::fstat(m_top.get(), &top_st) != 0 || ::fstat(m_git.get(), &git_st) != 0) {
      return doubt(".git is not a directory here");
    }
    const std::string where = m_request.repo.string();
    if (!owner_allowed(top_st.st_uid, where) || !owner_allowed(git_st.st_uid, where)) {
      return doubt("owned by another user");
    }
    const auto names = names_in(m_git.get());
    if (!names) {
      return doubt(".git cannot be listed");
    }
    for (const auto name : k_doubtful_names) {
      if (names->count(std::string(name)) != 0) {
        return doubt(".git/" + std::string(name) + " exists");
      }
    }
    auto config = load_config(m_gitdir);
    if (!config) {
      return tl::unexpected(config.error());
    }
    if (auto why = config_doubt(*config)) {
      return doubt(*why + " is set");
    }
    RepoStatus st;
    read_status_settings(*config, st);
    const auto branch = head_branch(m_git.get());
    if (!branch) {
      return doubt("HEAD is not a branch");
    }
    st.branch = *branch;
    if (auto refs = refs_doubt(*config, st); !refs) {
      return tl::unexpected(refs.error());
    }
    if (auto index = index_doubt(*config, untracked_mode(*config, m_request.untracked)); !index) {
      return tl::unexpected(index.error());
    }
    if (m_stop.stop_requested()) {
      return doubt("cancelled");
    }
    return st;
  }

private:
  static tl::unexpected<Doubt> doubt(std::string why) {
    return tl::unexpected(Doubt{std::move(why)});
  }

  // The branch, stash, upstream and unpushed commits, from the ref files.
  tl::expected<void, Doubt> refs_doubt(const Config& config, RepoStatus& st) {
    RefStore store(m_git.get());
    const auto branches = store.branches();
    if (!branches) {
      return doubt("the branches cannot be read");
    }
    const auto head = std::find_if(branches->begin(), branches->end(),
                                   [&](const auto& b) { return b.first == branch_ref(st.branch); });
    if (head == branches->end()) {
      return doubt("the branch is unborn");
    }
    m_head = head->second;
    if (m_request.stashes && store.has_stash() != false) {
      return doubt("there is a stash");
    }
    if (m_request.unpushed_log) {
      if (auto why = unpushed_doubt(store, config.get(), *branches)) {
        return doubt(*why);
      }
    }
    if (m_request.upstream || st.show_branch) {
      auto up = upstream_of(store, config.get(), st.branch, m_head);
      if (!up) {
        return tl::unexpected(up.error());
      }
      st.upstream = std::move(*up);
    }
    return {};
  }

  // The index holds HEAD's tree and the work tree matches the index.
  tl::expected<void, Doubt> index_doubt(const Config& config, Untracked untracked) {
    auto index = IndexFile::read(m_gitdir + "index");
    if (!index || !index->on_disk()) {
      return doubt("the index cannot be read");
    }
    for (const auto& ext : index->extensions()) {
      if (ext.signature != "TREE" && ext.signature != "REUC" && ext.signature != "EOIE" &&
          ext.signature != "IEOT") {
        return doubt("index extension " + ext.signature);
      }
    }
    if (auto why = index_entries_doubt(*index, config.boolean("core.symlinks").value_or(true))) {
      return doubt(*why);
    }
    const auto staged = index_tree_id(*index);
    if (!staged || commit_tree(m_git.get(), m_gitdir, m_head) != staged) {
      return doubt("the index differs from HEAD");
    }
    if (!tree_present(m_git.get(), m_gitdir, *staged)) {
      return doubt("HEAD's tree object is missing");
    }
    WorktreeCheck check;
    check.rules.trust_ctime = config.boolean("core.trustctime").value_or(true);
    check.rules.check_stat_minimal = config.string("core.checkstat") == "minimal";
    check.rules.file_mode = config.boolean("core.filemode").value_or(true);
    check.untracked = untracked;
    check.parallel = m_request.parallel;
    check.stop = m_stop;
    check.ignored = [this](const std::string& path) { return ignored(path); };
    if (auto found = worktree_doubt(m_top.get(), *index, check)) {
      return tl::unexpected(Doubt{std::move(found->why), found->racy});
    }
    return {};
  }

  // libgit2's ignore rules, the repository opened the first time a name needs them.
  std::optional<bool> ignored(const std::string& path) {
    if (!m_repo) {
      auto opened = open_repository(m_request.repo, {.read_only_config = true});
      if (!opened) {
        return std::nullopt;
      }
      m_repo = std::move(*opened);
    }
    int ignored = 0;
    if (git_ignore_path_is_ignored(&ignored, m_repo.get(), path.c_str()) != 0) {
      return std::nullopt;
    }
    return ignored != 0;
  }

  const StatusRequest& m_request;
  const std::stop_token& m_stop;
  const std::string m_gitdir;
  util::FdGuard m_top;
  util::FdGuard m_git;
  git_oid m_head{};
  RepoPtr m_repo;
};

} // namespace

std::optional<RepoStatus> read_clean_status(const StatusRequest& request,
                                            const std::stop_token& stop, FastPathDoubt& doubt) {
  auto st = FastStatus(request, stop).read();
  if (!st) {
    doubt = std::move(st.error());
    return std::nullopt;
  }
  return std::move(*st);
}

} // namespace mr::git
