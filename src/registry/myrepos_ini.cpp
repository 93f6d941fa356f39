// myrepos' INI files read as its loadconfig reads them (see myrepos_ini.hpp).
#include "myrepos_ini.hpp"

#include <array>
#include <optional>

#include <mr/util/strings.hpp>

namespace mr::registry::myrepos {

namespace {

bool is_word_char(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

std::size_t skip_spaces(std::string_view s, std::size_t i) {
  while (i < s.size() && is_perl_space(s[i])) {
    ++i;
  }
  return i;
}

bool is_blank_or_comment(std::string_view line) {
  const auto i = skip_spaces(line, 0);
  return i == line.size() || line[i] == '#';
}

// /^\[([^\]]*)\]\s*$/
bool section_name(std::string_view line, std::string& name) {
  if (line.empty() || line[0] != '[') {
    return false;
  }
  const auto close = line.find(']', 1);
  if (close == std::string_view::npos || skip_spaces(line, close + 1) != line.size()) {
    return false;
  }
  name = std::string(line.substr(1, close - 1));
  return true;
}

// /^(\w+)\s*=\s*(.*)/
bool setting(std::string_view line, std::string& key, std::string& value) {
  std::size_t i = 0;
  while (i < line.size() && is_word_char(line[i])) {
    ++i;
  }
  if (i == 0) {
    return false;
  }
  const auto eq = skip_spaces(line, i);
  if (eq == line.size() || line[eq] != '=') {
    return false;
  }
  key = std::string(line.substr(0, i));
  value = std::string(line.substr(skip_spaces(line, eq + 1)));
  return true;
}

// /^\s(.+)/ on the next line, newline included: a blank, then at least one character
// other than a newline.
bool continues(std::string_view line) {
  return line.size() >= 2 && is_perl_space(line[0]);
}

bool has_control(std::string_view s) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return true;
    }
  }
  return false;
}

// split(' ', $s): words separated by runs of blanks, leading blanks ignored.
std::vector<std::string> perl_words(std::string_view s) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (true) {
    i = skip_spaces(s, i);
    if (i >= s.size()) {
      return words;
    }
    auto end = i;
    while (end < s.size() && !is_perl_space(s[end])) {
      ++end;
    }
    words.emplace_back(s.substr(i, end - i));
    i = end;
  }
}

bool url_word(std::string_view w) {
  if (w.empty()) {
    return false;
  }
  for (const char c : w) {
    if (!(is_word_char(c) || c == '-' || c == '.' || c == '+' || c == ':' || c == '@' ||
          c == '/')) {
      return false;
    }
  }
  return true;
}

// A template word other than $url and $repo is a regular expression anchored at both
// ends; myrepos' templates use only literal words and '|' alternatives (one holds "$",
// which as an anchor never matches).
bool template_word_matches(std::string_view tword, std::string_view word) {
  std::size_t start = 0;
  while (true) {
    const auto bar = tword.find('|', start);
    const auto alt = tword.substr(start, bar == std::string_view::npos ? bar : bar - start);
    if (alt.find('$') == std::string_view::npos && alt == word) {
      return true;
    }
    if (bar == std::string_view::npos) {
      return false;
    }
    start = bar + 1;
  }
}

// myrepos' built-in *_trusted_checkout settings.
constexpr std::array<std::string_view, 10> k_trusted_checkouts{
    "svn co $url $repo",           "svn checkout $url $repo",
    "git clone $url $repo",        "bzr checkout|clone|branch|get $url $repo",
    "hg clone $url $repo",         "darcs get $url $repo",
    "git clone --bare $url $repo", "vcsh run \"$MR_REPO\" git clone $url $repo",
    "vcsh clone $url $repo",       "vv clone $url $repo",
};

bool matches_template(std::vector<std::string> words, std::string_view templ) {
  const auto twords = perl_words(templ);
  if (words.size() > twords.size()) {
    return false;
  }
  std::optional<std::string> url;
  for (std::size_t c = 0; c < twords.size(); ++c) {
    const bool have = c < words.size();
    if (twords[c] == "$url") {
      if (!have || !url_word(words[c])) {
        return false;
      }
      url = words[c];
    } else if (twords[c] == "$repo") {
      std::string repo;
      if (have) {
        repo = words[c];
      } else if (url) {
        // ($words[$c])=$url=~/\/([^\/]+)\/?$/
        std::string_view u = *url;
        if (!u.empty() && u.back() == '/') {
          u.remove_suffix(1);
        }
        const auto slash = u.rfind('/');
        if (slash == std::string_view::npos || slash + 1 == u.size() ||
            u.substr(slash + 1).find('/') != std::string_view::npos) {
          return false;
        }
        repo = std::string(u.substr(slash + 1));
      } else {
        return false;
      }
      if (!is_trusted_repo(repo)) {
        return false;
      }
    } else if (!have || !template_word_matches(twords[c], words[c])) {
      return false;
    }
  }
  return true;
}

std::string untrusted(const IniFile& file, const IniEntry& entry, const std::string& what) {
  return what + " in untrusted " + file.path.string() + " line " + std::to_string(entry.line) +
         " (to trust this file, list it in ~/.mrtrust, or run mr -t import)";
}

} // namespace

bool is_perl_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

Result<IniFile> parse_ini(std::string_view text, const std::filesystem::path& file) {
  IniFile out;
  out.path = file;
  const auto lines = util::split_lines(text); // as Perl's <$in> gives them, without "\n"
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto line = lines[i];
    IniEntry entry;
    entry.line = static_cast<std::uint32_t>(i + 1);
    entry.raw = std::string(line);
    if (is_blank_or_comment(line)) {
      if (skip_spaces(line, 0) == line.size()) {
        continue;
      }
      entry.kind = IniEntry::Kind::comment;
    } else if (section_name(line, entry.name)) {
      entry.kind = IniEntry::Kind::section;
    } else if (setting(line, entry.name, entry.value)) {
      entry.kind = IniEntry::Kind::setting;
      while (i + 1 < lines.size() && continues(lines[i + 1])) {
        entry.value += '\n';
        entry.value += lines[i + 1].substr(1);
        ++i;
      }
    } else {
      return fail(file.string() + ":" + std::to_string(entry.line) +
                  ": parse error (a line is a [section], a KEY = VALUE setting, a line that "
                  "starts with a blank and continues a value, or a # comment)");
    }
    out.entries.push_back(std::move(entry));
  }
  return out;
}

bool is_trusted_repo(std::string_view section) {
  if (section.empty() || section.front() == '/' || section.find("..") != std::string_view::npos) {
    return false;
  }
  for (const char c : section) {
    if (!(is_word_char(c) || c == '-' || c == '.' || c == '+' || c == '/')) {
      return false;
    }
  }
  return true;
}

bool is_trusted_checkout(std::string_view command) {
  std::vector<std::string> words;
  for (auto word : perl_words(command)) {
    if (word.size() >= 2 && ((word.front() == '\'' && word.back() == '\'') ||
                             (word.front() == '"' && word.back() == '"'))) {
      word = word.substr(1, word.size() - 2);
    }
    words.push_back(std::move(word));
  }
  for (const auto templ : k_trusted_checkouts) {
    if (matches_template(words, templ)) {
      return true;
    }
  }
  return false;
}

Result<void> check_untrusted(const IniFile& file) {
  for (const auto& entry : file.entries) {
    if (entry.kind == IniEntry::Kind::comment) {
      continue;
    }
    if (has_control(entry.raw)) {
      return fail(untrusted(file, entry, "illegal control character"));
    }
    if (entry.kind == IniEntry::Kind::section) {
      if (!is_trusted_repo(entry.name) || entry.name == "ALIAS" || entry.name == "DEFAULT") {
        return fail(untrusted(file, entry, "illegal section \"[" + entry.name + "]\""));
      }
      continue;
    }
    if (entry.name == "checkout") {
      if (!is_trusted_checkout(entry.value)) {
        return fail(untrusted(file, entry, "illegal checkout command \"" + entry.value + "\""));
      }
    } else if (entry.name != "order" && entry.value != "true" && entry.value != "false") {
      return fail(
          untrusted(file, entry, "illegal setting \"" + entry.name + "=" + entry.value + "\""));
    }
  }
  return {};
}

} // namespace mr::registry::myrepos
