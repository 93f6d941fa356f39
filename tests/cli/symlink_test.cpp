// Symlinked parents (mr(1) SELECTION): myrepos fails to find repos through a symlinked directory;
// mr finds them from either side of the link, and registers them by the path the user used.
#include "cli_fixture.hpp"

namespace mr::test {

namespace {

class Symlinks : public CliTest {
protected:
  Symlinks() {
    fs::create_directories(root() / "storage/code");
    fs::create_directory_symlink(root() / "storage/code", home() / "code");
    make_repo(root() / "storage/code/x");
  }
  std::string listing(const fs::path& repo) const {
    return "mr list: " + repo.string() + "\n\nmr list: finished (1 ok)\n";
  }
};

} // namespace

TEST_F(Symlinks, RegisteredThroughTheLinkFoundFromEitherSide) {
  // $PWD is the logical path, as a shell that cd'ed through the link sets it.
  const auto r = mr({"register"}, home() / "code/x");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(read_file(registry()).find("[repos.\"code/x\"]"), std::string::npos);
  const auto logical = home() / "code/x";
  EXPECT_EQ(mr({"list"}, home()).out, listing(logical)); // myrepos fails here
  EXPECT_EQ(mr({"list"}, home() / "code").out, listing(logical));
  EXPECT_EQ(mr({"list"}, root() / "storage/code").out, listing(logical));
  EXPECT_EQ(mr({"list"}, root() / "storage").out, listing(logical));
  EXPECT_EQ(mr({"unregister"}, root() / "storage/code/x").exit_code, 0);
  EXPECT_EQ(read_file(registry()), "");
}

TEST_F(Symlinks, RegisteredByItsRealPathFoundThroughTheLink) {
  write_file(registry(), "[repos.\"" + (root() / "storage/code/x").string() + "\"]\n");
  const auto real = root() / "storage/code/x";
  EXPECT_EQ(mr({"list"}, home() / "code").out, listing(real));
  EXPECT_EQ(mr({"-d", "code", "list"}, home()).out, listing(real));
  // Registering again through the link finds the same repo (and adds its url) instead of
  // adding a second table.
  const auto r = mr({"register"}, home() / "code/x");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("Updating git url: ", 0), 0u) << r.out;
  EXPECT_EQ(read_file(registry()), "[repos.\"" + real.string() + "\"]\nurl = \"" +
                                       (root() / "remotes/x.git").string() + "\"\n");
}

TEST_F(Symlinks, WithoutPwdThePhysicalPathIsUsed) {
  ASSERT_EQ(mr({"register"}, home() / "code/x", {{"PWD", "/"}}).exit_code, 0);
  EXPECT_NE(read_file(registry()).find("[repos.\"" + (root() / "storage/code/x").string() + "\"]"),
            std::string::npos);
}

} // namespace mr::test
