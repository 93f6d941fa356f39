// `mr import`: a myrepos registry (INI: ~/.mrconfig, what it includes and chains) turned
// into the equivalent TOML registry, so that mr lists the same repositories in the same
// order, runs the same commands, and skips the same repositories as myrepos would.
//
// Planning reads the INI files as myrepos reads them (its [DEFAULT] copied forward into
// the sections after it, [ALIAS], lib, KEY_append/KEY_prepend, include, chain, the trust
// rules of ~/.mrtrust) and computes each repository's effective settings; what has no TOML
// meaning (a perl: value, an include or chain that needs a shell without --run-includes)
// is reported with FILE:LINE and a suggestion, and the rest is converted. A malformed or
// untrusted file, or one beyond the limits (size, depth of includes and chains, number of
// files), is an error and nothing is planned. Planning runs no process itself: a shell
// command (with --run-includes) goes through the ShellRunner the caller gives.
//
// Every planned file is checked to load with mr's own loader; one that would not is
// refused (that would be a bug of the importer). Writing never replaces an existing file
// unless forced, and writes nothing at all when any output exists: each file is written
// atomically under the directory lock every registry writer takes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include <mr/util/result.hpp>

namespace mr::registry {

// One thing not converted (the import is partial), or converted in another form than
// the INI's that behaves as myrepos does, or approximately in a harmless way (a note).
struct ImportReport {
  std::filesystem::path file; // the INI file
  std::uint32_t line = 0;     // where the setting or section starts
  std::string what;
  std::string suggestion;
  bool note = false; // converted; said for the user to know

  std::string str() const; // "FILE:LINE: WHAT; SUGGESTION", "FILE:LINE: note: ..." for a note
};

struct ImportedFile {
  std::filesystem::path path;   // absolute: where it is written
  std::filesystem::path source; // the INI file it converts
  std::string text;             // the TOML
  std::size_t repos = 0;        // repositories it lists
};

struct ImportPlan {
  std::vector<ImportedFile> files; // in write order: the main output first
  std::vector<ImportReport> reports;

  // Whether something was not converted (a report that is not a note).
  bool partial() const;
};

// The output of a shell command (stdout), and its exit status (0: success).
struct ShellOutput {
  std::string output;
  int status = 0;
};
// Runs `command` with /bin/sh in `dir`, as myrepos runs an include or a chain predicate.
using ShellRunner = std::function<Result<ShellOutput>(const std::string& command,
                                                      const std::filesystem::path& dir)>;

struct ImportOptions {
  std::filesystem::path input;  // absolute: the INI file
  std::filesystem::path output; // absolute: the TOML file
  std::filesystem::path home;
  bool trust_all = false;    // -t: every file trusted
  bool run_includes = false; // run includes and chain predicates that need a shell
  ShellRunner shell;         // required with run_includes
  std::stop_token stop = {};
};

// Where `mr import FILE` writes without -o or -c: DIR/.mrconfig -> DIR/.mrconfig.toml,
// any other NAME -> NAME.toml.
std::filesystem::path default_import_output(const std::filesystem::path& input);

// A cancelled() error once `options.stop` is requested (checked between its steps).
Result<ImportPlan> plan_import(const ImportOptions& options);

// An error for the first planned file that exists and is not a regular file (or a symlink
// to one: a FIFO, a device, a directory, a dangling symlink), --force or not; then, unless
// `force`, "OUT exists; pass --force to replace it, or --dry-run to see the conversion" for
// the first that exists.
Result<void> check_import_outputs(const ImportPlan& plan, bool force);

// Writes every planned file (checked again under the locks: an output that appeared
// meanwhile refuses the whole import unless `force`). Once `stop` is requested, before
// the first file is written, nothing is: a cancelled() error.
Result<void> write_import(const ImportPlan& plan, bool force, const std::stop_token& stop = {});

} // namespace mr::registry
