#include "manual.hpp"

#include <string>
#include <string_view>

#include <mr/util/strings.hpp>

namespace mr::cmd {

namespace {

bool alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// scdoc's inline marks dropped: *bold* and _underline_ delimiters go, \* and \_ stay as the
// characters they escape. As scdoc reads them, an underscore inside a word (MR_LOG) is
// none: one opens underlining after a non-alphanumeric character and closes it before one.
std::string plain(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  bool underline = false;
  char last = ' ';
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    const char next = i + 1 < line.size() ? line[i + 1] : ' ';
    if (c == '\\' && i + 1 < line.size()) {
      out += line[++i];
    } else if (c == '_' && (!alnum(last) || (underline && !alnum(next)))) {
      underline = !underline;
    } else if (c != '*') {
      out += c;
    }
    last = c;
  }
  return out;
}

// Whether an entry's heading ("*push* [_ARGS_...], *log* [_ARGS_...]") names `action`: as
// one of its *bold* words, the way the page names each action it describes.
bool heading_names(std::string_view heading, std::string_view action) {
  const std::string bold = "*" + std::string(action) + "*";
  for (auto at = heading.find(bold); at != std::string_view::npos;
       at = heading.find(bold, at + 1)) {
    if (at == 0 || heading[at - 1] == ' ') {
      return true;
    }
  }
  return false;
}

} // namespace

std::string manual_entry(std::string_view scd, std::string_view action) {
  const auto lines = util::split_lines(scd);
  bool in_actions = false;
  bool in_entry = false;
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto line = lines[i];
    if (line.starts_with("# ")) {
      if (in_entry) {
        break;
      }
      in_actions = line == "# ACTIONS";
      continue;
    }
    if (!in_actions) {
      continue;
    }
    // An entry is its heading at the margin, then lines indented by a tab (or blank); a
    // paragraph at the margin (the section's introduction) is no entry.
    const bool at_margin = !line.empty() && line.front() != '\t';
    if (at_margin) {
      if (in_entry) {
        break;
      }
      const bool heading = i + 1 < lines.size() && lines[i + 1].starts_with('\t');
      in_entry = heading && heading_names(line, action);
      if (in_entry) {
        out += plain(line) + "\n";
      }
      continue;
    }
    if (in_entry) {
      out += line.empty() ? "\n" : "    " + plain(line.substr(1)) + "\n";
    }
  }
  while (out.ends_with("\n\n")) {
    out.pop_back();
  }
  return out;
}

} // namespace mr::cmd
