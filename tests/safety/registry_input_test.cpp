// Registry input is bounded: what is not a regular file (a FIFO, /dev/zero, a directory),
// a file over the size limit and absurd nesting are each refused with one line and exit
// status 2, at once, before anything is parsed, and without a crash. So are an include
// pattern that would reach millions of paths and a repository path longer than the kernel
// takes (before anything is created); an interrupt while loading ends mr at once.
#include <csignal>
#include <fstream>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "cli_fixture.hpp"
#include "pause_point.hpp"

namespace mr::test {
namespace {

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) {
    out += s;
  }
  return out;
}

class RegistryInput : public CliTest {
protected:
  // `mr ARGS list` from `cwd` fails with exactly "mr: error: EXPECTED...".
  void expect_refused(const std::vector<std::string>& args, const fs::path& cwd,
                      const std::string& expected) {
    std::vector<std::string> argv = args;
    argv.push_back("list");
    const auto r = mr(argv, cwd);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_EQ(r.err.rfind("mr: error: " + expected, 0), 0u) << r.err;
  }
};

TEST_F(RegistryInput, AFifoIsRefusedWithoutWaitingForAWriter) {
  const auto fifo = root() / "reg.toml";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string why = "cannot read registry " + fifo.string() + ": not a regular file (a FIFO)";
  expect_refused({"-c", fifo.string()}, root(), why);
  write_file(registry(), "include = \"" + fifo.string() + "\"\n");
  expect_refused({}, home(), why);
  // As the nearest file (loaded after ~/.mrconfig.toml), and as ~/.mrtrust.
  write_file(registry(), "");
  const auto nearest = home() / "proj/.mrconfig.toml";
  fs::create_directories(nearest.parent_path());
  ASSERT_EQ(::mkfifo(nearest.c_str(), 0600), 0);
  expect_refused({}, home() / "proj",
                 "cannot read registry " + nearest.string() + ": not a regular file (a FIFO)");
  ASSERT_EQ(::mkfifo((home() / ".mrtrust").c_str(), 0600), 0);
  expect_refused({}, home(),
                 "cannot read " + (home() / ".mrtrust").string() + ": not a regular file (a FIFO)");
}

TEST_F(RegistryInput, DevZeroAndADirectoryAreRefused) {
  const std::string zero =
      "cannot read registry /dev/zero: not a regular file (a character device)";
  expect_refused({"-c", "/dev/zero"}, root(), zero);
  write_file(registry(), "include = [\"/dev/zero\"]\n");
  expect_refused({}, home(), zero);
  fs::create_directories(root() / "dir.toml");
  expect_refused({"-c", (root() / "dir.toml").string()}, root(),
                 "cannot read registry " + (root() / "dir.toml").string() +
                     ": not a regular file (a directory)");
}

TEST_F(RegistryInput, AnOversizedFileIsRefusedNamingTheLimit) {
  const auto big = root() / "big.toml";
  write_file(big, "");
  fs::resize_file(big, std::uintmax_t{1} << 30); // sparse: 1 GiB that costs no disk
  expect_refused({"-c", big.string()}, root(),
                 "cannot read registry " + big.string() +
                     ": larger than 16 MiB, the limit for this file");
}

TEST_F(RegistryInput, FiftyThousandLevelsOfNestingOfEachKindAreRefused) {
  const std::size_t n = 50'000;
  const std::pair<std::string, std::string> cases[] = {
      {"[" + repeat("a.", n) + "a]\n", ":1:129: "}, {"[[" + repeat("a.", n) + "a]]\n", ":1:128: "},
      {"x = " + repeat("[", n) + "\n", ":1:68: "},  {"x = " + repeat("{a=", n) + "\n", ":1:98: "},
      {repeat("a.", n) + "a = 1\n", ":1:128: "},
  };
  for (const auto& [text, where] : cases) {
    write_file(registry(), text);
    expect_refused({}, home(),
                   registry().string() + where +
                       "nested more than 64 levels deep (tables, dotted keys, arrays and inline "
                       "tables together); mr refuses such a file");
  }
}

TEST_F(RegistryInput, AGlobThatWouldReachMillionsOfPathsStopsAtTheLimit) {
  // Ten links to the directory itself: "d/*/*/*/*/*/*/*" names ten million paths.
  const auto dir = root() / "G";
  fs::create_directories(dir / "d");
  for (const char* name : {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}) {
    fs::create_directory_symlink(".", dir / "d" / name);
  }
  write_file(dir / "g.toml", "include=\"d/*/*/*/*/*/*/*\"\n");
  write_file(home() / ".mrtrust", (dir / "g.toml").string() + "\n");
  // Killed after two minutes if it does not stop by itself (it used to run for ever).
  RunOptions options;
  options.cwd = dir;
  options.env = env_for(dir);
  const auto r =
      run({"timeout", "-s", "KILL", "120", mr_binary().string(), "-c", "g.toml", "list"}, options);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "mr: error: " + (dir / "g.toml").string() +
                       ":1:9: include pattern 'd/*/*/*/*/*/*/*' matches more than 1000 files, "
                       "the most mr loads from one\n");
  // Matching nothing at the end does not make it endless either.
  write_file(dir / "g.toml", "include=\"d/*/*/*/*/*/*/*/*/z*\"\n");
  const auto v =
      run({"timeout", "-s", "KILL", "120", mr_binary().string(), "-c", "g.toml", "list"}, options);
  EXPECT_EQ(v.exit_code, 2) << v.err;
  EXPECT_EQ(v.err, "mr: error: " + (dir / "g.toml").string() +
                       ":1:9: include pattern 'd/*/*/*/*/*/*/*/*/z*' reaches more than 100000 "
                       "paths, the most mr looks at for one pattern; make it narrower\n");
}

TEST_F(RegistryInput, ARepositoryPathTooLongForTheKernelIsRefusedBeforeCreatingAnything) {
  const std::string part(200, 'x');
  std::string key = part;
  for (int i = 1; i < 30; ++i) {
    key += "/" + part;
  }
  write_file(registry(), "[repos.\"" + key + "\"]\nurl = \"/nowhere\"\n");
  const auto absolute = (home() / key).string();
  const std::string too_long =
      registry().string() + ":1:8: repo path '" + std::string(60, 'x') + "...' is " +
      std::to_string(absolute.size()) +
      " bytes long as an absolute path, more than the 4095 a path may have";
  expect_refused({}, home(), too_long);
  const auto r = mr({"checkout"}, home());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "mr: error: " + too_long + "\n");
  EXPECT_FALSE(fs::exists(home() / part));
  // One component longer than a file name may be.
  write_file(registry(), "[repos.\"a/" + std::string(256, 'y') + "\"]\n");
  expect_refused({}, home(),
                 registry().string() + ":1:8: repo path 'a/" + std::string(58, 'y') +
                     "...' has a component of 256 bytes, more than the 255 a file name may have");
}

TEST_F(RegistryInput, AnInterruptWhileLoadingEndsMrAsInterrupted) {
  write_file(registry(), "[repos.a]\n");
  RunOptions options;
  options.cwd = home();
  options.env = env_for(home());
  PausedRun run({mr_binary().string(), "list"}, options, "registry.load_file", root() / "scratch");
  ASSERT_TRUE(run.wait_paused());
  ASSERT_EQ(::kill(run.pid(), SIGTERM), 0);
  // mr's signal thread takes the signal and requests the stop on its own time: resume only
  // once the signal is no longer pending (it has been read), and a moment more for the
  // request that follows the read, or the loader may look before the request is made.
  const auto pending = [&] {
    std::ifstream status("/proc/" + std::to_string(run.pid()) + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.starts_with("ShdPnd:") || line.starts_with("SigPnd:")) {
        if ((std::stoull(line.substr(7), nullptr, 16) & (1ULL << (SIGTERM - 1))) != 0) {
          return true;
        }
      }
    }
    return false;
  };
  for (int i = 0; i < 1000 && pending(); ++i) {
    ::usleep(10000);
  }
  ::usleep(200000);
  const auto r = run.resume();
  EXPECT_EQ(r.exit_code, 130) << r.out << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "mr: interrupted, cancelling (press Ctrl-C again to stop at once)\n");
}

} // namespace
} // namespace mr::test
