// Fuzz target: `mr import` planning (registry::plan_import): myrepos' INI reader, the model
// of its loadconfig (DEFAULT copied forward, includes, chains) and the conversion to TOML,
// on arbitrary bytes.
//
// Input: MAIN [NUL INCLUDED]: ~/.mrconfig, and ~/mr.d/inc, which `include = cat ~/mr.d/*`
// reaches; the same second part is what a shell include prints (--run-includes, through a
// runner that starts no process). The first byte picks -t and --run-includes. Afterwards:
//   - planning ends (no crash, no hang) with a plan or one error line;
//   - an error is never the importer's own ("this is a bug"): every file it plans loads
//     with mr's loader (plan_import checks that itself);
//   - every planned file is a .toml file, and every report names a file and a line.
#include <cstdlib>

#include <mr/registry/import.hpp>

#include "support/fuzz_support.hpp"

namespace {

namespace fs = std::filesystem;
using mr::fuzz::require;

struct Layout {
  fs::path root;
  fs::path home;
  fs::path main;
  fs::path included;
};

const Layout& layout() {
  static const Layout l = [] {
    const fs::path root = mr::fuzz::scratch_dir() / "inside";
    const fs::path home = root / "home";
    fs::create_directories(home / "mr.d");
    fs::create_directories(root / "tmp");
    ::setenv("TMPDIR", (root / "tmp").c_str(), 1); // the loader check's scratch copies
    return Layout{root, home, home / ".mrconfig", home / "mr.d" / "inc"};
  }();
  return l;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& l = layout();
  const auto parts = mr::fuzz::split(data, size, '\0', 2);
  mr::fuzz::write_file(l.main, parts[0]);
  const std::string included = parts.size() > 1 ? std::string(parts[1]) : std::string();
  mr::fuzz::write_file(l.included, included);
  mr::fuzz::remove_file(l.home / ".mrconfig.toml");
  mr::fuzz::remove_file(l.included.string() + ".toml");

  mr::registry::ImportOptions options;
  options.input = l.main;
  options.output = l.home / ".mrconfig.toml";
  options.home = l.home;
  options.trust_all = size > 0 && (data[0] & 1) != 0;
  options.run_includes = size > 0 && (data[0] & 2) != 0;
  options.shell = [&](const std::string&, const fs::path&) {
    return mr::Result<mr::registry::ShellOutput>(mr::registry::ShellOutput{included, 0});
  };
  mr::fuzz::Confinement confined(l.root);
  auto plan = mr::registry::plan_import(options);
  if (!plan) {
    require(plan.error().message.find("bug of mr import") == std::string::npos,
            "a planned file does not load: " + plan.error().message);
    require(plan.error().message.find('\n') == std::string::npos, "an error of several lines");
    return 0;
  }
  require(!plan->files.empty(), "a plan without the main file");
  for (const auto& f : plan->files) {
    require(f.path.extension() == ".toml", "a planned file that is not .toml");
  }
  for (const auto& r : plan->reports) {
    require(!r.file.empty(), "a report without its file");
  }
  return 0;
}
