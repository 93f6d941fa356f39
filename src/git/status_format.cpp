// The text of myrepos' `mr status` for git: `git status -s`, then `git log --branches
// --not --remotes --simplify-by-decoration --decorate --oneline`, then `git stash list`,
// byte for byte, in git's default colours when asked.
#include <vector>

#include <fmt/format.h>

#include <mr/git/status.hpp>

#include "color_spec.hpp"
#include "git_text.hpp"

namespace mr::git {

namespace {

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

std::string decorations(const LogLine& line, const StatusColors& c, bool color) {
  if (line.decorations.empty()) {
    return {};
  }
  std::string out = paint(" (", c.commit, color);
  bool first = true;
  for (const auto& d : line.decorations) {
    if (!first) {
      out += paint(", ", c.commit, color);
    }
    first = false;
    switch (d.kind) {
    case Decoration::Kind::head:
      if (!d.target.empty()) {
        out += paint("HEAD -> ", c.head, color) + paint(d.target, c.branch, color);
      } else {
        out += paint("HEAD", c.head, color);
      }
      break;
    case Decoration::Kind::branch:
      out += paint(d.name, c.branch, color);
      break;
    case Decoration::Kind::remote:
      out += paint(d.name, c.remote, color);
      break;
    case Decoration::Kind::tag:
      out += paint("tag: " + d.name, c.tag, color);
      break;
    case Decoration::Kind::other:
      out += paint(d.name, c.stash, color);
      break;
    case Decoration::Kind::grafted:
      out += paint(d.name, c.grafted, color);
      break;
    }
  }
  out += paint(")", c.commit, color);
  return out;
}

// git status -s's first line under status.branch (wt_shortstatus_print_tracking()).
std::string branch_line(const RepoStatus& st, bool color) {
  const StatusColors& c = st.colors;
  std::string out = paint("## ", c.header, color);
  if (st.unborn) {
    out += paint("No commits yet on ", c.header, color);
  }
  if (st.detached) {
    return out + paint("HEAD (no branch)", c.no_branch, color) + "\n";
  }
  out += paint(st.branch, c.local_branch, color);
  if (!st.upstream) {
    return out + "\n";
  }
  const Upstream& u = *st.upstream;
  out += paint("...", c.header, color) + paint(u.name, c.remote_branch, color);
  const std::size_t ahead = u.ahead.value_or(0);
  const std::size_t behind = u.behind.value_or(0);
  if (!u.gone && ahead == 0 && behind == 0) {
    return out + "\n";
  }
  out += paint(" [", c.header, color);
  if (u.gone) {
    out += paint("gone", c.header, color);
  } else if (ahead == 0) {
    out +=
        paint("behind ", c.header, color) + paint(std::to_string(behind), c.remote_branch, color);
  } else if (behind == 0) {
    out += paint("ahead ", c.header, color) + paint(std::to_string(ahead), c.local_branch, color);
  } else {
    out += paint("ahead ", c.header, color) + paint(std::to_string(ahead), c.local_branch, color) +
           paint(", behind ", c.header, color) +
           paint(std::to_string(behind), c.remote_branch, color);
  }
  return out + paint("]", c.header, color) + "\n";
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

std::string format_status(const RepoStatus& st, const std::string& prefix, bool mr_color) {
  const StatusColors& c = st.colors;
  const bool color = git_colors(c.status_setting, mr_color);
  const bool log_color = git_colors(c.log_setting, mr_color);
  const std::string& from = st.relative_paths ? prefix : std::string();
  std::string out = st.show_branch ? branch_line(st, color) : std::string();
  const auto letter = [&](char ch, std::string_view col) {
    return ch == ' ' ? std::string(" ") : paint(std::string(1, ch), col, color);
  };
  for (const auto& e : st.changes) {
    if (e.unmerged) {
      out += paint(std::string{e.index, e.worktree}, c.unmerged, color);
    } else {
      out += letter(e.index, c.added);
      out += letter(e.worktree, c.changed);
    }
    out += ' ';
    if (!e.from.empty()) {
      out += quote_path(e.from, from, st.quote_path) + " -> ";
    }
    out += quote_path(e.path, from, st.quote_path) + "\n";
  }
  for (const auto& e : st.untracked) {
    out += paint("??", c.untracked, color) + " " + quote_path(e.path, from, st.quote_path) + "\n";
  }
  for (const auto& line : st.unpushed) {
    out += paint(line.abbrev, c.commit, log_color) + decorations(line, c, log_color) + " " +
           line.subject + "\n";
  }
  for (const auto& stash : st.stashes) {
    out += stash + "\n";
  }
  return out;
}

std::string diverged_text(std::string_view upstream, std::size_t ahead, std::size_t behind) {
  return fmt::format("{} diverged: ahead {}, behind {}", upstream, ahead, behind);
}

} // namespace mr::git
