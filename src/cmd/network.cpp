// `mr fetch`, `mr update` and `mr checkout`: the network actions, in process through
// libgit2 (include/git/mr/git/network.hpp). This file connects them to the task: its stop
// token, helper programs run through proc, the per-host limit and the progress line.
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <mr/git/network.hpp>
#include <mr/git/pin.hpp>
#include <mr/render/renderer.hpp>
#include <mr/util/file_io.hpp>
#include <mr/util/paths.hpp>
#include <mr/util/strings.hpp>

#include "actions.hpp"
#include "git_args.hpp"
#include "net_support.hpp"

namespace mr::cmd {

namespace {

std::string mib(std::size_t bytes) {
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

std::string percent(std::size_t done, std::size_t total) {
  return fmt::format("{}%", total == 0 ? 0 : done * 100 / total);
}

// "receiving 42% (120/285), 1.2 MiB", "resolving deltas 80%", "checking out 50%".
std::string describe(const git::TransferProgress& p) {
  if (p.checking_out) {
    return "checking out " + percent(p.checked_out, p.to_check_out);
  }
  if (p.total_objects > 0 && p.received_objects < p.total_objects) {
    return fmt::format("receiving {} ({}/{}), {}", percent(p.received_objects, p.total_objects),
                       p.received_objects, p.total_objects, mib(p.received_bytes));
  }
  if (p.total_deltas > 0) {
    return "resolving deltas " + percent(p.indexed_deltas, p.total_deltas);
  }
  return {};
}

git::Transport transport_of(const RepoTask& t) {
  switch (t.repo.transport.value_or(t.command.registry.settings.transport)) {
  case registry::Transport::libgit2:
    return git::Transport::libgit2;
  case registry::Transport::git:
    return git::Transport::git;
  default:
    return git::Transport::automatic;
  }
}

git::NetContext net_context(RepoTask& t) {
  git::NetContext net;
  net.stop = t.task.stop_token();
  net.transport = transport_of(t);
  net.idle = t.command.registry.settings.stall_timeout;
  net.home = t.command.home;
  net.run = [&t](const std::vector<std::string>& argv, const std::string& input,
                 const std::filesystem::path& cwd) -> Result<git::ProgramResult> {
    proc::Command command;
    command.argv = argv;
    command.cwd = cwd;
    command.env = t.settings.env; // GIT_TERMINAL_PROMPT=0, no pager
    command.input = input;
    git::ProgramResult result;
    MR_TRY_VAR(outcome, proc::run(command, result.out, result.err, t.task.stop_token()));
    result.exit_code = outcome->exit_code;
    return result;
  };
  net.progress = [&t](const git::TransferProgress& p) { t.progress(describe(p)); };
  if (t.settings.hosts) {
    auto hosts = t.settings.hosts;
    net.host_slot = [hosts, &t](const std::string& host) {
      t.progress("waiting for a connection to " + host);
      auto slot = hosts->acquire(host, t.task.stop_token());
      t.progress({});
      return slot;
    };
  }
  return net;
}

// A failed network action: what it printed before failing, then the reason.
task::TaskResult failed(RepoTask& t, const Error& error) {
  t.progress({});
  t.errors() += error.output; // the fetch's lines, which git prints on stderr
  // Stopped: cancelled, whether git said so or failed of it (a killed git process).
  if (error.cancelled() || t.task.stop_token().stop_requested()) {
    return task::TaskResult::cancelled();
  }
  return task::TaskResult::failed(error.message);
}

// How git fetch and git pull take their short options (`git fetch -h`, `git pull -h`).
constexpr GitSyntax k_git_fetch_syntax{.action = "fetch",
                                       .command = "fetch",
                                       .usage = "mr fetch [GIT-FETCH-ARGS...]",
                                       .flags = "vqafmtnpPku46",
                                       .required_value = "jo"};
constexpr GitSyntax k_git_pull_syntax{.action = "update",
                                      .command = "pull",
                                      .usage = "mr update [GIT-PULL-ARGS...]",
                                      .flags = "vqnaftpk46",
                                      .optional_value = "rSj",
                                      .required_value = "sXo"};

// No arguments: mr's own fetch or update; else git's, with them (myrepos' definition).
Result<ArgsRoute> route_to_git(const GitSyntax& syntax, const std::vector<std::string>& args) {
  if (args.empty()) {
    return ArgsRoute::native;
  }
  MR_TRY(check_git_arguments(syntax, args));
  return ArgsRoute::git;
}

} // namespace

Result<ArgsRoute> check_no_args(const std::vector<std::string>& args) {
  if (!args.empty()) {
    return fail("'" + args.front() +
                "': this action takes no arguments (for git's own options: mr run git ...)");
  }
  return ArgsRoute::native;
}

Result<ArgsRoute> check_fetch_args(const std::vector<std::string>& args) {
  return route_to_git(k_git_fetch_syntax, args);
}

Result<ArgsRoute> check_update_args(const std::vector<std::string>& args) {
  return route_to_git(k_git_pull_syntax, args);
}

task::TaskResult repo_fetch(RepoTask& t) {
  auto net = net_context(t);
  auto r = git::fetch_all(t.repo.path, net);
  if (!r) {
    return failed(t, r.error());
  }
  t.progress({});
  t.print(r->text, r->out, r->err);
  t.fields.add("updated", r->updated);
  return task::TaskResult::ok();
}

task::TaskResult repo_update(RepoTask& t) {
  // A tag or a commit as the registry's branch pins the repository: never moved, nor
  // fetched, by update.
  if (t.repo.branch) {
    auto pin = git::find_pin(t.repo.path, *t.repo.branch);
    if (!pin) {
      return task::TaskResult::failed(t.repo.path.string() + ": " + pin.error().message);
    }
    if (*pin) {
      t.fields.add("result", "pinned");
      return task::TaskResult::skipped(t.repo.path.string() + ": " + (*pin)->reason);
    }
  }
  auto net = net_context(t);
  auto r = git::update(t.repo.path, net, render::output_columns());
  if (!r) {
    Error named = r.error(); // "PATH: why", as the skip reasons read
    named.message = t.repo.path.string() + ": " + named.message;
    return failed(t, named);
  }
  t.progress({});
  t.print(r->text, r->out, r->err);
  switch (r->kind) {
  case git::UpdateResult::Kind::skipped:
    return task::TaskResult::skipped(t.repo.path.string() + ": " + r->reason + ", skipping");
  case git::UpdateResult::Kind::fast_forwarded:
    t.fields.add("result", "fast-forwarded");
    break;
  case git::UpdateResult::Kind::up_to_date:
    t.fields.add("result", "up-to-date");
    break;
  }
  return task::TaskResult::ok();
}

struct Parent {
  util::FdGuard fd;
  std::filesystem::path dest;
};

// The directory a clone is made in, open. For a repository of an untrusted registry it is
// reached beneath the confining directory without following a symlink, as the checkout step
// made it, so nothing swapped into its path since or during the clone leads it elsewhere.
Result<Parent> open_parent(const registry::Repo& repo) {
  if (!repo.confined_to) {
    const auto dir = repo.path.parent_path();
    util::FdGuard fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.open()) {
      return fail("cannot open " + dir.string() + ": " + util::errno_text(errno));
    }
    return Parent{std::move(fd), repo.path};
  }
  auto inside = util::resolve_within(repo.path, *repo.confined_to);
  if (!inside) {
    return fail(repo.path.string() + " " + inside.error().message + ", where its registry " +
                repo.location.file.string() + " may not reach; refusing to touch it");
  }
  auto fd = util::open_directories_beneath(
      *repo.confined_to, inside->parent_path().lexically_relative(*repo.confined_to));
  if (!fd) {
    return fail("cannot open " + inside->parent_path().string() + ": " + fd.error().message);
  }
  return Parent{std::move(*fd), *inside};
}

task::TaskResult repo_checkout(RepoTask& t) {
  if (!t.repo.url) {
    return task::TaskResult::failed("no url to check out from (add url = \"...\" to its entry in " +
                                    t.repo.location.file.string() + ", or a checkout command)");
  }
  auto parent = open_parent(t.repo);
  if (!parent) {
    return task::TaskResult::failed(parent.error().message);
  }
  auto net = net_context(t);
  auto r = git::clone(*t.repo.url, t.repo.branch, parent->fd.get(), parent->dest, net);
  parent->fd.reset();
  if (!r) {
    return failed(t, r.error());
  }
  t.progress({});
  t.errors() += *r; // "Cloning into ...", on stderr in git
  return task::TaskResult::ok();
}

} // namespace mr::cmd
