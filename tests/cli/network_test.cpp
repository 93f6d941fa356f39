// mr update, fetch and checkout against real servers on loopback, started by the tests:
// local paths and file://, git daemon (git://), git http-backend behind HTTP Basic auth
// with git's credential helpers (http://), sshd with an agent or key files (ssh://),
// and a relay that slows a transfer, goes silent or dies. Results are checked with git.
#include <chrono>
#include <csignal>
#include <thread>

#include "network_fixture.hpp"
#include "servers.hpp"

namespace mr::test {

// ---- update over local paths and file:// ---------------------------------------------------

TEST_F(Network, BehindIsFastForwardedAsGitPullWould) {
  upstream("a");
  upstream("b");
  const auto a = working_copy("a");
  const auto b = working_copy("b", "file://" + (srv() / "b.git").string());
  const auto new_a = push_change("a", "a.txt", "a\nmore\n");
  const auto new_b = push_change("b", "new.txt", "new\n");
  register_repo(a);
  register_repo(b);
  const auto r = mr({"update"}, ws());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(rev(a, "HEAD"), new_a);
  EXPECT_EQ(rev(b, "HEAD"), new_b);
  EXPECT_EQ(rev(a, "origin/main"), new_a);
  expect_consistent(a);
  expect_consistent(b);
  // git pull's own words.
  EXPECT_NE(r.out.find("Fast-forward\n a.txt | 1 +\n 1 file changed, 1 insertion(+)\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(" create mode 100644 new.txt\n"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("From " + (srv() / "a").string() + "\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("mr update: finished (2 ok)"), std::string::npos);

  const auto again = mr({"update"}, ws());
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_EQ(again.out, "mr update: " + a.string() + "\nAlready up to date.\n\nmr update: " +
                           b.string() + "\nAlready up to date.\n\nmr update: finished (2 ok)\n");
}

// git replaces a file it updates (unlink, create); libgit2 alone would write into the same
// inode, changing every hard link to it and truncating a file a running program maps.
TEST_F(Network, AnUpdatedFileIsANewFileAsWithGit) {
  upstream("h");
  const auto seed = root() / "seed" / "h";
  write_file(seed / "run.sh", "#!/bin/sh\necho one\n");
  fs::permissions(seed / "run.sh", fs::perms::owner_exec, fs::perm_options::add);
  git(seed, {"add", "."});
  git(seed, {"commit", "-q", "-m", "script"});
  git(seed, {"push", "-q", "origin", "main"});
  const auto h = working_copy("h");
  fs::create_hard_link(h / "run.sh", root() / "linked-run.sh");
  fs::create_hard_link(h / "a.txt", root() / "linked-a.txt");
  write_file(seed / "run.sh", "#!/bin/sh\necho two\n");
  const auto head = push_change("h", "a.txt", "a\nchanged\n");
  register_repo(h);
  const auto r = mr({"update"}, ws());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(rev(h, "HEAD"), head);
  EXPECT_EQ(read_file(h / "run.sh"), "#!/bin/sh\necho two\n");
  EXPECT_EQ(read_file(h / "a.txt"), "a\nchanged\n");
  EXPECT_NE(fs::status(h / "run.sh").permissions() & fs::perms::owner_exec, fs::perms::none);
  // The other links keep the old content, as after git pull.
  EXPECT_EQ(read_file(root() / "linked-run.sh"), "#!/bin/sh\necho one\n");
  EXPECT_EQ(read_file(root() / "linked-a.txt"), "a\n");
  EXPECT_EQ(git(h, {"status", "--porcelain", "--ignored"}), "");
  expect_consistent(h);
}

TEST_F(Network, LocalChangesAreKeptOrTheUpdateRefused) {
  upstream("kept");
  upstream("touched");
  const auto kept = working_copy("kept");
  const auto touched = working_copy("touched");
  write_file(kept / "README", "my local edit\n");       // upstream changes a.txt only
  write_file(kept / "notes.txt", "untracked work\n");   // and this is untracked
  write_file(touched / "a.txt", "my local edit\n");     // upstream changes this very file
  write_file(touched / "new.txt", "my own new file\n"); // and adds this one
  const auto before = rev(touched, "HEAD");
  const auto new_kept = push_change("kept", "a.txt", "upstream\n");
  push_change("touched", "a.txt", "upstream\n");
  push_change("touched", "new.txt", "upstream's new file\n");
  register_repo(kept);
  register_repo(touched);
  const auto r = mr({"update"}, ws());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  // Not touched by upstream: fast-forwarded, the local work still there.
  EXPECT_EQ(rev(kept, "HEAD"), new_kept);
  EXPECT_EQ(read_file(kept / "README"), "my local edit\n");
  EXPECT_EQ(read_file(kept / "notes.txt"), "untracked work\n");
  EXPECT_EQ(read_file(kept / "a.txt"), "upstream\n");
  // Touched: nothing changed, and the files are named.
  EXPECT_EQ(rev(touched, "HEAD"), before);
  EXPECT_EQ(read_file(touched / "a.txt"), "my local edit\n");
  EXPECT_EQ(read_file(touched / "new.txt"), "my own new file\n");
  // git pull's two reasons, in one line.
  EXPECT_NE(r.err.find("mr update: " + touched.string() +
                       ": local changes would be overwritten by the update: a.txt "
                       "(commit or stash them, then update again); untracked files would be "
                       "overwritten by the update: new.txt (move or remove them, then update "
                       "again)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(git(touched, {"status", "--porcelain"}), " M a.txt\n?? new.txt\n");
}

// git pull would overwrite an ignored file that upstream starts tracking; it may be
// someone's .env, so mr refuses instead.
TEST_F(Network, AnIgnoredFileInTheWayIsKeptAndTheUpdateRefused) {
  upstream("ig");
  const auto ig = working_copy("ig");
  write_file(ig / ".git" / "info" / "exclude", ".env\n");
  write_file(ig / ".env", "SECRET=mine\n");
  const auto before = rev(ig, "HEAD");
  push_change("ig", ".env", "SECRET=upstream\n");
  register_repo(ig);
  const auto r = mr({"update"}, ws());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("untracked files would be overwritten by the update: .env"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(read_file(ig / ".env"), "SECRET=mine\n");
  EXPECT_EQ(rev(ig, "HEAD"), before);
}

// Named like the skip reasons ("PATH: why"), and worded as mr summary words it.
TEST_F(Network, DivergedFailsWithItsCounts) {
  upstream("d");
  const auto d = working_copy("d");
  write_file(d / "mine.txt", "local\n");
  git(d, {"add", "mine.txt"});
  git(d, {"commit", "-q", "-m", "local commit"});
  const auto before = rev(d, "HEAD");
  push_change("d", "a.txt", "theirs 1\n");
  push_change("d", "a.txt", "theirs 2\n");
  register_repo(d);
  const auto r = mr({"update"}, ws());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("mr update: " + d.string() +
                       ": origin/main diverged: ahead 1, behind 2 (merge or rebase by hand)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(rev(d, "HEAD"), before);
  EXPECT_NE(r.err.find("main       -> origin/main"), std::string::npos) << "the fetch happened";
  const auto summary = mr({"summary"}, ws());
  EXPECT_NE(summary.out.find("origin/main diverged: ahead 1, behind 2"), std::string::npos)
      << summary.out;
}

TEST_F(Network, NothingToUpdateIsSkippedWithTheReason) {
  upstream("u");
  const auto detached = working_copy("u");
  git(detached, {"checkout", "-q", "--detach"});
  const auto no_upstream = ws() / "no-upstream";
  make_repo(no_upstream);
  const auto unborn = ws() / "unborn";
  git(root(), {"init", "-q", unborn.string()});
  register_repo(detached);
  register_repo(no_upstream);
  register_repo(unborn);
  const auto r = mr({"update"}, ws());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("mr update: " + detached.string() +
                       ": HEAD is detached: no branch to update, skipping"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("mr update: " + no_upstream.string() + ": branch 'main' has no upstream"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(unborn.string() + ": branch '"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("mr update: finished (3 skipped)"), std::string::npos) << r.out;
}

TEST_F(Network, ALockFileOrAnOperationInProgressFailsBeforeAnythingIsTouched) {
  upstream("l");
  const auto l = working_copy("l");
  write_file(l / ".git/index.lock", "");
  const auto before = rev(l, "origin/main");
  push_change("l", "a.txt", "new\n");
  register_repo(l);
  const auto r = mr({"update"}, ws());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("index.lock exists"), std::string::npos) << r.err;
  EXPECT_EQ(rev(l, "origin/main"), before) << "not even fetched";
  fs::remove(l / ".git/index.lock");
  write_file(l / ".git/MERGE_HEAD", rev(l, "HEAD") + "\n");
  const auto m = mr({"update"}, ws());
  EXPECT_EQ(m.exit_code, 1);
  EXPECT_NE(m.err.find("a merge is in progress"), std::string::npos) << m.err;
}

TEST_F(Network, MissingRepositoriesAreCheckedOutAndCheckoutSkipsTheRest) {
  upstream("present");
  upstream("missing");
  upstream("branchy");
  const auto seed = root() / "seed" / "branchy";
  git(seed, {"checkout", "-q", "-b", "dev"});
  write_file(seed / "dev.txt", "dev\n");
  git(seed, {"add", "dev.txt"});
  git(seed, {"commit", "-q", "-m", "dev"});
  git(seed, {"push", "-q", "origin", "dev"});
  const auto present = working_copy("present");
  register_repo(present);
  register_repo(ws() / "sub/missing", "url = \"" + (srv() / "missing.git").string() + "\"\n");
  register_repo(ws() / "branchy",
                "url = \"file://" + (srv() / "branchy.git").string() + "\"\nbranch = \"dev\"\n");
  const auto r = mr({"update"}, ws());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // git clone's lines are on its stderr, and so on mr's (a different pipe here).
  EXPECT_NE(r.out.find("mr checkout: " + (ws() / "sub/missing").string() + "\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("Cloning into 'missing'...\ndone.\n"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(ws() / "sub/missing/a.txt"), "a\n");
  EXPECT_EQ(git(ws() / "branchy", {"rev-parse", "--abbrev-ref", "HEAD"}), "dev\n");
  EXPECT_EQ(git(ws() / "branchy", {"rev-parse", "--abbrev-ref", "dev@{upstream}"}), "origin/dev\n");
  EXPECT_EQ(git(ws() / "sub/missing", {"config", "remote.origin.url"}),
            (srv() / "missing.git").string() + "\n");
  expect_consistent(ws() / "sub/missing");
  // Nothing left beside them.
  for (const auto& e : fs::directory_iterator(ws() / "sub")) {
    EXPECT_EQ(e.path().filename(), "missing");
  }
  const auto co = mr({"checkout"}, ws());
  EXPECT_EQ(co.exit_code, 0);
  EXPECT_EQ(co.out, "mr checkout: finished (3 skipped)\n");
}

TEST_F(Network, AFailedCloneLeavesNothingBehind) {
  register_repo(ws() / "nowhere", "url = \"" + (srv() / "does-not-exist.git").string() + "\"\n");
  register_repo(ws() / "no-url");
  const auto r = mr({"checkout"}, ws());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(fs::exists(ws() / "nowhere"));
  EXPECT_TRUE(fs::is_empty(ws())) << "no temporary directory left";
  EXPECT_NE(r.err.find("mr checkout: no url to check out from"), std::string::npos) << r.err;
}

TEST_F(Network, ACheckoutCommandRunsInTheParentDirectory) {
  upstream("cmd");
  write_file(registry(), "[repos.\"" + (ws() / "deep/cmd").string() +
                             "\".commands]\ncheckout = \"git clone -q " +
                             (srv() / "cmd.git").string() + " cmd && echo in $(pwd)\"\n");
  const auto r = mr({"co"}, ws());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "mr checkout: " + (ws() / "deep/cmd").string() + "\nin " +
                       (ws() / "deep").string() + "\n\nmr checkout: finished (1 ok)\n");
}

TEST_F(Network, RegistryOverridesOfUpdateAndFetchWin) {
  upstream("o");
  const auto o = working_copy("o");
  write_file(registry(), "[commands]\nupdate = \"echo my update\"\nfetch = \"echo my fetch\"\n"
                         "[repos.\"" +
                             o.string() + "\"]\n");
  const auto u = mr({"update"}, ws());
  EXPECT_EQ(u.out, "mr update: " + o.string() + "\nmy update\n\nmr update: finished (1 ok)\n");
  const auto f = mr({"fetch"}, ws());
  EXPECT_EQ(f.out, "mr fetch: " + o.string() + "\nmy fetch\n\nmr fetch: finished (1 ok)\n");
}

// ---- fetch -----------------------------------------------------------------------------------

TEST_F(Network, FetchPrintsWhatGitFetchPrints) {
  upstream("f");
  const auto mine = working_copy("f");
  const auto theirs = working_copy("f-git", {}, "f");
  const auto seed = root() / "seed" / "f";
  git(seed, {"checkout", "-q", "-b", "gone"});
  git(seed, {"push", "-q", "origin", "gone"});
  git(mine, {"fetch", "-q"});
  git(theirs, {"fetch", "-q"});
  // Upstream: a new commit on main, a new branch, a deleted branch, a new tag, a forced push.
  git(seed, {"checkout", "-q", "main"});
  push_change("f", "a.txt", "next\n");
  git(seed, {"branch", "feature"});
  git(seed, {"push", "-q", "origin", "feature", ":gone"});
  git(seed, {"tag", "v1.0"});
  git(seed, {"push", "-q", "origin", "v1.0"});
  register_repo(mine);
  const auto r = mr({"fetch"}, ws());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto expected = git_result(theirs, {"fetch", "--all", "--prune", "--tags"});
  // Each stream as git's: mr's stdout and stderr are different pipes here.
  EXPECT_EQ(r.out,
            "mr fetch: " + mine.string() + "\n" + expected.out + "\nmr fetch: finished (1 ok)\n");
  EXPECT_EQ(r.err, expected.err);
  EXPECT_EQ(git(mine, {"for-each-ref", "--format=%(refname) %(objectname)"}),
            git(theirs, {"for-each-ref", "--format=%(refname) %(objectname)"}));
}

// A relative local URL is relative to the repository, as for git, wherever mr is started:
// from elsewhere it must neither fail nor reach whatever lies at that path from there.
TEST_F(Network, ARelativeLocalUrlIsRelativeToTheRepository) {
  upstream("rel");
  const auto w = working_copy("rel");
  const auto relative = fs::relative(srv() / "rel.git", w);
  git(w, {"remote", "set-url", "origin", relative.string()});
  const auto new_head = push_change("rel", "a.txt", "a\nmore\n");
  register_repo(w);
  const auto far = root() / "far" / "away" / "below" / "here";
  fs::create_directories(far);
  const auto r = mr({"-d", w.string(), "update"}, far);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(rev(w, "HEAD"), new_head);
  EXPECT_NE(r.err.find("From " + relative.string().substr(0, relative.string().size() - 4)),
            std::string::npos)
      << r.out;
}

TEST_F(Network, FetchNeverDeletesALocalTag) {
  upstream("t");
  const auto t = working_copy("t");
  git(t, {"tag", "my-local-tag"});
  register_repo(t);
  const auto r = mr({"fetch"}, ws());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(git(t, {"tag"}), "my-local-tag\n");
}

// ---- git daemon, and the relay for what a network does ---------------------------------

TEST_F(Network, GitDaemonFetchUpdateAndClone) {
  upstream("g");
  GitDaemon daemon(srv());
  const auto g = working_copy("g", daemon.url("g.git"));
  const auto head = push_change("g", "a.txt", "over git://\n");
  register_repo(g);
  register_repo(ws() / "g2", "url = \"" + daemon.url("g.git") + "\"\n");
  const auto r = mr({"update"}, ws());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(rev(g, "HEAD"), head);
  EXPECT_EQ(rev(ws() / "g2", "HEAD"), head);
  EXPECT_NE(r.err.find("From git://127.0.0.1:" + std::to_string(daemon.port()) + "/g\n"),
            std::string::npos)
      << r.out;
}

// HTTP: the password comes from git's credential helpers (here `store`), never a prompt.
class Http : public Network {
protected:
  Http() : server(srv(), "alice", "s3cret") {}
  void store_credential(const std::string& password) {
    write_file(home() / ".gitconfig", "[credential]\n\thelper = store\n");
    write_file(home() / ".git-credentials",
               "http://alice:" + password + "@127.0.0.1:" + std::to_string(server.port()) + "\n");
  }
  HttpGitServer server;
};

TEST_F(Http, UpdateAndCloneWithTheHelpersPassword) {
  upstream("h");
  const auto h = working_copy("h", server.url("h.git"));
  const auto head = push_change("h", "a.txt", "over http\n");
  store_credential("s3cret");
  register_repo(h);
  register_repo(ws() / "h2", "url = \"" + server.url("h.git") + "\"\n");
  const auto r = mr({"update"}, ws());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(rev(h, "HEAD"), head);
  EXPECT_EQ(rev(ws() / "h2", "HEAD"), head);
  EXPECT_EQ(server.refused(), 0U);
  EXPECT_NE(r.err.find("From " + server.url("h") + "\n"), std::string::npos) << r.out;
  // Approved, so still stored (git credential-store writes the port escaped, as for git).
  EXPECT_NE(read_file(home() / ".git-credentials").find("http://alice:s3cret@127.0.0.1"),
            std::string::npos);
}

TEST_F(Http, AWrongPasswordFailsAtOnceAndTheHelperForgetsIt) {
  upstream("w");
  const auto w = working_copy("w", server.url("w.git"));
  const auto before = rev(w, "HEAD");
  push_change("w", "a.txt", "unreachable\n");
  store_credential("wrong");
  register_repo(w);
  // --timeout only as a backstop: a retry loop or a prompt would run into it.
  const auto r = mr({"--timeout", "60s", "update"}, ws());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.find("timed out"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("mr update: " + w.string() + ": authentication failed for " +
                       server.url("w") +
                       ": the server refused the credentials git's credential helper gave\n"),
            std::string::npos)
      << r.out << r.err;
  EXPECT_EQ(server.refused(), 1U); // one try with the helper's password, no retry loop
  EXPECT_EQ(read_file(home() / ".git-credentials"), ""); // git credential reject
  EXPECT_EQ(rev(w, "HEAD"), before);
  expect_consistent(w);
}

TEST_F(Http, NoCredentialFailsWithoutPrompting) {
  upstream("n");
  const auto n = working_copy("n", server.url("n.git"));
  register_repo(n);
  auto o = in_ws();
  o.stdin_open_pipe = true; // a prompt would wait here until the backstop --timeout
  const auto r = run({mr_binary().string(), "--timeout", "60s", "fetch"}, o);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.find("timed out"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("authentication required for " + server.url("n") +
                       " and no credential helper has it"),
            std::string::npos)
      << r.out << r.err;
  EXPECT_EQ(server.refused(), 0U);
}

TEST_F(Network, TimeoutStopsASilentServer) {
  upstream("s");
  TcpRelay silent(0, 0, /*silent=*/true);
  const auto s = working_copy("s", "git://127.0.0.1:" + std::to_string(silent.port()) + "/s.git");
  register_repo(s);
  const auto r = mr({"--timeout", "2s", "update"}, ws());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("mr update: timed out after 2s"), std::string::npos) << r.err;
  EXPECT_EQ(silent.connections(), 1U);
  expect_consistent(s);
}

TEST_F(Network, AStalledTransferFailsAfterTheStallTimeout) {
  upstream("s");
  TcpRelay silent(0, 0, /*silent=*/true);
  const auto url = "git://127.0.0.1:" + std::to_string(silent.port()) + "/s.git";
  const auto s = working_copy("s", url);
  write_file(registry(), "[settings]\nstall_timeout = \"1s\"\n");
  register_repo(s);
  const auto r = mr({"--timeout", "60s", "fetch"}, ws()); // the timeout only as a backstop
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.err.find("timed out"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no data from 127.0.0.1:" + std::to_string(silent.port()) +
                       " for 1s (settings.stall_timeout)"),
            std::string::npos)
      << r.out << r.err;
  expect_consistent(s);
}

TEST_F(Network, FailFastStopsAFetchWaitingOnASilentServer) {
  upstream("s");
  TcpRelay silent(0, 0, /*silent=*/true);
  const auto s = working_copy("s", "git://127.0.0.1:" + std::to_string(silent.port()) + "/s.git");
  const auto other = working_copy("o", {}, "s");
  register_repo(s, "order = 1\n");
  // The other repository fails once the transfer above has surely connected.
  register_repo(other, "order = 2\n[repos.\"" + other.string() +
                           "\".commands]\nfetch = \"sleep 1; exit 3\"\n");
  // --timeout only as a backstop: without fail-fast reaching the transfer this would take
  // all of it.
  const auto r = mr({"-j2", "--fail-fast", "--timeout", "60s", "fetch"}, ws());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.err.find("timed out"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("finished (1 failed; 1 skipped)"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(silent.connections(), 1U);
  expect_consistent(s);
}

TEST_F(Network, AServerDyingMidFetchFailsCleanly) {
  upstream("k");
  GitDaemon daemon(srv());
  TcpRelay slow(daemon.port(), 256 * 1024);
  const auto k = working_copy("k", "git://127.0.0.1:" + std::to_string(slow.port()) + "/k.git");
  const auto before = rev(k, "origin/main");
  push_big_commit("k");
  register_repo(k);
  Running mr_run({mr_binary().string(), "update"}, in_ws());
  ASSERT_TRUE(wait_until([&] { return slow.bytes_to_client() > 200'000; }, 20s));
  slow.kill();
  const auto r = mr_run.finish();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("mr update: "), std::string::npos) << r.err;
  EXPECT_EQ(rev(k, "origin/main"), before);
  expect_consistent(k);
}

TEST_F(Network, CtrlCMidFetchCancelsCleanly) {
  upstream("c");
  GitDaemon daemon(srv());
  TcpRelay slow(daemon.port(), 256 * 1024);
  const auto c = working_copy("c", "git://127.0.0.1:" + std::to_string(slow.port()) + "/c.git");
  const auto before = rev(c, "origin/main");
  push_big_commit("c");
  // Only the cancel can end this fetch: the server goes quiet mid-pack, and the stall
  // timeout is far beyond the test's own.
  write_file(registry(), "[settings]\nstall_timeout = \"1h\"\n");
  register_repo(c);
  Running mr_run({mr_binary().string(), "update"}, in_ws());
  ASSERT_TRUE(wait_until([&] { return slow.bytes_to_client() > 200'000; }, 20s));
  slow.hold();
  ::kill(mr_run.pid(), SIGINT);
  const auto r = mr_run.finish(); // returns at all only if the cancel reached the transfer
  EXPECT_EQ(r.exit_code, 130) << r.out << r.err;
  EXPECT_EQ(r.err.find("stall"), std::string::npos) << r.err;
  EXPECT_EQ(rev(c, "origin/main"), before);
  expect_consistent(c);
}

TEST_F(Network, TransferProgressShowsOnTheProgressLine) {
  upstream("p");
  GitDaemon daemon(srv());
  TcpRelay slow(daemon.port(), 2 * 1024 * 1024);
  const auto p = working_copy("p", "git://127.0.0.1:" + std::to_string(slow.port()) + "/p.git");
  push_big_commit("p");
  register_repo(p);
  auto o = in_ws();
  o.env["TERM"] = "xterm";
  o.stderr_tty = true;
  const auto r = run({mr_binary().string(), "update"}, o);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("[0/1] update p receiving "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" MiB"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("receiving"), std::string::npos); // never in the blocks
}

TEST_F(Network, ConnectionsPerHostAreLimited) {
  GitDaemon daemon(srv());
  TcpRelay relay(daemon.port(), 512 * 1024);
  std::string reg = "[settings]\nconnections_per_host = 1\n";
  for (const std::string name : {"p1", "p2", "p3", "p4"}) {
    upstream(name);
    const auto dir =
        working_copy(name, "git://127.0.0.1:" + std::to_string(relay.port()) + "/" + name + ".git");
    push_change(name, "a.txt", "x\n");
    reg += "[repos.\"" + dir.string() + "\"]\n";
  }
  write_file(registry(), reg);
  const auto r = mr({"-j4", "fetch"}, ws());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(relay.connections(), 4U);
  EXPECT_EQ(relay.max_concurrent(), 1U);
}

TEST_F(Network, TransportGitUsesTheGitBinary) {
  upstream("tg");
  GitDaemon daemon(srv());
  const auto tg = working_copy("tg", daemon.url("tg.git"));
  const auto head = push_change("tg", "a.txt", "via git\n");
  register_repo(tg, "transport = \"git\"\n");
  const auto r = mr({"fetch"}, ws());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(rev(tg, "origin/main"), head);
}

// ---- ssh ---------------------------------------------------------------------------------

class Ssh : public Network {
protected:
  void SetUp() override {
    if (!SshServer::available()) {
      GTEST_SKIP() << "needs root and /usr/sbin/sshd (openssh-server)";
    }
    server = std::make_unique<SshServer>(root() / "sshd");
    fs::create_directories(home() / ".ssh");
    unwind_fully_for_leak_reports();
  }
  void trust_host() { write_file(home() / ".ssh/known_hosts", server->known_hosts_line()); }
  std::string fingerprint() {
    RunOptions o;
    o.env = env_for(root());
    const auto r = run({"ssh-keygen", "-l", "-f", server->host_key_pub().string()}, o);
    return r.out.substr(r.out.find("SHA256:"),
                        r.out.find(' ', r.out.find("SHA256:")) - r.out.find("SHA256:"));
  }
  std::unique_ptr<SshServer> server;
};

TEST_F(Ssh, UpdateThroughTheAgent) {
  upstream("a");
  const auto a = working_copy("a", server->url(srv() / "a.git"));
  const auto head = push_change("a", "a.txt", "over ssh\n");
  trust_host();
  SshAgent agent(root() / "agent", server->user_key());
  register_repo(a);
  const auto r = mr({"update"}, ws(), {{"SSH_AUTH_SOCK", agent.socket().string()}});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(rev(a, "HEAD"), head);
}

TEST_F(Ssh, UpdateWithTheDefaultKeyFileAndCloneAMissingRepository) {
  upstream("k");
  const auto k = working_copy("k", server->url(srv() / "k.git"));
  const auto head = push_change("k", "a.txt", "with a key file\n");
  trust_host();
  fs::copy_file(server->user_key(), home() / ".ssh/id_ed25519");
  register_repo(k);
  register_repo(ws() / "k2", "url = \"" + server->url(srv() / "k.git") + "\"\n");
  const auto r = mr({"update"}, ws());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(rev(k, "HEAD"), head);
  EXPECT_EQ(rev(ws() / "k2", "HEAD"), head);
}

TEST_F(Ssh, AnUnknownHostKeyFailsClosedNamingTheFingerprint) {
  upstream("u");
  const auto u = working_copy("u", server->url(srv() / "u.git"));
  const auto before = rev(u, "origin/main");
  push_change("u", "a.txt", "x\n");
  fs::copy_file(server->user_key(), home() / ".ssh/id_ed25519");
  register_repo(u);
  const auto r = mr({"update"}, ws());
  EXPECT_EQ(r.exit_code, 1);
  const std::string name = "[127.0.0.1]:" + std::to_string(server->port());
  EXPECT_NE(r.err.find("mr update: " + u.string() + ": unknown ssh host key for " + name +
                       " (ssh-ed25519 " + fingerprint() +
                       "); check the fingerprint, then add it: ssh-keyscan -p " +
                       std::to_string(server->port()) + " 127.0.0.1 >> ~/.ssh/known_hosts"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(rev(u, "origin/main"), before);
}

TEST_F(Ssh, AChangedHostKeyFailsClosed) {
  upstream("c");
  const auto c = working_copy("c", server->url(srv() / "c.git"));
  fs::copy_file(server->user_key(), home() / ".ssh/id_ed25519");
  // known_hosts holds another ed25519 key for the same address.
  RunOptions o;
  o.env = env_for(root());
  run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", (root() / "other").string()}, o);
  const auto other = read_file(root() / "other.pub");
  write_file(home() / ".ssh/known_hosts", "[127.0.0.1]:" + std::to_string(server->port()) + " " +
                                              other.substr(0, other.rfind(' ')) + "\n");
  register_repo(c);
  const auto r = mr({"fetch"}, ws());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("has CHANGED (the server now offers ssh-ed25519 " + fingerprint()),
            std::string::npos)
      << r.out << r.err;
}

TEST_F(Ssh, AWrongKeyFailsFastWithoutPrompting) {
  upstream("w");
  const auto w = working_copy("w", server->url(srv() / "w.git"));
  trust_host();
  RunOptions o;
  o.env = env_for(root());
  run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", (root() / "wrong").string()}, o);
  SshAgent agent(root() / "agent", root() / "wrong");
  register_repo(w);
  const auto r = mr({"--timeout", "60s", "fetch"}, ws(), // the timeout only as a backstop
                    {{"SSH_AUTH_SOCK", agent.socket().string()}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.find("timed out"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("accepted none of: ssh-agent"), std::string::npos) << r.out << r.err;
}

TEST_F(Ssh, AHostAliasFromSshConfig) {
  upstream("h");
  fs::copy_file(server->user_key(), root() / "alias_key");
  write_file(home() / ".ssh/config", "Host gitserver\n  HostName 127.0.0.1\n  Port " +
                                         std::to_string(server->port()) + "\n  User " +
                                         server->user() + "\n  IdentityFile " +
                                         (root() / "alias_key").string() + "\n");
  trust_host();
  const auto h = working_copy("h", "gitserver:" + (srv() / "h.git").string());
  const auto head = push_change("h", "a.txt", "through an alias\n");
  register_repo(h);
  const auto r = mr({"update"}, ws());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(rev(h, "HEAD"), head);
  EXPECT_EQ(git(h, {"config", "remote.origin.url"}),
            "gitserver:" + (srv() / "h.git").string() + "\n");
}

TEST_F(Ssh, AProxyCommandHostIsFetchedWithGit) {
  upstream("p");
  fs::copy_file(server->user_key(), root() / "proxy_key");
  ::chmod((root() / "proxy_key").c_str(), 0600);
  write_file(home() / ".ssh/config",
             "Host viaproxy\n  HostName 127.0.0.1\n  Port " + std::to_string(server->port()) +
                 "\n  User " + server->user() + "\n  IdentityFile " +
                 (root() / "proxy_key").string() +
                 "\n  ProxyCommand bash -c 'exec 3<>/dev/tcp/%h/%p; cat <&3 & exec cat >&3'\n");
  trust_host();
  const auto p = working_copy("p", "viaproxy:" + (srv() / "p.git").string());
  const auto head = push_change("p", "a.txt", "through a proxy command\n");
  register_repo(p);
  const auto r = mr({"update"}, ws());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(rev(p, "HEAD"), head);
}

} // namespace mr::test
