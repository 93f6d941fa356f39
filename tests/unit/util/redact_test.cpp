#include <gtest/gtest.h>

#include <mr/util/redact.hpp>

namespace mr::util {

TEST(Redact, APasswordInTheUserinfoIsHidden) {
  EXPECT_EQ(redact_url("https://user:secret@host/repo.git"), "https://user:***@host/repo.git");
  EXPECT_EQ(redact_url("http://alice:s3cret@127.0.0.1:8080/x"),
            "http://alice:***@127.0.0.1:8080/x");
  EXPECT_EQ(redact_url("ssh://git:pw@host:2222/srv/r.git"), "ssh://git:***@host:2222/srv/r.git");
  EXPECT_EQ(redact_url("https://user:secret@host"), "https://user:***@host");
  EXPECT_EQ(redact_url("https://user:secret@host?x=1"), "https://user:***@host?x=1");
}

TEST(Redact, WithoutAPasswordNothingChanges) {
  for (const char* url :
       {"https://user@host/repo.git", "ssh://git@host/r", "https://host/r.git",
        "git@github.com:me/r.git", "user@host:path/with:colon", "/srv/git/r.git", "../r",
        "file:///srv/r.git", "https://user:@host/r", "https://host/path/a:b@c"}) {
    EXPECT_EQ(redact_url(url), url) << url;
  }
}

TEST(Redact, PercentEncodedUserinfo) {
  EXPECT_EQ(redact_url("https://us%40er:p%3Ass%2Fw@host/r"), "https://us%40er:***@host/r");
  EXPECT_EQ(redact_url("https://me%3Ayou@host/r"), "https://me%3Ayou@host/r");
}

TEST(Redact, AnUnencodedAtInThePasswordIsCoveredToTheLastAt) {
  EXPECT_EQ(redact_url("https://user:p@ss@host/r"), "https://user:***@host/r");
}

TEST(Redact, AControlCharacterOrASpaceInThePasswordIsCovered) {
  EXPECT_EQ(redact_url("https://kim:SEKRET\nk@host/r.git"), "https://kim:***@host/r.git");
  EXPECT_EQ(redact_url("https://kim:a\tb\rc\x7f@host/r"), "https://kim:***@host/r");
  EXPECT_EQ(redact_url("https://kim:SE KRET@host/r"), "https://kim:***@host/r");
  // In free text too, as git quotes such a URL in its warnings.
  EXPECT_EQ(redact_urls("warning: url has a newline: https://kim:SEKRET\nk@host/r.git\n"),
            "warning: url has a newline: https://kim:***@host/r.git\n");
  EXPECT_EQ(redact_urls("'https://kim:SE\x01KRET@host'"), "'https://kim:***@host'");
}

TEST(Redact, Ipv6Hosts) {
  EXPECT_EQ(redact_url("http://u:p@[::1]:8080/r"), "http://u:***@[::1]:8080/r");
  EXPECT_EQ(redact_url("http://[::1]:8080/r"), "http://[::1]:8080/r");
  EXPECT_EQ(redact_url("ssh://git@[fe80::1%25eth0]/r"), "ssh://git@[fe80::1%25eth0]/r");
}

TEST(Redact, TransportHelperAddresses) {
  EXPECT_EQ(redact_url("persistent::https://u:pw@host/r"), "persistent::https://u:***@host/r");
  EXPECT_EQ(redact_url("ext::ssh -i key host %S 'r'"), "ext::ssh -i key host %S 'r'");
}

TEST(Redact, EveryUrlInsideText) {
  EXPECT_EQ(redact_urls("fatal: unable to access 'https://u:pw@h/r/': 403\n"
                        "From https://x:y@g/r\n"),
            "fatal: unable to access 'https://u:***@h/r/': 403\nFrom https://x:***@g/r\n");
  EXPECT_EQ(redact_urls("a https://u:pw@h b http://v:q@[::1]/ c"),
            "a https://u:***@h b http://v:***@[::1]/ c");
  EXPECT_EQ(redact_urls("no url: here :// @ x"), "no url: here :// @ x");
  EXPECT_EQ(redact_urls(""), "");
}

TEST(PrintableLine, ControlCharactersBecomeSpacesAndLongTextIsCut) {
  EXPECT_EQ(printable_line("remote error:\n\x1b[31mred\r\tx"), "remote error:  [31mred  x");
  EXPECT_EQ(printable_line(std::string(10, 'a'), 4), "aaaa (truncated)");
  EXPECT_EQ(printable_line("abcd", 4), "abcd");
  // Never half of a UTF-8 character.
  EXPECT_EQ(printable_line("ab\xc3\xa9z", 3), "ab (truncated)");
}

} // namespace mr::util
