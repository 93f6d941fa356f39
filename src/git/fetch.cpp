// mr fetch, and the fetch half of mr update.
#include "fetch.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include <mr/util/redact.hpp>
#include <mr/util/strings.hpp>
#include <mr/util/test_point.hpp>

#include "error.hpp"
#include "handles.hpp"
#include "log.hpp"
#include "net_stream.hpp"
#include "pack_debris.hpp"
#include "ref_lock_note.hpp"
#include "refs.hpp"
#include "repository.hpp"
#include "ssh_config.hpp"
#include "transfer.hpp"

namespace mr::git {

namespace {

// The remote's name for a local ref, through the refspecs that map to it.
std::string remote_name_of(const std::string& local, const std::vector<std::string>& refspecs) {
  if (is_tag_ref(local)) {
    return local;
  }
  for (const auto& text : refspecs) {
    git_refspec* raw = nullptr;
    if (git_refspec_parse(&raw, text.c_str(), 1) != 0) {
      git_error_clear();
      continue;
    }
    const RefspecPtr spec(raw);
    Buf src;
    const bool found = git_refspec_dst_matches(spec.get(), local.c_str()) != 0 &&
                       git_refspec_rtransform(&src.buf, spec.get(), local.c_str()) == 0;
    if (found) {
      return src.str();
    }
  }
  git_error_clear();
  return local;
}

struct Line {
  char code;
  std::string summary;
  std::string remote;
  std::string local;
  std::string note;
  int order; // deletions, the branch to merge, other branches, tags: as git prints them
};

// builtin/fetch.c's format_display() with its default column widths, in the order of
// store_updated_refs(): pruned refs, then the current branch's upstream (FETCH_HEAD's
// for-merge pass), then the other branches and the tags, each by remote name.
std::string format_tips(git_repository* repo, const std::vector<TipUpdate>& tips,
                        const std::vector<std::string>& refspecs, const std::string& from,
                        const std::string& merge_ref) {
  if (tips.empty()) {
    return {};
  }
  Abbreviator abbrev(repo);
  std::vector<Line> lines;
  std::size_t abbrev_width = 7;
  for (const auto& t : tips) {
    Line l;
    l.local = pretty_ref(t.ref);
    l.remote = pretty_ref(remote_name_of(t.ref, refspecs));
    const bool is_tag = is_tag_ref(t.ref);
    l.order = t.ref == merge_ref ? 1 : (is_tag ? 3 : 2);
    if (git_oid_is_zero(&t.new_id)) {
      l.code = '-';
      l.summary = "[deleted]";
      l.remote = "(none)";
      l.order = 0;
    } else if (git_oid_is_zero(&t.old_id)) {
      l.code = '*';
      l.summary =
          is_tag ? "[new tag]"
                 : (is_remote_ref(t.ref) || is_branch_ref(t.ref) ? "[new branch]" : "[new ref]");
    } else if (is_tag) {
      l.code = 't';
      l.summary = "[tag update]";
    } else {
      const auto a = abbrev(t.old_id);
      const auto b = abbrev(t.new_id);
      abbrev_width = std::max({abbrev_width, a.size(), b.size()});
      const bool fast_forward = git_graph_descendant_of(repo, &t.new_id, &t.old_id) == 1;
      git_error_clear();
      l.code = fast_forward ? ' ' : '+';
      l.summary = a + (fast_forward ? ".." : "...") + b;
      if (!fast_forward) {
        l.note = "  (forced update)";
      }
    }
    lines.push_back(std::move(l));
  }
  std::stable_sort(lines.begin(), lines.end(), [](const Line& x, const Line& y) {
    return x.order != y.order ? x.order < y.order : x.remote < y.remote;
  });
  const std::size_t summary_width = 2 * abbrev_width + 3;
  std::size_t refcol = 10;
  for (const auto& l : lines) {
    // adjust_refcol_width(): lines too long for 80 columns do not widen the column.
    if (21 + l.remote.size() + 4 + l.local.size() < 80) {
      refcol = std::max(refcol, l.remote.size());
    }
  }
  std::string out = "From " + from + "\n";
  for (const auto& l : lines) {
    std::string summary = l.summary;
    summary.resize(std::max(summary.size(), summary_width), ' ');
    std::string remote = l.remote;
    remote.resize(std::max(remote.size(), refcol), ' ');
    out +=
        std::string(" ") + l.code + " " + summary + " " + remote + " -> " + l.local + l.note + "\n";
  }
  return out;
}

std::size_t count_ref_lines(const std::string& text) {
  std::size_t n = 0;
  for (const auto line : util::split_lines(text)) {
    if (line.find(" -> ") != std::string_view::npos) {
      ++n;
    }
  }
  return n;
}

// What git fetch printed, with the server's own lines ("remote: ...", which a server can
// send without end) kept to k_max_remote_text and each made one printable line.
constexpr std::size_t k_max_remote_text = 64 * 1024;

std::string keep_of(const std::string& printed) {
  std::string out;
  std::size_t remote_bytes = 0;
  std::size_t dropped = 0;
  for (const auto line : util::split_lines(printed)) {
    if (!line.starts_with("remote:")) {
      out.append(line).append("\n");
    } else if (remote_bytes + line.size() <= k_max_remote_text) {
      remote_bytes += line.size();
      out += util::printable_line(line) + "\n";
    } else {
      ++dropped;
    }
  }
  if (dropped > 0) {
    out += "remote: ... (truncated: " + std::to_string(dropped) + " more lines)\n";
  }
  return out;
}

// For remotes libgit2 cannot reach: git fetch itself, which never prompts here (batch
// mode ssh unless the user chose an ssh command, no terminal prompts).
Result<FetchResult> fetch_with_git(git_repository* repo, const fs::path& workdir,
                                   const RemoteConfig& remote, const FetchSpec& spec,
                                   const NetContext& net) {
  const Config config(repo);
  auto argv = git_argv_without_prompts(config.string("core.sshcommand").has_value(), net);
  const auto git = argv;
  argv.insert(argv.end(), {"fetch", spec.prune ? "--prune" : "--no-prune", remote.name});
  MR_TRY_VAR(r, net.run(argv, "", workdir));
  FetchResult out;
  out.text = keep_of(r->err + r->out);
  if (r->exit_code != 0) {
    const auto lines = util::split_lines(util::trim(r->err));
    return fail(lines.empty() ? "git fetch " + remote.name + " failed" : std::string(lines.back()));
  }
  if (spec.all_tags) {
    // Tags in a second fetch without --prune: a pruning --tags fetch deletes local tags.
    auto tags_argv = git;
    tags_argv.insert(tags_argv.end(), {"fetch", "--no-prune", "--tags", remote.name});
    MR_TRY_VAR(tags, net.run(tags_argv, "", workdir));
    if (tags->exit_code != 0) {
      return fail("git fetch --tags " + remote.name + " failed");
    }
    out.text += keep_of(tags->err + tags->out);
  }
  out.updated = count_ref_lines(out.text);
  return out;
}

struct Steps {
  git_repository* repo;
  git_remote* remote;
  const git_strarray* refspecs;
  const git_fetch_options* options;
  const std::string& reflog;
  const std::vector<std::string>& configured; // the remote's fetch refspecs
};

// git_remote_fetch() step by step, so that the note naming this fetch's ref locks
// (ref_lock_note.hpp) is written after the download and before the first ref is.
int fetch_in_steps(const Steps& s, std::string& note_error) {
  const auto& o = *s.options;
  int rc = git_remote_connect(s.remote, GIT_DIRECTION_FETCH, &o.callbacks, &o.proxy_opts,
                              &o.custom_headers);
  if (rc == 0) {
    rc = git_remote_download(s.remote, s.refspecs, s.options);
    git_remote_disconnect(s.remote);
  }
  if (rc != 0) {
    return rc;
  }
  auto note = RefLockNoteGuard::write(s.repo, RefLockNote::mine(s.repo, s.configured));
  if (!note) {
    note_error = note.error().message;
    return GIT_EUSER;
  }
  util::test_point("fetch.writing_refs");
  rc = git_remote_update_tips(s.remote, &o.callbacks, o.update_fetchhead, o.download_tags,
                              s.reflog.c_str());
  if (rc == 0 && o.prune == GIT_FETCH_PRUNE) {
    rc = git_remote_prune(s.remote, &o.callbacks);
  }
  return rc;
}

// How the remote is reached. A relative local path is relative to the repository, as for
// git (which runs at the top of the work tree), never to wherever mr was started.
Result<Endpoint> fetch_endpoint(git_repository* repo, const RemoteConfig& remote,
                                const NetContext& net) {
  auto planned = plan_endpoint(remote.url, net);
  if (!planned) {
    return fail("remote " + remote.name + ": " + planned.error().message);
  }
  Endpoint& endpoint = *planned;
  if (endpoint.url.scheme == RemoteUrl::Scheme::local && !endpoint.connect_url.empty() &&
      endpoint.connect_url.front() != '/') {
    const char* base = git_repository_workdir(repo);
    endpoint.connect_url =
        (fs::path(base != nullptr ? base : git_repository_path(repo)) / endpoint.connect_url)
            .string();
  }
  return planned;
}

// An anonymous remote for the URL: nothing is written to the config, and neither
// insteadOf (already applied) nor a default refspec is added.
Result<RemotePtr> anonymous_remote(git_repository* repo, const RemoteConfig& remote,
                                   const Endpoint& endpoint) {
  git_remote_create_options create = GIT_REMOTE_CREATE_OPTIONS_INIT;
  create.repository = repo;
  create.name = nullptr; // anonymous: nothing is written to the config
  create.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
  git_remote* raw = nullptr;
  if (const int rc = git_remote_create_with_opts(&raw, endpoint.connect_url.c_str(), &create);
      rc != 0) {
    return fail("remote " + remote.name + ": " + last_error(rc));
  }
  return RemotePtr(raw);
}

// libgit2's options for the fetch: the transfer's callbacks, pruning, and tags as
// --tags, the remote's tagOpt or git's default (those on the fetched history) ask.
git_fetch_options fetch_options_for(Transfer& transfer, const RemoteConfig& remote,
                                    const FetchSpec& spec) {
  git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
  options.callbacks = transfer.callbacks();
  options.prune = spec.prune ? GIT_FETCH_PRUNE : GIT_FETCH_NO_PRUNE;
  options.download_tags = spec.all_tags                   ? GIT_REMOTE_DOWNLOAD_TAGS_ALL
                          : remote.tag_opt == "--no-tags" ? GIT_REMOTE_DOWNLOAD_TAGS_NONE
                          : remote.tag_opt == "--tags"    ? GIT_REMOTE_DOWNLOAD_TAGS_ALL
                                                          : GIT_REMOTE_DOWNLOAD_TAGS_AUTO;
  options.proxy_opts.type = GIT_PROXY_AUTO; // http.proxy and the *_proxy variables, as git
  return options;
}

// The current branch's upstream, if it comes from this remote ("" if not): git fetch's
// report names it.
std::string upstream_merge_ref(git_repository* repo, const RemoteConfig& remote) {
  std::string merge_ref;
  git_reference* head = nullptr;
  if (git_reference_lookup(&head, repo, "HEAD") == 0) {
    RefPtr h(head);
    const char* target = git_reference_symbolic_target(h.get());
    const std::string branch = target != nullptr ? target : "";
    const Config config(repo);
    if (is_branch_ref(branch) &&
        config.string(("branch." + branch_name(branch) + ".remote").c_str()) == remote.name) {
      merge_ref = upstream_ref(repo, branch_name(branch)).value_or("");
    }
  }
  git_error_clear();
  return merge_ref;
}

// The fetch through libgit2, cancellable and bounded by the task's network scope; the
// text is git fetch's report of the tips that moved.
Result<FetchResult> fetch_with_libgit2(git_repository* repo, const RemoteConfig& remote,
                                       const FetchSpec& spec, const NetContext& net,
                                       const Endpoint& endpoint) {
  MR_TRY_VAR(handle, anonymous_remote(repo, remote, endpoint));
  Transfer transfer(net, endpoint);
  git_fetch_options options = fetch_options_for(transfer, remote, spec);
  std::vector<char*> specs;
  for (const auto& r : remote.fetch) {
    specs.push_back(const_cast<char*>(r.c_str()));
  }
  git_strarray refspecs{specs.data(), specs.size()};
  const std::string reflog = "fetch " + remote.name;
  std::string note_error;
  int rc = 0;
  {
    NetScope scope(net.stop, net.idle);
    rc = fetch_in_steps({repo, handle->get(), &refspecs, &options, reflog, remote.fetch},
                        note_error);
  }
  transfer.settle_credentials(rc == 0);
  if (!note_error.empty()) {
    return fail(note_error);
  }
  if (rc != 0) {
    auto why = transfer.failure(rc);
    why.value().message = explain_lock_failure(why.value().message);
    return why;
  }
  const std::string merge_ref = upstream_merge_ref(repo, remote);
  FetchResult out;
  out.text = format_tips(repo, transfer.tips(), remote.fetch, endpoint.url.display(), merge_ref);
  out.updated = transfer.tips().size();
  return out;
}

Result<FetchResult> fetch_one(git_repository* repo, const fs::path& workdir,
                              const RemoteConfig& remote, const FetchSpec& spec,
                              const NetContext& net) {
  // What an earlier fetch killed mid-transfer left behind goes before this one starts.
  remove_dead_pack_temporaries(fs::path(git_repository_commondir(repo)) / "objects");
  remove_dead_ref_locks(repo);
  MR_TRY_VAR(endpoint, fetch_endpoint(repo, remote, net));
  std::shared_ptr<void> slot; // the per-host limit, held until the fetch is done
  if (!endpoint->host.empty() && net.host_slot) {
    slot = net.host_slot(endpoint->host);
    if (!slot) {
      return cancelled();
    }
  }
  spdlog::debug("{}: fetching {} from {} with {}", workdir.string(), remote.name,
                scrub_text(remote.url),
                endpoint->use_git ? "git: " + endpoint->why_git : "libgit2");
  if (endpoint->use_git) {
    return fetch_with_git(repo, workdir, remote, spec, net);
  }
  return fetch_with_libgit2(repo, remote, spec, net, *endpoint);
}

} // namespace

Result<FetchResult> fetch_remote(git_repository* repo, const fs::path& workdir,
                                 const RemoteConfig& remote, const FetchSpec& spec,
                                 const NetContext& net) {
  // Everything below may quote the URL as configured, password and all.
  auto r = fetch_one(repo, workdir, remote, spec, net);
  if (!r) {
    return tl::unexpected(scrub(std::move(r.error())));
  }
  r->text = scrub_text(r->text);
  return r;
}

Result<FetchResult> fetch_all(const fs::path& repo_path, const NetContext& net) {
  MR_TRY_VAR(opened, open_repository(repo_path, {.read_only_config = true}));
  git_repository* repo = opened->get();
  git_config* cfg_raw = nullptr;
  if (const int rc = git_repository_config(&cfg_raw, repo); rc != 0) {
    return fail(last_error(rc));
  }
  ConfigPtr cfg(cfg_raw);
  const auto remotes = read_remotes(cfg.get());
  FetchResult all;
  std::vector<std::string> failed;
  for (const auto& remote : remotes.remotes) {
    if (net.stop.stop_requested()) {
      return cancelled(std::move(all.text)); // what the remotes before said stays shown
    }
    if (remotes.remotes.size() > 1) {
      all.text += "Fetching " + remote.name + "\n"; // git fetch --all says so for several
      all.out += "Fetching " + remote.name + "\n";
    }
    auto one = fetch_remote(repo, repo_path, remote, {.prune = true, .all_tags = true}, net);
    if (!one && (one.error().cancelled() || net.stop.stop_requested())) {
      return cancelled(std::move(all.text) + one.error().output);
    }
    if (!one) {
      const auto line = "error: could not fetch " + remote.name + ": " + one.error().message + "\n";
      all.text += line;
      all.err += line;
      failed.push_back(remote.name);
      continue;
    }
    all.text += one->text;
    all.err += one->text;
    all.updated += one->updated;
  }
  if (!failed.empty()) {
    return fail(remotes.remotes.size() == 1 ? "could not fetch " + failed.front()
                                            : "could not fetch " + util::join(failed, ", "),
                all.text);
  }
  return all;
}

} // namespace mr::git
