// A command mr runs that itself runs mr (a hook, a script) sees the registry its parent
// saw, whichever file defined the repository it runs in: the parent exports its root
// files, and a nested mr whose $MR_CONFIG is still what the parent set loads those.
#include "cli_fixture.hpp"

namespace mr::test {

namespace {

class NestedMr : public CliTest {
protected:
  NestedMr() {
    make_repo(home() / "src/a", false);
    make_repo(home() / "src/w", false);
    write_file(registry(), "include = [\".mr.d/*.toml\"]\n[repos.\"src/a\"]\n");
    // src/w is defined in an included file, with commands that run mr again.
    write_file(home() / ".mr.d/w.toml",
               "[repos.\"~/src/w\".commands]\n"
               "nested = '\"$MR_PATH\" -d \"$HOME/src\" list'\n"
               "asked = 'MR_CONFIG=\"$HOME/w-only.toml\" \"$MR_PATH\" -d \"$HOME/src\" list'\n"
               "config = 'echo \"$MR_CONFIG\"'\n"
               "post_run = '\"$MR_PATH\" -d \"$HOME/src\" list'\n");
  }
};

} // namespace

TEST_F(NestedMr, SeesTheParentsRegistryWhateverFileDefinedTheRepository) {
  const auto r = mr({"-d", "src/w", "nested"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto a = (home() / "src/a").string();
  const auto w = (home() / "src/w").string();
  EXPECT_EQ(r.out, "mr nested: " + w + "\nmr list: " + a + "\n\nmr list: " + w +
                       "\n\nmr list: finished (2 ok)\n\nmr nested: finished (1 ok)\n");
  // The same from a hook.
  const auto hook = mr({"-d", "src/w", "run", "true"}, home());
  EXPECT_EQ(hook.exit_code, 0) << hook.err;
  EXPECT_EQ(hook.out, "mr run: " + w + "\nmr list: " + a + "\n\nmr list: " + w +
                          "\n\nmr list: finished (2 ok)\n\nmr run: finished (1 ok)\n");
  // $MR_CONFIG is still the file that defines the repository, as myrepos sets it.
  const auto c = mr({"-d", "src/w", "config"}, home());
  EXPECT_EQ(c.out, "mr config: " + w + "\n" + (home() / ".mr.d/w.toml").string() +
                       "\n\nmr config: finished (1 ok)\n");
}

TEST_F(NestedMr, AChangedMrConfigIsWhatTheUserAskedFor) {
  write_file(home() / "w-only.toml", "[repos.\"src/w\"]\n");
  const auto r = mr({"-d", "src/w", "asked"}, home());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto w = (home() / "src/w").string();
  EXPECT_EQ(r.out, "mr asked: " + w + "\nmr list: " + w +
                       "\n\nmr list: finished (1 ok)\n\nmr asked: finished (1 ok)\n");
}

TEST_F(NestedMr, TrustAllReachesTheNestedMrOnlyForTheSameFiles) {
  // An untrusted project file with a command, run with -t: the nested mr loads the same
  // files with the same trust.
  const auto p = make_repo(home() / "src/p", false);
  write_file(p / ".mrconfig.toml", "[repos.\".\".commands]\n"
                                   "nested = '\"$MR_PATH\" list'\n"
                                   "elsewhere = 'cd \"$HOME\" && MR_CONFIG= \"$MR_PATH\" list'\n");
  auto r = mr({"-t", "nested"}, p);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "mr nested: " + p.string() + "\nmr list: " + p.string() +
                       "\n\nmr list: finished (1 ok)\n\nmr nested: finished (1 ok)\n");
  // Without -t the command is refused before anything runs.
  r = mr({"nested"}, p);
  EXPECT_EQ(r.exit_code, 2);
  // A nested mr that looks for its registry afresh does not inherit -t: from $HOME it
  // finds only ~/.mrconfig.toml, which it trusts anyway.
  r = mr({"-t", "elsewhere"}, p);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("mr list: " + (home() / "src/a").string()), std::string::npos) << r.out;
}

} // namespace mr::test
