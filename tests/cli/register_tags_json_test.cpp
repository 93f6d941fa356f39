// mr -g TAG register records the tag; --json register prints its result; "no repositories
// found" under --json still ends with the summary object.
#include "cli_fixture.hpp"

namespace mr::test {

using RegisterTagsJson = CliTest;

TEST_F(RegisterTagsJson, DashGRecordsTheTagAndMergesItWithTheExistingOnes) {
  const auto repo = make_repo(home() / "src/t");
  const auto url = (root() / "remotes/t.git").string();
  auto r = mr({"-g", "work", "register"}, repo);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Registering git url: " + url + " in " + registry().string() + "\n");
  EXPECT_EQ(read_file(registry()), "[repos.\"src/t\"]\nurl = \"" + url + "\"\ntags = [\"work\"]\n");
  // Selected by it.
  r = mr({"-g", "work", "list"}, home());
  EXPECT_EQ(r.out, "mr list: " + repo.string() + "\n\nmr list: finished (1 ok)\n");

  // Again with a tag it has and one it lacks: only the new one is added, nothing else moves.
  r = mr({"-g", "work", "-g", "dot", "register"}, repo);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Tagging " + repo.string() + " with dot in " + registry().string() + "\n");
  EXPECT_EQ(read_file(registry()),
            "[repos.\"src/t\"]\nurl = \"" + url + "\"\ntags = [\"work\", \"dot\"]\n");
  r = mr({"-g", "dot", "register"}, repo);
  EXPECT_EQ(r.out, repo.string() + " is already registered in " + registry().string() + "\n");

  // An entry without tags gets the line after its last one, its comments kept.
  write_file(registry(), "# mine\n[repos.\"src/t\"] # here\nurl = \"" + url + "\"\n");
  r = mr({"-g", "x", "register"}, repo);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(registry()),
            "# mine\n[repos.\"src/t\"] # here\nurl = \"" + url + "\"\ntags = [\"x\"]\n");
}

TEST_F(RegisterTagsJson, JsonRegisterPrintsTheRepositoryAndTheSummary) {
  const auto repo = make_repo(home() / "src/j");
  const auto url = (root() / "remotes/j.git").string();
  const auto file = registry().string();
  auto r = mr({"--json", "-g", "w", "register"}, repo);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "{\"type\":\"repo\",\"path\":\"" + repo.string() +
                       "\",\"action\":\"register\",\"status\":\"ok\",\"exit_code\":0,"
                       "\"output\":\"Registering git url: " +
                       url + " in " + file + "\\n\",\"url\":\"" + url +
                       "\",\"tags\":[\"w\"],\"registry\":\"" + file +
                       "\",\"change\":\"added\"}\n"
                       "{\"type\":\"summary\",\"action\":\"register\",\"ok\":1,\"failed\":0,"
                       "\"skipped\":0,\"exit_code\":0}\n");
  r = mr({"--json", "register"}, repo);
  EXPECT_NE(r.out.find("\"change\":\"unchanged\""), std::string::npos) << r.out;
  git(repo, {"remote", "set-url", "origin", "https://example.org/moved.git"});
  r = mr({"--json", "register"}, repo);
  EXPECT_NE(r.out.find("\"url\":\"https://example.org/moved.git\",\"tags\":[\"w\"],"
                       "\"registry\":\"" +
                       file + "\",\"change\":\"updated\"}\n"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(lines_of(r.out).size(), 2u);
}

TEST_F(RegisterTagsJson, AddingATagIsReportedAsAChange) {
  const auto repo = make_repo(home() / "src/k");
  ASSERT_EQ(mr({"register"}, repo).exit_code, 0);
  auto r = mr({"--json", "-g", "new", "register"}, repo);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"tags\":[\"new\"],\"registry\":\"" + registry().string() +
                       "\",\"change\":\"tagged\"}"),
            std::string::npos)
      << r.out;
  r = mr({"--json", "-g", "new", "register"}, repo);
  EXPECT_NE(r.out.find("\"change\":\"unchanged\""), std::string::npos) << r.out;
}

TEST_F(RegisterTagsJson, ATagWithAControlCharacterIsRefused) {
  const auto repo = make_repo(home() / "src/n");
  for (const bool registered : {false, true}) {
    const auto before = fs::exists(registry()) ? read_file(registry()) : "";
    const auto r = mr({"-g", "a\nb", "register"}, repo);
    EXPECT_EQ(r.exit_code, 2) << registered;
    EXPECT_EQ(r.err, "mr: error: cannot register " + repo.string() +
                         " with tag \"a\\nb\": a tag may not hold a control character (such "
                         "as a newline) or bytes that are not UTF-8\n");
    EXPECT_EQ(fs::exists(registry()) ? read_file(registry()) : "", before);
    ASSERT_EQ(mr({"register"}, repo).exit_code, 0);
  }
}

// The message escapes what it refuses, Unicode controls too: a raw U+202E would reorder
// the rest of the line on a terminal.
TEST_F(RegisterTagsJson, TheRefusedTagIsEscapedInTheMessage) {
  const auto repo = make_repo(home() / "src/n");
  const auto r = mr({"-g", "x\u202Ey\u0085z", "register"}, repo);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(" with tag \"x\\u202ey\\u0085z\": "), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("\u202E"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("\u0085"), std::string::npos) << r.err;
}

TEST_F(RegisterTagsJson, NoRepositoriesFoundStillEndsWithTheSummaryUnderJson) {
  write_file(registry(), "[repos.\"src/a\"]\n");
  fs::create_directories(root() / "elsewhere");
  const auto r = mr({"--json", "list"}, root() / "elsewhere");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "mr list: no repositories found to work on\n");
  EXPECT_EQ(r.out, "{\"type\":\"summary\",\"action\":\"list\",\"ok\":0,\"failed\":0,"
                   "\"skipped\":0,\"exit_code\":2}\n");
  const auto plain = mr({"list"}, root() / "elsewhere");
  EXPECT_EQ(plain.out, "");
}

} // namespace mr::test
