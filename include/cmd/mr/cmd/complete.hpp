// The hidden query behind the shell completions: `mr [OPTIONS] --complete WHAT [WORD]`.
//   actions       every action name: NAME<TAB>DESCRIPTION, sorted (hooks left out)
//   action WORD   what WORD resolves to: NAME<TAB>builtin or NAME<TAB>command; nothing and
//                 exit status 1 when it is unknown or ambiguous
//   repos [WORD]  registered paths starting with WORD: absolute after "/", "~/..." after
//                 "~", else relative to the current directory (those at or below it)
//   tags          every tag, once, sorted
//   commands      every command name the registry defines, hooks included, sorted
// One candidate per line; one holding a control character is never printed. Only a query
// the completion files would never send (an unknown WHAT, extra words) is a usage error.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <mr/registry/registry.hpp>
#include <mr/util/paths.hpp>

namespace mr::cmd {

struct CompletionQuery {
  std::string what;
  std::vector<std::string> args; // WORD, if given
  util::Place cwd;
  std::filesystem::path home;
};

// Answers the query from `registry` (an empty one when none loads: the built-ins remain).
int complete(const CompletionQuery& query, const registry::Registry& registry);

} // namespace mr::cmd
