// Differential tests: mr status, summary and diff against the git binary, for every state
// of git_states.cpp, under each git configuration of `variants()` below.
//
// One test per state: the state's repository is built once and every comparison runs on
// it (building a state takes a dozen git commands; a comparison, two processes). The
// configuration reaches git and mr the same way, through GIT_CONFIG_COUNT (git's
// command-line level), so each variant is one run of each tool, with no file to rewrite.
#include <algorithm>
#include <sstream>

#include "git_states.hpp"

namespace mr::test {

namespace {

// One git configuration, and which of mr's git-owned outputs it can change.
struct Variant {
  std::string name;
  std::vector<std::pair<std::string, std::string>> config;
  bool status = true; // compare `mr status` with what myrepos' status prints through git
  bool diff = true;   // compare `mr diff ...` with `git diff ...`
};

std::vector<Variant> variants() {
  return {
      {"defaults", {}},
      {"renames_off", {{"diff.renames", "off"}}},
      {"renames_copies", {{"diff.renames", "copies"}}},
      {"untracked_no", {{"status.showUntrackedFiles", "no"}}, true, false},
      {"untracked_all", {{"status.showUntrackedFiles", "all"}}, true, false},
      {"quote_path_off", {{"core.quotePath", "false"}}},
      {"relative_paths_off", {{"status.relativePaths", "false"}}, true, false},
      {"colour_always", {{"color.ui", "always"}}},
      {"colour_status_slots",
       {{"color.ui", "always"},
        {"color.status.added", "blue bold"},
        {"color.status.changed", "magenta"},
        {"color.status.untracked", "cyan ul"}},
       true,
       false},
      {"mnemonic_prefix", {{"diff.mnemonicPrefix", "true"}}, false, true},
      {"no_prefix", {{"diff.noprefix", "true"}}, false, true},
      {"abbrev_12", {{"core.abbrev", "12"}}},
      {"log_decorate_full", {{"log.decorate", "full"}}, true, false},
      {"status_branch", {{"status.branch", "true"}}, true, false},
      {"status_show_stash", {{"status.showStash", "true"}}, true, false},
  };
}

// The configurations one state is compared under. The plain build compares every state
// under every configuration. Under a sanitizer, where each mr run costs ten times as much
// (MR_TEST_SANITIZED), a state runs under the defaults and one other configuration, each
// state taking the next one in turn: the sanitizers still see every configuration's code
// paths, on two or three states each.
std::vector<Variant> variants_for(const std::string& state) {
  std::vector<Variant> all = variants();
#ifdef MR_TEST_SANITIZED
  const auto states = repo_states();
  const auto at = std::find_if(states.begin(), states.end(),
                               [&](const RepoState& s) { return s.name == state; });
  const auto index = static_cast<std::size_t>(at - states.begin());
  return {all.front(), all[1 + index % (all.size() - 1)]};
#else
  (void)state;
  return all;
#endif
}

std::map<std::string, std::string> config_env(const Variant& v) {
  std::map<std::string, std::string> env;
  env["GIT_CONFIG_COUNT"] = std::to_string(v.config.size());
  for (std::size_t i = 0; i < v.config.size(); ++i) {
    env["GIT_CONFIG_KEY_" + std::to_string(i)] = v.config[i].first;
    env["GIT_CONFIG_VALUE_" + std::to_string(i)] = v.config[i].second;
  }
  return env;
}

struct GitFacts {
  std::string branch = "null";
  std::string upstream = "null";
  std::string ahead = "null";
  std::string behind = "null";
  int staged = 0, modified = 0, untracked = 0, conflicted = 0;
};

// git status --porcelain=v2 --branch, in the terms of mr's --json fields.
GitFacts parse_porcelain_v2(const std::string& text) {
  GitFacts f;
  for (const auto& line : lines_of(text)) {
    if (line.starts_with("# branch.head ")) {
      const auto head = line.substr(14);
      f.branch = head == "(detached)" ? "null" : "\"" + head + "\"";
    } else if (line.starts_with("# branch.upstream ")) {
      f.upstream = "\"" + line.substr(18) + "\"";
    } else if (line.starts_with("# branch.ab ")) {
      int a = 0, b = 0;
      std::sscanf(line.c_str(), "# branch.ab +%d -%d", &a, &b);
      f.ahead = std::to_string(a);
      f.behind = std::to_string(b);
    } else if (line.starts_with("1 ") || line.starts_with("2 ")) {
      f.staged += line[2] != '.' ? 1 : 0;
      f.modified += line[3] != '.' ? 1 : 0;
    } else if (line.starts_with("u ")) {
      ++f.conflicted;
    } else if (line.starts_with("? ")) {
      ++f.untracked;
    }
  }
  return f;
}

class AgainstGit : public GitStates, public ::testing::WithParamInterface<RepoState> {
protected:
  const std::string& state() const { return GetParam().name; }

  RunResult git_run(const std::vector<std::string>& args, const fs::path& cwd,
                    const std::map<std::string, std::string>& extra) {
    RunOptions options;
    options.cwd = cwd;
    options.env = env_for(cwd);
    options.env["GIT_PAGER"] = "cat";
    for (const auto& [k, v] : extra) {
      options.env[k] = v;
    }
    std::vector<std::string> argv = {"git"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, options);
  }

  // What myrepos' `mr status` prints for a git repository, run by git itself.
  std::string git_status_text(const fs::path& cwd, const std::map<std::string, std::string>& env) {
    const auto r = git_run({"status", "-s"}, cwd, env);
    const auto log = git_run({"--no-pager", "log", "--branches", "--not", "--remotes",
                              "--simplify-by-decoration", "--decorate", "--oneline"},
                             cwd, env);
    const auto stash = git_run({"--no-pager", "stash", "list"}, cwd, env);
    return r.out + r.err + log.out + log.err + stash.out + stash.err;
  }

  // Both of status's paths: the fast one (a clean repository proven so from the index) and
  // libgit2's (MR_STATUS_SLOW=1).
  void compare_status(const fs::path& cwd, const std::map<std::string, std::string>& env) {
    const auto theirs = git_status_text(cwd, env);
    EXPECT_EQ(one_block({"status"}, cwd, env), theirs) << "mr status";
    auto slow = env;
    slow["MR_STATUS_SLOW"] = "1";
    EXPECT_EQ(one_block({"status"}, cwd, slow), theirs) << "mr status (libgit2's path)";
  }

  // mr diff ARGS against git diff ARGS: git succeeds (one_block checks that mr does), and
  // the same bytes (git's stdout, then its warnings, as mr's block keeps them).
  void compare_diff(const fs::path& cwd, const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env, bool colour = false) {
    std::vector<std::string> mr_args = {"diff"};
    if (colour) {
      mr_args.insert(mr_args.begin(), {"--color", "always"});
    }
    mr_args.insert(mr_args.end(), args.begin(), args.end());
    std::vector<std::string> git_args = {"diff"};
    if (colour) {
      git_args.insert(git_args.begin(), {"-c", "color.ui=always"});
    }
    git_args.insert(git_args.end(), args.begin(), args.end());
    std::ostringstream shown;
    for (const auto& a : mr_args) {
      shown << " " << a;
    }
    const auto theirs = git_run(git_args, cwd, env);
    ASSERT_EQ(theirs.exit_code, 0) << "git" << shown.str() << " failed: " << theirs.err;
    EXPECT_EQ(one_block(mr_args, cwd, env), theirs.out + theirs.err) << "mr" << shown.str();
  }

  // The work tree and the index, and with `all` a revision and paths too (which no
  // configuration of `variants()` treats differently from the others).
  void compare_diffs(const fs::path& cwd, const std::map<std::string, std::string>& env, bool all) {
    compare_diff(cwd, {}, env);
    compare_diff(cwd, {"--cached"}, env);
    compare_diff(cwd, {"--stat"}, env);
    compare_diff(cwd, {"--cached", "--stat"}, env);
    if (!all) {
      return;
    }
    // A revision against a sparse work tree is not yet diffed as git does (README, "Not
    // yet").
    if (git_result(cwd, {"rev-parse", "-q", "--verify", "HEAD~1"}).exit_code == 0 &&
        state() != "sparse_checkout") {
      compare_diff(cwd, {"HEAD~1"}, env);
      compare_diff(cwd, {"HEAD~1", "--stat"}, env);
      compare_diff(cwd, {"--cached", "HEAD~1"}, env);
    }
    compare_diff(cwd, {"--", "README"}, env);
  }

  // mr summary --json against git status --porcelain=v2 --branch (which no configuration
  // changes). Whether the upstream is gone is git's word, not mr's.
  void compare_summary(const fs::path& cwd) {
    const auto git = parse_porcelain_v2(g(cwd, {"status", "--porcelain=v2", "--branch"}));
    const auto r = mr({"--json", "summary"}, cwd);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const auto line = lines_of(r.out).front();
    const auto slow = mr({"--json", "summary"}, cwd, {{"MR_STATUS_SLOW", "1"}});
    EXPECT_EQ(lines_of(slow.out).front(), line) << "libgit2's path";
    EXPECT_EQ(json_value(line, "branch"), git.branch) << line;
    const auto track =
        git_result(cwd, {"for-each-ref", "--format=%(upstream:track)",
                         "refs/heads/" + (git.branch == "null"
                                              ? std::string("-")
                                              : git.branch.substr(1, git.branch.size() - 2))});
    const bool gone = track.out.find("[gone]") != std::string::npos;
    EXPECT_EQ(json_value(line, "upstream_gone"), gone ? "true" : "false") << line;
    if (!gone) {
      EXPECT_EQ(json_value(line, "upstream"), git.upstream) << line;
      EXPECT_EQ(json_value(line, "ahead"), git.ahead) << line;
      EXPECT_EQ(json_value(line, "behind"), git.behind) << line;
    }
    EXPECT_EQ(json_value(line, "staged"), std::to_string(git.staged)) << line;
    EXPECT_EQ(json_value(line, "modified"), std::to_string(git.modified)) << line;
    EXPECT_EQ(json_value(line, "untracked"), std::to_string(git.untracked)) << line;
    EXPECT_EQ(json_value(line, "conflicted"), std::to_string(git.conflicted)) << line;
    const auto stashes = lines_of(g(cwd, {"stash", "list"})).size();
    EXPECT_EQ(json_value(line, "stashes"), std::to_string(stashes)) << line;
  }
};

// Intent-to-add entries are not diffed as git does yet (README, "Not yet"); a FIFO where a
// file was makes git diff itself fail.
// `mr diff` still pairs renames as libgit2 does (README, "Not yet"), which
// rename_pairing_as_git is built to tell from git's pairing.
bool diffable(const std::string& state) {
  return state != "intent_to_add" && state != "fifo_in_place_of_a_file" &&
         state != "rename_pairing_as_git";
}

} // namespace

TEST_P(AgainstGit, StatusSummaryAndDiffUnderEachConfiguration) {
  const auto cwd = GetParam().build(*this, state());
  register_only(cwd);
  compare_summary(cwd);
  for (const auto& v : variants_for(state())) {
    SCOPED_TRACE("state " + state() + ", configuration " + v.name);
    const auto env = config_env(v);
    if (v.status) {
      compare_status(cwd, env);
    }
    if (v.diff && diffable(state())) {
      const bool prefixes = v.name == "mnemonic_prefix" || v.name == "no_prefix";
      compare_diffs(cwd, env, v.name == "defaults" || v.name == "abbrev_12" || prefixes);
    }
  }
  // A repository handed to the git binary gets git's own colour decision, not mr's
  // --color (README, "Not yet").
  const bool handed_to_git = state() == "split_index" || state() == "sparse_index";
  if (diffable(state()) && !handed_to_git) {
    SCOPED_TRACE("state " + state() + ", mr --color always against git -c color.ui=always");
    const auto env = config_env(variants().front());
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{}, {"--cached"}, {"--stat"}}) {
      compare_diff(cwd, args, env, /*colour=*/true);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(States, AgainstGit, ::testing::ValuesIn(repo_states()),
                         [](const auto& param_info) { return param_info.param.name; });

} // namespace mr::test
