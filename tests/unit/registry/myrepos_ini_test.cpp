// myrepos' INI files read as myrepos' loadconfig reads them.
#include <gtest/gtest.h>

#include "registry/myrepos_builtin.hpp"
#include "registry/myrepos_ini.hpp"

namespace mr::registry::myrepos {

namespace {

IniFile parsed(std::string_view text) {
  auto r = parse_ini(text, "/h/.mrconfig");
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? *r : IniFile{};
}

std::string untrusted_error(std::string_view text) {
  auto r = check_untrusted(parsed(text));
  return r ? "" : r.error().message;
}

TEST(MyreposIni, CommentsSectionsAndSettingsWithTheirLines) {
  const auto f = parsed("# top\n\n[src/a]\n  # indented comment\ncheckout = git clone x a\n");
  ASSERT_EQ(f.entries.size(), 4u);
  EXPECT_EQ(f.entries[0].kind, IniEntry::Kind::comment);
  EXPECT_EQ(f.entries[0].raw, "# top");
  EXPECT_EQ(f.entries[1].kind, IniEntry::Kind::section);
  EXPECT_EQ(f.entries[1].name, "src/a");
  EXPECT_EQ(f.entries[1].line, 3u);
  EXPECT_EQ(f.entries[2].raw, "  # indented comment");
  EXPECT_EQ(f.entries[3].name, "checkout");
  EXPECT_EQ(f.entries[3].value, "git clone x a");
  EXPECT_EQ(f.entries[3].line, 5u);
}

TEST(MyreposIni, ContinuationLinesJoinAsMyreposJoinsThem) {
  // One blank is taken off each continuation line; a tab-only line or a lone blank ends
  // the value; a '#' inside a value is the value's.
  const auto f = parsed("[a]\nx = one\n\ttwo\n    three # not a comment\n \nlast = 1\n\t\tdeep");
  ASSERT_EQ(f.entries.size(), 3u);
  EXPECT_EQ(f.entries[1].value, "one\ntwo\n   three # not a comment");
  EXPECT_EQ(f.entries[2].value, "1\n\tdeep");
  EXPECT_EQ(f.entries[2].line, 6u);
}

TEST(MyreposIni, ValuesKeepTheirBytes) {
  // No trailing newline, trailing blanks kept, a carriage return kept, blanks around '='.
  const auto f = parsed("[a]\nk  =\t v  \r\nn=\n[b]  \nz = 'q' \"w\" $X");
  EXPECT_EQ(f.entries[1].value, "v  \r");
  EXPECT_EQ(f.entries[2].value, "");
  EXPECT_EQ(f.entries[3].name, "b");
  EXPECT_EQ(f.entries[4].value, "'q' \"w\" $X");
}

TEST(MyreposIni, MalformedLinesNameFileAndLine) {
  for (const auto& [text, line] : std::vector<std::pair<std::string, int>>{
           {"[a]\n  key = v\n", 2}, // a setting does not start with a blank
           {"[a]\nkey value\n", 2}, // no '='
           {"[a\n", 1},             // unclosed section
           {"[a] x\n", 1},          // text after the section
           {"[a]\nk-y = v\n", 2},   // '-' is not a key character
           {"\n\n\n= v\n", 4}}) {
    auto r = parse_ini(text, "/h/.mrconfig");
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().message.rfind("/h/.mrconfig:" + std::to_string(line) + ": parse error", 0),
              0u)
        << r.error().message;
  }
}

TEST(MyreposIni, TheBuiltInConfigurationParses) {
  auto r = parse_ini(builtin_config(), "(myrepos)");
  ASSERT_TRUE(r) << r.error().message;
  bool git_status = false;
  for (const auto& e : r->entries) {
    if (e.name == "git_status") {
      git_status = true;
      EXPECT_EQ(e.value.rfind("git status -s \"$@\" || true;", 0), 0u);
    }
    if (e.name == "lib") {
      EXPECT_EQ(e.value.rfind("\nerror() {\n\techo \"mr: $@\" >&2", 0), 0u) << e.value;
    }
  }
  EXPECT_TRUE(git_status);
}

TEST(MyreposIni, UntrustedFilesFollowMyreposRules) {
  EXPECT_EQ(untrusted_error("[src/a]\ncheckout = git clone 'https://x/a.git' 'a'\norder = 3\n"
                            "skip = true\n[b]\ncheckout = git clone https://x/b.git\n"),
            "");
  EXPECT_EQ(untrusted_error("[a]\nstatus = echo hi\n"),
            "illegal setting \"status=echo hi\" in untrusted /h/.mrconfig line 2 (to trust this "
            "file, list it in ~/.mrtrust, or run mr -t import)");
  EXPECT_EQ(untrusted_error("# c\n[DEFAULT]\n")
                .rfind("illegal section \"[DEFAULT]\" in untrusted "
                       "/h/.mrconfig line 2",
                       0),
            0u);
  EXPECT_EQ(untrusted_error("[../x]\n").rfind("illegal section \"[../x]\"", 0), 0u);
  EXPECT_EQ(untrusted_error("[/abs]\n").rfind("illegal section \"[/abs]\"", 0), 0u);
  EXPECT_EQ(untrusted_error("[ALIAS]\n").rfind("illegal section \"[ALIAS]\"", 0), 0u);
  EXPECT_EQ(untrusted_error("[a]\ncheckout = git clone x; rm -rf ~\n")
                .rfind("illegal checkout command \"git clone x; rm -rf ~\"", 0),
            0u);
  EXPECT_EQ(untrusted_error("[a]\nskip = true\t\n").rfind("illegal control character", 0), 0u);
}

TEST(MyreposIni, TrustedCheckoutTemplates) {
  EXPECT_TRUE(is_trusted_checkout("git clone https://x/y.git y"));
  EXPECT_TRUE(is_trusted_checkout("git clone 'git@host:y' \"y\""));
  EXPECT_TRUE(is_trusted_checkout("git clone https://x/y"));
  EXPECT_TRUE(is_trusted_checkout("bzr branch lp:x/y y"));
  EXPECT_TRUE(is_trusted_checkout("git clone --bare https://x/y y"));
  EXPECT_FALSE(is_trusted_checkout("git clone https://x/y ../y"));
  EXPECT_FALSE(is_trusted_checkout("git clone https://x/$(id) y"));
  EXPECT_FALSE(is_trusted_checkout("git clone -b dev https://x/y y"));
  EXPECT_FALSE(is_trusted_checkout("vcsh run \"$MR_REPO\" git clone https://x/y y"));
}

} // namespace

} // namespace mr::registry::myrepos
