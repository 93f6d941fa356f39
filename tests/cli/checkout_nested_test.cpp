// Checking out a repository and one nested inside it in the same run: the outer one is
// cloned first, whatever the order of the registry and the number of jobs, so the inner one
// lands inside a real clone rather than leaving a plain directory the outer one can never be
// cloned into. An empty directory where a repository belongs is cloned into.
#include <gtest/gtest.h>

#include "network_fixture.hpp"

namespace mr::test {
namespace {

class CheckoutNested : public Network {
protected:
  CheckoutNested() {
    upstream("outer");
    upstream("inner");
  }

  std::string url_of(const std::string& name) const {
    return "url = \"" + (srv() / (name + ".git")).string() + "\"\n";
  }

  void expect_both_cloned() {
    EXPECT_EQ(read_file(ws() / "a/a.txt"), "a\n");
    EXPECT_EQ(read_file(ws() / "a/b/a.txt"), "a\n");
    EXPECT_EQ(git(ws() / "a", {"config", "remote.origin.url"}),
              (srv() / "outer.git").string() + "\n");
    EXPECT_EQ(git(ws() / "a/b", {"config", "remote.origin.url"}),
              (srv() / "inner.git").string() + "\n");
    EXPECT_EQ(git_result(ws() / "a", {"fsck", "--no-progress"}).exit_code, 0);
    EXPECT_EQ(git(ws() / "a", {"status", "--porcelain"}), "?? b/\n"); // the inner clone
    expect_consistent(ws() / "a/b");
  }
};

TEST_F(CheckoutNested, TheOuterRepositoryIsClonedFirstEvenWhenListedLater) {
  // The inner one comes first in registry order (order = 1), and alone on one job.
  register_repo(ws() / "a/b", url_of("inner") + "order = 1\n");
  register_repo(ws() / "a", url_of("outer"));
  const auto r = mr({"-j1", "checkout"}, ws());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  expect_both_cloned();
  // Blocks still come in registry order.
  EXPECT_LT(r.out.find("mr checkout: " + (ws() / "a/b").string() + "\n"),
            r.out.find("mr checkout: " + (ws() / "a").string() + "\n"))
      << r.out;
}

TEST_F(CheckoutNested, InParallelBothAreCloned) {
  register_repo(ws() / "a", url_of("outer"));
  register_repo(ws() / "a/b", url_of("inner"));
  const auto r = mr({"-j4", "update"}, ws());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("finished (2 ok)"), std::string::npos) << r.out;
  expect_both_cloned();
}

TEST_F(CheckoutNested, AnEmptyDirectoryIsClonedInto) {
  register_repo(ws() / "a", url_of("outer"));
  fs::create_directories(ws() / "a");
  const auto r = mr({"checkout"}, ws());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(read_file(ws() / "a/a.txt"), "a\n");
  expect_consistent(ws() / "a");
}

TEST_F(CheckoutNested, WhenTheOuterCloneFailsTheInnerOneIsNotClonedInItsPlace) {
  register_repo(ws() / "a", "url = \"" + (srv() / "does-not-exist.git").string() + "\"\n");
  register_repo(ws() / "a/b", url_of("inner"));
  const auto r = mr({"-j4", "checkout"}, ws());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("mr checkout: not checked out: it lies inside " + (ws() / "a").string() +
                       ", which was not checked out\n"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(ws() / "a"));
}

} // namespace
} // namespace mr::test
