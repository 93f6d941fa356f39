// Fuzz target: loading and validating a registry (registry::load), with an included or
// chained file and a trust list.
//
// Input: MAIN [NUL SECOND [NUL MRTRUST]]. MAIN is ~/.mrconfig.toml (the trusted root);
// SECOND is written both to ~/.config/mr/config.d/b.toml (reached by the README's
// `include = ["~/.config/mr/config.d/*.toml"]`) and to ~/sub/.mrconfig.toml (reached by
// `[repos.sub] chain = true`, untrusted unless MRTRUST lists it); MRTRUST is ~/.mrtrust.
// Home is a scratch directory, and every file open outside it fails while the loader runs.
//
// Besides crashes and sanitizer reports, a registry that loads must keep the promises the
// later layers rely on (checked in check_loaded), and an error must be one line.
#include <algorithm>
#include <cmath>
#include <set>

#include <mr/registry/registry.hpp>
#include <mr/util/paths.hpp>

#include "support/fuzz_support.hpp"

namespace {

namespace fs = std::filesystem;
using mr::fuzz::require;

struct Layout {
  fs::path root; // everything the loader may open
  fs::path home;
  fs::path main;
  fs::path included;
  fs::path chained;
  fs::path trust;
};

const Layout& layout() {
  static const Layout l = [] {
    const fs::path root = mr::fuzz::scratch_dir() / "inside";
    const fs::path home = root / "home";
    fs::create_directories(home);
    return Layout{root,
                  home,
                  home / ".mrconfig.toml",
                  home / ".config/mr/config.d/b.toml",
                  home / "sub/.mrconfig.toml",
                  home / ".mrtrust"};
  }();
  return l;
}

bool valid_name(std::string_view name) {
  const auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  return !name.empty() && alnum(name.front()) && std::all_of(name.begin(), name.end(), [&](char c) {
    return alnum(c) || c == '_' || c == '-' || c == '.';
  });
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

void check_repo(const mr::registry::Registry& r, const mr::registry::Repo& repo) {
  require(repo.path.is_absolute() && mr::util::absolute_normal(repo.path, "/") == repo.path,
          "a repo path is absolute and lexically normal");
  require(!repo.key.empty() && !has_control(repo.key), "a repo key is a printable path");
  require(std::isfinite(repo.order), "a repo's order is a finite number");
  require(std::find(r.files.begin(), r.files.end(), repo.location.file) != r.files.end(),
          "a repo's location names a loaded file");
  require(repo.location.line > 0 && repo.location.column > 0, "a repo's location is 1-based");
  require(repo.trusted || (repo.commands.empty() && !repo.skip_predicate),
          "an untrusted repo carries no command or skip predicate");
  for (const auto& [name, command] : repo.commands) {
    require(valid_name(name), "a repo command has a valid name");
  }
}

void check_loaded(const mr::registry::Registry& r) {
  require(r.root_exists && !r.files.empty() && r.files.front() == r.root,
          "the root file is the first file loaded");
  // myrepos' order (Repo::sort_key): not the path's, once a key leaves its file's directory
  // ("../x" sorts before "/abs" within the same file).
  require(std::is_sorted(r.repos.begin(), r.repos.end(),
                         [](const auto& a, const auto& b) {
                           return a.order != b.order ? a.order < b.order : a.sort_key < b.sort_key;
                         }),
          "repos are in registry order: order, then sort key");
  std::set<fs::path> paths;
  for (const auto& repo : r.repos) {
    check_repo(r, repo);
    require(paths.insert(repo.path).second, "no two repos share a path");
  }
  for (const auto* map : {&r.commands, &r.aliases}) {
    for (const auto& [name, value] : *map) {
      require(valid_name(name), "command and alias names are valid");
    }
  }
  const auto& s = r.settings;
  require(!s.jobs || (*s.jobs >= 1 && *s.jobs <= 4096), "settings.jobs is from 1 to 4096");
  require(!s.timeout || s.timeout->count() > 0, "settings.timeout is positive");
  require(s.connections_per_host >= 1 && s.connections_per_host <= 1024,
          "settings.connections_per_host is from 1 to 1024");
  require(s.stall_timeout.count() >= 0, "settings.stall_timeout is not negative");
}

void write_or_remove(const fs::path& path, const std::vector<std::string_view>& parts,
                     std::size_t index) {
  if (index < parts.size()) {
    mr::fuzz::write_file(path, parts[index]);
  } else {
    mr::fuzz::remove_file(path);
  }
}

// A valid registry outside the confined directory must not be readable by the loader.
void check_confinement() {
  const fs::path outside = mr::fuzz::scratch_dir() / "outside/.mrconfig.toml";
  mr::fuzz::write_file(outside, "[repos.escaped]\n");
  const auto loaded = [&] {
    mr::fuzz::Confinement confined(layout().root);
    return mr::registry::load({outside, layout().home, false});
  }();
  require(!loaded || loaded->repos.empty(),
          "the loader cannot read outside the scratch directory: update fuzz_support.cpp");
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  check_confinement();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& l = layout();
  const auto parts = mr::fuzz::split(data, size, '\0', 3);
  write_or_remove(l.main, parts, 0);
  write_or_remove(l.included, parts, 1);
  write_or_remove(l.chained, parts, 1);
  write_or_remove(l.trust, parts, 2);

  const auto loaded = [&] {
    mr::fuzz::Confinement confined(l.root);
    return mr::registry::load({l.main, l.home, false});
  }();
  if (loaded) {
    check_loaded(*loaded);
  } else {
    const auto& message = loaded.error().message;
    require(!message.empty(), "an error says what is wrong");
    // Known not to hold yet (fuzz/known-crashes/registry/): toml++'s messages and the
    // loader's "unknown key" messages quote the file's bytes raw, newlines and terminal
    // escape sequences included.
    if (mr::fuzz::strict() && has_control(message)) {
      require(false, "an error is one line of printable text, not: " + message);
    }
  }
  return 0;
}
