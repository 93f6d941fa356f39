// mr checkout: clone a missing repository into place, all or nothing.
#include <cerrno>
#include <cstdlib>
#include <system_error>
#include <unistd.h>

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

} // namespace

Result<std::string> clone(const std::string& url, const std::optional<std::string>& branch,
                          const fs::path& dest, const NetContext& net) {
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
  std::string temp_template =
      (parent / (".mr-clone-" + dest.filename().string() + "-XXXXXX")).string();
  if (::mkdtemp(temp_template.data()) == nullptr) {
    return fail("cannot create a directory in " + parent.string() + ": " + util::errno_text(errno));
  }
  const fs::path temp = temp_template;
  std::string text = "Cloning into '" + dest.filename().string() + "'...\n";

  const Endpoint endpoint = plan_endpoint(url, net);
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

} // namespace mr::git
