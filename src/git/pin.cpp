// What a registry `branch` names in a repository, and whether it pins the repository
// (include/git/mr/git/pin.hpp).
#include <algorithm>
#include <cctype>

#include <mr/git/pin.hpp>

#include "handles.hpp"
#include "log.hpp"
#include "pin_name.hpp"
#include "refs.hpp"
#include "remotes.hpp"
#include "repository.hpp"

namespace mr::git {

bool written_as_commit(std::string_view name) {
  return name.size() >= 7 && name.size() <= GIT_OID_HEXSZ &&
         std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

std::string nothing_named(const std::string& name, const std::string& url) {
  return (written_as_commit(name) ? "no branch, tag or commit \"" : "no branch or tag \"") + name +
         "\" at " + url + " (the registry's branch)";
}

namespace {

std::optional<git_oid> ref_id(git_repository* repo, const std::string& ref) {
  git_oid id{};
  if (git_reference_name_to_id(&id, repo, ref.c_str()) != 0) {
    git_error_clear();
    return std::nullopt;
  }
  return id;
}

bool valid_ref(const std::string& ref) {
  int valid = 0;
  return git_reference_name_is_valid(&valid, ref.c_str()) == 0 && valid != 0;
}

Result<std::optional<Named>> as_tag(git_repository* repo, const std::string& name) {
  const std::string ref = std::string(k_tags) + name;
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo, ref.c_str()) != 0) {
    git_error_clear();
    return std::nullopt;
  }
  RefPtr tag(raw);
  git_object* peeled = nullptr;
  if (const int rc = git_reference_peel(&peeled, tag.get(), GIT_OBJECT_COMMIT); rc != 0) {
    return fail("tag " + name + " does not point at a commit: " + last_error(rc));
  }
  ObjectPtr commit(peeled);
  return Named{Named::Kind::tag, *git_object_id(commit.get())};
}

Result<std::optional<Named>> as_commit(git_repository* repo, const std::string& name) {
  git_oid prefix{};
  if (!written_as_commit(name) || git_oid_fromstrn(&prefix, name.data(), name.size()) != 0) {
    git_error_clear();
    return std::nullopt;
  }
  git_object* raw = nullptr;
  if (const int rc = git_object_lookup_prefix(&raw, repo, &prefix, name.size(), GIT_OBJECT_ANY);
      rc == GIT_EAMBIGUOUS) {
    return fail("more than one object's id starts with " + name +
                " (write more of the commit id as the registry's branch)");
  } else if (rc != 0) {
    git_error_clear();
    return std::nullopt;
  }
  ObjectPtr object(raw);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT) != 0) {
    git_error_clear();
    return std::nullopt; // a tree or a blob: no commit of that name
  }
  ObjectPtr commit(peeled);
  return Named{Named::Kind::commit, *git_object_id(commit.get())};
}

} // namespace

Result<std::optional<Named>> resolve_named(git_repository* repo, const std::string& name,
                                           const std::vector<std::string>& remotes) {
  if (!name.empty() && valid_ref(branch_ref(name))) {
    std::vector<std::string> branches{branch_ref(name)};
    for (const auto& remote : remotes) {
      branches.push_back(std::string(k_remotes) + remote + "/" + name);
    }
    for (const auto& ref : branches) {
      if (const auto id = ref_id(repo, ref)) {
        return Named{Named::Kind::branch, *id};
      }
    }
    MR_TRY_VAR(tag, as_tag(repo, name));
    if (*tag) {
      return tag;
    }
  }
  return as_commit(repo, name);
}

namespace {

std::vector<std::string> remotes_of(git_repository* repo) {
  std::vector<std::string> names;
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, repo) != 0) {
    git_error_clear();
    return names;
  }
  ConfigPtr cfg(raw);
  for (const auto& remote : read_remotes(cfg.get()).remotes) {
    names.push_back(remote.name);
  }
  return names;
}

// Where HEAD is, for a repository that is not at its pin: "on branch main", "at 1a2b3c4".
std::string head_place(git_repository* repo) {
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo, "HEAD") != 0) {
    git_error_clear();
    return "unreadable";
  }
  RefPtr head(raw);
  if (git_reference_type(head.get()) == GIT_REFERENCE_SYMBOLIC) {
    return "on branch " + branch_name(git_reference_symbolic_target(head.get()));
  }
  return "at " + Abbreviator(repo)(*git_reference_target(head.get()));
}

} // namespace

Result<std::optional<Pin>> find_pin(const std::filesystem::path& path, const std::string& branch) {
  // The usual case, a local branch of that name, without opening the repository: its refs
  // read directly (a .git file, a linked work tree, goes the long way).
  if (std::error_code ec; std::filesystem::is_directory(path / ".git", ec) &&
                          valid_ref(branch_ref(branch)) &&
                          RefStore((path / ".git").string() + "/").resolve(branch_ref(branch))) {
    return std::nullopt;
  }
  MR_TRY_VAR(opened, open_repository(path, {.read_only_config = true}));
  git_repository* repo = opened->get();
  MR_TRY_VAR(named, resolve_named(repo, branch, remotes_of(repo)));
  if (!*named && written_as_commit(branch)) {
    // A commit this clone lacks (the registry moved the pin on): going there is the
    // user's call, after a fetch.
    return Pin{Pin::Kind::commit, false,
               "pinned to commit " + branch + " (registry branch), which is not in this clone; " +
                   "not updated (git fetch, then git checkout --detach " + branch + ")"};
  }
  if (!*named || (*named)->kind == Named::Kind::branch) {
    return std::nullopt;
  }
  Pin pin;
  pin.kind = (*named)->kind == Named::Kind::tag ? Pin::Kind::tag : Pin::Kind::commit;
  const std::string what = (pin.kind == Pin::Kind::tag ? "tag " : "commit ") + branch;
  git_oid head{};
  pin.at_pin = git_repository_head_detached(repo) == 1 &&
               git_reference_name_to_id(&head, repo, "HEAD") == 0 &&
               git_oid_equal(&head, &(*named)->commit) != 0;
  git_error_clear();
  pin.reason = "pinned to " + what + " (registry branch)";
  if (!pin.at_pin) {
    pin.reason += ", but HEAD is " + head_place(repo) + "; not updated (git checkout --detach " +
                  branch + " goes back to the pin)";
  } else {
    pin.reason += "; not updated";
  }
  return pin;
}

} // namespace mr::git
