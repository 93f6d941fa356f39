// The parts of mr(1) that `mr help ACTION` prints (src/cmd/manual.cpp).
#include <gtest/gtest.h>

#include "cmd/manual.hpp"

namespace mr::cmd {

namespace {

constexpr std::string_view k_page = "# NAME\n\nmr\n\n"
                                    "# ACTIONS\n\n"
                                    "The *status* action and *push* come first.\n\n"
                                    "*list*, *ls*\n"
                                    "\tPrint _each_ one.\n"
                                    "\n"
                                    "\tA second paragraph, *MR_LOG* and a\\_b and 2\\*3.\n"
                                    "*push* [_ARGS_...], *log* [_ARGS_...]\n"
                                    "\tgit push, git log.\n"
                                    "*status* [*-uno*]\n"
                                    "\tShow it; _snake_case_ stays.\n\n"
                                    "# COMMANDS\n\n"
                                    "*hello*\n\tnot an action.\n";

} // namespace

TEST(Manual, AnEntryIsItsHeadingAndIndentedParagraphs) {
  EXPECT_EQ(manual_entry(k_page, "list"), "list, ls\n"
                                          "    Print each one.\n"
                                          "\n"
                                          "    A second paragraph, MR_LOG and a_b and 2*3.\n");
  EXPECT_EQ(manual_entry(k_page, "ls"), manual_entry(k_page, "list"));
}

TEST(Manual, AHeadingNamingSeveralActionsServesEach) {
  EXPECT_EQ(manual_entry(k_page, "log"), "push [ARGS...], log [ARGS...]\n    git push, git log.\n");
  EXPECT_EQ(manual_entry(k_page, "push"), manual_entry(k_page, "log"));
}

TEST(Manual, OnlyHeadingsOfActionsCount) {
  // The introduction names status and push, and -uno is bold in a heading: none is an entry.
  EXPECT_EQ(manual_entry(k_page, "status"), "status [-uno]\n    Show it; snake_case stays.\n");
  EXPECT_EQ(manual_entry(k_page, "-uno"), "");
  EXPECT_EQ(manual_entry(k_page, "hello"), ""); // another section
  EXPECT_EQ(manual_entry(k_page, "missing"), "");
  EXPECT_EQ(manual_entry("", "list"), "");
}

TEST(Manual, TheBuiltInPageHasAnEntryForEachBuiltin) {
  for (const char* action : {"list", "register", "discover", "unregister", "import", "config",
                             "status", "summary", "diff", "update", "fetch", "checkout", "run",
                             "commit", "record", "push", "log", "grep", "clean"}) {
    const auto entry = manual_entry(man_page_source(), action);
    EXPECT_NE(entry.find(action), std::string::npos) << action << ":\n" << entry;
    EXPECT_NE(entry.find("\n    "), std::string::npos) << action << ":\n" << entry;
  }
}

} // namespace mr::cmd
