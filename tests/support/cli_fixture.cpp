#include "cli_fixture.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mr::test {

fs::path mr_binary() {
  return fs::path(MR_BINARY);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + path.string());
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& path, std::string_view content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      nl = text.size();
    }
    lines.emplace_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

std::string incompressible(std::size_t size) {
  std::string bytes(size, '\0');
  unsigned x = 12345;
  for (auto& c : bytes) {
    x = x * 1103515245 + 12345;
    c = static_cast<char>(x >> 16);
  }
  return bytes;
}

CliTest::CliTest() : m_home(m_tmp.path() / "home") {
  fs::create_directories(m_home);
  fs::create_directories(m_tmp.path() / "tmp"); // $TMPDIR of everything the test runs
}

std::map<std::string, std::string> CliTest::env_for(const fs::path& cwd) const {
  std::map<std::string, std::string> env = {
      {"HOME", m_home.string()},
      {"PWD", cwd.string()},
      {"PATH", "/usr/local/bin:/usr/bin:/bin"},
      {"LANG", "C.UTF-8"},
      {"TMPDIR", (root() / "tmp").string()},
      {"GIT_CONFIG_NOSYSTEM", "1"},
      {"GIT_AUTHOR_NAME", "Test"},
      {"GIT_AUTHOR_EMAIL", "test@example.org"},
      {"GIT_COMMITTER_NAME", "Test"},
      {"GIT_COMMITTER_EMAIL", "test@example.org"},
  };
  // Sanitizer settings reach the binary under test, so its reports fail the test.
  for (const char* name : {"ASAN_OPTIONS", "TSAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
    if (const char* value = std::getenv(name)) {
      env[name] = value;
    }
  }
  if (m_full_unwind && env.count("ASAN_OPTIONS") != 0) {
    env["ASAN_OPTIONS"] += ":fast_unwind_on_malloc=0";
  }
  return env;
}

RunResult CliTest::mr(const std::vector<std::string>& args, const fs::path& cwd,
                      const std::map<std::string, std::string>& extra_env, bool as_nobody) {
  std::vector<std::string> argv = {mr_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions options;
  options.cwd = cwd;
  options.env = env_for(cwd);
  for (const auto& [k, v] : extra_env) {
    options.env[k] = v;
  }
  options.as_nobody = as_nobody;
  return run(argv, options);
}

RunResult CliTest::git_result(const fs::path& cwd, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"git"};
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions options;
  options.cwd = cwd;
  options.env = env_for(cwd);
  const std::string date = "@" + std::to_string(1'700'000'000 + ++m_clock) + " +0000";
  options.env["GIT_AUTHOR_DATE"] = date;
  options.env["GIT_COMMITTER_DATE"] = date;
  return run(argv, options);
}

std::string CliTest::git(const fs::path& cwd, const std::vector<std::string>& args) {
  auto result = git_result(cwd, args);
  std::vector<std::string> argv = {"git"};
  argv.insert(argv.end(), args.begin(), args.end());
  if (result.exit_code != 0) {
    std::string cmd;
    for (const auto& a : argv) {
      cmd += a + " ";
    }
    throw std::runtime_error(cmd + "failed in " + cwd.string() + ": " + result.err);
  }
  return result.out;
}

fs::path CliTest::make_repo(const fs::path& dir, bool remote) {
  fs::create_directories(dir);
  git(dir, {"init", "-q", "-b", "main"});
  write_file(dir / "README", "hello\n");
  git(dir, {"add", "README"});
  git(dir, {"commit", "-q", "-m", "initial"});
  if (remote) {
    const auto bare = root() / "remotes" / (dir.filename().string() + ".git");
    fs::create_directories(bare);
    git(bare, {"init", "-q", "--bare"});
    git(dir, {"remote", "add", "origin", bare.string()});
  }
  return dir;
}

} // namespace mr::test
