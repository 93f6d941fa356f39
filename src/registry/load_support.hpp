// Private to src/registry: what loading one file shares between load.cpp (files, includes,
// chains, settings, commands) and repo_table.cpp (one repository's table).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <toml++/toml.h>

#include <mr/registry/registry.hpp>
#include <mr/util/path_memo.hpp>

#include "myrepos_spelling.hpp"

namespace mr::registry {

// One file being loaded, as its tables see it.
struct FileContext {
  fs::path file;
  fs::path dir; // what paths in it are relative to (the directory it was reached in)
  bool trusted = false;
  std::string hint; // for refusals: why it is not trusted and what to do about it
  std::optional<fs::path> confined_to; // not trusted: the physical directory its repos stay in
  std::size_t depth = 0;               // includes and chains above this file
  // myrepos' "topdir" of the file's repositories: its own directory for a root or chained
  // file, its includer's for an included one. Repositories sort by it (Repo::sort_key).
  fs::path top;
  // The directories resolved so far while loading (for confined_to checks): shared by
  // every file of one load, so repositories side by side cost one lstat each.
  util::PathMemo* paths = nullptr;
};

// "FILE:LINE:COL: message".
Error error_at(const FileContext& ctx, const toml::source_region& where,
               const std::string& message);

std::optional<Transport> parse_transport(std::string_view s);

// Command (or alias) definitions of `table` into `out`; `what` names the table in errors.
// For a commands table (`kind` set), a name only myrepos understands is an error.
Result<void> read_commands(const FileContext& ctx, const toml::table& table,
                           const std::string& what, CommandMap& out,
                           std::optional<CommandTable> kind = std::nullopt);

// One key of [settings] (a trusted file's) into `settings`: an unknown key or a wrong
// value is an error at its place in the file.
Result<void> read_setting(const FileContext& ctx, const toml::key& key, const toml::node& value,
                          Settings& settings);

// One [repos."KEY"] table: the key's path rules (relative, no "..", no control characters;
// absolute or "~" only when trusted; inside `ctx.confined_to` once symlinks are resolved)
// and every field.
Result<Repo> read_repo(const FileContext& ctx, const toml::key& key, const toml::node& node,
                       const fs::path& home);

// load(), with `file` read as `text` instead of what it holds: whether an edit of it would
// load, checked before it is written. The file's owner and mode still decide its trust.
Result<Registry> load_with_text(const LoadOptions& options, const fs::path& file,
                                std::string_view text);

} // namespace mr::registry
