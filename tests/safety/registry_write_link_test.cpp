// `register` never writes through a symbolic link of an untrusted registry file to a file
// outside that file's directory: a cloned project's `.mrconfig.toml ->
// ../../.ssh/authorized_keys` is refused, and the file it points to stays as it was.
#include <gtest/gtest.h>

#include "cli_fixture.hpp"

namespace mr::test {
namespace {

using RegistryWriteLink = CliTest;

TEST_F(RegistryWriteLink, RegisterDoesNotAppendToAFileOutsideTheProject) {
  const auto keys = home() / ".ssh/authorized_keys";
  write_file(keys, "");
  const auto proj = make_repo(home() / "src/proj", false);
  fs::create_symlink("../../.ssh/authorized_keys", proj / ".mrconfig.toml");
  const auto r = mr({"register"}, proj);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
  EXPECT_EQ(r.err.rfind("mr: error: cannot write registry " + (proj / ".mrconfig.toml").string() +
                            ": it is a symbolic link that resolves to " + keys.string() +
                            ", outside " + proj.string(),
                        0),
            0u)
      << r.err;
  EXPECT_EQ(read_file(keys), "");
  EXPECT_TRUE(fs::is_symlink(proj / ".mrconfig.toml"));
  // unregister is refused the same way (here: there is nothing to remove anyway).
  EXPECT_EQ(mr({"unregister"}, proj).exit_code, 2);
  EXPECT_EQ(read_file(keys), "");
}

TEST_F(RegistryWriteLink, ALinkToAFileInsideTheProjectIsWrittenThrough) {
  const auto proj = make_repo(home() / "src/proj", false);
  write_file(proj / "conf/mr.toml", "# the project's registry\n");
  fs::create_symlink("conf/mr.toml", proj / ".mrconfig.toml");
  const auto r = mr({"register"}, proj);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(proj / ".mrconfig.toml"));
  EXPECT_EQ(read_file(proj / "conf/mr.toml"), "# the project's registry\n\n[repos.\".\"]\n");
}

} // namespace
} // namespace mr::test
