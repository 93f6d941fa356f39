// Which registry is used (mrconfig.toml(5)): -c, then $MR_CONFIG, then the nearest .mrconfig.toml
// up to $HOME, then ~/.mrconfig.toml.
#include "cli_fixture.hpp"

namespace mr::test {

namespace {

class Discovery : public CliTest {
protected:
  Discovery() {
    write_file(registry(), "[repos.\"home-repo\"]\n");
    write_file(home() / "proj/.mrconfig.toml", "[repos.\"proj-repo\"]\n");
    write_file(root() / "other.toml", "[repos.\"other-repo\"]\n");
    fs::create_directories(home() / "proj/proj-repo/deep");
    fs::create_directories(home() / "home-repo"); // list fails on a repository not there
    fs::create_directories(root() / "other-repo");
    fs::create_directories(root() / "third-repo");
  }
  std::string listed(const RunResult& r) {
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out.substr(0, r.out.find('\n'));
  }
};

} // namespace

TEST_F(Discovery, HomeFileByDefault) {
  EXPECT_EQ(listed(mr({"list"}, home())), "mr list: " + (home() / "home-repo").string());
}

TEST_F(Discovery, NearestFileInTheCwdOrItsParents) {
  EXPECT_EQ(listed(mr({"list"}, home() / "proj")),
            "mr list: " + (home() / "proj/proj-repo").string());
  EXPECT_EQ(listed(mr({"list"}, home() / "proj/proj-repo/deep")),
            "mr list: " + (home() / "proj/proj-repo").string() + " (in subdir deep)");
}

TEST_F(Discovery, EnvironmentBeatsNearestAndOptionBeatsEnvironment) {
  const auto other = (root() / "other.toml").string();
  const auto third = root() / "third.toml";
  write_file(third, "[repos.\"third-repo\"]\n");
  EXPECT_EQ(listed(mr({"list"}, root(), {{"MR_CONFIG", other}})),
            "mr list: " + (root() / "other-repo").string());
  EXPECT_EQ(listed(mr({"-c", third.string(), "list"}, root(), {{"MR_CONFIG", other}})),
            "mr list: " + (root() / "third-repo").string());
}

TEST_F(Discovery, OnlyTheChosenFileAndWhatItIncludes) {
  // Unlike myrepos, -c does not also load ~/.mrconfig.toml.
  const auto r = mr({"-c", (root() / "other.toml").string(), "list"}, root());
  EXPECT_EQ(r.out,
            "mr list: " + (root() / "other-repo").string() + "\n\nmr list: finished (1 ok)\n");
}

} // namespace mr::test
