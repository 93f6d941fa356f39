// Private to src/registry: `include = cat ...` lines of a myrepos registry that name only
// files, and where `mr import` writes the conversion of each file they name.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mr::registry::myrepos {

// The value of an environment variable; nullptr when it is not set.
using EnvLookup = std::function<const char*(const std::string&)>;

// The words after `cat` when `value` is "cat PATH..." whose words need of the shell only
// ~/ (from `home`), $NAME, ${NAME}, ${NAME:-DEFAULT} (the default expanded too), and
// single or double quotes: the paths (globs) that cat would be given. nullopt: anything
// else (an option, a pipe, a substitution, an unset variable, a quoted wildcard, a value
// that the shell would split or glob), which needs a shell to evaluate.
std::optional<std::vector<std::string>>
cat_words(std::string_view value, const std::filesystem::path& home, const EnvLookup& env);

// The file cat opens for the literal path `word` (relative to `base`): ".." applied after
// following the symlinks before it, as the kernel walks it; the lexically normal path
// when that is the same file (or cannot be resolved).
std::filesystem::path cat_path(const std::string& word, const std::filesystem::path& base);

// Whether the absolute glob `pattern` (as sh matches it: "*" does not cross "/" nor match
// a leading ".") matches `path`.
bool glob_matches(const std::string& pattern, const std::filesystem::path& path);

// Where the conversion of an included file goes, and how the TOML include names it.
struct IncludeTarget {
  std::string pattern;  // absolute: the TOML include pattern
  bool sibling = false; // DIR.toml/F.toml rather than DIR/F.toml
  // Where the conversion of `file` (one the pattern matched) is written.
  std::filesystem::path toml(const std::filesystem::path& file) const;
};

// For the absolute include pattern `word` and the files it matched: beside them as
// F.toml (included as WORD.toml), unless an include pattern of the import (`patterns`,
// `word` among them) would match F.toml, which myrepos would then splice in as INI: then
// in the sibling directory DIR.toml/ (included as DIR.toml/LAST.toml). `literal`: `word`
// is a file's path, its glob characters escaped in the TOML include.
IncludeTarget include_target(const std::string& word,
                             const std::vector<std::filesystem::path>& files,
                             const std::vector<std::string>& patterns, bool literal = false);

} // namespace mr::registry::myrepos
