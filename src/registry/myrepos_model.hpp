// Private to src/registry: what myrepos makes of a set of INI files, computed as its
// loadconfig computes it, for `mr import`.
//
// Each file is read in a context (a "topdir": the directory its sections are relative
// to) whose [DEFAULT] starts as a copy of the nearest enclosing context's final [DEFAULT],
// ultimately myrepos' built-in one. A section gets a copy of [DEFAULT] as it stands when
// the section first appears; `lib` and KEY_append add to a key, KEY_prepend puts text in
// front; `include = cat FILE...` splices the files in; `chain = true` queues the
// repository's own .mrconfig, read after the file in a context of its own. Every value
// remembers which file and line set it, and every comment where it stood, so that the
// TOML written from this keeps them in place.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <mr/registry/import.hpp>

#include "myrepos_ini.hpp"

namespace mr::registry::myrepos {

namespace fs = std::filesystem;

// An index of Model's vectors, which the model keeps as int (negative: none).
template <class T>
std::size_t ix(T i) {
  return static_cast<std::size_t>(i);
}

// Where a value was set: an entry of an input file, or myrepos' built-in configuration.
struct Origin {
  int file = -1; // index into Model::inputs; -1: built in
  std::size_t entry = 0;
  bool builtin() const { return file < 0; }
};

struct Value {
  std::string text;
  Origin origin;
};
using SettingMap = std::map<std::string, Value, std::less<>>;

struct Section {
  std::string name;     // as written
  std::string expanded; // after myrepos' $VAR expansion (trusted files)
  fs::path topdir;      // the directory it is relative to
  int out = 0;          // index into Model::outputs
  Origin header;        // its first [NAME] line
  // What myrepos holds for it at the end: the [DEFAULT] it copied when it first appeared
  // (one snapshot shared by every section that copied the same one: myrepos' built-in
  // definitions alone are ~29 KB), overlaid by what its own lines made of it.
  std::shared_ptr<const SettingMap> inherited;
  SettingMap own;
  bool chained = false; // its own `chain` made myrepos read its .mrconfig
  bool trusted = true;  // from a trusted file
  bool dropped = false; // not converted (reported)

  SettingMap settings() const; // inherited overlaid by own, made on demand
};

// One thing of an output file, in input order.
struct Event {
  enum class Kind { comment, section, setting };
  Kind kind;
  Origin origin;
  int section = -1; // index into Model::sections; -1 none, -2 [DEFAULT], -3 [ALIAS]
};

struct Input {
  IniFile ini;
  bool trusted = true;
  std::optional<std::uint32_t> spliced_at; // the include line, for a command's output
};

struct Output {
  fs::path path;                          // the TOML file to write
  fs::path source;                        // the INI file it converts
  bool trusted = true;                    // whether that INI file was
  std::vector<Event> events = {};         // comments, sections and settings it shows
  std::vector<std::string> includes = {}; // TOML include patterns
  std::vector<Origin> include_origins = {};
  bool chained = false; // a chained .mrconfig's: mr reads it trusted only from ~/.mrtrust
};

struct Model {
  std::vector<Input> inputs;
  std::vector<Output> outputs; // [0]: the main one
  std::vector<Section> sections;
  std::map<std::string, Value, std::less<>> aliases; // the user's [ALIAS]
  std::optional<Value> jobs;
  SettingMap final_default;   // the main file's [DEFAULT] at its end
  SettingMap builtin_default; // myrepos' own [DEFAULT]
  std::vector<ImportReport> reports;
};

struct ModelOptions {
  fs::path input;  // absolute
  fs::path output; // absolute
  fs::path home;
  bool trust_all = false;
  bool run_includes = false;
  ShellRunner shell;
  // Whether a file is trusted by ~/.mrtrust (the input and chained files).
  std::function<bool(const fs::path&)> trusted;
  // Whether a converted include may be written beside the file it converts.
  std::function<bool(const fs::path&)> writable_dir;
  std::stop_token stop;
};

// Reads `options.input` and what it includes and chains. An error (a malformed or
// untrusted file, a limit) is one line naming FILE:LINE.
Result<Model> build_model(const ModelOptions& options);

// The text of an input entry, for messages.
const IniEntry& entry_of(const Model& model, const Origin& origin);
// "FILE" and the line of an origin, for a report.
ImportReport report_at(const Model& model, const Origin& origin, std::string what,
                       std::string suggestion, bool note = false);

} // namespace mr::registry::myrepos
