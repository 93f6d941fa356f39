// mr checkout: clone a missing repository into place, all or nothing.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <random>
#include <sys/file.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <mr/git/network.hpp>
#include <mr/util/fd.hpp>
#include <mr/util/strings.hpp>
#include <mr/util/test_point.hpp>

#include "clone_git.hpp"
#include "clone_head.hpp"
#include "error.hpp"
#include "handles.hpp"
#include "net_stream.hpp"
#include "ssh_config.hpp"
#include "transfer.hpp"

namespace mr::git {

namespace {

struct CloneState {
  const Endpoint* endpoint;
  const NetContext* net;
};

// Creates "origin" without libgit2's url.insteadOf pass (a regex over every config entry
// that leaks in 1.5.1), and points this transfer at the resolved ssh address while the
// configuration keeps the url the user gave.
int create_origin(git_remote** out, git_repository* repo, const char* name, const char* url,
                  void* payload) {
  const auto& st = *static_cast<CloneState*>(payload);
  git_remote_create_options options = GIT_REMOTE_CREATE_OPTIONS_INIT;
  options.repository = repo;
  options.name = name;
  options.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF;
  if (const int rc = git_remote_create_with_opts(out, url, &options); rc != 0) {
    return rc;
  }
  if (st.endpoint->connect_url != url) {
    return git_remote_set_instance_url(*out, st.endpoint->connect_url.c_str());
  }
  return 0;
}

void checkout_progress(const char*, size_t done, size_t total, void* payload) {
  const auto& st = *static_cast<CloneState*>(payload);
  if (st.net->progress) {
    TransferProgress p;
    p.checking_out = true;
    p.checked_out = done;
    p.to_check_out = total;
    st.net->progress(p);
  }
}

void discard(int parent, const std::string& name) {
  std::error_code ec;
  fs::remove_all(through(parent, name), ec);
}

// An open, exclusively locked directory, if `name` below `parent` is one (not a symlink)
// and nobody else holds its lock.
util::FdGuard lock_directory(int parent, const std::string& name) {
  util::FdGuard fd(::openat(parent, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() >= 0 && ::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    fd.reset();
  }
  return fd;
}

// The directory a clone is made in, beside its destination: ".mr-clone-NAME-XXXXXX". It is
// made by mkdirat() in the parent's open directory, so it gets the umask's mode as git
// clone's directory does (mkdtemp() would make it 0700, which the rename keeps), and it
// stays flock()ed while the clone runs, so the next checkout can tell the directory of a
// live clone from a killed one's.
class CloneDir {
public:
  static Result<CloneDir> create(int parent, const fs::path& dest);
  const std::string& name() const { return m_name; }
  int fd() const { return m_fd.get(); }

private:
  CloneDir(std::string name, util::FdGuard fd) : m_name(std::move(name)), m_fd(std::move(fd)) {}
  std::string m_name;
  util::FdGuard m_fd;
};

std::string prefix_of(const std::string& name) {
  return ".mr-clone-" + name + "-";
}

Result<CloneDir> CloneDir::create(int parent, const fs::path& dest) {
  std::random_device random;
  for (int attempt = 0; attempt < 100; ++attempt) {
    char suffix[8];
    std::snprintf(suffix, sizeof suffix, "%06x", random() & 0xffffffU);
    std::string name = prefix_of(dest.filename().string()) + suffix;
    if (::mkdirat(parent, name.c_str(), 0777) != 0) {
      if (errno == EEXIST) {
        continue;
      }
      return fail("cannot create a directory in " + dest.parent_path().string() + ": " +
                  util::errno_text(errno));
    }
    // Another checkout cleaning up may have taken it for a dead clone's in between; then it
    // is gone, or about to be, and another name is tried.
    auto fd = lock_directory(parent, name);
    struct stat by_fd {};
    struct stat by_name {};
    if (fd.get() >= 0 && ::fstat(fd.get(), &by_fd) == 0 &&
        ::fstatat(parent, name.c_str(), &by_name, AT_SYMLINK_NOFOLLOW) == 0 &&
        by_fd.st_ino == by_name.st_ino && by_fd.st_dev == by_name.st_dev) {
      return CloneDir(std::move(name), std::move(fd));
    }
  }
  return fail("cannot create a directory in " + dest.parent_path().string() + ": no free name");
}

// Removes what clones of `name` killed before they finished left in `parent`: directories
// whose lock nobody holds any more.
void remove_dead_clones(int parent, const std::string& name) {
  const std::string prefix = prefix_of(name);
  std::error_code ec;
  for (fs::directory_iterator it(through(parent), ec), end; !ec && it != end; it.increment(ec)) {
    const std::string entry = it->path().filename().string();
    if (!entry.starts_with(prefix)) {
      continue;
    }
    if (const auto fd = lock_directory(parent, entry); fd.get() >= 0) {
      discard(parent, entry);
    }
  }
}

Result<void> clone_with_libgit2(const std::string& url, const std::optional<std::string>& branch,
                                int dir, const Endpoint& endpoint, const NetContext& net,
                                const std::string& text) {
  Transfer transfer(net, endpoint);
  CloneState state{&endpoint, &net};
  git_clone_options options = GIT_CLONE_OPTIONS_INIT;
  options.fetch_opts.callbacks = transfer.callbacks();
  options.fetch_opts.proxy_opts.type = GIT_PROXY_AUTO;
  options.checkout_opts.checkout_strategy = GIT_CHECKOUT_SAFE;
  options.checkout_opts.progress_cb = checkout_progress;
  options.checkout_opts.progress_payload = &state;
  options.remote_cb = create_origin;
  options.remote_cb_payload = &state;
  // With a branch, nothing is checked out until it is known whether it names a branch, a
  // tag or a commit of the remote (libgit2 takes only branches); one fetch serves all three.
  const git_checkout_options checkout = options.checkout_opts;
  if (branch) {
    options.checkout_opts.checkout_strategy = GIT_CHECKOUT_NONE;
  }
  git_repository* raw = nullptr;
  int rc = 0;
  {
    NetScope scope(net.stop, net.idle);
    rc = git_clone(&raw, url.c_str(), through(dir).c_str(), &options);
  }
  RepoPtr repo(raw);
  transfer.settle_credentials(rc == 0);
  if (rc != 0) {
    return transfer.failure(rc, text);
  }
  if (branch && !net.stop.stop_requested()) {
    if (auto settled = settle_clone_head(repo.get(), *branch, url, checkout); !settled) {
      return fail(settled.error().message, text);
    }
  }
  return {};
}

Result<std::string> clone_into(const std::string& url, const std::optional<std::string>& branch,
                               int parent, const fs::path& dest, const NetContext& net) {
  MR_TRY_VAR(planned, plan_endpoint(url, net));
  const Endpoint& endpoint = *planned;
  const std::string name = dest.filename().string();
  struct stat st {};
  if (name.empty() || name == "." || name == ".." ||
      ::fstatat(parent, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT) {
    return fail(dest.string() + " already exists");
  }
  // Cloned beside its place and renamed in when complete: an interrupted or failed clone
  // never leaves a half-made repository where the registry expects one.
  remove_dead_clones(parent, name);
  MR_TRY_VAR(temp, CloneDir::create(parent, dest));
  std::string text = "Cloning into '" + name + "'...\n";
  spdlog::debug("{}: cloning from {} with {}", dest.string(), scrub_text(url),
                endpoint.use_git ? "git: " + endpoint.why_git : "libgit2");
  std::shared_ptr<void> slot;
  if (!endpoint.host.empty() && net.host_slot) {
    slot = net.host_slot(endpoint.host);
  }
  Result<void> made = cancelled();
  if (slot || endpoint.host.empty() || !net.host_slot) {
    util::test_point("clone.cloning");
    // Through the open directories: a directory renamed or a symlink swapped into the
    // parent's path meanwhile is not followed (libgit2 and git turn the path into the
    // directory's real one when they start, and use that).
    made = endpoint.use_git ? clone_with_git(url, branch, parent, temp->name(), net, text)
                            : clone_with_libgit2(url, branch, temp->fd(), endpoint, net, text);
  }
  if (made && net.stop.stop_requested()) {
    made = cancelled(text);
  }
  struct stat git_dir {};
  if (made && ::fstatat(temp->fd(), ".git", &git_dir, AT_SYMLINK_NOFOLLOW) != 0) {
    made = fail("the clone of " + dest.string() + " is not where it was made", text);
  }
  if (made &&
      ::renameat2(parent, temp->name().c_str(), parent, name.c_str(), RENAME_NOREPLACE) != 0) {
    made =
        fail("cannot move the clone into " + dest.string() + ": " + util::errno_text(errno), text);
  }
  if (!made) {
    discard(parent, temp->name());
    return tl::unexpected(made.error());
  }
  return text + "done.\n";
}

} // namespace

Result<std::string> clone(const std::string& url, const std::optional<std::string>& branch,
                          int parent, const fs::path& dest, const NetContext& net) {
  // git's messages may quote the URL as configured, password and all.
  auto r = clone_into(url, branch, parent, dest, net);
  if (!r) {
    return tl::unexpected(scrub(std::move(r.error())));
  }
  return scrub_text(*r);
}

} // namespace mr::git
