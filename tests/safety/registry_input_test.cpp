// Registry input is bounded: what is not a regular file (a FIFO, /dev/zero, a directory),
// a file over the size limit and absurd nesting are each refused with one line and exit
// status 2, at once, before anything is parsed, and without a crash.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "cli_fixture.hpp"

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
  // As the nearest file, and as ~/.mrtrust.
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

} // namespace
} // namespace mr::test
