#include <gtest/gtest.h>

#include "git/remote_url.hpp"

namespace mr::git {

TEST(RemoteUrl, HelperAddressesAreTakenAsGitTakesThem) {
  const auto ext = parse_remote_url("ext::ssh -i key host %S 'repo'");
  ASSERT_TRUE(ext);
  EXPECT_EQ(ext->scheme, RemoteUrl::Scheme::helper);
  EXPECT_EQ(ext->transport, "ext");
  EXPECT_EQ(ext->path, "ssh -i key host %S 'repo'");
  const auto custom = parse_remote_url("my-vcs+2.x::/srv/repo");
  ASSERT_TRUE(custom);
  EXPECT_EQ(custom->scheme, RemoteUrl::Scheme::helper);
  EXPECT_EQ(custom->transport, "my-vcs+2.x");
  const auto https = parse_remote_url("persistent::https://host/r.git");
  ASSERT_TRUE(https);
  EXPECT_EQ(https->scheme, RemoteUrl::Scheme::helper);
  EXPECT_EQ(https->path, "https://host/r.git");
}

TEST(RemoteUrl, NotHelperAddresses) {
  // A name must start with a letter; one colon is scp-like ssh.
  EXPECT_EQ(parse_remote_url("1x::y")->scheme, RemoteUrl::Scheme::ssh);
  EXPECT_EQ(parse_remote_url("host:path")->scheme, RemoteUrl::Scheme::ssh);
  EXPECT_EQ(parse_remote_url("git@host:a::b")->scheme, RemoteUrl::Scheme::ssh);
  EXPECT_EQ(parse_remote_url("./a::b")->scheme, RemoteUrl::Scheme::local);
  EXPECT_EQ(parse_remote_url("https://host/r")->scheme, RemoteUrl::Scheme::https);
  EXPECT_EQ(parse_remote_url("foo://host/r")->scheme, RemoteUrl::Scheme::other);
}

TEST(RemoteUrl, DisplayNeverShowsAPassword) {
  EXPECT_EQ(parse_remote_url("https://u:pw@host/r.git")->display(), "https://host/r");
  EXPECT_EQ(parse_remote_url("persistent::https://u:pw@host/r.git")->display(),
            "persistent::https://u:***@host/r");
  EXPECT_EQ(parse_remote_url("git@host:r.git")->display(), "host:r");
  // Up to the last '@' before the path, whatever the password holds.
  EXPECT_EQ(parse_remote_url("https://kim:p@ss@host/r.git")->display(), "https://host/r");
  EXPECT_EQ(parse_remote_url("https://kim:SEKRET\nk@host/r.git")->display(), "https://host/r");
  EXPECT_EQ(parse_remote_url("https://host/a@b/r.git")->display(), "https://host/a@b/r");
}

} // namespace mr::git
