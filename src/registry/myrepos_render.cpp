// The TOML text of a converted file (see myrepos_convert.hpp). Each INI comment belongs to
// the entry that follows it (a section, a setting) and goes out above what that entry
// became: a table, a key; where the entry became nothing of this file (a [DEFAULT] key
// written per repository, a second [NAME] of a section), the comment stays where it was.
#include <map>
#include <set>
#include <stdexcept>

#include <mr/util/quote.hpp>

#include "myrepos_convert.hpp"
#include "toml_support.hpp"

namespace mr::registry::myrepos {

namespace {

using Key = std::pair<int, std::size_t>;

Key key_of(const Origin& o) {
  return {o.file, o.entry};
}

bool bare_key(std::string_view name) {
  if (name.empty()) {
    return false;
  }
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-')) {
      return false;
    }
  }
  return true;
}

std::string key_text(std::string_view name) {
  return bare_key(name) ? std::string(name) : toml_support::quote(name);
}

bool literal_ok(std::string_view s) {
  if (s.find("'''") != std::string_view::npos || s.back() == '\'') {
    return false;
  }
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7f) {
      return false;
    }
  }
  return true;
}

std::string multiline_basic(std::string_view s) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out = "\"\"\"\n";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7f) {
      out += "\\u00";
      out += k_hex[u >> 4];
      out += k_hex[u & 15];
    } else {
      out += c;
    }
  }
  return out + "\"\"\"";
}

class Renderer {
public:
  Renderer(const Model& model, const Conversion& conversion, int out)
      : m_model(model), m_conversion(conversion), m_out(out), m_output(model.outputs[ix(out)]) {
    std::vector<Origin> pending;
    for (const auto& e : m_output.events) {
      if (e.kind == Event::Kind::comment) {
        pending.push_back(e.origin);
      } else {
        m_attached[key_of(e.origin)] = std::move(pending);
        pending.clear();
      }
    }
    m_trailer = std::move(pending);
    for (const auto& r : m_conversion.repos) {
      const auto& section = m_model.sections[ix(r.section)];
      if (section.out == m_out) {
        m_repos.emplace(key_of(section.header), &r); // the first, as a search would find
      }
    }
  }

  std::string run(bool with_includes) {
    for (const auto& e : m_output.events) {
      if (e.kind != Event::Kind::comment) {
        comments_of(e.origin); // what stands above the first entry heads the file
        break;
      }
    }
    if (with_includes && !m_output.includes.empty()) {
      for (const auto& o : m_output.include_origins) {
        comments_of(o);
      }
      m_text += "include = [";
      for (std::size_t i = 0; i < m_output.includes.size(); ++i) {
        m_text += (i == 0 ? "" : ", ") + toml_support::quote(m_output.includes[i]);
      }
      m_text += "]\n";
    }
    if (m_out == 0) {
      table("settings", m_conversion.settings);
      table("commands", m_conversion.commands);
      table("alias", m_conversion.aliases);
    }
    for (const auto& e : m_output.events) {
      const RepoPlan* repo = e.kind == Event::Kind::section ? repo_at(e.origin) : nullptr;
      if (repo != nullptr) {
        repo_table(*repo);
      } else if (e.kind != Event::Kind::comment) {
        comments_of(e.origin);
      }
    }
    for (const auto& o : m_trailer) {
      comment(o);
    }
    return m_text;
  }

private:
  const RepoPlan* repo_at(const Origin& origin) const {
    const auto it = m_repos.find(key_of(origin));
    return it == m_repos.end() ? nullptr : it->second;
  }

  void comment(const Origin& o) { m_text += entry_of(m_model, o).raw + "\n"; }

  // The comments that stood above the entry at `o`, once.
  void comments_of(const std::optional<Origin>& o) {
    if (!o || o->builtin()) {
      return;
    }
    auto it = m_attached.find(key_of(*o));
    if (it == m_attached.end() || !m_used.insert(it->first).second) {
      return;
    }
    for (const auto& c : it->second) {
      comment(c);
    }
  }

  void keys(const std::vector<TomlKey>& keys) {
    for (const auto& k : keys) {
      comments_of(k.origin);
      m_text += key_text(k.name) + " = " + k.value + "\n";
    }
  }

  void table(const std::string& name, const std::vector<TomlKey>& entries) {
    if (entries.empty()) {
      return;
    }
    m_text += "\n[" + name + "]\n";
    keys(entries);
  }

  void repo_table(const RepoPlan& repo) {
    const auto quoted = toml_support::quote(repo.key);
    m_text += "\n";
    comments_of(m_model.sections[ix(repo.section)].header);
    m_text += "[repos." + quoted + "]\n";
    keys(repo.fields);
    if (!repo.commands.empty()) {
      m_text += "[repos." + quoted + ".commands]\n";
      keys(repo.commands);
    }
  }

  const Model& m_model;
  const Conversion& m_conversion;
  int m_out;
  const Output& m_output;
  std::map<Key, std::vector<Origin>> m_attached;
  std::map<Key, const RepoPlan*> m_repos; // this output's repositories by their section's header
  std::vector<Origin> m_trailer;
  std::set<Key> m_used;
  std::string m_text;
};

} // namespace

std::optional<std::string> toml_string(std::string_view s) {
  if (!util::is_valid_utf8(s)) {
    return std::nullopt;
  }
  if (s.find('\n') == std::string_view::npos) {
    return toml_support::quote(s);
  }
  if (literal_ok(s)) {
    return "'''\n" + std::string(s) + "'''";
  }
  return multiline_basic(s);
}

std::string toml_value(std::string_view s) {
  auto text = toml_string(s);
  if (!text) {
    throw std::logic_error("mr import: a value that is not UTF-8 reached the TOML output");
  }
  return std::move(*text);
}

std::string render(const Model& model, const Conversion& conversion, int out, bool with_includes) {
  return Renderer(model, conversion, out).run(with_includes);
}

} // namespace mr::registry::myrepos
