// Private to src/registry: what each repository of a myrepos Model becomes in TOML, and
// the TOML text of each output file.
//
// - A repository's type is decided as myrepos decides it (its *_test settings on the
//   directory; when the directory is missing, the program its checkout runs). For git,
//   myrepos' built-in commands are mr's built-in actions, so only what the user changed is
//   written; for another type, myrepos' commands for it become the repository's commands,
//   and the actions myrepos has none for are skipped through `skip`.
// - Each action's command is found as myrepos' findcommand finds it (ACTION, then
//   TYPE_ACTION, then ACTION_default); hooks are taken as they are; fixups run after
//   post_checkout and post_update; `git clone [-b B] [--recursive] URL [DIR]` becomes url
//   and branch.
// - A command (or lib) every repository and the final [DEFAULT] share goes to [commands]
//   (or [settings]); otherwise it is written per repository.
// - Orders are kept; where mr's order (order, then path) would differ from myrepos' (order,
//   then the file's directory, then the section name), orders in between are written.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "myrepos_model.hpp"

namespace mr::registry::myrepos {

// One TOML key = value, with the input entry it comes from (for its comments).
struct TomlKey {
  std::string name;  // the key, unquoted
  std::string value; // the value as TOML text
  std::optional<Origin> origin;
};

struct RepoPlan {
  int section = 0;
  std::string key; // the table key, unquoted
  fs::path path;   // absolute, lexically normal
  std::vector<TomlKey> fields;
  std::vector<TomlKey> commands;
};

struct Conversion {
  std::vector<RepoPlan> repos; // in section order
  std::vector<TomlKey> settings, commands, aliases;
};

// Reports are added to `model.reports`.
Conversion convert(Model& model, const fs::path& home);

// The TOML text of output `out`; without its include line when `with_includes` is false
// (to check a file alone, before the files it includes exist).
std::string render(const Model& model, const Conversion& conversion, int out, bool with_includes);

// `s` as a TOML string: a basic one, or a multi-line one when it holds a newline (the bytes
// exactly). nullopt: not UTF-8, which TOML cannot hold.
std::optional<std::string> toml_string(std::string_view s);

// toml_string() of a value known to be UTF-8: the model reports and leaves out every value
// that is not (never an empty one in its place), so one here is a bug (std::logic_error).
std::string toml_value(std::string_view s);

} // namespace mr::registry::myrepos
