// Base fixture of the black-box CLI tests: a throwaway $HOME, real git repositories made
// with the git binary, and the built mr binary run in a clean environment.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "process.hpp"
#include "temp_dir.hpp"

namespace mr::test {

namespace fs = std::filesystem;

fs::path mr_binary();
std::string read_file(const fs::path& path);
void write_file(const fs::path& path, std::string_view content);
std::vector<std::string> lines_of(std::string_view text);
// `size` bytes that do not compress (a file whose transfer takes a while).
std::string incompressible(std::size_t size);

class CliTest : public ::testing::Test {
protected:
  CliTest();

  const fs::path& root() const { return m_tmp.path(); }
  const fs::path& home() const { return m_home; }
  fs::path registry() const { return m_home / ".mrconfig.toml"; }

  // The environment mr and git run with; `cwd` becomes $PWD.
  std::map<std::string, std::string> env_for(const fs::path& cwd) const;

  RunResult mr(const std::vector<std::string>& args, const fs::path& cwd,
               const std::map<std::string, std::string>& extra_env = {}, bool as_nobody = false);

  // Runs git; fails the test (by throwing) when git fails. Every call moves the author and
  // committer dates one second on, so commit order never hangs on two sharing a second.
  std::string git(const fs::path& cwd, const std::vector<std::string>& args);
  // The same, returning the whole result instead of throwing (for commands that fail).
  RunResult git_result(const fs::path& cwd, const std::vector<std::string>& args);

  // A repository at `dir` with one commit on "main"; with `remote`, an "origin" remote
  // pointing at a bare repository under root()/remotes.
  fs::path make_repo(const fs::path& dir, bool remote = true);

  // Under AddressSanitizer, mr unwinds every allocation's whole stack (slow) so that leak
  // suppressions can match libgit2 frames below libraries built without frame pointers.
  // Only the ssh tests need it: tests/lsan.supp's libgit2 ssh leak is matched that way.
  void unwind_fully_for_leak_reports() { m_full_unwind = true; }

private:
  TempDir m_tmp;
  fs::path m_home;
  long m_clock = 0;
  bool m_full_unwind = false;
};

} // namespace mr::test
