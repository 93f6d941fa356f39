#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

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
  b.output = output;
  b.reason = std::move(reason);
  return b;
}

void feed(Renderer& r) {
  r.block(make("/r/a", task::Status::ok));
  r.block(make("/r/b", task::Status::failed, "boom\n", "command failed"));
  r.block(make("/r/c", task::Status::ok, "out"));
  r.block(make("/r/d", task::Status::skipped));
  r.footer(r.failed() ? 1 : 0);
}

} // namespace

TEST(Renderer, BlocksAndFooterAsMyrepos) {
  Captured c;
  Renderer r("status", {}, c.out(), c.err());
  feed(r);
  EXPECT_EQ(c.out_text(), "mr status: /r/a\n\nmr status: /r/b\nboom\n\nmr status: /r/c\nout\n\n"
                          "mr status: finished (2 ok; 1 failed; 1 skipped)\n");
  EXPECT_EQ(c.err_text(), "mr status: command failed\n");
  EXPECT_TRUE(r.failed());
}

// A repository's stderr, kept apart: on stderr after its output, before the reason; the
// blank line that ends the block stays on stdout.
TEST(Renderer, ErrorsKeptApartGoToStderrInTheirBlock) {
  Captured c;
  Renderer r("run", {}, c.out(), c.err());
  Block b = make("/r/a", task::Status::failed, "out", "command failed");
  b.errors = task::OutputBuffer("err");
  r.block(b);
  EXPECT_EQ(c.out_text(), "mr run: /r/a\nout\n\n");
  EXPECT_EQ(c.err_text(), "err\nmr run: command failed\n");
}

TEST(Renderer, QuietPutsBothStreamsOfAFailureOnStderr) {
  Captured c;
  Options o;
  o.quiet = true;
  Renderer r("run", o, c.out(), c.err());
  Block b = make("/r/a", task::Status::failed, "out", "command failed");
  b.errors = task::OutputBuffer("err\n");
  r.block(b);
  EXPECT_EQ(c.out_text(), "mr run: /r/a\n\n");
  EXPECT_EQ(c.err_text(), "out\nerr\nmr run: command failed\n");
}

TEST(Renderer, MinimalCountsStderrAsOutput) {
  Captured c;
  Options o;
  o.minimal = true;
  Renderer r("run", o, c.out(), c.err());
  Block b = make("/r/a", task::Status::ok);
  b.errors = task::OutputBuffer("warning\n");
  r.block(b);
  EXPECT_EQ(c.out_text(), "mr run: /r/a\n\n");
  EXPECT_EQ(c.err_text(), "warning\n");
}

// At -j1 on a terminal the header comes before the command runs; the block then adds the
// rest, and -i's shell runs between a failure's reason and its blank line.
TEST(Renderer, AStartedBlockHasItsHeaderOnceAndTheShellBeforeItsBlankLine) {
  Captured c;
  Renderer r("commit", {}, c.out(), c.err());
  Block b = make("/r/a", task::Status::failed, "", "command failed");
  r.start(b);
  b.started = true;
  std::string seen_when_called;
  r.block(b, [&] { seen_when_called = c.out_text() + "|" + c.err_text(); });
  r.block(make("/r/b", task::Status::ok, "fine"), [&] { seen_when_called += "not for ok"; });
  EXPECT_EQ(seen_when_called, "mr commit: /r/a\n|mr commit: command failed\n");
  EXPECT_EQ(c.out_text(), "mr commit: /r/a\n\nmr commit: /r/b\nfine\n\n");
}

TEST(Renderer, FooterLeavesOutZeroParts) {
  Captured c;
  Renderer r("list", {}, c.out(), c.err());
  r.block(make("/r/a", task::Status::skipped));
  r.block(make("/r/b", task::Status::not_started));
  r.footer(r.failed() ? 1 : 0);
  EXPECT_EQ(c.out_text(), "mr list: finished (2 skipped)\n");
  EXPECT_FALSE(r.failed());
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
  r.footer(r.failed() ? 1 : 0);
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

// docs/task-group.md, behaviour 29: how each status is counted, printed and named in --json.
TEST(Renderer, EveryStatusIsTalliedAsTheDesignSays) {
  Captured c;
  Renderer r("run", {}, c.out(), c.err());
  r.block(make("/r/ok", task::Status::ok));
  r.block(make("/r/failed", task::Status::failed, "", "command failed"));
  r.block(make("/r/crashed", task::Status::crashed, "", "internal error: boom"));
  r.block(make("/r/timed_out", task::Status::timed_out, "", "timed out after 5s"));
  r.block(make("/r/skipped", task::Status::skipped));
  r.block(make("/r/cancelled", task::Status::cancelled, "partial", "interrupted"));
  r.block(make("/r/not_started", task::Status::not_started));
  r.footer(r.failed() ? 1 : 0);
  EXPECT_TRUE(r.failed());
  EXPECT_EQ(r.ok_count(), 1u);
  EXPECT_EQ(r.failed_count(), 3u);
  EXPECT_EQ(r.skipped_count(), 3u);
  // A cancelled repo shows what it printed; one that never started prints nothing.
  EXPECT_NE(c.out_text().find("mr run: /r/cancelled\npartial\n\n"), std::string::npos);
  EXPECT_EQ(c.out_text().find("/r/not_started"), std::string::npos);
  EXPECT_EQ(c.err_text(), "mr run: command failed\nmr run: internal error: boom\n"
                          "mr run: timed out after 5s\nmr run: interrupted\n");
  EXPECT_NE(c.out_text().find("finished (1 ok; 3 failed; 3 skipped)"), std::string::npos);

  Captured j;
  Options o;
  o.json = true;
  Renderer rj("run", o, j.out(), j.err());
  for (auto s :
       {task::Status::ok, task::Status::failed, task::Status::crashed, task::Status::timed_out,
        task::Status::skipped, task::Status::cancelled, task::Status::not_started}) {
    rj.block(make("/r", s));
  }
  const auto text = j.out_text();
  for (const char* status : {"ok", "failed", "timed_out", "skipped", "cancelled"}) {
    EXPECT_NE(text.find(std::string("\"status\":\"") + status + "\""), std::string::npos) << status;
  }
}

TEST(Renderer, BlocksComeInRegistryOrderWhateverTheCompletionOrder) {
  Captured c;
  Renderer r("run", {}, c.out(), c.err());
  BlockSequencer in_order(r, true);
  in_order.add(2, make("/r/2", task::Status::ok));
  EXPECT_EQ(c.out_text(), "");
  in_order.add(0, make("/r/0", task::Status::ok));
  EXPECT_EQ(c.out_text(), "mr run: /r/0\n\n");
  in_order.add(1, make("/r/1", task::Status::ok));
  EXPECT_EQ(c.out_text(), "mr run: /r/0\n\nmr run: /r/1\n\nmr run: /r/2\n\n");

  Captured d;
  Renderer r2("run", {}, d.out(), d.err());
  BlockSequencer as_done(r2, false);
  as_done.add(2, make("/r/2", task::Status::ok));
  as_done.add(0, make("/r/0", task::Status::ok));
  EXPECT_EQ(d.out_text(), "mr run: /r/2\n\nmr run: /r/0\n\n");
}

TEST(Renderer, AFullDiskIsAnErrorNamingTheStreamAndTheReason) {
  std::FILE* full = std::fopen("/dev/full", "w");
  ASSERT_NE(full, nullptr);
  Captured c;
  Renderer r("list", {}, full, c.err());
  try {
    r.block(make("/r/a", task::Status::ok, "out\n"));
    r.footer(r.failed() ? 1 : 0);
    ADD_FAILURE() << "no error";
  } catch (const OutputClosed&) {
    ADD_FAILURE() << "not a closed pipe";
  } catch (const OutputError& e) {
    EXPECT_STREQ(e.what(), "write error on standard output: No space left on device");
    EXPECT_EQ(e.error_number(), ENOSPC);
  }
  std::fclose(full);
}

TEST(Renderer, AClosedPipeIsOutputClosed) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::close(fds[0]);
  std::FILE* out = ::fdopen(fds[1], "w");
  ASSERT_NE(out, nullptr);
  Captured c;
  Renderer r("list", {}, out, c.err());
  sigset_t pipe_set;
  sigset_t old;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &pipe_set, &old); // as mr runs: EPIPE, not a signal
  EXPECT_THROW(r.check_output_open(), OutputClosed);
  EXPECT_THROW(r.block(make("/r/a", task::Status::ok, "out\n")), OutputClosed);
  const timespec no_wait{};
  while (::sigtimedwait(&pipe_set, nullptr, &no_wait) > 0) {
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  std::fclose(out);
}

TEST(Renderer, SpilledOutputIsStreamedWholeAsTextAndAsJson) {
  const auto saved = task::OutputBuffer::limits();
  task::OutputBuffer::set_limits({256, 1024});
  std::string text;
  for (int i = 0; i < 2000; ++i) {
    text += "line " + std::to_string(i) + " \xE2\x9C\x93\n"; // a 3-byte character in each
  }
  text += "no newline at the end";
  Captured c;
  Renderer r("run", {}, c.out(), c.err());
  r.block(make("/r/a", task::Status::ok, text));
  EXPECT_EQ(c.out_text(), "mr run: /r/a\n" + text + "\n\n");
  Options json;
  json.json = true;
  Captured j;
  Renderer rj("run", json, j.out(), j.err());
  rj.block(make("/r/a", task::Status::ok, text));
  JsonObject expected;
  expected.add("type", "repo")
      .add("path", "/r/a")
      .add("action", "run")
      .add("status", "ok")
      .add("exit_code", 0)
      .add("output", text);
  EXPECT_EQ(j.out_text(), expected.str() + "\n");
  task::OutputBuffer::set_limits(saved);
}

} // namespace mr::render
