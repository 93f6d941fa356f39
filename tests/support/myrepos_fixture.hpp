// Side by side with Debian's myrepos (/usr/bin/mr): a CLI fixture that runs both tools in
// the same throwaway $HOME and compares what they print. Tests derived from it are skipped
// when myrepos is not installed (scripts/install-deps.sh installs it).
//
// The registry is the test's to write, in both formats: write_registries() puts the INI
// text in ~/.mrconfig (read by myrepos) and the TOML text in ~/.mrconfig.toml (read by mr).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli_fixture.hpp"

namespace mr::test {

// Where Debian installs myrepos; while mr's own package is installed, myrepos' mr is
// diverted to mr.myrepos (README, Install), and the suite still compares against it.
inline const fs::path k_myrepos_binary =
    fs::exists("/usr/bin/mr.myrepos") ? "/usr/bin/mr.myrepos" : "/usr/bin/mr";

class MyreposTest : public CliTest {
protected:
  void SetUp() override;

  // Writes ~/.mrconfig (myrepos) and ~/.mrconfig.toml (mr).
  void write_registries(std::string_view ini, std::string_view toml);

  // Runs myrepos with the environment mr() uses (plus `extra_env`).
  RunResult myrepos(const std::vector<std::string>& args, const fs::path& cwd,
                    const std::map<std::string, std::string>& extra_env = {});

  // Runs `tool` (myrepos or mr) in $HOME with its stderr on its stdout, one stream in the
  // order written, as on a terminal: for comparing the order of every line.
  RunResult merged(const fs::path& tool, const std::vector<std::string>& args,
                   const std::map<std::string, std::string>& extra_env = {});

  // Runs both; expects the same stdout and exit status (and the same stderr when
  // `compare_stderr`), with the arguments in the failure message.
  void expect_same(const std::vector<std::string>& args, const fs::path& cwd,
                   bool compare_stderr = false,
                   const std::map<std::string, std::string>& extra_env = {});
};

} // namespace mr::test
