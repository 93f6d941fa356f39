// Private to src/registry: a repository on its way from a myrepos section to a TOML table
// (myrepos_convert.cpp), and the steps that look at all of them at once
// (myrepos_share.cpp).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "myrepos_convert.hpp"

namespace mr::registry::myrepos {

struct RepoWork {
  RepoPlan plan;
  std::map<std::string, Value> commands; // before [commands] takes the shared ones
  std::optional<Value> lib;              // the user's part of myrepos' lib
  double order = 10;
  bool trusted = true;
};

struct Shared {
  std::vector<TomlKey> settings, commands;
};

// Takes out of `repos` every command that `defaults` (the final [DEFAULT], as a
// repository) has and every repository has too, alike or (a trusted one) its own, which
// it keeps: those go to [commands]. The lib when all have it alike goes to [settings].
Shared share(std::vector<RepoWork>& repos, const RepoWork& defaults);

// The repository's commands and lib as TOML keys; in a file that is not trusted, which
// may hold neither, they are reported instead.
void finish(Model& model, RepoWork& repo);

// [ALIAS] as [alias].
std::vector<TomlKey> convert_aliases(Model& model);

} // namespace mr::registry::myrepos
