// `include = cat ...` as mr import reads it (see myrepos_cat.hpp).
#include "myrepos_cat.hpp"

#include <algorithm>
#include <fnmatch.h>

#include <mr/util/paths.hpp>

#include "include_glob.hpp"
#include "myrepos_ini.hpp"

namespace mr::registry::myrepos {

namespace fs = std::filesystem;

namespace {

bool name_char(char c, bool first) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (!first && c >= '0' && c <= '9');
}

// One shell word of a cat include, read from `s` at `i` up to unquoted space.
class WordReader {
public:
  WordReader(std::string_view s, const fs::path& home, const EnvLookup& env)
      : m_s(s), m_home(home), m_env(env) {}

  // The word at `i` (advanced past it); nullopt when it needs more of the shell.
  std::optional<std::string> word(std::size_t& i) {
    std::string out;
    if (m_s[i] == '-') {
      return std::nullopt; // an option of cat
    }
    if (m_s[i] == '~') {
      if (i + 1 < m_s.size() && m_s[i + 1] != '/' && !is_perl_space(m_s[i + 1])) {
        return std::nullopt; // ~user
      }
      out = m_home.string();
      ++i;
    }
    while (i < m_s.size() && !is_perl_space(m_s[i])) {
      const char c = m_s[i];
      if (c == '\'') {
        const auto end = m_s.find('\'', i + 1);
        if (end == std::string_view::npos || !literal(m_s.substr(i + 1, end - i - 1), out)) {
          return std::nullopt;
        }
        i = end + 1;
      } else if (c == '"') {
        if (!double_quoted(i, out)) {
          return std::nullopt;
        }
      } else if (c == '$') {
        auto value = expansion(i, false);
        if (!value || value->find_first_of(" \t\n*?[") != std::string::npos) {
          return std::nullopt; // the shell would split or glob it
        }
        out += *value;
      } else if (std::string_view("|;&<>()`\\!{}\"'").find(c) != std::string_view::npos) {
        return std::nullopt;
      } else {
        out += c;
        ++i;
      }
    }
    if (out.empty()) {
      return std::nullopt;
    }
    return out;
  }

private:
  // Quoted text: taken as is, but a wildcard in it would be literal, which a glob here
  // cannot say.
  static bool literal(std::string_view text, std::string& out) {
    if (text.find_first_of("*?[\\") != std::string_view::npos) {
      return false;
    }
    out += text;
    return true;
  }

  bool double_quoted(std::size_t& i, std::string& out) {
    ++i;
    while (i < m_s.size() && m_s[i] != '"') {
      if (m_s[i] == '$') {
        auto value = expansion(i, true);
        if (!value || !literal(*value, out)) {
          return false;
        }
      } else if (m_s[i] == '`' || m_s[i] == '\\' || !literal(m_s.substr(i, 1), out)) {
        return false;
      } else {
        ++i;
      }
    }
    if (i >= m_s.size()) {
      return false;
    }
    ++i;
    return true;
  }

  // $NAME, ${NAME} or ${NAME:-DEFAULT} at `i` (advanced past it): its value, the default
  // when it is unset or empty. nullopt: unset with no default, or another form. Unquoted,
  // a default starting with ~/ (or ~ alone) is from home, as sh expands it.
  std::optional<std::string> expansion(std::size_t& i, bool quoted) {
    const bool braced = i + 1 < m_s.size() && m_s[i + 1] == '{';
    std::size_t end = i + (braced ? 2 : 1);
    const std::size_t start = end;
    while (end < m_s.size() && name_char(m_s[end], end == start)) {
      ++end;
    }
    if (end == start) {
      return std::nullopt;
    }
    const std::string name(m_s.substr(start, end - start));
    const char* value = m_env(name);
    if (!braced) {
      i = end;
      return value != nullptr ? std::optional<std::string>(value) : std::nullopt;
    }
    if (end < m_s.size() && m_s[end] == '}') {
      i = end + 1;
      return value != nullptr ? std::optional<std::string>(value) : std::nullopt;
    }
    if (m_s.substr(end, 2) != ":-") {
      return std::nullopt;
    }
    i = end + 2;
    std::string fallback;
    if (!quoted && i < m_s.size() && m_s[i] == '~') {
      if (i + 1 < m_s.size() && m_s[i + 1] != '/' && m_s[i + 1] != '}') {
        return std::nullopt; // ~user
      }
      fallback = m_home.string();
      ++i;
    }
    while (i < m_s.size() && m_s[i] != '}') {
      if (m_s[i] == '$') {
        auto inner = expansion(i, quoted);
        if (!inner) {
          return std::nullopt;
        }
        fallback += *inner;
      } else if (std::string_view("|;&<>()`\\!{\"' \t\n").find(m_s[i]) != std::string_view::npos) {
        return std::nullopt;
      } else {
        fallback += m_s[i++];
      }
    }
    if (i >= m_s.size()) {
      return std::nullopt;
    }
    ++i;
    return value != nullptr && *value != '\0' ? std::string(value) : fallback;
  }

  std::string_view m_s;
  const fs::path& m_home;
  const EnvLookup& m_env;
};

} // namespace

std::optional<std::vector<std::string>> cat_words(std::string_view value, const fs::path& home,
                                                  const EnvLookup& env) {
  std::size_t i = 0;
  const auto skip_space = [&] {
    while (i < value.size() && is_perl_space(value[i])) {
      ++i;
    }
  };
  skip_space();
  if (value.substr(i, 3) != "cat" || i + 3 >= value.size() || !is_perl_space(value[i + 3])) {
    return std::nullopt;
  }
  i += 3;
  WordReader reader(value, home, env);
  std::vector<std::string> words;
  for (skip_space(); i < value.size(); skip_space()) {
    auto word = reader.word(i);
    if (!word) {
      return std::nullopt;
    }
    words.push_back(std::move(*word));
  }
  if (words.empty()) {
    return std::nullopt;
  }
  return words;
}

fs::path cat_path(const std::string& word, const fs::path& base) {
  const fs::path p(word);
  auto resolved = util::resolve_path(p.is_absolute() ? p : base / p);
  auto lexical = util::absolute_normal(p, base);
  if (!resolved || util::physical(lexical) == *resolved) {
    return lexical;
  }
  return *resolved;
}

bool glob_matches(const std::string& pattern, const fs::path& path) {
  return ::fnmatch(pattern.c_str(), path.c_str(), FNM_PATHNAME | FNM_PERIOD) == 0;
}

fs::path IncludeTarget::toml(const fs::path& file) const {
  const auto name = file.filename().string() + ".toml";
  return sibling ? fs::path(file.parent_path().string() + ".toml") / name
                 : file.parent_path() / name;
}

namespace {

// `s` matched literally by an include glob ("\" quotes the next character).
std::string glob_escape(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c == '*' || c == '?' || c == '[' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out;
}

} // namespace

IncludeTarget include_target(const std::string& word, const std::vector<fs::path>& files,
                             const std::vector<std::string>& patterns, bool literal) {
  const fs::path pattern(word);
  const auto last = pattern.filename().string();
  IncludeTarget target;
  // "DIR/*" matches whatever it is converted to, files or none yet.
  target.sibling = !literal && has_glob_magic(last) &&
                   ::fnmatch(last.c_str(), (last + ".toml").c_str(), FNM_PERIOD) == 0;
  for (const auto& f : files) {
    target.sibling =
        target.sibling || std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
          return glob_matches(p, f.string() + ".toml");
        });
  }
  const auto esc = [&](const std::string& s) { return literal ? glob_escape(s) : s; };
  target.pattern = target.sibling
                       ? esc(pattern.parent_path().string() + ".toml") + "/" + esc(last) + ".toml"
                       : esc(word) + ".toml";
  return target;
}

} // namespace mr::registry::myrepos
