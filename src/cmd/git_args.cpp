#include "git_args.hpp"

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <stop_token>

#include <mr/cmd/exit.hpp>
#include <mr/proc/process.hpp>
#include <mr/util/file_io.hpp>
#include <mr/util/strings.hpp>

namespace mr::cmd {

namespace fs = std::filesystem;

namespace {

// A directory git takes for a repository (HEAD, objects/, refs/), removed when done.
Result<util::TemporaryDirectory> throwaway_repository() {
  MR_TRY_VAR(dir, util::TemporaryDirectory::make("mr-git-options"));
  std::error_code ec;
  fs::create_directory(dir->path() / "objects", ec);
  if (!ec) {
    fs::create_directory(dir->path() / "refs", ec);
  }
  if (ec) {
    return fail("cannot make " + dir->path().string() + ": " + ec.message());
  }
  std::ofstream head(dir->path() / "HEAD");
  head << "ref: refs/heads/main\n";
  if (!head.flush()) {
    return fail("cannot write " + (dir->path() / "HEAD").string());
  }
  return std::move(*dir);
}

// Every spelling git accepts in full: the listed names, and each one's negation (or, for
// a listed "no-X", X itself), mapped to whether it takes a value.
std::map<std::string, bool, std::less<>> spellings(const std::vector<std::string>& long_options,
                                                   std::span<const std::string_view> more) {
  std::map<std::string, bool, std::less<>> out;
  const auto add = [&](std::string_view listed) {
    const bool value = listed.ends_with('=');
    if (value) {
      listed.remove_suffix(1);
    }
    if (listed.empty()) {
      return; // "--" in git's list
    }
    out.emplace(std::string(listed), value);
    std::string_view positive = listed;
    out.emplace(util::consume_prefix(positive, "no-") ? std::string(positive)
                                                      : "no-" + std::string(listed),
                false);
  };
  for (const auto& o : long_options) {
    add(o);
  }
  for (const auto o : more) {
    add(o);
  }
  return out;
}

std::string not_an_option(const GitSyntax& s, std::string_view arg) {
  return usage_text("'" + std::string(arg) + "' is not an option of mr " + std::string(s.action) +
                        " or of git " + std::string(s.command),
                    s.usage);
}

// One long option, "--name" or "--name=value": whether the next word is its value.
Result<bool> check_long(const GitSyntax& s, const std::map<std::string, bool, std::less<>>& known,
                        std::string_view arg) {
  std::string_view name = arg.substr(2);
  const auto eq = name.find('=');
  const bool has_value = eq != std::string_view::npos;
  name = name.substr(0, eq);
  if (auto it = known.find(name); it != known.end()) {
    return it->second && !has_value;
  }
  std::vector<std::string> matches;
  for (auto it = known.lower_bound(name); it != known.end() && it->first.starts_with(name); ++it) {
    matches.push_back("--" + it->first);
  }
  if (matches.size() == 1 && !name.empty()) {
    return known.at(matches.front().substr(2)) && !has_value;
  }
  if (matches.size() > 1 && !name.empty()) {
    return fail(usage_text("'" + std::string(arg) + "' is ambiguous for git " +
                               std::string(s.command) + ": " + util::join(matches, ", "),
                           s.usage));
  }
  return fail(not_an_option(s, arg));
}

// A bundle of short options, "-sb", "-uno", "-U5": whether the next word is a value.
Result<bool> check_short(const GitSyntax& s, std::string_view arg) {
  for (std::size_t i = 1; i < arg.size(); ++i) {
    const char c = arg[i];
    if (s.flags.find(c) != std::string_view::npos) {
      continue;
    }
    if (s.optional_value.find(c) != std::string_view::npos) {
      return false; // the rest is its value
    }
    if (s.required_value.find(c) != std::string_view::npos) {
      return i + 1 == arg.size();
    }
    return fail(not_an_option(s, arg));
  }
  return false;
}

// The names in git's list, " --stat --stat-width= -- --no-stat", without their "--".
std::vector<std::string> listed_names(const std::string& list) {
  std::vector<std::string> names;
  std::size_t pos = 0;
  while ((pos = list.find("--", pos)) != std::string::npos) {
    const auto end = list.find_first_of(" \n", pos);
    names.push_back(list.substr(pos + 2, end == std::string::npos ? end : end - pos - 2));
    pos = end;
  }
  return names;
}

} // namespace

Result<std::vector<std::string>> git_long_options(std::string_view command) {
  MR_TRY_VAR(repo, throwaway_repository());
  std::string out;
  std::string err;
  // --git-completion-helper-all (git 2.31) adds the hidden options to what it lists.
  for (const std::string_view helper : {"--git-completion-helper-all", "--git-completion-helper"}) {
    proc::Command c;
    c.argv = {"git", std::string(command), std::string(helper)};
    c.cwd = repo->path();
    c.env = {{"GIT_DIR", repo->path().string()}, {"GIT_WORK_TREE", repo->path().string()}};
    out.clear();
    err.clear();
    MR_TRY_VAR(outcome, proc::run(c, out, err, std::stop_token{}));
    if (outcome->exit_code == 0) {
      return listed_names(out);
    }
  }
  const auto why = util::trim(err);
  return fail("cannot list the options of git " + std::string(command) + " (git " +
              std::string(command) + " --git-completion-helper" +
              (why.empty() ? std::string(" failed") : ": " + std::string(why)) + ")");
}

Result<void> check_git_options(const GitSyntax& syntax,
                               const std::vector<std::string>& long_options,
                               const std::vector<std::string>& args) {
  const auto known = spellings(long_options, syntax.more_long);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--") {
      break; // the rest are paths
    }
    if (arg.size() < 2 || arg[0] != '-') {
      continue; // a word: a path, a revision, a remote
    }
    MR_TRY_VAR(takes_next,
               arg[1] == '-' ? check_long(syntax, known, arg) : check_short(syntax, arg));
    if (*takes_next) {
      ++i;
    }
  }
  return {};
}

Result<void> check_git_arguments(const GitSyntax& syntax, const std::vector<std::string>& args) {
  MR_TRY_VAR(long_options, git_long_options(syntax.command));
  return check_git_options(syntax, *long_options, args);
}

} // namespace mr::cmd
