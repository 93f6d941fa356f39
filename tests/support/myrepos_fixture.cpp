#include "myrepos_fixture.hpp"

namespace mr::test {

void MyreposTest::SetUp() {
  if (!fs::exists(k_myrepos_binary) ||
      read_file(k_myrepos_binary).find("myrepos") == std::string::npos) {
    GTEST_SKIP() << "myrepos is not installed";
  }
}

void MyreposTest::write_registries(std::string_view ini, std::string_view toml) {
  write_file(home() / ".mrconfig", ini);
  write_file(registry(), toml);
}

RunResult MyreposTest::myrepos(const std::vector<std::string>& args, const fs::path& cwd,
                               const std::map<std::string, std::string>& extra_env) {
  std::vector<std::string> argv = {k_myrepos_binary.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions options;
  options.cwd = cwd;
  options.env = env_for(cwd);
  for (const auto& [name, value] : extra_env) {
    options.env[name] = value;
  }
  return run(argv, options);
}

RunResult MyreposTest::merged(const fs::path& tool, const std::vector<std::string>& args,
                              const std::map<std::string, std::string>& extra_env) {
  std::vector<std::string> argv = {"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>&1", tool.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions options;
  options.cwd = home();
  options.env = env_for(home());
  for (const auto& [name, value] : extra_env) {
    options.env[name] = value;
  }
  return run(argv, options);
}

void MyreposTest::expect_same(const std::vector<std::string>& args, const fs::path& cwd,
                              bool compare_stderr,
                              const std::map<std::string, std::string>& extra_env) {
  const auto theirs = myrepos(args, cwd, extra_env);
  const auto ours = mr(args, cwd, extra_env);
  std::string joined;
  for (const auto& a : args) {
    joined += a + " ";
  }
  SCOPED_TRACE("mr " + joined + "in " + cwd.string());
  EXPECT_EQ(ours.out, theirs.out);
  if (compare_stderr) {
    EXPECT_EQ(ours.err, theirs.err);
  }
  EXPECT_EQ(ours.exit_code, theirs.exit_code);
}

} // namespace mr::test
