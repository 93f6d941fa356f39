// Private to src/registry: a repository's type as myrepos decides it, and the clone a
// myrepos checkout command stands for.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "myrepos_model.hpp"

namespace mr::registry::myrepos {

struct VcsGuess {
  std::string vcs;                 // "git", "svn", "git_bare", ...; empty: unknown
  std::vector<std::string> others; // further types whose test also held (myrepos refuses)
  std::vector<Origin> unevaluated; // the user's own *_test settings, which need a shell
};

// With the directory there: myrepos' built-in *_test settings, evaluated as their Perl
// does (a user's own test cannot be evaluated here and is listed). Without it: the type
// whose program the checkout command runs (git clone: git).
VcsGuess detect_vcs(const SettingMap& settings, const fs::path& dir);

struct Clone {
  std::string url;
  std::optional<std::string> branch;
  bool recursive = false;
};

// `git clone [-b B|--branch B|--branch=B] [--recursive|--recurse-submodules] URL [DIR]`, in
// shell words without expansions (single and double quotes), whose DIR (taken from the
// parent of `repo`, where myrepos runs checkout) is `repo`, or which has no DIR and git's
// default directory for URL is `repo`'s name. nullopt: anything else.
std::optional<Clone> parse_clone(std::string_view command, const fs::path& repo);

// The shell words of `command`, quotes removed; nullopt when it uses more of the shell
// than words and quotes ($, `, \, ;, |, &, <, >, (, ), globs, comments, newlines).
std::optional<std::vector<std::string>> plain_words(std::string_view command);

} // namespace mr::registry::myrepos
