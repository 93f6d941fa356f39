#include <algorithm>
#include <sys/stat.h>

#include <mr/registry/edit.hpp>
#include <mr/registry/select.hpp>
#include <mr/registry/trust.hpp>
#include <mr/util/file_io.hpp>
#include <mr/util/paths.hpp>
#include <mr/util/quote.hpp>

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

const Repo* find_same(const Registry& registry, const util::Place& place) {
  for (const auto& repo : registry.repos) {
    if (repo.path == place.logical || repo.path == place.physical) {
      return &repo;
    }
  }
  for (const auto& repo : registry.repos) {
    if (util::physical(repo.path) == place.physical) {
      return &repo;
    }
  }
  return nullptr;
}

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

Result<EditOutcome> register_repo(const RegisterRequest& request) {
  MR_TRY(check_tags(request));
  EditLocks locks;
  MR_TRY(locks.lock_dir_of(request.load.root));
  MR_TRY_VAR(registry, load(request.load));
  const auto new_tags = [&](const std::vector<std::string>& had) {
    std::vector<std::string> out;
    for (const auto& tag : request.tags) {
      if (std::find(had.begin(), had.end(), tag) == had.end() &&
          std::find(out.begin(), out.end(), tag) == out.end()) {
        out.push_back(tag);
      }
    }
    return out;
  };
  if (const Repo* existing = find_same(*registry, request.repo)) {
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
  const auto key = key_for(request.repo, request.load.root, request.load.home);
  MR_TRY(check_recordable(*registry, request.repo, key));
  const auto tags = new_tags({});
  if (!util::is_valid_utf8(key) || (request.url && !util::is_valid_utf8(*request.url))) {
    return fail("cannot register " + request.repo.logical.string() +
                ": its path or url is not valid UTF-8, which a TOML file cannot hold");
  }
  MR_TRY(rewrite(
      request.load.root, root_hint(*registry), [&](const std::string& text) -> Result<std::string> {
        return text_edit::append_repo(text, key, request.url ? &*request.url : nullptr, tags);
      }));
  return EditOutcome{EditKind::added, request.load.root, request.repo.logical, tags, tags};
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
