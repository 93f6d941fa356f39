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
#include <mr/util/strings.hpp>

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

void discard(const fs::path& p) {
  std::error_code ec;
  fs::remove_all(p, ec);
}

// The directory a clone is made in, beside its destination: ".mr-clone-NAME-XXXXXX". It is
// made by mkdir(), so it gets the umask's mode as git clone's directory does (mkdtemp()
// would make it 0700, which the rename keeps), and it stays flock()ed while the clone
// runs, so the next checkout can tell the directory of a live clone from a killed one's.
class CloneDir {
public:
  static Result<CloneDir> create(const fs::path& parent, const std::string& name);
  CloneDir(CloneDir&& other) noexcept : m_path(std::move(other.m_path)), m_fd(other.m_fd) {
    other.m_fd = -1;
  }
  CloneDir(const CloneDir&) = delete;
  CloneDir& operator=(const CloneDir&) = delete;
  CloneDir& operator=(CloneDir&&) = delete;
  ~CloneDir() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  const fs::path& path() const { return m_path; }

private:
  CloneDir(fs::path path, int fd) : m_path(std::move(path)), m_fd(fd) {}
  fs::path m_path;
  int m_fd;
};

std::string prefix_of(const std::string& name) {
  return ".mr-clone-" + name + "-";
}

// An open, exclusively locked directory, if `path` is one and nobody else holds its lock.
int lock_directory(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

Result<CloneDir> CloneDir::create(const fs::path& parent, const std::string& name) {
  std::random_device random;
  for (int attempt = 0; attempt < 100; ++attempt) {
    char suffix[8];
    std::snprintf(suffix, sizeof suffix, "%06x", random() & 0xffffffU);
    fs::path path = parent / (prefix_of(name) + suffix);
    if (::mkdir(path.c_str(), 0777) != 0) {
      if (errno == EEXIST) {
        continue;
      }
      return fail("cannot create a directory in " + parent.string() + ": " +
                  util::errno_text(errno));
    }
    // Another checkout cleaning up may have taken it for a dead clone's in between; then it
    // is gone, or about to be, and another name is tried.
    const int fd = lock_directory(path);
    struct stat by_fd {};
    struct stat by_name {};
    if (fd >= 0 && ::fstat(fd, &by_fd) == 0 && ::lstat(path.c_str(), &by_name) == 0 &&
        by_fd.st_ino == by_name.st_ino && by_fd.st_dev == by_name.st_dev) {
      return CloneDir(std::move(path), fd);
    }
    if (fd >= 0) {
      ::close(fd);
    }
  }
  return fail("cannot create a directory in " + parent.string() + ": no free name");
}

// Removes what clones of `name` killed before they finished left in `parent`: directories
// whose lock nobody holds any more.
void remove_dead_clones(const fs::path& parent, const std::string& name) {
  const std::string prefix = prefix_of(name);
  std::error_code ec;
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().native().rfind(prefix, 0) != 0) {
      continue;
    }
    if (const int fd = lock_directory(it->path()); fd >= 0) {
      discard(it->path());
      ::close(fd);
    }
  }
}

Result<std::string> clone_into(const std::string& url, const std::optional<std::string>& branch,
                               const fs::path& dest, const NetContext& net) {
  auto planned = plan_endpoint(url, net);
  if (!planned) {
    return tl::unexpected(planned.error());
  }
  const Endpoint& endpoint = *planned;
  std::error_code ec;
  if (fs::exists(fs::symlink_status(dest, ec))) {
    return fail(dest.string() + " already exists");
  }
  const fs::path parent = dest.parent_path();
  fs::create_directories(parent, ec);
  if (ec) {
    return fail("cannot create " + parent.string() + ": " + ec.message());
  }
  // Cloned beside its place and renamed in when complete: an interrupted or failed clone
  // never leaves a half-made repository where the registry expects one.
  remove_dead_clones(parent, dest.filename().string());
  auto temp_dir = CloneDir::create(parent, dest.filename().string());
  if (!temp_dir) {
    return tl::unexpected(temp_dir.error());
  }
  const fs::path temp = temp_dir->path();
  std::string text = "Cloning into '" + dest.filename().string() + "'...\n";

  spdlog::debug("{}: cloning from {} with {}", dest.string(), scrub_text(url),
                endpoint.use_git ? "git: " + endpoint.why_git : "libgit2");
  std::shared_ptr<void> slot;
  if (!endpoint.host.empty() && net.host_slot) {
    slot = net.host_slot(endpoint.host);
    if (!slot) {
      discard(temp);
      return fail("cancelled");
    }
  }
  if (endpoint.use_git) {
    auto argv = git_argv_without_prompts(false, net);
    argv.insert(argv.end(), {"clone", "--quiet"});
    if (branch) {
      argv.insert(argv.end(), {"--branch", *branch});
    }
    argv.insert(argv.end(), {"--", url, temp.string()});
    auto r = net.run(argv, "", parent);
    if (!r || r->exit_code != 0) {
      discard(temp);
      if (!r) {
        return tl::unexpected(r.error());
      }
      const auto lines = util::split_lines(util::trim(r->err));
      return fail(lines.empty() ? "git clone failed" : std::string(lines.back()), text);
    }
  } else {
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
    if (branch) {
      options.checkout_branch = branch->c_str();
    }
    git_repository* raw = nullptr;
    int rc = 0;
    {
      NetScope scope(net.stop, net.idle);
      rc = git_clone(&raw, url.c_str(), temp.c_str(), &options);
    }
    RepoPtr repo(raw);
    transfer.settle_credentials(rc == 0);
    if (rc != 0) {
      const auto why = transfer.failure(rc);
      repo.reset();
      discard(temp);
      return fail(why, text);
    }
  }
  if (net.stop.stop_requested()) {
    discard(temp);
    return fail("cancelled", text);
  }
  if (::rename(temp.c_str(), dest.c_str()) != 0) {
    const auto why = util::errno_text(errno);
    discard(temp);
    return fail("cannot move the clone into " + dest.string() + ": " + why, text);
  }
  return text + "done.\n";
}

} // namespace

Result<std::string> clone(const std::string& url, const std::optional<std::string>& branch,
                          const fs::path& dest, const NetContext& net) {
  // git's messages may quote the URL as configured, password and all.
  auto r = clone_into(url, branch, dest, net);
  if (!r) {
    return tl::unexpected(scrub(std::move(r.error())));
  }
  return scrub_text(*r);
}

} // namespace mr::git
