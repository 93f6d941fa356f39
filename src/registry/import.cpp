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

// Loads `text` (a converted file without its includes) as mr would, from a scratch copy.
Result<void> check_loads(const std::string& text, const fs::path& target, const fs::path& home) {
  MR_TRY_VAR(scratch, util::TemporaryDirectory::make("mr-import")); // removed after the check
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

// The user's own directory: owned by the effective user and writable (as root, access()
// says yes to anyone's directory, where a file of ours would be planted).
bool writable_dir(const fs::path& dir) {
  struct stat st {};
  return ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == ::geteuid() &&
         ::access(dir.c_str(), W_OK) == 0;
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

// A converted file holding what mr reads only from a trusted file (commands, lib,
// include, repositories outside its directory) that ~/.mrtrust does not list: the main output
// and chained files (a trusted file's includes are trusted with it).
void trust_reports(myrepos::Model& model, const myrepos::Conversion& conversion,
                   const ImportOptions& options, const TrustList& trust) {
  for (std::size_t out = 0; out < model.outputs.size(); ++out) {
    const auto& o = model.outputs[out];
    // -t: the user reads the chained files with -t too.
    if ((out != 0 && (!o.chained || options.trust_all)) || trust.trusts(o.path) ||
        util::physical_location(o.path) == util::physical_location(options.home / k_file_name)) {
      continue;
    }
    // What in it mr reads only from a trusted file.
    std::set<std::string> held;
    if (out == 0) {
      for (const auto& [what, table] : {std::pair{"commands", &conversion.commands},
                                        std::pair{"[settings]", &conversion.settings},
                                        std::pair{"aliases", &conversion.aliases}}) {
        if (!table->empty()) {
          held.insert(what);
        }
      }
    }
    if (!o.includes.empty()) {
      held.insert("include");
    }
    bool leaves_dir = false;
    for (const auto& r : conversion.repos) {
      if (model.sections[myrepos::ix(r.section)].out != static_cast<int>(out)) {
        continue;
      }
      if (!r.commands.empty()) {
        held.insert("commands");
      }
      if (std::any_of(r.fields.begin(), r.fields.end(),
                      [](const myrepos::TomlKey& k) { return k.name == "lib"; })) {
        held.insert("lib");
      }
      // An untrusted registry file lists only repositories in its own directory (-t: the
      // user reads it with -t too).
      leaves_dir =
          leaves_dir || (!options.trust_all && !util::depth_below(r.path, o.path.parent_path()));
    }
    if (!held.empty() || leaves_dir) {
      model.reports.push_back(
          {o.source, 1,
           o.path.string() + " holds " +
               (!held.empty()
                    ? util::join(std::vector<std::string>(held.begin(), held.end()), " and ")
                    : "repositories outside its directory") +
               ", which mr reads only from a trusted file",
           "list it in ~/.mrtrust"});
    }
  }
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
  trust_reports(*model, conversion, options, *trust);
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
