// The text of myrepos' `mr status` for git: `git status -s`, then `git log --branches
// --not --remotes --simplify-by-decoration --decorate --oneline`, then `git stash list`,
// byte for byte, in git's default colours when asked.
#include <vector>

#include <mr/git/status.hpp>

namespace mr::git {

namespace {

constexpr std::string_view k_reset = "\033[m";

std::string paint(std::string_view text, std::string_view color, bool enabled) {
  if (!enabled) {
    return std::string(text);
  }
  return std::string(color) + std::string(text) + std::string(k_reset);
}

// git's relative_path(): `path` as seen from directory `prefix` (both relative to the
// top, prefix ending in '/'). An untracked directory that is the prefix itself is "./".
std::string relative_to(const std::string& path, const std::string& prefix) {
  if (prefix.empty()) {
    return path;
  }
  std::size_t common = 0;
  // The longest common leading part that ends at a '/' in both.
  for (std::size_t i = 0; i < path.size() && i < prefix.size() && path[i] == prefix[i]; ++i) {
    if (path[i] == '/') {
      common = i + 1;
    }
  }
  std::string out;
  for (std::size_t i = common; i < prefix.size(); ++i) {
    if (prefix[i] == '/') {
      out += "../";
    }
  }
  out += path.substr(common);
  if (out.empty()) {
    out = "./";
  }
  return out;
}

// quote.c: characters a C-style quoted path escapes (0 = as is, 1 = octal).
char escape_letter(unsigned char c) {
  switch (c) {
  case '\a':
    return 'a';
  case '\b':
    return 'b';
  case '\t':
    return 't';
  case '\n':
    return 'n';
  case '\v':
    return 'v';
  case '\f':
    return 'f';
  case '\r':
    return 'r';
  case '"':
    return '"';
  case '\\':
    return '\\';
  default:
    return 0;
  }
}

bool must_quote(unsigned char c, bool quote_high) {
  return c < 0x20 || c == '"' || c == '\\' || c == 0x7f || (c >= 0x80 && quote_high);
}

std::string decorations(const LogLine& line, bool color) {
  if (line.decorations.empty()) {
    return {};
  }
  std::string out = paint(" (", "\033[33m", color);
  bool first = true;
  for (const auto& d : line.decorations) {
    if (!first) {
      out += paint(", ", "\033[33m", color);
    }
    first = false;
    switch (d.kind) {
    case Decoration::Kind::head:
      if (!d.target.empty()) {
        out += paint("HEAD -> ", "\033[1;36m", color) + paint(d.target, "\033[1;32m", color);
      } else {
        out += paint("HEAD", "\033[1;36m", color);
      }
      break;
    case Decoration::Kind::branch:
      out += paint(d.name, "\033[1;32m", color);
      break;
    case Decoration::Kind::remote:
      out += paint(d.name, "\033[1;31m", color);
      break;
    case Decoration::Kind::tag:
      out += paint("tag: " + d.name, "\033[1;33m", color);
      break;
    case Decoration::Kind::other:
      out += paint(d.name, "\033[1;35m", color);
      break;
    }
  }
  out += paint(")", "\033[33m", color);
  return out;
}

} // namespace

std::string quote_path(const std::string& path, const std::string& prefix, bool quote_high) {
  const std::string rel = relative_to(path, prefix);
  bool quote = false;
  for (const char ch : rel) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == ' ' || must_quote(c, quote_high)) {
      quote = true;
      break;
    }
  }
  if (!quote) {
    return rel;
  }
  std::string out = "\"";
  for (const char ch : rel) {
    const auto c = static_cast<unsigned char>(ch);
    if (!must_quote(c, quote_high)) {
      out += ch;
    } else if (const char letter = escape_letter(c); letter != 0) {
      out += '\\';
      out += letter;
    } else {
      out += '\\';
      out += static_cast<char>('0' + ((c >> 6) & 7));
      out += static_cast<char>('0' + ((c >> 3) & 7));
      out += static_cast<char>('0' + (c & 7));
    }
  }
  out += '"';
  return out;
}

std::string format_status(const RepoStatus& st, const std::string& prefix, bool color) {
  std::string out;
  const auto letter = [&](char c, std::string_view col) {
    return c == ' ' ? std::string(" ") : paint(std::string(1, c), col, color);
  };
  for (const auto& e : st.changes) {
    if (e.unmerged) {
      out += paint(std::string{e.index, e.worktree}, "\033[31m", color);
    } else {
      out += letter(e.index, "\033[32m");
      out += letter(e.worktree, "\033[31m");
    }
    out += ' ';
    if (!e.from.empty()) {
      out += quote_path(e.from, prefix, st.quote_path) + " -> ";
    }
    out += quote_path(e.path, prefix, st.quote_path) + "\n";
  }
  for (const auto& e : st.untracked) {
    out += paint("??", "\033[31m", color) + " " + quote_path(e.path, prefix, st.quote_path) + "\n";
  }
  for (const auto& line : st.unpushed) {
    out += paint(line.abbrev, "\033[33m", color) + decorations(line, color) + " " + line.subject +
           "\n";
  }
  for (const auto& stash : st.stashes) {
    out += stash + "\n";
  }
  return out;
}

} // namespace mr::git
