#include <cstdio>
#include <cstdlib>

#include <gtest/gtest.h>

#include <mr/render/renderer.hpp>

namespace mr::render {

namespace {

// Captures what a Renderer writes to its two streams.
class Captured {
public:
  Captured()
      : m_out(::open_memstream(&m_out_buf, &m_out_len)),
        m_err(::open_memstream(&m_err_buf, &m_err_len)) {}
  ~Captured() {
    std::fclose(m_out);
    std::fclose(m_err);
    std::free(m_out_buf);
    std::free(m_err_buf);
  }
  std::FILE* out() { return m_out; }
  std::FILE* err() { return m_err; }
  std::string out_text() {
    std::fflush(m_out);
    return {m_out_buf, m_out_len};
  }
  std::string err_text() {
    std::fflush(m_err);
    return {m_err_buf, m_err_len};
  }

private:
  char* m_out_buf = nullptr;
  std::size_t m_out_len = 0;
  char* m_err_buf = nullptr;
  std::size_t m_err_len = 0;
  std::FILE* m_out;
  std::FILE* m_err;
};

Block make(std::string path, task::Status status, std::string output = {},
           std::string reason = {}) {
  Block b;
  b.path = std::move(path);
  b.status = status;
  b.output = std::move(output);
  b.reason = std::move(reason);
  return b;
}

void feed(Renderer& r) {
  r.block(make("/r/a", task::Status::ok));
  r.block(make("/r/b", task::Status::failed, "boom\n", "command failed"));
  r.block(make("/r/c", task::Status::ok, "out"));
  r.block(make("/r/d", task::Status::skipped));
  r.footer();
}

} // namespace

TEST(Renderer, BlocksAndFooterAsMyrepos) {
  Captured c;
  Renderer r("status", {}, c.out(), c.err());
  feed(r);
  EXPECT_EQ(c.out_text(), "mr status: /r/a\n\nmr status: /r/b\nboom\n\nmr status: /r/c\nout\n\n"
                          "mr status: finished (2 ok; 1 failed; 1 skipped)\n");
  EXPECT_EQ(c.err_text(), "mr status: command failed\n");
  EXPECT_EQ(r.exit_status(), 1);
}

TEST(Renderer, FooterLeavesOutZeroParts) {
  Captured c;
  Renderer r("list", {}, c.out(), c.err());
  r.block(make("/r/a", task::Status::skipped));
  r.block(make("/r/b", task::Status::not_started));
  r.footer();
  EXPECT_EQ(c.out_text(), "mr list: finished (2 skipped)\n");
  EXPECT_EQ(r.exit_status(), 0);
}

TEST(Renderer, QuietPrintsOnlyFailuresWithTheirOutputOnStderr) {
  Captured c;
  Options o;
  o.quiet = true;
  Renderer r("status", o, c.out(), c.err());
  feed(r);
  EXPECT_EQ(c.out_text(), "mr status: /r/b\n\n");
  EXPECT_EQ(c.err_text(), "boom\nmr status: command failed\n");
}

TEST(Renderer, MinimalPrintsReposWithOutputOrFailureAndNoFooter) {
  Captured c;
  Options o;
  o.minimal = true;
  Renderer r("status", o, c.out(), c.err());
  feed(r);
  EXPECT_EQ(c.out_text(), "mr status: /r/b\nboom\n\nmr status: /r/c\nout\n\n");
}

TEST(Renderer, StatsListsSkippedOnStdoutAndFailedOnStderr) {
  Captured c;
  Options o;
  o.stats = true;
  Renderer r("status", o, c.out(), c.err());
  feed(r);
  EXPECT_NE(
      c.out_text().find("finished (2 ok; 1 failed; 1 skipped)\nmr status: (skipped: /r/d/)\n"),
      std::string::npos);
  EXPECT_EQ(c.err_text(), "mr status: command failed\nmr status: (failed: /r/b/)\n");
}

TEST(Renderer, SubdirIsShownInTheHeader) {
  Captured c;
  Renderer r("list", {}, c.out(), c.err());
  auto b = make("/r/a", task::Status::ok);
  b.subdir = "x/y";
  r.block(b);
  EXPECT_EQ(c.out_text(), "mr list: /r/a (in subdir x/y)\n\n");
}

TEST(Renderer, JsonIsOneObjectPerRepoThenASummary) {
  Captured c;
  Options o;
  o.json = true;
  Renderer r("list", o, c.out(), c.err());
  auto b = make("/r/a", task::Status::ok);
  b.fields.add("url", "u");
  r.block(b);
  r.block(make("/r/b", task::Status::timed_out, "", "timed out"));
  r.footer();
  EXPECT_EQ(
      c.out_text(),
      R"({"type":"repo","path":"/r/a","action":"list","status":"ok","exit_code":0,"output":"","url":"u"})"
      "\n"
      R"({"type":"repo","path":"/r/b","action":"list","status":"timed_out","exit_code":0,"output":"","error":"timed out"})"
      "\n"
      R"({"type":"summary","action":"list","ok":1,"failed":1,"skipped":0,"exit_code":1})"
      "\n");
  EXPECT_EQ(c.err_text(), "");
}

TEST(Renderer, SkippedReasonsGoToStderrUnlessMinimal) {
  Captured c;
  Renderer r("update", {}, c.out(), c.err());
  r.block(make("/r/a", task::Status::skipped, "", "/r/a: detached HEAD, skipping"));
  EXPECT_EQ(c.err_text(), "mr update: /r/a: detached HEAD, skipping\n");
  EXPECT_EQ(c.out_text(), "");
}

} // namespace mr::render
