// A password written into a remote URL ("http://alice:PASSWORD@host/r.git") never appears
// in anything mr prints: fetch, update and checkout output, their failures (libgit2's
// messages and git's stderr passed through), register, list --json and -v diagnostics.
// The server is git http-backend behind HTTP Basic authentication.
#include <sys/stat.h>

#include "network_fixture.hpp"
#include "servers.hpp"

namespace mr::test {

namespace {

constexpr const char* k_secret = "pw-Secret-4711";

class Secrets : public Network {
protected:
  Secrets() : server(srv(), "alice", k_secret) {}

  // http://alice:SECRET@127.0.0.1:PORT/NAME.git (or another password).
  std::string url_with_password(const std::string& name, const std::string& password = k_secret) {
    return "http://alice:" + password + "@127.0.0.1:" + std::to_string(server.port()) + "/" + name +
           ".git";
  }
  std::string redacted(const std::string& name) {
    return "http://alice:***@127.0.0.1:" + std::to_string(server.port()) + "/" + name + ".git";
  }

  void expect_no_secret(const RunResult& r, const std::string& secret = k_secret) {
    EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
  }

  // A git-remote-leaky on PATH that fails saying which URL it could not reach, as git's
  // own messages quote URLs: "leaky::URL" stands for any git failure naming the URL.
  std::map<std::string, std::string> leaky_helper_env() {
    const auto bin = root() / "bin";
    fs::create_directories(bin);
    // It reads git's first command before failing: exiting at once races git's write of
    // it ("full write to remote helper failed: Broken pipe" instead of this line).
    write_file(bin / "git-remote-leaky",
               "#!/bin/sh\nread -r _\necho \"fatal: cannot reach $2\" >&2\nexit 1\n");
    ::chmod((bin / "git-remote-leaky").c_str(), 0755);
    return {{"PATH", bin.string() + ":/usr/local/bin:/usr/bin:/bin"}};
  }

  HttpGitServer server;
};

} // namespace

TEST_F(Secrets, FetchUpdateAndCheckoutNeverPrintThePassword) {
  upstream("f");
  upstream("u");
  const auto f = working_copy("f", url_with_password("f"));
  const auto u = working_copy("u", url_with_password("u"));
  const auto f_head = push_change("f", "a.txt", "f moved\n");
  const auto u_head = push_change("u", "a.txt", "u moved\n");
  register_repo(f);
  register_repo(u);
  register_repo(ws() / "c", "url = \"" + url_with_password("f") + "\"\n");

  const auto fetch = mr({"-v", "fetch"}, ws());
  EXPECT_EQ(fetch.exit_code, 1) << fetch.out << fetch.err; // c is not checked out
  EXPECT_EQ(git(f, {"rev-parse", "origin/main"}), f_head + "\n");
  EXPECT_NE(fetch.err.find("From http://127.0.0.1:" + std::to_string(server.port()) + "/f\n"),
            std::string::npos)
      << fetch.out;
  // -v names the URL it fetches from, redacted.
  EXPECT_NE(fetch.err.find("fetching origin from " + redacted("f") + " with libgit2"),
            std::string::npos)
      << fetch.err;
  expect_no_secret(fetch);

  const auto update = mr({"-v", "update"}, ws());
  EXPECT_EQ(update.exit_code, 0) << update.out << update.err;
  EXPECT_EQ(git(u, {"rev-parse", "HEAD"}), u_head + "\n");
  EXPECT_EQ(git(ws() / "c", {"rev-parse", "HEAD"}), f_head + "\n"); // checked out by update
  EXPECT_NE(update.err.find("cloning from " + redacted("f") + " with libgit2"), std::string::npos)
      << update.err;
  expect_no_secret(update);
  // The clone keeps the URL it was given, as git clone does: only printing hides it.
  EXPECT_EQ(git(ws() / "c", {"config", "remote.origin.url"}), url_with_password("f") + "\n");
}

TEST_F(Secrets, FailuresNeverPrintThePassword) {
  upstream("w");
  const auto w = working_copy("w", url_with_password("w", "Wrong-Secret-99"));
  register_repo(w);
  const auto wrong = mr({"fetch"}, ws());
  EXPECT_EQ(wrong.exit_code, 1) << wrong.out << wrong.err;
  expect_no_secret(wrong, "Wrong-Secret-99");

  // git's own failure lines, through the git binary.
  write_file(registry(), "");
  const auto g = working_copy("g", "leaky::" + url_with_password("g"), "w");
  register_repo(g);
  register_repo(ws() / "missing", "url = \"leaky::" + url_with_password("m") + "\"\n");
  const auto env = leaky_helper_env();
  for (const std::string action : {"fetch", "update", "checkout"}) {
    const auto r = mr({action}, ws(), env);
    EXPECT_EQ(r.exit_code, 1) << action << r.out << r.err;
    EXPECT_NE((r.out + r.err).find("fatal: cannot reach "), std::string::npos)
        << action << r.out << r.err;
    EXPECT_NE((r.out + r.err).find("http://alice:***@"), std::string::npos)
        << action << r.out << r.err;
    expect_no_secret(r);
  }
}

TEST_F(Secrets, RegisterAndListShowThePasswordRedacted) {
  upstream("r");
  const auto r = working_copy("r", url_with_password("r"));
  const auto reg = mr({"register"}, r);
  EXPECT_EQ(reg.exit_code, 0) << reg.out << reg.err;
  EXPECT_NE(reg.out.find("Registering git url: " + redacted("r") + " in "), std::string::npos)
      << reg.out;
  expect_no_secret(reg);
  // The registry keeps the real URL: `mr checkout` needs it.
  EXPECT_NE(read_file(registry()).find(url_with_password("r")), std::string::npos);

  const auto again = mr({"register"}, r);
  expect_no_secret(again);

  const auto list = mr({"--json", "list"}, ws());
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("\"url\":\"" + redacted("r") + "\""), std::string::npos) << list.out;
  expect_no_secret(list);
}

TEST_F(Secrets, AControlCharacterInThePasswordIsHiddenToo) {
  // The userinfo ends at the last '@' before the path, whatever the password holds.
  const std::string url =
      "http://kim:SEKRET\\nk@127.0.0.1:" + std::to_string(server.port()) + "/n.git";
  // A registry may not hold a url with a control character: the refusal names where it
  // is, not what it holds.
  register_repo(ws() / "n", "url = \"" + url + "\"\n");
  const auto list = mr({"--json", "list"}, ws());
  EXPECT_EQ(list.exit_code, 2) << list.out << list.err;
  EXPECT_NE(list.err.find("control character in the url"), std::string::npos) << list.err;
  expect_no_secret(list, "SEKRET");
  const auto checkout = mr({"-v", "checkout"}, ws());
  EXPECT_EQ(checkout.exit_code, 2) << checkout.out << checkout.err;
  expect_no_secret(checkout, "SEKRET");
}

} // namespace mr::test
