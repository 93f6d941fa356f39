// Side by side with Debian's myrepos (/usr/bin/mr): where docs/myrepos-compat.md says mr
// prints what myrepos prints, the same bytes on stdout. Skipped when myrepos is not installed.
#include "myrepos_fixture.hpp"

namespace mr::test {

namespace {

class MyreposCompat : public MyreposTest {
protected:
  void SetUp() override {
    MyreposTest::SetUp();
    if (IsSkipped()) {
      return;
    }
    for (const char* name : {"alpha", "beta", "gamma", "delta"}) {
      make_repo(home() / "src" / name);
    }
    // The same registry in both formats.
    write_registries("[src/alpha]\ncheckout = git clone 'x' 'alpha'\n\n"
                     "[src/beta]\ncheckout = git clone 'x' 'beta'\norder = 20\n\n"
                     "[src/gamma]\ncheckout = git clone 'x' 'gamma'\nskip = true\n\n"
                     "[src/delta]\ncheckout = git clone 'x' 'delta'\norder = 5\n",
                     "[repos.\"src/alpha\"]\n[repos.\"src/beta\"]\norder = 20\n"
                     "[repos.\"src/gamma\"]\nskip = true\n[repos.\"src/delta\"]\norder = 5\n");
  }
};

} // namespace

TEST_F(MyreposCompat, ListFromAParentWithOrderAndSkip) {
  expect_same({"list"}, home());
  expect_same({"list"}, home() / "src");
  expect_same({"ls"}, home() / "src");
  expect_same({"-s", "list"}, home());
  expect_same({"-f", "list"}, home());
  expect_same({"-q", "list"}, home());
  expect_same({"-m", "list"}, home());
}

TEST_F(MyreposCompat, ListInsideARepository) {
  fs::create_directories(home() / "src/beta/lib/x");
  expect_same({"list"}, home() / "src/beta/lib/x");
  expect_same({"list"}, home() / "src/alpha");
  expect_same({"-n", "list"}, home() / "src/alpha");
}

TEST_F(MyreposCompat, ListWithDirectoryAndDepth) {
  expect_same({"-d", "src/delta", "list"}, home());
  expect_same({"-n", "2", "list"}, home());
}

TEST_F(MyreposCompat, NoRepositoriesFoundSaysTheSame) {
  fs::create_directories(root() / "elsewhere");
  const auto theirs = myrepos({"list"}, root() / "elsewhere");
  const auto ours = mr({"list"}, root() / "elsewhere");
  EXPECT_EQ(ours.err, theirs.err);
  EXPECT_EQ(ours.out, theirs.out);
  EXPECT_NE(theirs.exit_code, 0);
  EXPECT_EQ(ours.exit_code, 2); // docs/myrepos-compat.md: 2, where myrepos dies with 255 or 2
}

TEST_F(MyreposCompat, RegisterReportsTheSameUrl) {
  const auto repo = make_repo(home() / "work/new");
  const auto theirs = myrepos({"register"}, repo);
  const auto ours = mr({"register"}, repo);
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  // Same message; only the registry file differs (.mrconfig vs .mrconfig.toml).
  EXPECT_EQ(ours.out, theirs.out.substr(0, theirs.out.size() - 1) + ".toml\n");
}

} // namespace mr::test
