// myrepos' loadconfig, replayed over INI files to learn what each section ends up holding
// (see myrepos_model.hpp). Each step below names the part of loadconfig it mirrors.
#include "myrepos_model.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>

#include <mr/registry/registry.hpp>
#include <mr/util/file_io.hpp>
#include <mr/util/paths.hpp>
#include <mr/util/quote.hpp>

#include "include_glob.hpp"
#include "myrepos_builtin.hpp"
#include "myrepos_cat.hpp"
#include "myrepos_spelling.hpp"

namespace mr::registry::myrepos {

namespace {

constexpr int k_in_default = -2;
constexpr int k_in_alias = -3;

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A context: the files read with one topdir (loadconfig's $dir).
struct Context {
  fs::path dir; // absolute, lexically normal
  SettingMap defaults = {};
  std::shared_ptr<const SettingMap> snapshot = {};       // of defaults, until they change
  std::map<std::string, int, std::less<>> sections = {}; // expanded name -> Model::sections
  int current = -1;                                      // the section lines go to
  bool trusted = true;
  std::vector<std::pair<fs::path, fs::path>> to_load = {}; // chained file, its directory
};

class Builder {
public:
  explicit Builder(const ModelOptions& options) : m_options(options) {}

  Result<Model> run() {
    MR_TRY(read_builtin());
    const fs::path dir = m_options.input.parent_path();
    MR_TRY_VAR(input, read_input(m_options.input, trusted(m_options.input, true)));
    m_model.outputs.push_back(
        {m_options.output, m_options.input, m_model.inputs[ix(*input)].trusted});
    m_loaded.insert(util::physical(m_options.input));
    Context ctx{dir, m_builtin_default};
    ctx.trusted = m_model.inputs[ix(*input)].trusted;
    MR_TRY(load(ctx, *input, 0, 0));
    m_model.final_default = ctx.defaults;
    MR_TRY(check_outputs());
    return std::move(m_model);
  }

private:
  bool trusted(const fs::path& file, bool main) const {
    if (m_options.trust_all || (m_options.trusted && m_options.trusted(file))) {
      return true;
    }
    return main && util::physical(file) == util::physical(m_options.home / ".mrconfig");
  }

  Result<void> read_builtin() {
    MR_TRY_VAR(ini, parse_ini(builtin_config(), "(myrepos)"));
    m_builtin = std::move(*ini);
    Context ctx{fs::path()};
    for (std::size_t i = 0; i < m_builtin.entries.size(); ++i) {
      const auto& e = m_builtin.entries[i];
      if (e.kind == IniEntry::Kind::section) {
        ctx.current = e.name == "DEFAULT" ? k_in_default : k_in_alias;
      } else if (e.kind == IniEntry::Kind::setting && ctx.current == k_in_default) {
        assign(ctx.defaults, e.name, e.value, Origin{-1, i});
      }
    }
    m_builtin_default = std::move(ctx.defaults);
    m_model.builtin_default = m_builtin_default;
    return {};
  }

  Result<int> read_input(const fs::path& file, bool is_trusted) {
    if (m_model.inputs.size() >= k_max_files) {
      return fail(file.string() + ": not read, because the import already reads " +
                  std::to_string(k_max_files) + " files, the most it reads");
    }
    auto read = util::read_regular_file(file, k_max_file_size);
    if (!read) {
      return fail("cannot read " + read.error().message);
    }
    MR_TRY_VAR(ini, parse_ini(read->content, file));
    if (!is_trusted) {
      MR_TRY(check_untrusted(*ini));
    }
    m_model.inputs.push_back({std::move(*ini), is_trusted, std::nullopt});
    return static_cast<int>(m_model.inputs.size() - 1);
  }

  // loadconfig for one file, then the files its sections chain.
  Result<void> load(Context& ctx, int input, int out, std::size_t depth) {
    MR_TRY(process(ctx, input, out, depth));
    m_finished[ctx.dir] = ctx.defaults;
    for (const auto& [file, dir] : ctx.to_load) {
      if (!m_loaded.insert(util::physical(file)).second) {
        continue;
      }
      if (depth + 1 > k_max_include_depth) {
        return fail(file.string() +
                    ": not read, because includes and chains are nested more "
                    "than " +
                    std::to_string(k_max_include_depth) + " files deep");
      }
      MR_TRY_VAR(chained, read_input(file, trusted(file, false)));
      Context child{dir, parent_defaults(dir)};
      child.trusted = m_model.inputs[ix(*chained)].trusted;
      m_model.outputs.push_back({dir / k_file_name, file, child.trusted});
      m_model.outputs.back().chained = true;
      MR_TRY(load(child, *chained, static_cast<int>(m_model.outputs.size() - 1), depth + 1));
    }
    return {};
  }

  // "copy in defaults from first parent": the nearest enclosing context's [DEFAULT].
  SettingMap parent_defaults(const fs::path& dir) const {
    for (auto p = dir.parent_path(); !p.empty(); p = p.parent_path()) {
      if (auto it = m_finished.find(p); it != m_finished.end()) {
        return it->second;
      }
      if (p == p.root_path()) {
        break;
      }
    }
    return m_builtin_default;
  }

  Result<void> process(Context& ctx, int input, int out, std::size_t depth) {
    for (std::size_t i = 0; i < m_model.inputs[ix(input)].ini.entries.size(); ++i) {
      if (m_options.stop.stop_requested()) {
        return cancelled();
      }
      const Origin origin{input, i};
      const IniEntry e = m_model.inputs[ix(input)].ini.entries[i]; // a copy: inputs may grow
      switch (e.kind) {
      case IniEntry::Kind::comment:
        if (!util::is_valid_utf8(e.raw)) {
          m_model.reports.push_back(report_at(m_model, origin, "a comment that is not UTF-8",
                                              "left out: TOML holds only UTF-8", true));
          break;
        }
        if (std::any_of(e.raw.begin(), e.raw.end(), [](char c) {
              return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == '\x7f';
            })) {
          // Found by fuzzing: the conversion did not load, and nothing was written.
          m_model.reports.push_back(report_at(m_model, origin, "a comment with a control character",
                                              "left out: a TOML comment cannot hold one", true));
          break;
        }
        m_model.outputs[ix(out)].events.push_back({Event::Kind::comment, origin});
        break;
      case IniEntry::Kind::section:
        on_section(ctx, e, origin, out);
        m_model.outputs[ix(out)].events.push_back({Event::Kind::section, origin, ctx.current});
        break;
      case IniEntry::Kind::setting:
        m_model.outputs[ix(out)].events.push_back({Event::Kind::setting, origin, ctx.current});
        MR_TRY(on_setting(ctx, e, origin, out, depth));
        break;
      }
    }
    return {};
  }

  void on_section(Context& ctx, const IniEntry& e, const Origin& origin, int out) {
    if (e.name == "DEFAULT") {
      ctx.current = k_in_default;
      return;
    }
    if (e.name == "ALIAS") {
      ctx.current = k_in_alias;
      return;
    }
    std::string expanded = e.name;
    if (ctx.trusted && e.name.find('$') != std::string::npos) {
      auto x = expand_section(e.name);
      expanded = x.value_or(e.name);
      if (!x) {
        report(origin, "section [" + e.name + "] needs a shell to name its directory",
               "write the directory out, or use only $NAME and ${NAME}; not converted");
      }
    }
    if (auto it = ctx.sections.find(expanded); it != ctx.sections.end()) {
      ctx.current = it->second;
      return;
    }
    Section s;
    s.name = e.name;
    s.expanded = expanded;
    s.topdir = ctx.dir;
    s.out = out;
    s.header = origin;
    if (!ctx.snapshot) {
      ctx.snapshot = std::make_shared<const SettingMap>(ctx.defaults);
    }
    s.inherited = ctx.snapshot; // "copy in defaults"
    s.trusted = ctx.trusted;
    s.dropped = ctx.trusted && e.name.find('$') != std::string::npos && !expand_section(e.name);
    m_model.sections.push_back(std::move(s));
    ctx.current = static_cast<int>(m_model.sections.size() - 1);
    ctx.sections.emplace(expanded, ctx.current);
  }

  // myrepos runs `echo "NAME"`; only $NAME and ${NAME} are taken here (unset: empty, as
  // the shell). nullopt: the name needs more of the shell than that.
  static std::optional<std::string> expand_section(const std::string& name) {
    if (name.find_first_of("`\"\\") != std::string::npos) {
      return std::nullopt;
    }
    auto expanded = expand_variables(name, [](const std::string& n) -> const char* {
      const char* v = std::getenv(n.c_str());
      return v != nullptr ? v : "";
    });
    if (!expanded) {
      return std::nullopt;
    }
    return *expanded;
  }

  // The key a setting changes: KEY for KEY_append and KEY_prepend.
  static std::string combined_key(const std::string& key) {
    if (ends_with(key, "_prepend") && key.size() > 8) {
      return key.substr(0, key.size() - 8);
    }
    if (key != "lib" && ends_with(key, "_append") && key.size() > 7) {
      return key.substr(0, key.size() - 7);
    }
    return key;
  }

  static void assign(SettingMap& map, std::string key, const std::string& value,
                     const Origin& origin) {
    if (ends_with(key, "_prepend") && key.size() > 8) {
      key.resize(key.size() - 8);
      auto& v = map[key];
      v = {value + "\n" + v.text, origin};
    } else if (key == "lib" || (ends_with(key, "_append") && key.size() > 7)) {
      if (key != "lib") {
        key.resize(key.size() - 7);
      }
      auto& v = map[key];
      v = {v.text + "\n" + value + "\n", origin};
    } else {
      map[key] = {value, origin};
    }
  }

  Result<void> on_setting(Context& ctx, const IniEntry& e, const Origin& origin, int out,
                          std::size_t depth) {
    if (!util::is_valid_utf8(e.value) || !util::is_valid_utf8(e.name)) {
      // TOML holds only UTF-8: the key is left out (never written empty), as if not there.
      report(origin,
             (util::is_valid_utf8(e.name) ? e.name : std::string("a setting")) +
                 " has a value that is not UTF-8, which TOML cannot hold",
             "write it in UTF-8; not converted");
      return {};
    }
    if (e.name == "include") {
      return include(ctx, e, origin, out, depth);
    }
    if (e.name == "jobs") {
      if (all_digits(e.value) && e.value.size() < 5 && std::stoul(e.value) >= 1 &&
          std::stoul(e.value) <= 4096) {
        m_model.jobs = Value{e.value, origin};
      } else {
        report(origin, "jobs = " + e.value + " is not a number of jobs from 1 to 4096",
               "not converted; set settings.jobs, or pass -j");
      }
      return {};
    }
    if (ctx.current == -1) {
      return fail(where(origin) + ": parameter (" + e.name + ") not in section");
    }
    if (ctx.current == k_in_alias) {
      m_model.aliases[e.name] = {e.value, origin};
      return {};
    }
    if (ctx.current == k_in_default) {
      ctx.snapshot.reset();
      assign(ctx.defaults, e.name, e.value, origin);
    } else {
      auto& section = m_model.sections[ix(ctx.current)];
      const auto key = combined_key(e.name);
      if (section.own.find(key) == section.own.end()) { // what _append/_prepend add to
        if (auto it = section.inherited->find(key); it != section.inherited->end()) {
          section.own.emplace(key, it->second);
        }
      }
      assign(section.own, e.name, e.value, origin);
    }
    if (e.name == "chain" && ctx.current >= 0) {
      MR_TRY(chain(ctx, e, origin));
    }
    return {};
  }

  Result<void> chain(Context& ctx, const IniEntry& e, const Origin& origin) {
    auto& s = m_model.sections[ix(ctx.current)];
    if (s.dropped) {
      return {};
    }
    const auto dir = util::absolute_normal(s.expanded, ctx.dir);
    const auto file = dir / ".mrconfig";
    bool yes = e.value == "true";
    if (!yes && e.value != "false") {
      if (!m_options.run_includes) {
        report(origin, "chain = " + e.value + " is decided by a shell command",
               "run mr import --run-includes to evaluate it, or write chain = true");
        return {};
      }
      if (!util::exists(file)) {
        return {};
      }
      MR_TRY_VAR(ran, m_options.shell(e.value, ctx.dir));
      yes = ran->status == 0;
    }
    s.chained = yes;
    if (yes && util::exists(file)) {
      ctx.to_load.emplace_back(file, dir);
    }
    return {};
  }

  Result<void> include(Context& ctx, const IniEntry& e, const Origin& origin, int out,
                       std::size_t depth) {
    const auto& file = m_model.inputs[ix(origin.file)].ini.path;
    if (depth + 1 > k_max_include_depth) {
      return fail(where(origin) + ": includes and chains are nested more than " +
                  std::to_string(k_max_include_depth) + " files deep");
    }
    const auto env = [](const std::string& n) { return std::getenv(n.c_str()); };
    if (auto words = cat_words(e.value, m_options.home, env)) {
      const auto base = file.parent_path();
      for (const auto& word : *words) {
        m_patterns.push_back(has_glob_magic(word) ? util::absolute_normal(word, base).string()
                                                  : cat_path(word, base).string());
        m_pattern_origins.push_back(origin);
      }
      for (const auto& word : *words) {
        MR_TRY(include_files(ctx, origin, word, out, depth));
      }
      return {};
    }
    if (!m_options.run_includes) {
      report(origin, "include = " + e.value + " needs a shell to evaluate",
             "run mr import --run-includes to convert its output, or write include = cat FILE");
      return {};
    }
    MR_TRY_VAR(ran, m_options.shell(e.value, file.parent_path()));
    auto ini = parse_ini(ran->output, file);
    if (!ini) {
      return fail(where(origin) + ": the output of include = " + e.value +
                  " does not parse: " + ini.error().message);
    }
    for (auto& entry : ini->entries) {
      entry.line = m_model.inputs[ix(origin.file)].ini.entries[origin.entry].line;
    }
    ini->path = file;
    m_model.inputs.push_back({std::move(*ini), ctx.trusted, e.line});
    return process(ctx, static_cast<int>(m_model.inputs.size() - 1), out, depth + 1);
  }

  // One word of `include = cat ...`: the files it names, each converted beside itself
  // (included as F.toml) or, where that cannot be written, into this output.
  Result<void> include_files(Context& ctx, const Origin& origin, const std::string& word, int out,
                             std::size_t depth) {
    const auto base = m_model.inputs[ix(origin.file)].ini.path.parent_path();
    std::vector<fs::path> files;
    // sh passes a pattern that matches nothing to cat as written: a literal path.
    bool literal = !has_glob_magic(word);
    if (!literal) {
      auto matched =
          expand_include_glob(base, word, {k_max_glob_files, k_max_glob_visits, m_options.stop});
      if (!matched) {
        return fail(where(origin) + ": include pattern '" + word + "' matches too many files");
      }
      for (const auto& p : *matched) {
        if (!ends_with(p.string(), ".toml") && util::is_regular_file(p)) {
          files.push_back(util::absolute_normal(p, "/"));
        }
      }
      if (matched->empty()) {
        if (!util::is_regular_file(cat_path(word, base))) {
          note(origin, "include pattern " + word + " matches no file",
               "myrepos' cat fails for it and includes nothing; nothing converted for it");
          return {};
        }
        literal = true;
      }
    }
    if (literal) {
      const auto path = cat_path(word, base);
      if (auto kind = util::non_regular_kind(path)) {
        report(origin, "included file " + path.string() + " is " + *kind + ", not a regular file",
               "include a regular file; not converted");
        return {};
      }
      if (!util::is_regular_file(path)) {
        report(origin, "included file " + path.string() + " does not exist",
               "myrepos includes nothing for it; not converted");
        return {};
      }
      files.push_back(path);
    }
    const auto absolute =
        literal ? files.front().string() : util::absolute_normal(word, base).string();
    const auto target = include_target(absolute, files, m_patterns, literal);
    const bool beside = std::all_of(files.begin(), files.end(), [&](const fs::path& f) {
      return yours(f.parent_path()) && yours(target.toml(f).parent_path());
    });
    if (beside) {
      auto& o = m_model.outputs[ix(out)];
      o.includes.push_back(pattern_for(o.path, target.pattern));
      o.include_origins.push_back(origin);
    }
    for (const auto& f : files) {
      MR_TRY_VAR(in, read_input(f, ctx.trusted));
      int target_out = out;
      if (beside) {
        const fs::path toml = target.toml(f);
        auto it = std::find_if(m_model.outputs.begin(), m_model.outputs.end(),
                               [&](const Output& o) { return o.path == toml; });
        if (it == m_model.outputs.end()) {
          m_model.outputs.push_back({toml, f, ctx.trusted});
          it = m_model.outputs.end() - 1;
        }
        target_out = static_cast<int>(it - m_model.outputs.begin());
      } else {
        inline_here(*in, origin, out);
      }
      MR_TRY(process(ctx, *in, target_out, depth + 1));
    }
    return {};
  }

  // Whether a converted include may be written in `dir` (or, when it is still to be made,
  // in the nearest directory above it that exists).
  bool yours(fs::path dir) const {
    while (!util::exists(dir) && dir != dir.parent_path()) {
      dir = dir.parent_path();
    }
    return m_options.writable_dir && m_options.writable_dir(dir);
  }

  // An included file converted into the including output: under a comment naming it.
  void inline_here(int input, const Origin& origin, int out) {
    auto& ini = m_model.inputs[ix(input)].ini;
    IniEntry heading;
    heading.line = ini.entries.empty() ? 1 : ini.entries.front().line;
    heading.raw = "# included from " + ini.path.string();
    ini.entries.insert(ini.entries.begin(), heading);
    note(origin,
         "included file " + ini.path.string() + " is converted into " +
             m_model.outputs[ix(out)].path.string() + ", not beside it",
         "its directory is not yours to write");
  }

  // An include pattern as the TOML file at `file` names it: relative to its directory when
  // below it, else from ~/, else absolute.
  std::string pattern_for(const fs::path& file, const std::string& absolute) const {
    const auto dir = file.parent_path();
    if (auto d = util::depth_below(absolute, dir); d && *d > 0) {
      return fs::path(absolute).lexically_relative(dir).string();
    }
    return home_relative(absolute);
  }

  std::string home_relative(const std::string& path) const {
    if (auto d = util::depth_below(path, m_options.home); d && *d > 0) {
      return "~/" + fs::path(path).lexically_relative(m_options.home).string();
    }
    return path;
  }

  std::string where(const Origin& origin) const {
    const auto& in = m_model.inputs[ix(origin.file)];
    return in.ini.path.string() + ":" + std::to_string(in.ini.entries[origin.entry].line);
  }

  void report(const Origin& origin, std::string what, std::string suggestion) {
    m_model.reports.push_back(report_at(m_model, origin, std::move(what), std::move(suggestion)));
  }
  void note(const Origin& origin, std::string what, std::string suggestion) {
    m_model.reports.push_back(
        report_at(m_model, origin, std::move(what), std::move(suggestion), true));
  }

  // An output that an INI include pattern of the import matches: myrepos, reading the INI
  // files, would splice the TOML in. Refused before anything is written.
  Result<void> check_outputs() const {
    for (std::size_t o = 0; o < m_model.outputs.size(); ++o) {
      const auto& path = m_model.outputs[o].path;
      for (std::size_t p = 0; p < m_patterns.size(); ++p) {
        if (!glob_matches(m_patterns[p], path)) {
          continue;
        }
        return fail(
            where(m_pattern_origins[p]) + ": include = cat " + m_patterns[p] +
            " matches the output " + path.string() +
            ", which myrepos would then read as its own; " +
            (o == 0 ? "write it elsewhere with -o" : "write that include so it does not match") +
            "; nothing was written");
      }
    }
    return {};
  }

  const ModelOptions& m_options;
  Model m_model;
  IniFile m_builtin;
  SettingMap m_builtin_default;
  std::map<fs::path, SettingMap> m_finished; // each context's [DEFAULT] once read
  std::set<fs::path> m_loaded;
  std::vector<std::string> m_patterns;   // every cat include's pattern, absolute
  std::vector<Origin> m_pattern_origins; // where each of m_patterns is
};

} // namespace

SettingMap Section::settings() const {
  SettingMap merged = inherited ? *inherited : SettingMap{};
  for (const auto& [key, value] : own) {
    merged.insert_or_assign(key, value);
  }
  return merged;
}

const IniEntry& entry_of(const Model& model, const Origin& origin) {
  return model.inputs[ix(origin.file)].ini.entries[origin.entry];
}

ImportReport report_at(const Model& model, const Origin& origin, std::string what,
                       std::string suggestion, bool note) {
  if (origin.builtin()) {
    return {"(myrepos)", 0, std::move(what), std::move(suggestion), note};
  }
  const auto& in = model.inputs[ix(origin.file)];
  return {in.ini.path, in.ini.entries[origin.entry].line, std::move(what), std::move(suggestion),
          note};
}

Result<Model> build_model(const ModelOptions& options) {
  return Builder(options).run();
}

} // namespace mr::registry::myrepos
