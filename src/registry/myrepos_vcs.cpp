// Repository types and clone commands, as myrepos sees them (see myrepos_vcs.hpp).
#include "myrepos_vcs.hpp"

#include <array>
#include <sys/stat.h>

#include <mr/util/file_io.hpp>
#include <mr/util/paths.hpp>
#include <mr/util/strings.hpp>

namespace mr::registry::myrepos {

namespace {

bool is_dir(const fs::path& p) {
  return util::is_directory(p);
}
bool is_file(const fs::path& p) {
  return util::is_regular_file(p);
}

// `git config --get SECTION.KEY` =~ /true/ on DIR/config, for the plain files a bare
// repository has: the key's value in the last [SECTION] that sets it.
bool config_says_true(const fs::path& config, std::string_view section, std::string_view key) {
  auto text = util::read_regular_file(config, 1024 * 1024);
  if (!text) {
    return false;
  }
  bool in_section = false;
  bool result = false;
  for (auto line : util::split_lines(text->content)) {
    line = util::trim(line);
    if (!line.empty() && line.front() == '[') {
      const auto close = line.find(']');
      in_section = close != std::string_view::npos &&
                   util::ascii_lower(util::trim(line.substr(1, close - 1))) == section;
      continue;
    }
    const auto eq = line.find('=');
    if (in_section && eq != std::string_view::npos &&
        util::ascii_lower(util::trim(line.substr(0, eq))) == key) {
      result = util::trim(line.substr(eq + 1)).find("true") != std::string_view::npos;
    }
  }
  return result;
}

bool bare_like(const fs::path& d) {
  return is_dir(d / "refs" / "heads") && is_dir(d / "refs" / "tags") && is_dir(d / "objects") &&
         is_file(d / "config");
}

// myrepos' built-in tests, as their Perl reads.
std::optional<bool> builtin_test(std::string_view vcs, const fs::path& d) {
  if (vcs == "svn") {
    return is_dir(d / ".svn");
  }
  if (vcs == "git") {
    return util::exists(d / ".git");
  }
  if (vcs == "bzr") {
    return is_dir(d / ".bzr");
  }
  if (vcs == "cvs") {
    return is_dir(d / "CVS");
  }
  if (vcs == "hg") {
    return is_dir(d / ".hg");
  }
  if (vcs == "darcs") {
    return is_dir(d / "_darcs");
  }
  if (vcs == "fossil") {
    return is_file(d / "_FOSSIL_") || is_file(d / ".fslckout");
  }
  if (vcs == "git_bare") {
    return bare_like(d) && config_says_true(d / "config", "core", "bare");
  }
  if (vcs == "vcsh") {
    return bare_like(d) && config_says_true(d / "config", "vcsh", "vcsh");
  }
  if (vcs == "veracity") {
    return is_dir(d / ".sgdrawer");
  }
  return std::nullopt;
}

// The type a checkout command's program belongs to.
std::string vcs_of_checkout(std::string_view command) {
  std::string vcs;
  std::size_t i = 0;
  while (i < command.size() && vcs.empty()) {
    while (i < command.size() &&
           std::string_view(" \t\n;&|(").find(command[i]) != std::string_view::npos) {
      ++i;
    }
    auto end = i;
    while (end < command.size() &&
           std::string_view(" \t\n;&|()").find(command[end]) == std::string_view::npos) {
      ++end;
    }
    if (end == i) {
      // A ')' the first loop does not skip: step over it (found by fuzzing: "x )" hung).
      ++i;
      continue;
    }
    const auto word = command.substr(i, end - i);
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> k_programs{{
        {"git", "git"},
        {"svn", "svn"},
        {"bzr", "bzr"},
        {"cvs", "cvs"},
        {"hg", "hg"},
        {"darcs", "darcs"},
        {"fossil", "fossil"},
        {"vcsh", "vcsh"},
        {"vv", "veracity"},
    }};
    for (const auto& [program, type] : k_programs) {
      if (word == program) {
        vcs = std::string(type);
      }
    }
    if (word == "git" && command.substr(end).find("--bare") != std::string_view::npos) {
      vcs = "git_bare";
    }
    i = end;
  }
  return vcs;
}

// The directory git clone makes for `url` without one: its last component without
// "/.git" or ".git" (git's "humanish" part).
std::string git_default_dir(std::string url) {
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  for (const std::string_view tail : {"/.git", ".git"}) {
    if (url.size() > tail.size() && url.compare(url.size() - tail.size(), tail.size(), tail) == 0) {
      url.resize(url.size() - tail.size());
      break;
    }
  }
  const auto cut = url.find_last_of("/:");
  return cut == std::string::npos ? url : url.substr(cut + 1);
}

} // namespace

VcsGuess detect_vcs(const SettingMap& settings, const fs::path& dir) {
  VcsGuess guess;
  if (!util::is_directory(dir)) {
    if (auto it = settings.find("checkout"); it != settings.end()) {
      guess.vcs = vcs_of_checkout(it->second.text);
    }
    return guess;
  }
  for (const auto& [key, value] : settings) {
    if (key.size() <= 5 || key.compare(key.size() - 5, 5, "_test") != 0) {
      continue;
    }
    const auto vcs = key.substr(0, key.size() - 5);
    std::optional<bool> held = value.origin.builtin() ? builtin_test(vcs, dir) : std::nullopt;
    if (!held) {
      guess.unevaluated.push_back(value.origin);
      continue;
    }
    if (*held) {
      (guess.vcs.empty() ? guess.vcs : guess.others.emplace_back()) = vcs;
    }
  }
  return guess;
}

std::optional<std::vector<std::string>> plain_words(std::string_view command) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (true) {
    while (i < command.size() && (command[i] == ' ' || command[i] == '\t')) {
      ++i;
    }
    if (i >= command.size()) {
      return words;
    }
    std::string word;
    while (i < command.size() && command[i] != ' ' && command[i] != '\t') {
      const char c = command[i];
      if (c == '\'' || c == '"') {
        const auto close = command.find(c, i + 1);
        if (close == std::string_view::npos) {
          return std::nullopt;
        }
        const auto inner = command.substr(i + 1, close - i - 1);
        if (c == '"' && inner.find_first_of("$`\\!") != std::string_view::npos) {
          return std::nullopt;
        }
        word += inner;
        i = close + 1;
      } else if (std::string_view("$`\\;|&<>()*?[]{}~#!\n\r").find(c) != std::string_view::npos) {
        return std::nullopt;
      } else {
        word += c;
        ++i;
      }
    }
    words.push_back(std::move(word));
  }
}

std::optional<Clone> parse_clone(std::string_view command, const fs::path& repo) {
  const auto words = plain_words(command);
  if (!words || words->size() < 3 || (*words)[0] != "git" || (*words)[1] != "clone") {
    return std::nullopt;
  }
  Clone clone;
  std::vector<std::string> rest;
  for (std::size_t i = 2; i < words->size(); ++i) {
    const auto& w = (*words)[i];
    if ((w == "-b" || w == "--branch") && i + 1 < words->size()) {
      clone.branch = (*words)[++i];
    } else if (w.rfind("--branch=", 0) == 0) {
      clone.branch = w.substr(9);
    } else if (w == "--recursive" || w == "--recurse-submodules") {
      clone.recursive = true;
    } else if (!w.empty() && w.front() == '-') {
      return std::nullopt;
    } else {
      rest.push_back(w);
    }
  }
  if (rest.empty() || rest.size() > 2 || rest[0].empty() ||
      (clone.branch && clone.branch->empty())) {
    return std::nullopt;
  }
  clone.url = rest[0];
  const auto dir = rest.size() == 2 ? rest[1] : git_default_dir(rest[0]);
  if (dir.empty() || util::absolute_normal(dir, repo.parent_path()) != repo) {
    return std::nullopt;
  }
  return clone;
}

} // namespace mr::registry::myrepos
