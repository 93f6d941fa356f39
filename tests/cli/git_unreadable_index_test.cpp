// A repository whose index libgit2 cannot read but git can goes to the git binary, and -v
// says so; a damaged index is not handed over: mr fails on it, naming what is wrong.
#include "git_states.hpp"

namespace mr::test {

namespace {

class UnreadableIndex : public GitStates {};

} // namespace

TEST_F(UnreadableIndex, SplitIndexGoesToGitAndVerboseSaysWhy) {
  const auto r = cloned("split");
  g(r, {"update-index", "--split-index"});
  put(r, "README", "changed\n");
  register_only(r);
  const auto run = mr({"-v", "status"}, r);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find(" M README"), std::string::npos) << run.out;
  EXPECT_NE(run.err.find(r.string() + ": its index has the 'link' extension"), std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("status asks the git binary instead"), std::string::npos) << run.err;
}

TEST_F(UnreadableIndex, IndexWithoutChecksumGoesToGit) {
  const auto r = cloned("skiphash");
  put(r, "new.txt", "n\n");
  g(r, {"add", "new.txt"});
  register_only(r);
  // What index.skipHash writes (git 2.40 and later): an all-zero trailer.
  auto bytes = read_file(r / ".git/index");
  bytes.replace(bytes.size() - 20, 20, std::string(20, '\0'));
  write_file(r / ".git/index", bytes);
  EXPECT_EQ(one_block({"status"}, r), git_status_text(r));
  write_file(r / ".git/index", bytes); // git status wrote it again, with its checksum
  const auto run = mr({"-v", "summary"}, r);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("1 staged"), std::string::npos) << run.out;
  EXPECT_NE(run.err.find("no checksum (index.skipHash)"), std::string::npos) << run.err;
}

TEST_F(UnreadableIndex, DamagedIndexFailsAndIsNotHandedToGit) {
  const auto r = cloned("damaged");
  g(r, {"update-index", "--split-index"});
  register_only(r);
  // The checksum no longer matches: git does not check it, mr does and does not hand over.
  auto bytes = read_file(r / ".git/index");
  bytes[bytes.size() - 3] = static_cast<char>(bytes[bytes.size() - 3] ^ 0x55);
  write_file(r / ".git/index", bytes);
  for (const char* action : {"status", "summary", "diff"}) {
    const auto run = mr({"-v", action}, r);
    EXPECT_NE(run.exit_code, 0) << action << "\n" << run.out << run.err;
    EXPECT_NE((run.out + run.err).find("unsupported mandatory extension: 'link'"),
              std::string::npos)
        << action << "\n"
        << run.out << run.err;
    EXPECT_EQ(run.err.find("asks the git binary"), std::string::npos) << run.err;
  }
  // A header that is not an index's: both fail.
  write_file(r / ".git/index", "XXXX" + bytes.substr(4));
  const auto run = mr({"status"}, r);
  EXPECT_NE(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE((run.out + run.err).find("incorrect header signature"), std::string::npos)
      << run.out << run.err;
}

} // namespace mr::test
