// 20 `mr register` processes at once, in 20 repos: every entry must survive (issue #2).
#include "cli_fixture.hpp"

namespace mr::test {

using ConcurrentRegister = CliTest;

TEST_F(ConcurrentRegister, TwentyAtOnceLoseNothing) {
  constexpr int k_repos = 20;
  std::vector<fs::path> repos;
  for (int i = 0; i < k_repos; ++i) {
    repos.push_back(make_repo(home() / "src" / ("r" + std::to_string(i))));
  }
  write_file(registry(), "# shared registry\n[settings]\njobs = 2\n");
  std::vector<int> pids;
  for (const auto& repo : repos) {
    RunOptions options;
    options.cwd = repo;
    options.env = env_for(repo);
    pids.push_back(spawn({mr_binary().string(), "register"}, options));
  }
  for (int pid : pids) {
    EXPECT_EQ(wait_for(pid), 0);
  }
  const auto text = read_file(registry());
  EXPECT_EQ(text.rfind("# shared registry\n[settings]\njobs = 2\n", 0), 0u);
  for (int i = 0; i < k_repos; ++i) {
    const std::string header = "[repos.\"src/r" + std::to_string(i) + "\"]";
    EXPECT_EQ(text.find(header), text.rfind(header)) << "duplicated " << header;
    EXPECT_NE(text.find(header), std::string::npos) << "lost " << header;
  }
  const auto r = mr({"list"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("mr list: finished (20 ok)\n"), std::string::npos);
  // No temporary files were left next to the registry.
  for (const auto& entry : fs::directory_iterator(home())) {
    EXPECT_EQ(entry.path().filename().string().find(".mrconfig.toml."), std::string::npos)
        << entry.path();
  }
}

} // namespace mr::test
