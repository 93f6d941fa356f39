// A converted registry against Debian's myrepos on the same tree: the same repositories
// listed in the same order, the same skipped, a custom action printing the same.
#include <gtest/gtest.h>

#include "myrepos_fixture.hpp"

namespace mr::test {
namespace {

class ImportVersusMyrepos : public MyreposTest {
protected:
  // Imports ~/.mrconfig and compares `args` (run from $HOME) with myrepos.
  void import_and_compare(const std::string& ini, const std::vector<std::string>& args) {
    write_file(home() / ".mrconfig", ini);
    const auto r = mr({"import", "--force"}, home());
    ASSERT_LE(r.exit_code, 1) << r.err;
    const auto theirs = myrepos(args, home());
    auto mine_args = args;
    mine_args.insert(mine_args.begin(), "-j1");
    const auto mine = mr(mine_args, home());
    EXPECT_EQ(mine.out, theirs.out) << read_file(registry());
    EXPECT_EQ(mine.exit_code == 0, theirs.exit_code == 0) << mine.err << theirs.err;
  }
};

TEST_F(ImportVersusMyrepos, ListOrderSkipAndCustomActions) {
  for (const auto* r : {"src/zz", "src/a", "src/b", "x.y", "x-y"}) {
    make_repo(home() / r);
  }
  const std::string ini = "[DEFAULT]\nlib = greet() { echo \"hi $(basename $MR_REPO)\"; }\n"
                          "hello = greet\n[src/zz]\n[src/a]\norder = 5\n"
                          "skip = [ \"$1\" = hello ]\n[" +
                          (home() / "src" / "b").string() +
                          "]\n[x.y]\nskip = false\n[x-y]\n[ALIAS]\nhh = hello\n";
  import_and_compare(ini, {"list"});
  import_and_compare(ini, {"hh"});
}

} // namespace
} // namespace mr::test
