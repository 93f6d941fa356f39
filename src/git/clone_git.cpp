// Cloning with the git binary, for remotes libgit2 cannot reach (clone_git.hpp).
#include "clone_git.hpp"

#include <mr/util/strings.hpp>

#include "handles.hpp"
#include "pin_name.hpp"
#include "refs.hpp"
#include "ssh_config.hpp"

namespace mr::git {

std::string through(int dir, const std::string& name) {
  return "/proc/self/fd/" + std::to_string(dir) + (name.empty() ? "" : "/" + name);
}

namespace {

// Runs git with `args` (after the options that keep it from prompting) in the directory
// open as `parent`: a relative URL means what it means to a checkout command there.
Result<ProgramResult> run_git(std::vector<std::string> args, int parent, const NetContext& net,
                              const std::string& cwd_name = {}) {
  auto argv = git_argv_without_prompts(false, net);
  argv.insert(argv.end(), args.begin(), args.end());
  return net.run(argv, "", through(parent, cwd_name));
}

// The last line git printed on stderr, as the reason it failed.
tl::unexpected<Error> git_failure(const ProgramResult& r, const std::string& what,
                                  const std::string& text) {
  const auto lines = util::split_lines(util::trim(r.err));
  return fail(lines.empty() ? what + " failed" : std::string(lines.back()), text);
}

// `git clone` into `temp` with `options`.
Result<void> git_clone_into(const std::string& url, std::vector<std::string> options, int parent,
                            const std::string& temp, const NetContext& net,
                            const std::string& text) {
  options.insert(options.begin(), {"clone", "--quiet"});
  options.insert(options.end(), {"--", url, temp});
  MR_TRY_VAR(r, run_git(std::move(options), parent, net));
  if (r->exit_code != 0) {
    return git_failure(*r, "git clone", text);
  }
  return {};
}

// Whether the remote has a branch or a tag `name`; nullopt when git could not tell.
std::optional<bool> remote_has(const std::string& url, const std::string& name, int parent,
                               const NetContext& net) {
  const std::string heads = std::string(k_heads) + name;
  const std::string tags = std::string(k_tags) + name;
  auto r = run_git({"ls-remote", "--", url, heads, tags}, parent, net);
  if (!r || r->exit_code != 0) {
    return std::nullopt;
  }
  // "ID<TAB>REF" lines; a pattern also matches longer refs ending in it.
  for (const auto line : util::split_lines(r->out)) {
    const auto tab = line.find('\t');
    if (tab != std::string_view::npos &&
        (line.substr(tab + 1) == heads || line.substr(tab + 1) == tags)) {
      return true;
    }
  }
  return false;
}

// `git clone --no-checkout`, then `git checkout --detach COMMIT`.
Result<void> git_clone_detached(const std::string& url, const std::string& name, int parent,
                                const std::string& temp, const NetContext& net,
                                const std::string& text) {
  MR_TRY(git_clone_into(url, {"--no-checkout"}, parent, temp, net, text));
  git_repository* raw = nullptr;
  if (const int rc = git_repository_open(&raw, through(parent, temp).c_str()); rc != 0) {
    return fail("cannot open the clone: " + last_error(rc), text);
  }
  RepoPtr repo(raw);
  auto named = resolve_named(repo.get(), name, {"origin"});
  if (!named) {
    return fail(named.error().message, text);
  }
  if (!*named || (*named)->kind != Named::Kind::commit) {
    return fail(nothing_named(name, url), text);
  }
  MR_TRY_VAR(r, run_git({"checkout", "--quiet", "--detach", git_oid_tostr_s(&(*named)->commit)},
                        parent, net, temp));
  if (r->exit_code != 0) {
    return git_failure(*r, "git checkout", text);
  }
  return {};
}

} // namespace

// `git clone --branch` fails before fetching anything when the remote has no such branch
// or tag: a commit costs two connections more than a branch (that clone and ls-remote),
// not a second transfer.
Result<void> clone_with_git(const std::string& url, const std::optional<std::string>& branch,
                            int parent, const std::string& temp, const NetContext& net,
                            const std::string& text) {
  if (!branch) {
    return git_clone_into(url, {}, parent, temp, net, text);
  }
  auto made = git_clone_into(url, {"--branch", *branch}, parent, temp, net, text);
  if (made || net.stop.stop_requested()) {
    return made;
  }
  // Whether it failed for want of that branch or tag (git's message may be translated).
  const auto has = remote_has(url, *branch, parent, net);
  if (!has || *has) {
    return made;
  }
  if (!written_as_commit(*branch)) {
    return fail(nothing_named(*branch, url), text);
  }
  return git_clone_detached(url, *branch, parent, temp, net, text);
}

} // namespace mr::git
