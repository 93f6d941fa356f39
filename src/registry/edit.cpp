#include <algorithm>
#include <map>
#include <span>
#include <sys/stat.h>
#include <unordered_map>
#include <unordered_set>

#include <mr/registry/edit.hpp>
#include <mr/registry/select.hpp>
#include <mr/registry/trust.hpp>
#include <mr/util/file_io.hpp>
#include <mr/util/path_memo.hpp>
#include <mr/util/paths.hpp>
#include <mr/util/quote.hpp>
#include <mr/util/test_point.hpp>

#include "edit_locks.hpp"
#include "edit_support.hpp"
#include "text_edit.hpp"
#include "toml_support.hpp"

namespace mr::registry {

namespace {

// An untrusted file is written through a symlink only to a file in the link's own
// directory or below: anything else is a file mr would not load as that registry (the
// target was reached by a link someone else may have committed).
Result<void> check_writable_through(const fs::path& file, const std::string& hint) {
  struct stat st {};
  if (::lstat(file.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) {
    return {};
  }
  auto dir = util::resolve_path(file.parent_path());
  if (!dir) {
    return fail("cannot write registry " + file.string() + ": " + dir.error().message);
  }
  auto target = util::resolve_within(file, *dir);
  if (!target) {
    return fail("cannot write registry " + file.string() + ": it is a symbolic link that " +
                target.error().message + ", and mr writes an untrusted registry only inside " +
                "its own directory (" + hint + ")");
  }
  return {};
}

// Reads `file`, applies `edit` to its text, checks the result still parses, writes it.
// Called with the file's directory locked, so no other writer's temporary is removed.
// `untrusted_hint` is set when the file is not trusted.
template <class Edit>
Result<void> rewrite(const fs::path& file, const std::optional<std::string>& untrusted_hint,
                     Edit&& edit) {
  if (untrusted_hint) {
    if (auto r = check_writable_through(file, *untrusted_hint); !r) {
      return r;
    }
  }
  util::remove_stale_temporaries(file);
  std::string text;
  if (util::exists(file)) {
    auto current = util::read_regular_file(file, k_max_file_size);
    if (!current) {
      return fail("cannot read registry " + current.error().message);
    }
    text = std::move(current->content);
  }
  MR_TRY_VAR(changed, edit(text));
  if (*changed == text && util::exists(file)) {
    return {}; // nothing to write
  }
  if (changed->size() > k_max_file_size) {
    return fail(file.string() + ": not changed, because it would grow past " +
                std::to_string(k_max_file_size) + " bytes, more than mr reads in one file");
  }
  if (auto check = toml_support::parse(*changed, file); !check) {
    return fail(file.string() + ": not changed, because the edit would not parse (" +
                check.error().message + "); edit the file by hand");
  }
  // A new registry is not writable by group or others, so that it stays trusted.
  if (auto written = util::write_file_atomically(file, *changed, 0644); !written) {
    return fail("cannot write registry " + written.error().message);
  }
  return {};
}

std::optional<std::string> root_hint(const Registry& registry) {
  if (!registry.root_confined_to) {
    return std::nullopt;
  }
  return registry.root_untrusted_hint;
}

// For the file that defines `repo`: set when that file is not trusted.
std::optional<std::string> hint_for(const Registry& registry, const Repo& repo) {
  if (repo.trusted) {
    return std::nullopt;
  }
  if (repo.location.file == registry.root) {
    return root_hint(registry).value_or(TrustList::k_hint);
  }
  return std::string(TrustList::k_hint);
}

// The registered repositories by path: the one a place names (the same path, either form,
// first in registry order; else the same directory once symlinks are resolved). Physical
// paths are resolved once, and only when a lexical lookup has not decided: discover looks
// up thousands of places in a registry of thousands of repositories.
class KnownRepos {
public:
  explicit KnownRepos(const Registry& registry) : m_registry(registry) {
    for (const auto& repo : registry.repos) {
      m_lexical.emplace(repo.path.native(), &repo);
    }
  }

  const Repo* find(const util::Place& place) {
    for (const auto* path : {&place.logical, &place.physical}) {
      if (auto it = m_lexical.find(path->native()); it != m_lexical.end()) {
        return it->second;
      }
    }
    if (!m_physical_ready) {
      util::PathMemo memo; // repos side by side share their directories' resolution
      for (const auto& repo : m_registry.repos) {
        m_physical.emplace(memo.physical(repo.path).native(), &repo);
      }
      m_physical_ready = true;
    }
    auto it = m_physical.find(place.physical.native());
    return it == m_physical.end() ? nullptr : it->second;
  }

private:
  const Registry& m_registry;
  std::unordered_map<std::string, const Repo*> m_lexical;
  std::unordered_map<std::string, const Repo*> m_physical;
  bool m_physical_ready = false;
};

// The registry's root files, for "not registered in ...": "A", or "A or B".
std::string roots_named(const LoadOptions& load) {
  if (load.roots.empty()) {
    return load.root.string();
  }
  std::string out;
  for (std::size_t i = 0; i < load.roots.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == load.roots.size() ? " or " : ", ") + load.roots[i].path.string();
  }
  return out;
}

// Is the repo's path the work tree's top directory or below it (either form)?
bool at_or_below(const Repo& repo, const util::Place& top) {
  const auto physical = util::physical(repo.path);
  return util::depth_below(repo.path, top.logical) || util::depth_below(repo.path, top.physical) ||
         util::depth_below(physical, top.physical) || util::depth_below(physical, top.logical);
}

// A '$' of a directory's own name is written "\$" in a key, which the loader reads back
// as a '$' rather than a variable.
std::string literal_dollars(std::string key) {
  for (std::size_t i = key.find('$'); i != std::string::npos; i = key.find('$', i + 2)) {
    key.insert(i, 1, '\\');
  }
  return key;
}

} // namespace

std::string key_for(const util::Place& repo, const fs::path& root_file, const fs::path& home) {
  const auto dir = root_file.parent_path();
  const auto relative = [](const fs::path& p, const fs::path& base) -> std::optional<std::string> {
    if (!util::depth_below(p, base)) {
      return std::nullopt;
    }
    auto rel = p.lexically_relative(base).string();
    return rel.empty() ? "." : rel;
  };
  // A relative key must not start with "~": the loader would read "~/x" as $HOME/x, and
  // refuse "~x" in an untrusted file; "./~/x" is the directory that is really there.
  const auto unambiguous = [](std::string rel) { return rel[0] == '~' ? "./" + rel : rel; };
  if (auto rel = relative(repo.logical, dir)) {
    return literal_dollars(unambiguous(*rel));
  }
  if (auto rel = relative(repo.physical, util::physical(dir))) {
    return literal_dollars(unambiguous(*rel));
  }
  if (!home.empty()) {
    if (auto rel = relative(repo.logical, home)) {
      return literal_dollars(*rel == "." ? "~" : "~/" + *rel);
    }
  }
  return literal_dollars(repo.logical.string());
}

Result<void> check_recordable(const Registry& registry, const util::Place& repo,
                              const std::string& key) {
  const auto& path = repo.logical.native();
  if (toml_support::has_control_character(key)) {
    return fail("cannot register " + util::quote_string(path) +
                ": its path contains a control character (such as a newline or a tab), which "
                "a registry entry cannot hold; rename the directory");
  }
  if (const auto& dir = registry.root_confined_to) {
    auto resolved = util::resolve_path(repo.logical);
    if (!resolved) {
      return fail("cannot register " + path + ": " + resolved.error().message);
    }
    if (!util::depth_below(*resolved, *dir)) {
      const std::string via =
          *resolved == repo.logical ? "" : " (it resolves to " + resolved->string() + ")";
      return fail("cannot register " + path + via + " in " + registry.root.string() +
                  ": an untrusted registry file may only list repositories inside its own "
                  "directory, " +
                  dir->string() + " (" + registry.root_untrusted_hint + ")");
    }
  }
  return {};
}

// A tag is written into the registry and printed: one line of valid UTF-8.
Result<void> check_tags(const RegisterRequest& request) {
  for (const auto& tag : request.tags) {
    if (!util::is_valid_utf8(tag) || toml_support::has_control_character(tag)) {
      return fail("cannot register " + request.repo.logical.string() + " with tag " +
                  util::quote_string(tag) +
                  ": a tag may not hold a control character (such as a newline) or bytes that "
                  "are not UTF-8");
    }
  }
  return {};
}

namespace {

// The tags of `wanted` that `had` lacks, each once, in order.
std::vector<std::string> tags_missing(const std::vector<std::string>& wanted,
                                      const std::vector<std::string>& had) {
  std::vector<std::string> out;
  for (const auto& tag : wanted) {
    if (std::find(had.begin(), had.end(), tag) == had.end() &&
        std::find(out.begin(), out.end(), tag) == out.end()) {
      out.push_back(tag);
    }
  }
  return out;
}

// A table about to be appended to a root file.
struct NewEntry {
  std::string key;
  const RegisterRequest* request;
  std::vector<std::string> tags;
};

// The new table for `request` in the root file of `registry`, once it is known that the
// file may hold it: what check_recordable refuses, and text that is not UTF-8.
Result<NewEntry> new_entry(const Registry& registry, const RegisterRequest& request,
                           std::vector<std::string> tags) {
  auto key = key_for(request.repo, request.load.root, request.load.home);
  MR_TRY(check_recordable(registry, request.repo, key));
  const auto utf8 = [](const std::optional<std::string>& s) {
    return !s || util::is_valid_utf8(*s);
  };
  if (!util::is_valid_utf8(key) || !utf8(request.url) || !utf8(request.branch)) {
    return fail("cannot register " + request.repo.logical.string() +
                ": its path, url or branch is not valid UTF-8, which a TOML file cannot hold");
  }
  return NewEntry{std::move(key), &request, std::move(tags)};
}

// `text` with the tables of `entries` appended. Each table after the first is appended to
// the new tables alone: appending them one by one to the whole text would copy it once
// per repository.
std::string append_entries(std::string_view text, std::span<const NewEntry> entries) {
  std::string out;
  for (const auto& entry : entries) {
    const auto& r = *entry.request;
    const auto table = text_edit::append_repo(out.empty() ? text : std::string_view{}, entry.key,
                                              r.url ? &*r.url : nullptr, entry.tags,
                                              r.branch ? &*r.branch : nullptr);
    out += out.empty() ? table : "\n" + table;
  }
  return out;
}

// register_new_repos for the requests of one root file (`indices`), each outcome into
// `out`; an error fails all of them.
Result<void> register_in_root(const std::vector<RegisterRequest>& requests,
                              const std::vector<std::size_t>& indices, bool dry_run,
                              std::vector<Result<EditOutcome>>& out) {
  const LoadOptions& options = requests[indices.front()].load;
  EditLocks locks;
  MR_TRY(locks.lock_dir_of(options.root));
  MR_TRY_VAR(registry, load(options));
  util::test_point("register_many.loaded");
  KnownRepos known(*registry);
  std::unordered_set<std::string> adding; // physical paths: a directory reached twice
  std::vector<NewEntry> entries;
  for (const std::size_t i : indices) {
    const auto& request = requests[i];
    if (const Repo* existing = known.find(request.repo)) {
      out[i] =
          EditOutcome{EditKind::unchanged, existing->location.file, existing->path, existing->tags};
      continue;
    }
    if (adding.count(request.repo.physical.native()) != 0) {
      out[i] = EditOutcome{EditKind::unchanged, options.root, request.repo.logical, {}, {}};
      continue;
    }
    auto entry = check_tags(request).and_then(
        [&] { return new_entry(*registry, request, tags_missing(request.tags, {})); });
    if (!entry) {
      out[i] = tl::unexpected(entry.error());
      continue;
    }
    adding.insert(request.repo.physical.native());
    out[i] =
        EditOutcome{EditKind::added, options.root, request.repo.logical, entry->tags, entry->tags};
    entries.push_back(std::move(*entry));
  }
  if (entries.empty() || dry_run) {
    return {};
  }
  if (options.stop.stop_requested()) {
    return cancelled();
  }
  return rewrite(options.root, root_hint(*registry),
                 [&](const std::string& text) -> Result<std::string> {
                   return append_entries(text, entries);
                 });
}

} // namespace

Result<EditOutcome> register_repo(const RegisterRequest& request) {
  MR_TRY(check_tags(request));
  EditLocks locks;
  MR_TRY(locks.lock_dir_of(request.load.root));
  MR_TRY_VAR(registry, load(request.load));
  const auto new_tags = [&](const std::vector<std::string>& had) {
    return tags_missing(request.tags, had);
  };
  if (const Repo* existing = KnownRepos(*registry).find(request.repo)) {
    EditOutcome outcome{EditKind::unchanged, existing->location.file, existing->path,
                        existing->tags, new_tags(existing->tags)};
    outcome.tags.insert(outcome.tags.end(), outcome.tags_added.begin(), outcome.tags_added.end());
    const bool new_url = request.url && existing->url != request.url;
    if (!new_url && outcome.tags_added.empty()) {
      return outcome;
    }
    const auto& file = existing->location.file;
    MR_TRY(locks.lock_dir_of(file));
    MR_TRY(rewrite(
        file, hint_for(*registry, *existing), [&](const std::string& text) -> Result<std::string> {
          std::string out = text;
          if (new_url) {
            MR_TRY_VAR(edited, text_edit::set_value(out, file, {"repos", existing->key}, "url",
                                                    toml_support::quote(*request.url)));
            out = std::move(*edited);
          }
          if (!outcome.tags_added.empty()) {
            MR_TRY_VAR(edited, text_edit::set_value(out, file, {"repos", existing->key}, "tags",
                                                    text_edit::string_array(outcome.tags)));
            out = std::move(*edited);
          }
          return out;
        }));
    outcome.kind = new_url ? EditKind::updated : EditKind::unchanged;
    return outcome;
  }
  const auto tags = new_tags({});
  MR_TRY_VAR(entry, new_entry(*registry, request, tags));
  MR_TRY(rewrite(request.load.root, root_hint(*registry),
                 [&](const std::string& text) -> Result<std::string> {
                   return append_entries(text, {&*entry, 1});
                 }));
  return EditOutcome{EditKind::added, request.load.root, request.repo.logical, tags, tags};
}

RegisterManyResult register_new_repos(const std::vector<RegisterRequest>& requests, bool dry_run) {
  RegisterManyResult result;
  result.outcomes.assign(requests.size(), EditOutcome{EditKind::unchanged, {}, {}});
  // The requests of each root file, in the order they came.
  std::map<fs::path, std::vector<std::size_t>> by_root;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    by_root[requests[i].load.root].push_back(i);
  }
  for (const auto& [root, indices] : by_root) {
    if (auto written = register_in_root(requests, indices, dry_run, result.outcomes); !written) {
      for (const std::size_t i : indices) {
        result.outcomes[i] = tl::unexpected(written.error());
      }
      result.file_errors.push_back(written.error());
    }
  }
  return result;
}

Result<EditOutcome> unregister_repo(const LoadOptions& load_options, const util::Place& target,
                                    const std::optional<util::Place>& work_tree) {
  EditLocks locks;
  MR_TRY(locks.lock_dir_of(load_options.root));
  MR_TRY_VAR(registry, load(load_options));
  const Repo* repo = find_enclosing(*registry, target);
  if (repo == nullptr) {
    return fail(target.logical.string() + " is not registered in " + roots_named(load_options));
  }
  if (work_tree && !at_or_below(*repo, *work_tree)) {
    // The registered repo only contains the work tree: removing it would be the wrong one.
    return fail(work_tree->logical.string() + " is not registered in " + roots_named(load_options) +
                " (it is a repository of its own inside " + repo->path.string() +
                ", which is; to remove that one: mr unregister " + repo->path.string() + ")");
  }
  MR_TRY(locks.lock_dir_of(repo->location.file));
  MR_TRY(rewrite(repo->location.file, hint_for(*registry, *repo), [&](const std::string& text) {
    return text_edit::remove_repo(text, repo->location.file, repo->key);
  }));
  return EditOutcome{EditKind::removed, repo->location.file, repo->path};
}

Result<void> edit_registry(const LoadOptions& load_options, const EditPlanner& plan) {
  EditLocks locks;
  MR_TRY(locks.lock_dir_of(load_options.root));
  MR_TRY_VAR(registry, load(load_options));
  MR_TRY_VAR(planned, plan(*registry));
  if (!*planned) {
    return {};
  }
  const auto& [file, repo, edit] = **planned;
  MR_TRY(locks.lock_dir_of(file));
  const auto hint = repo != nullptr          ? hint_for(*registry, *repo)
                    : file == registry->root ? root_hint(*registry)
                                             : std::nullopt;
  return rewrite(file, hint, edit);
}

} // namespace mr::registry
