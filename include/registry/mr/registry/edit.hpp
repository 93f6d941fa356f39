// Registering and unregistering repositories: the only writes to registry files.
//
// A registry file that is not trusted and is a symbolic link is written only when the link
// leads to a file in (or below) the link's own directory: a cloned project's
// `.mrconfig.toml -> ../../.ssh/authorized_keys` is refused, not appended to.
//
// Every write holds an exclusive lock on the file's directory across read-modify-write,
// re-reads and re-validates the registry under that lock, changes one table textually
// (comments and formatting elsewhere survive), checks the result still parses, and
// replaces the file atomically (temp file, fsync, rename). A registry that does not load
// is never written, so a bad file stays byte-for-byte as it was. A temporary left by a
// writer that was killed is removed by the next write.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <mr/registry/registry.hpp>
#include <mr/util/paths.hpp>

namespace mr::registry {

enum class EditKind { added, updated, unchanged, removed };

struct EditOutcome {
  EditKind kind; // of the entry, or its url: a change of tags alone leaves it `unchanged`
  fs::path file; // the file that was (or would have been) changed
  fs::path repo; // the repository's registered path
  std::vector<std::string> tags = {};       // the entry's tags after the edit (register)
  std::vector<std::string> tags_added = {}; // RegisterRequest::tags it did not carry yet
};

struct RegisterRequest {
  LoadOptions load;                       // new repos go to its root (registry::root_for picks it)
  util::Place repo;                       // the repository's top directory
  std::optional<std::string> url;         // nullopt: register without a url (an existing one stays)
  std::vector<std::string> tags = {};     // added to the entry's tags (mr -g TAG register)
  std::optional<std::string> branch = {}; // written only into a new entry (discover)
};

// Whether `repo` may be recorded under `key` in the root file of `registry`: refused (one
// line saying why) when the loader would refuse it afterwards: a key with a control
// character, or, when the root file is not trusted (Registry::root_confined_to), a path
// that resolves, symlinks included, outside the root file's directory. register_repo
// calls it; whatever else adds entries (a future discover or import) must too.
Result<void> check_recordable(const Registry& registry, const util::Place& repo,
                              const std::string& key);

// Adds the repo to the root file, or updates the url of its existing entry in whichever
// loaded file defines it (same path, either form), adding the tags it lacks; never adds a
// duplicate. Refuses what
// the loader would refuse afterwards: a path with a control character, or (when the root
// file is not trusted) one outside the root file's directory once symlinks are resolved.
Result<EditOutcome> register_repo(const RegisterRequest& request);

struct RegisterManyResult {
  std::vector<Result<EditOutcome>> outcomes; // index-aligned with the requests
  std::vector<Error> file_errors;            // each root file that failed, once
};

// Registers many repositories at once (discover): each one not registered yet (same path,
// either form, as register_repo decides) is added with its url, branch and tags; one that
// is already registered is left exactly as it is (EditKind::unchanged). The requests are
// grouped by root file (RegisterRequest::load.root; they share the rest of `load`), and
// each root file is written once: under its directory's lock, after the registry was
// re-read there, so a concurrent register is never lost, and atomically, so a reader or a
// crash sees the file before or after all of the additions. A request the file cannot
// record (check_recordable, a tag or path it cannot hold) fails alone. A root file that
// does not load, cannot be written, or would grow past k_max_file_size fails every request
// for it and is one of `file_errors`; so is a stop requested (load.stop) before its write,
// as a cancelled() error. With `dry_run`, the same answers and nothing written.
RegisterManyResult register_new_repos(const std::vector<RegisterRequest>& requests,
                                      bool dry_run = false);

// Removes the repo registered at `target`, or the deepest one containing it. `work_tree`,
// when known, is the top of the git work tree that contains `target`: a registered repo
// found only above it is another repository, so it is refused rather than removed.
Result<EditOutcome> unregister_repo(const LoadOptions& load, const util::Place& target,
                                    const std::optional<util::Place>& work_tree = std::nullopt);

// The key a new table for `repo` gets in `root_file`: relative to the file's directory
// when the repo is below it (with "./" in front when it would start with "~", which would
// read as home), else "~/..." below home, else absolute.
std::string key_for(const util::Place& repo, const fs::path& root_file, const fs::path& home);

} // namespace mr::registry
