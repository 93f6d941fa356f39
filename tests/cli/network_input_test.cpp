// Addresses that would turn into something else when handed on: an ssh host or user that
// ssh would read as one of its options ("ssh://-oProxyCommand=...") is refused, as git
// refuses it, before any program is run for it.
#include <sys/stat.h>

#include "network_fixture.hpp"

namespace mr::test {

namespace {

class SshInput : public Network {
protected:
  // An `ssh` on PATH that only records that it was run.
  std::map<std::string, std::string> recording_ssh_env() {
    const auto bin = root() / "bin";
    fs::create_directories(bin);
    write_file(bin / "ssh", "#!/bin/sh\necho \"$@\" >>" + ran().string() + "\nexit 1\n");
    ::chmod((bin / "ssh").c_str(), 0755);
    return {{"PATH", bin.string() + ":/usr/local/bin:/usr/bin:/bin"}};
  }
  fs::path ran() const { return root() / "ssh-ran"; }
  fs::path marker() const { return root() / "proxy-ran"; }
};

} // namespace

TEST_F(SshInput, AHostOrUserThatLooksLikeAnOptionIsRefused) {
  upstream("o");
  const std::string proxy = "-oProxyCommand=touch${IFS}" + marker().string();
  const auto host = working_copy("host", "ssh://" + proxy + "/r.git", "o");
  const auto user = working_copy("user", "ssh://" + proxy + "@example.invalid/r.git", "o");
  register_repo(host);
  register_repo(user);
  register_repo(ws() / "missing", "url = \"ssh://" + proxy + "/m.git\"\n");
  const auto env = recording_ssh_env();
  for (const std::string action : {"fetch", "update", "checkout"}) {
    const auto r = mr({action}, ws(), env);
    EXPECT_EQ(r.exit_code, 1) << action << r.out << r.err;
    EXPECT_NE((r.out + r.err).find("would be read as an option"), std::string::npos)
        << action << r.out << r.err;
  }
  EXPECT_FALSE(fs::exists(ran())) << read_file(ran());
  EXPECT_FALSE(fs::exists(marker()));
  EXPECT_FALSE(fs::exists(ws() / "missing"));
}

} // namespace mr::test
