// What each myrepos section becomes in TOML (see myrepos_convert.hpp).
#include "myrepos_convert.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <set>

#include <mr/util/file_io.hpp>
#include <mr/util/paths.hpp>
#include <mr/util/quote.hpp>

#include "myrepos_spelling.hpp"
#include "myrepos_vcs.hpp"
#include "myrepos_work.hpp"
#include "toml_support.hpp"

namespace mr::registry::myrepos {

namespace {

// mr's built-in actions that myrepos defines per type: for a repository of another type
// than git, each needs that type's command (or is skipped, as myrepos skips it).
constexpr std::array<std::string_view, 10> k_typed_actions{
    "status", "update", "fetch", "diff", "commit", "record", "push", "log", "grep", "clean"};

// Keys that are settings, not actions, and names that are not actions mr can take over.
bool is_special(std::string_view key) {
  static constexpr std::array<std::string_view, 13> k_special{
      "checkout", "skip",    "deleted", "order",   "chain",    "lib",      "fixups",
      "jobs",     "include", "test",    "default", "register", "bootstrap"};
  return std::find(k_special.begin(), k_special.end(), key) != k_special.end();
}

bool is_hook(std::string_view key) {
  return key.rfind("pre_", 0) == 0 || key.rfind("post_", 0) == 0;
}

// The action a key defines, as myrepos counts it (the part after the last '_').
std::string action_of(std::string_view key) {
  const auto cut = key.rfind('_');
  return std::string(cut == std::string_view::npos ? key : key.substr(cut + 1));
}

bool is_perl(std::string_view value) {
  return value.rfind("perl:", 0) == 0 && value.size() > 5 &&
         (value[5] == ' ' || value[5] == '\t' || value[5] == '\n');
}

std::string toml_text(std::string_view s) {
  return toml_value(s);
}

// Perl's numeric reading of `order`, when the whole value is a number.
std::optional<double> number(std::string_view s) {
  while (!s.empty() && is_perl_space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_perl_space(s.back())) {
    s.remove_suffix(1);
  }
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
  }
  double d = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(d)) {
    return std::nullopt;
  }
  return d;
}

std::string number_text(double d) {
  if (d == std::floor(d) && std::fabs(d) < 1e15) {
    return std::to_string(static_cast<long long>(d));
  }
  std::array<char, 64> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), d);
  std::string s(buf.data(), end);
  return s.find_first_of(".e") == std::string::npos ? s + ".0" : s;
}

class Converter {
public:
  Converter(Model& model, const fs::path& home) : m_model(model), m_home(home) {}

  Conversion run() {
    collect_actions();
    std::set<std::string> seen;
    for (std::size_t i = 0; i < m_model.sections.size(); ++i) {
      auto& s = m_model.sections[ix(i)];
      if (s.dropped) {
        continue;
      }
      auto work = repo(static_cast<int>(i));
      if (!work) {
        continue;
      }
      if (!seen.insert(work->plan.path.native()).second) {
        report(s.header,
               "section [" + s.name + "] names " + work->plan.path.string() +
                   ", which an earlier section names too",
               "mr lists a directory once; only the first is converted");
        continue;
      }
      m_work.push_back(std::move(*work));
    }
    RepoWork defaults;
    defaults.plan.section = -1;
    commands(defaults, m_model.final_default, "git", Origin{});
    lib(defaults, m_model.final_default);
    auto shared = share(m_work, defaults);
    Conversion out;
    out.settings = std::move(shared.settings);
    if (m_model.jobs) {
      out.settings.insert(out.settings.begin(), {"jobs", m_model.jobs->text, m_model.jobs->origin});
    }
    out.commands = std::move(shared.commands);
    out.aliases = convert_aliases(m_model);
    for (auto& w : m_work) {
      finish(m_model, w);
      out.repos.push_back(std::move(w.plan));
    }
    return out;
  }

private:
  void report(const Origin& origin, std::string what, std::string suggestion) {
    m_model.reports.push_back(report_at(m_model, origin, std::move(what), std::move(suggestion)));
  }
  // Converted so that mr behaves as myrepos, in another form: said, the import is whole.
  void note(const Origin& origin, std::string what, std::string suggestion) {
    m_model.reports.push_back(
        report_at(m_model, origin, std::move(what), std::move(suggestion), true));
  }

  void collect_actions() {
    auto add = [&](const SettingMap& map) {
      for (const auto& [key, value] : map) {
        if (!is_hook(key) && key.find("_default") == std::string::npos &&
            key.find("_trusted_checkout") == std::string::npos) {
          m_actions.insert(action_of(key));
        }
      }
    };
    add(m_model.final_default);
    const SettingMap* last = nullptr;
    for (const auto& s : m_model.sections) {
      if (s.inherited && s.inherited.get() != last) { // shared by runs of sections
        last = s.inherited.get();
        add(*last);
      }
      add(s.own);
    }
    for (const auto a : k_typed_actions) {
      m_actions.insert(std::string(a));
    }
  }

  // findcommand, then ACTION_default, as myrepos' action() looks one up.
  static const Value* find_command(const SettingMap& map, const std::string& action,
                                   const std::string& vcs) {
    if (auto it = map.find(action); it != map.end()) {
      return &it->second;
    }
    if (!vcs.empty() && action != "test") {
      if (auto it = map.find(vcs + "_" + action); it != map.end()) {
        return &it->second;
      }
    }
    if (auto it = map.find(action + "_default"); it != map.end()) {
      return &it->second;
    }
    return nullptr;
  }

  std::optional<RepoWork> repo(int index) {
    const auto& s = m_model.sections[ix(index)];
    RepoWork w;
    w.plan.section = index;
    w.trusted = s.trusted;
    w.plan.path = util::absolute_normal(s.expanded, s.topdir);
    auto key = key_for(s, w.plan.path);
    if (!key) {
      return std::nullopt;
    }
    w.plan.key = *key;
    const SettingMap settings = s.settings(); // this section's only: memory stays bounded
    const auto guess = detect_vcs(settings, w.plan.path);
    for (const auto& o : guess.unevaluated) {
      report(o, "'" + entry_of_or(o) + "' decides a repository type with code mr cannot run",
             "mr takes " + w.plan.path.string() + " as " + (guess.vcs.empty() ? "git" : guess.vcs));
    }
    if (!guess.others.empty()) {
      note(s.header,
           "[" + s.name + "] is both " + guess.vcs + " and " + guess.others.front() +
               " by myrepos' tests, so myrepos acts on it with no command",
           "converted as " + guess.vcs);
    }
    // A directory no test holds for is of no type in myrepos: only ACTION and
    // ACTION_default reach it (mr then fails an action with neither, as myrepos does).
    const bool no_type =
        guess.vcs.empty() && guess.unevaluated.empty() && util::is_directory(w.plan.path);
    const std::string vcs = no_type ? "" : guess.vcs.empty() ? "git" : guess.vcs;
    checkout(w, settings, vcs);
    commands(w, settings, vcs, s.header);
    predicates(w, s, settings);
    if (auto it = settings.find("order"); it != settings.end()) {
      if (auto n = number(it->second.text)) {
        w.order = *n;
        if (!it->second.origin.builtin()) {
          w.plan.fields.push_back({"order", number_text(*n), it->second.origin});
        }
      } else {
        report(it->second.origin, "order = " + it->second.text + " is not a number",
               "not converted; myrepos reads it as 0");
        w.order = 0;
      }
    }
    if (s.chained) {
      w.plan.fields.push_back({"chain", "true", settings.at("chain").origin});
    }
    lib(w, settings);
    return w;
  }

  std::string entry_of_or(const Origin& o) const {
    return o.builtin() ? std::string("(myrepos)") : entry_of(m_model, o).raw;
  }

  // The table key: as written when it names the same directory from the output file,
  // else relative to the output's directory, from ~/, or absolute.
  std::optional<std::string> key_for(const Section& s, const fs::path& path) {
    const auto out_dir = m_model.outputs[ix(s.out)].path.parent_path();
    if (toml_support::has_control_character(s.expanded) || !util::is_valid_utf8(s.expanded) ||
        toml_support::names_git_directory(path.string())) {
      report(s.header, "section [" + s.name + "] names a directory mr cannot list",
             "rename it; not converted");
      return std::nullopt;
    }
    const bool plain = s.name.find('$') == std::string::npos;
    if (!plain && s.name == s.expanded) {
      return s.name;
    }
    if (!plain && (fs::path(s.expanded).is_absolute() || s.topdir == out_dir) &&
        expand_variables(s.name, [](const std::string& n) { return std::getenv(n.c_str()); })) {
      return s.name; // mr expands $NAME in a trusted file as myrepos does
    }
    if (!plain) {
      report(s.header,
             "section [" + s.name + "] names an unset variable, which myrepos makes empty",
             "written as " + path.string() + "; export the variable and write it back");
    }
    if (plain && s.name.front() == '/') {
      return s.name; // as written: myrepos (and mr) sort absolute sections by their text
    }
    if (!s.trusted && !confined(s, path, out_dir)) {
      return std::nullopt;
    }
    if (auto d = util::depth_below(path, out_dir)) {
      auto rel = *d == 0 ? std::string(".") : path.lexically_relative(out_dir).string();
      if (rel.front() == '~') {
        rel = "./" + rel;
      }
      return escape_dollars(rel);
    }
    if (!s.trusted) {
      report(s.header, "section [" + s.name + "] lies outside " + out_dir.string(),
             "an untrusted file lists only repositories in its own directory; not converted");
      return std::nullopt;
    }
    if (auto d = util::depth_below(path, m_home); d && *d > 0) {
      return escape_dollars("~/" + path.lexically_relative(m_home).string());
    }
    return escape_dollars(path.string());
  }

  // An untrusted file's repository must lead, symlinks followed, into the file's own
  // directory, or mr refuses to load the file.
  bool confined(const Section& s, const fs::path& path, const fs::path& out_dir) {
    auto dir = util::resolve_path(out_dir);
    auto resolved = dir ? util::resolve_path(path) : dir;
    if (dir && resolved && util::depth_below(*resolved, *dir)) {
      return true;
    }
    report(s.header,
           "section [" + s.name + "] " +
               (resolved ? "resolves to " + resolved->string() + ", outside " + dir->string()
                         : "cannot be resolved: " + resolved.error().message),
           "an untrusted file lists only repositories in its own directory; not converted");
    return false;
  }

  static std::string escape_dollars(std::string key) {
    for (auto i = key.find('$'); i != std::string::npos; i = key.find('$', i + 2)) {
      key.insert(i, 1, '\\');
    }
    return key;
  }

  void checkout(RepoWork& w, const SettingMap& settings, const std::string& vcs) {
    auto it = settings.find("checkout");
    if (it == settings.end()) {
      return;
    }
    const auto& v = it->second;
    if (vcs == "git" || vcs.empty()) {
      if (auto clone = parse_clone(v.text, w.plan.path)) {
        w.plan.fields.push_back({"url", toml_text(clone->url), v.origin});
        if (clone->branch) {
          w.plan.fields.push_back({"branch", toml_text(*clone->branch), v.origin});
        }
        if (clone->recursive) {
          m_recursive.insert(w.plan.section);
        }
        return;
      }
    }
    set_command(w, "checkout", v);
  }

  void set_command(RepoWork& w, const std::string& name, const Value& v) {
    if (is_perl(v.text)) {
      report(v.origin, "'" + name + "' is perl code (" + entry_of_or(v.origin) + ")",
             "rewrite it as a shell command; not converted");
      return;
    }
    if (!toml_support::valid_action_name(name) || myrepos_command_name(name, CommandTable::repo)) {
      report(v.origin, "'" + name + "' is not a name mr can give a command",
             "not converted; rename it");
      return;
    }
    w.commands[name] = v;
  }

  void commands(RepoWork& w, const SettingMap& map, const std::string& vcs, const Origin& where) {
    std::vector<std::string> missing;
    for (const auto& action : m_actions) {
      if (is_special(action) && action != "test") {
        continue;
      }
      const Value* v = find_command(map, action, vcs);
      const bool typed = std::find(k_typed_actions.begin(), k_typed_actions.end(), action) !=
                         k_typed_actions.end();
      if (v == nullptr) {
        if (typed && vcs != "git" && !vcs.empty()) {
          missing.push_back(action);
        }
        continue;
      }
      if (v->origin.builtin() && (vcs == "git" || !typed)) {
        continue; // myrepos' own git command is mr's built-in action
      }
      set_command(w, action, *v);
    }
    for (const auto& [key, value] : map) {
      if (is_hook(key)) {
        set_command(w, key, value);
      }
    }
    fixups(w, map);
    if (!missing.empty()) {
      m_missing[w.plan.section] = missing;
      note(where,
           "myrepos has no " + vcs + " command for " + join(missing) +
               " and skips the repository for them",
           "mr skips it through skip");
    }
  }

  static std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) {
      out += (out.empty() ? "" : ", ") + p;
    }
    return out;
  }

  // fixups run after post_checkout (in the parent directory: so from the repository) and
  // post_update; --recursive clones fetch submodules there too.
  void fixups(RepoWork& w, const SettingMap& map) {
    const auto f = map.find("fixups");
    const bool recursive = m_recursive.count(w.plan.section) > 0;
    if (f == map.end() && !recursive) {
      return;
    }
    for (const std::string hook : {"post_checkout", "post_update"}) {
      if (hook == "post_update" && f == map.end()) {
        continue;
      }
      std::string text;
      Origin origin =
          f != map.end() ? f->second.origin : m_model.sections[ix(w.plan.section)].header;
      if (auto it = w.commands.find(hook); it != w.commands.end()) {
        text = "(\n" + it->second.text + "\n)\n";
        origin = it->second.origin;
      }
      if (hook == "post_checkout") {
        text += "cd \"$MR_REPO\"\n";
        if (recursive) {
          text += "git submodule update --init --recursive\n";
        }
      }
      if (f != map.end()) {
        text += f->second.text;
      }
      w.commands[hook] = {text, origin};
    }
  }

  void predicates(RepoWork& w, const Section& s, const SettingMap& settings) {
    for (const std::string name : {"skip", "deleted"}) {
      const Value* v = find_command(settings, name, "");
      std::string text = v != nullptr ? v->text : "";
      if (text == "false" && v != nullptr && !v->origin.builtin()) {
        // myrepos 1.20180726 short-cuts `false` to a status of 1, which its test reads as
        // 0 (1 >> 8): the repository is skipped (or deleted), as with true.
        note(v->origin,
             name + " = false " + (name == "skip" ? "skips" : "marks as deleted") +
                 " the repository in myrepos (its `false` shortcut counts as success)",
             "written as " + name + " = true; write false if that was not meant");
        text = "true";
      }
      auto missing = m_missing.find(w.plan.section);
      if (name == "skip" && missing != m_missing.end() && text != "true") {
        std::string cases;
        for (const auto& a : missing->second) {
          cases += (cases.empty() ? "" : "|") + a;
        }
        text = "case \"$1\" in " + cases + ") exit 0;; esac\n" +
               (text.empty() || text == "false" ? std::string("exit 1") : text);
      }
      if (text.empty()) {
        continue;
      }
      const Origin origin = v != nullptr ? v->origin : s.header;
      if (v != nullptr && is_perl(v->text)) {
        report(origin, name + " is perl code", "rewrite it as a shell command; not converted");
        continue;
      }
      if (text == "true" || text == "false") {
        if (text == "true" || (v != nullptr && !v->origin.builtin())) {
          w.plan.fields.push_back({name, text, origin});
        }
      } else if (!w.trusted) {
        report(origin, name + " predicate in an untrusted file", "not converted");
      } else {
        w.plan.fields.push_back({name, toml_text(text), origin});
      }
    }
  }

  void lib(RepoWork& w, const SettingMap& map) {
    auto it = map.find("lib");
    if (it == map.end() || it->second.origin.builtin()) {
      return;
    }
    const auto b = m_model.builtin_default.find("lib");
    const std::string builtin = b != m_model.builtin_default.end() ? b->second.text : "";
    std::string text = it->second.text;
    if (!builtin.empty() && text.rfind(builtin, 0) == 0) {
      text = text.substr(builtin.size());
    }
    w.lib = Value{text, it->second.origin};
  }

  Model& m_model;
  fs::path m_home;
  std::set<std::string> m_actions;
  std::set<int> m_recursive;
  std::map<int, std::vector<std::string>> m_missing;
  std::vector<RepoWork> m_work;
};

} // namespace

Conversion convert(Model& model, const fs::path& home) {
  return Converter(model, home).run();
}

} // namespace mr::registry::myrepos
