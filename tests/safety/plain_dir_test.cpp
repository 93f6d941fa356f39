// A registered directory that is not the top of a git work tree never lets git act on the
// repository above it: `mr record` there would commit into the enclosing repository. As
// myrepos, which knows no repository type for such a directory, the repository fails with
// one line; and whatever git mr starts for a repository never looks above its directory.
#include <gtest/gtest.h>

#include "cli_fixture.hpp"

namespace mr::test {
namespace {

class PlainDir : public CliTest {
protected:
  PlainDir() {
    m_proj = make_repo(home() / "src/proj", false);
    fs::create_directories(m_proj / "sub");
    write_file(m_proj / "README", "changed\n"); // what a commit -a would take
    m_head = git(m_proj, {"rev-parse", "HEAD"});
  }

  std::string not_a_repository(const std::string& action) const {
    return "mr " + action + ": not a git repository (" + (m_proj / "sub").string() +
           " has no .git; mr acts only in the top directory of a git work tree)\n";
  }

  fs::path m_proj;
  std::string m_head;
};

TEST_F(PlainDir, AnUntrustedFileCannotMakeGitCommitIntoTheRepositoryAbove) {
  write_file(m_proj / ".mrconfig.toml", "[repos.sub]\n");
  for (const std::vector<std::string>& args : {std::vector<std::string>{"record", "-m", "x"},
                                               {"commit", "-m", "x"},
                                               {"run", "git", "commit", "-qam", "x"}}) {
    const auto r = mr(args, m_proj);
    EXPECT_EQ(r.exit_code, 1) << args[0] << r.out << r.err;
    EXPECT_EQ(r.err, not_a_repository(args[0])) << args[0];
    EXPECT_EQ(git(m_proj, {"rev-parse", "HEAD"}), m_head) << args[0];
  }
}

TEST_F(PlainDir, ATrustedFilesShellDefaultsNeedARepositoryToo) {
  write_file(registry(), "[repos.\"src/proj/sub\"]\n");
  const auto r = mr({"record", "-m", "x"}, m_proj / "sub");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find(not_a_repository("record")), std::string::npos) << r.err;
  EXPECT_EQ(git(m_proj, {"rev-parse", "HEAD"}), m_head);
}

TEST_F(PlainDir, TheUsersOwnCommandsRunButGitDoesNotLookAboveTheDirectory) {
  write_file(registry(), "[commands]\ntop = \"git rev-parse --show-toplevel\"\n"
                         "[repos.\"src/proj/sub\"]\n");
  const auto r = mr({"top"}, m_proj / "sub");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("not a git repository"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find(m_proj.string() + "\n"), std::string::npos) << r.out;
  // A command that does not need git still runs there, as in myrepos.
  EXPECT_EQ(mr({"run", "true"}, m_proj / "sub").exit_code, 0);
}

} // namespace
} // namespace mr::test
