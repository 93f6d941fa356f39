// `mr import`: planning (model, conversion, rendering, the check that each file loads) and
// writing (see import.hpp).
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

#include <mr/registry/import.hpp>
#include <mr/registry/registry.hpp>
#include <mr/registry/trust.hpp>
#include <mr/util/file_io.hpp>
#include <mr/util/paths.hpp>
#include <mr/util/strings.hpp>
#include <mr/util/test_point.hpp>

#include "edit_locks.hpp"
#include "myrepos_convert.hpp"
#include "myrepos_model.hpp"

namespace mr::registry {

namespace {

// A directory of its own for checking a converted file with the loader, removed after.
class ScratchDir {
public:
  static Result<ScratchDir> make() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/mr-import-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      return fail("cannot make a directory in " + fs::path(pattern).parent_path().string() +
                  " to check the conversion");
    }
    return ScratchDir(pattern);
  }
  ScratchDir(ScratchDir&& other) noexcept : m_path(std::exchange(other.m_path, {})) {}
  ScratchDir& operator=(ScratchDir&&) = delete;
  ~ScratchDir() {
    if (!m_path.empty()) {
      std::error_code ec;
      fs::remove_all(m_path, ec);
    }
  }
  const fs::path& path() const { return m_path; }

private:
  explicit ScratchDir(fs::path path) : m_path(std::move(path)) {}
  fs::path m_path;
};

// Loads `text` (a converted file without its includes) as mr would, from a scratch copy.
Result<void> check_loads(const std::string& text, const fs::path& target, const fs::path& home) {
  MR_TRY_VAR(scratch, ScratchDir::make());
  const auto file = scratch->path() / target.filename();
  // A plain write: the scratch copy needs no atomicity, and stays out of the test points
  // that stop the real write.
  {
    std::ofstream out(file, std::ios::binary);
    out << text;
    if (!out.flush()) {
      return fail("cannot write " + file.string() + " to check the conversion");
    }
  }
  LoadOptions load;
  load.root = file;
  load.home = home;
  load.trust_all = true;
  auto loaded = registry::load(load);
  if (!loaded) {
    return fail(target.string() + ": the conversion does not load (" + loaded.error().message +
                "); this is a bug of mr import, so nothing was written");
  }
  return {};
}

bool writable_dir(const fs::path& dir) {
  return ::access(dir.c_str(), W_OK) == 0;
}

void dedupe(std::vector<ImportReport>& reports) {
  std::set<std::string> seen;
  std::vector<ImportReport> out;
  for (auto& r : reports) {
    if (seen.insert(r.str()).second) {
      out.push_back(std::move(r));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const ImportReport& a, const ImportReport& b) {
    return a.file != b.file ? a.file < b.file : a.line < b.line;
  });
  reports = std::move(out);
}

} // namespace

std::string ImportReport::str() const {
  return file.string() + ":" + std::to_string(line) + ": " + (note ? "note: " : "") + what + "; " +
         suggestion;
}

bool ImportPlan::partial() const {
  return std::any_of(reports.begin(), reports.end(), [](const ImportReport& r) { return !r.note; });
}

fs::path default_import_output(const fs::path& input) {
  return fs::path(input.string() + ".toml");
}

Result<ImportPlan> plan_import(const ImportOptions& options) {
  if (!util::exists(options.input)) {
    return fail(options.input.string() + " does not exist (mr import [FILE]: FILE is a myrepos "
                                         "registry, ~/.mrconfig by default)");
  }
  MR_TRY_VAR(trust, TrustList::read(options.home));
  myrepos::ModelOptions mo;
  mo.input = options.input;
  mo.output = options.output;
  mo.home = options.home;
  mo.trust_all = options.trust_all;
  mo.run_includes = options.run_includes;
  mo.shell = options.shell;
  mo.trusted = [&](const fs::path& file) { return trust->trusts(file); };
  mo.writable_dir = writable_dir;
  mo.stop = options.stop;
  MR_TRY_VAR(model, myrepos::build_model(mo));
  util::test_point("import.plan");
  if (options.stop.stop_requested()) {
    return cancelled();
  }
  const auto conversion = myrepos::convert(*model, options.home);
  ImportPlan plan;
  const auto outputs = static_cast<int>(model->outputs.size());
  for (int i = 0; i < outputs; ++i) {
    if (options.stop.stop_requested()) {
      return cancelled();
    }
    const int out = (i + 1) % outputs; // the main file last: what it includes exists by then
    const auto& o = model->outputs[myrepos::ix(out)];
    ImportedFile f{o.path, o.source, myrepos::render(*model, conversion, out, true)};
    f.repos = static_cast<std::size_t>(std::count_if(
        conversion.repos.begin(), conversion.repos.end(), [&](const myrepos::RepoPlan& r) {
          return model->sections[myrepos::ix(r.section)].out == out;
        }));
    MR_TRY(check_loads(myrepos::render(*model, conversion, out, false), o.path, options.home));
    plan.files.push_back(std::move(f));
  }
  // What in it mr reads only from a trusted file.
  std::vector<std::string> held;
  if (!conversion.commands.empty() ||
      std::any_of(conversion.repos.begin(), conversion.repos.end(),
                  [](const myrepos::RepoPlan& r) { return !r.commands.empty(); })) {
    held.emplace_back("commands");
  }
  if (!conversion.settings.empty()) {
    held.emplace_back("[settings]");
  }
  if (!conversion.aliases.empty()) {
    held.emplace_back("aliases");
  }
  const bool needs_trust = !held.empty();
  // An untrusted registry file lists only repositories in its own directory (-t: the
  // user reads it with -t too).
  const bool leaves_dir =
      !options.trust_all &&
      std::any_of(conversion.repos.begin(), conversion.repos.end(),
                  [&](const myrepos::RepoPlan& r) {
                    return model->sections[myrepos::ix(r.section)].out == 0 &&
                           !util::depth_below(r.path, options.output.parent_path());
                  });
  if ((needs_trust || leaves_dir) && !trust->trusts(options.output) &&
      util::physical_location(options.output) !=
          util::physical_location(options.home / k_file_name)) {
    model->reports.push_back(
        {options.input, 1,
         options.output.string() + " holds " +
             (needs_trust ? util::join(held, " and ") : "repositories outside its directory") +
             ", which mr reads only from a trusted file",
         "list it in ~/.mrtrust"});
  }
  plan.reports = std::move(model->reports);
  dedupe(plan.reports);
  return plan;
}

Result<void> check_import_outputs(const ImportPlan& plan, bool force) {
  for (const auto& f : plan.files) {
    if (auto kind = util::non_regular_kind(f.path)) {
      return fail(f.path.string() + " is " + *kind +
                  ", not a file mr import replaces; remove it, or write elsewhere with -o");
    }
  }
  if (force) {
    return {};
  }
  for (const auto& f : plan.files) {
    if (util::exists(f.path)) {
      return fail(f.path.string() + " exists; pass --force to replace it, or --dry-run to see "
                                    "the conversion");
    }
  }
  return {};
}

namespace {

// Creates the missing directories above `file` (mode 0700: a registry is the user's own),
// as -o DIR/NEW/OUT asks.
Result<void> make_parents(const fs::path& file) {
  std::vector<fs::path> missing;
  for (auto dir = file.parent_path(); !util::exists(dir) && dir != dir.parent_path();
       dir = dir.parent_path()) {
    missing.push_back(dir);
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST) {
      return fail("cannot create " + it->string() + ": " + util::errno_text(errno));
    }
  }
  return {};
}

} // namespace

Result<void> write_import(const ImportPlan& plan, bool force, const std::stop_token& stop) {
  MR_TRY(check_import_outputs(plan, force)); // before any directory is made
  std::vector<fs::path> paths;
  for (const auto& f : plan.files) {
    MR_TRY(make_parents(f.path));
    paths.push_back(f.path);
  }
  std::sort(paths.begin(), paths.end()); // one order for every writer: no deadlock
  EditLocks locks;
  for (const auto& p : paths) {
    MR_TRY(locks.lock_dir_of(p));
  }
  MR_TRY(check_import_outputs(plan, force));
  if (stop.stop_requested()) {
    return cancelled();
  }
  for (const auto& f : plan.files) {
    util::remove_stale_temporaries(f.path);
    util::test_point("import.write");
    if (auto written = util::write_file_atomically(f.path, f.text, 0644); !written) {
      return fail("cannot write " + written.error().message);
    }
  }
  return {};
}

} // namespace mr::registry
