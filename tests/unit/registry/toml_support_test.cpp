// The myrepos (INI) detector: which texts are named as myrepos files instead of failing as
// TOML, and that no registry in mr's own format is ever called one.
#include <gtest/gtest.h>

#include "registry/toml_support.hpp"

namespace mr::registry::toml_support {

namespace {

TEST(LooksLikeMyrepos, MyreposShapes) {
  // A section with a command, as myrepos writes them.
  EXPECT_TRUE(looks_like_myrepos("# mine\n[src/a]\ncheckout = git clone 'https://x/a' 'a'\n"));
  EXPECT_TRUE(looks_like_myrepos("[x]\norder = 3\nupdate = git pull --rebase\n"));
  // Each of these gave another error: an unknown key 'DEFAULT' (it is valid TOML), TOML's
  // "expected ']'", a TOML parse error on the include line.
  EXPECT_TRUE(looks_like_myrepos("[DEFAULT]\njobs = 3\n"));
  EXPECT_TRUE(looks_like_myrepos("[DEFAULT]\n"));
  EXPECT_TRUE(looks_like_myrepos("[src/a]\n"));
  EXPECT_TRUE(looks_like_myrepos("\n; comment\n[ ~/src/b ]\n"));
  EXPECT_TRUE(looks_like_myrepos("[$HOME/src/c]\nskip = true\n"));
  EXPECT_TRUE(looks_like_myrepos("include = cat /etc/mr/*\n"));
  EXPECT_TRUE(looks_like_myrepos("include = cat ~/.config/mr/*\n[src/a]\n"));
  // An empty value continued on the indented lines below it.
  EXPECT_TRUE(looks_like_myrepos("[dotfiles]\ncheckout =\n  git clone URL dotfiles\n"));
  EXPECT_TRUE(looks_like_myrepos("[dotfiles]\nskip = 0\ncheckout =\n\tgit clone 'u' d\n  x\n"));
}

TEST(LooksLikeMyrepos, MrsOwnRegistriesAreNeverCalledMyrepos) {
  for (const char* toml : {
           "",
           "# nothing\n",
           "include = [\"~/.config/mr/config.d/*.toml\"]\n[settings]\njobs = 8\n",
           "include = \"other.toml\"\n",
           "[settings]\njobs = 8\ntimeout = \"5m\"\nlib = \"\"\"\nf() { :; }\n\"\"\"\n",
           "[commands]\npullr = \"git pull --rebase\"\n[alias]\nup = \"update\"\n",
           "[repos.\"src/a\"]\nurl = \"https://x/a.git\"\ntags = [\"w\"]\n",
           "[repos]\n\"src/b\" = { url = \"u\" }\n",
           "[[repos]]\n",
           "[repos.\"~/x\"]\ncommands.update = \"git pull\"\n",
       }) {
    EXPECT_FALSE(looks_like_myrepos(toml)) << toml;
  }
  // Broken TOML in mr's format stays a TOML error.
  for (const char* broken : {
           "[repos.a]\nurl = https://x\n",
           "[repos.\"a\"]\nurl = \"unterminated\n",
           "[settings]\nlib = echo hi\n",
           "[commands]\nfoo = git pull\n",
           "[setings]\njobs = 3\n",
           "[\"src/a\"]\nurl = \"u\"\n",
           "include = ~/x.toml\n",
           "jobs = 3\n[src/a]\n",
           "[setings]\njobs =\n",
           "[setings]\njobs =\n\n  git pull\n",
           "[repos.a]\nurl =\n  \"u\"\n",
           "[x]\njobs =\n  3\n",
           "[x]\nlib =\n  \"\"\"\n",
       }) {
    EXPECT_FALSE(looks_like_myrepos(broken)) << broken;
  }
}

} // namespace

} // namespace mr::registry::toml_support
