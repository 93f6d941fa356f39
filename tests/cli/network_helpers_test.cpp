// Remotes served by git's remote helpers ("NAME::ADDRESS": ext::, fd::, or a
// git-remote-NAME of the user's) go to the git binary, as git itself hands them to the
// helper, in fetch, update and checkout. And a cloned directory gets the umask's mode, as
// git clone gives it.
#include <sys/stat.h>

#include "network_fixture.hpp"

namespace mr::test {

namespace {

class Helpers : public Network {
protected:
  // git-remote-mrtest on PATH: the repository at ADDRESS, over the helper protocol's
  // "connect" capability (git then speaks the ordinary protocol through it).
  std::map<std::string, std::string> helper_env() {
    const auto bin = root() / "bin";
    fs::create_directories(bin);
    write_file(bin / "git-remote-mrtest", "#!/bin/sh\n"
                                          "while read -r line; do\n"
                                          "  case \"$line\" in\n"
                                          "    capabilities) printf 'connect\\n\\n' ;;\n"
                                          "    'connect git-'*) printf '\\n'\n"
                                          "      exec git \"${line#connect git-}\" \"$2\" ;;\n"
                                          "    *) exit 1 ;;\n"
                                          "  esac\n"
                                          "done\n");
    ::chmod((bin / "git-remote-mrtest").c_str(), 0755);
    return {{"PATH", bin.string() + ":/usr/local/bin:/usr/bin:/bin"}};
  }

  int mode_of(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return static_cast<int>(st.st_mode & 07777);
  }

  // mr ACTION in ws/ under `umask`.
  RunResult mr_with_umask(const std::string& umask, const std::string& action) {
    return run({"/bin/sh", "-c", "umask " + umask + " && exec \"$0\" \"$@\"", mr_binary().string(),
                action},
               in_ws());
  }
};

} // namespace

TEST_F(Helpers, ACustomRemoteHelperServesFetchUpdateAndCheckout) {
  upstream("h");
  const std::string url = "mrtest::" + (srv() / "h.git").string();
  const auto h = working_copy("h", url);
  const auto head = push_change("h", "a.txt", "through a remote helper\n");
  register_repo(h);
  register_repo(ws() / "h2", "url = \"" + url + "\"\n");
  const auto env = helper_env();

  const auto fetch = mr({"fetch"}, ws(), env);
  EXPECT_NE(fetch.err.find("main       -> origin/main"), std::string::npos)
      << fetch.out << fetch.err;
  EXPECT_EQ(git(h, {"rev-parse", "origin/main"}), head + "\n");

  const auto update = mr({"update"}, ws(), env);
  EXPECT_EQ(update.exit_code, 0) << update.out << update.err;
  EXPECT_EQ(git(h, {"rev-parse", "HEAD"}), head + "\n");
  EXPECT_EQ(git(ws() / "h2", {"rev-parse", "HEAD"}), head + "\n"); // checked out by update
  EXPECT_EQ(git(ws() / "h2", {"config", "remote.origin.url"}), url + "\n");

  fs::remove_all(ws() / "h2");
  const auto checkout = mr({"checkout"}, ws(), env);
  EXPECT_EQ(checkout.exit_code, 0) << checkout.out << checkout.err;
  EXPECT_EQ(git(ws() / "h2", {"rev-parse", "HEAD"}), head + "\n");
}

TEST_F(Helpers, ExtWorksWhereGitAllowsIt) {
  upstream("e");
  const std::string url = "ext::git %s " + (srv() / "e.git").string();
  const auto e = working_copy("e", url);
  const auto head = push_change("e", "a.txt", "through ext\n");
  register_repo(e);
  // git refuses ext:: unless protocol.ext.allow says otherwise; so does mr, through git.
  const auto refused = mr({"fetch"}, ws());
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("transport 'ext' not allowed"), std::string::npos) << refused.out;

  write_file(home() / ".gitconfig", "[protocol \"ext\"]\n\tallow = always\n");
  const auto update = mr({"update"}, ws());
  EXPECT_EQ(update.exit_code, 0) << update.out << update.err;
  EXPECT_EQ(git(e, {"rev-parse", "HEAD"}), head + "\n");
}

// Through the git binary too, a server cannot fill mr's output: its "remote:" lines are
// kept to 64 KiB. (git relays what upload-pack's pack-objects hook writes on stderr.)
TEST_F(Helpers, AServersEndlessMessagesThroughGitAreCut) {
  upstream("s");
  const auto spam = root() / "spam.sh";
  write_file(spam, "#!/bin/sh\ni=0\nwhile [ $i -lt 5000 ]; do\n"
                   "  echo \"spam line $i, long enough to matter\"; i=$((i+1))\ndone >&2\n"
                   "exec \"$@\"\n");
  ::chmod(spam.c_str(), 0755);
  const auto s = working_copy("s", "ext::git -c uploadpack.packObjectsHook=" + spam.string() +
                                       " %s " + (srv() / "s.git").string());
  const auto head = push_change("s", "a.txt", "with spam\n");
  write_file(home() / ".gitconfig", "[protocol \"ext\"]\n\tallow = always\n");
  register_repo(s);
  const auto r = mr({"fetch"}, ws());
  EXPECT_EQ(r.exit_code, 0) << r.out.substr(0, 2000) << r.err;
  EXPECT_EQ(git(s, {"rev-parse", "origin/main"}), head + "\n");
  // git's stderr lines, on mr's stderr (a different pipe here).
  EXPECT_NE(r.err.find("remote: spam line 0, long enough to matter"), std::string::npos)
      << r.err.substr(0, 2000);
  EXPECT_EQ(r.err.find("remote: spam line 4999,"), std::string::npos);
  EXPECT_NE(r.err.find(" more lines)\n"), std::string::npos)
      << r.err.substr(r.err.size() - std::min<std::size_t>(r.err.size(), 500));
  EXPECT_NE(r.err.find("main       -> origin/main"), std::string::npos) << r.err;
  EXPECT_LT(r.err.size(), 80U * 1024);
}

TEST_F(Helpers, AClonedDirectoryGetsTheUmasksMode) {
  upstream("m");
  for (const auto& [umask, mode] : {std::pair{"022", 0755}, std::pair{"027", 0750}}) {
    fs::remove_all(ws() / "m");
    write_file(registry(), "");
    register_repo(ws() / "m", "url = \"file://" + (srv() / "m.git").string() + "\"\n");
    const auto r = mr_with_umask(umask, "checkout");
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(mode_of(ws() / "m"), mode) << "umask " << umask;
    EXPECT_EQ(mode_of(ws() / "m" / ".git"), mode) << "umask " << umask;
  }
}

} // namespace mr::test
