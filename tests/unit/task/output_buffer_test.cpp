// A task's output buffer: bounded memory, the rest in an unlinked temporary file, read
// back whole and in order. The limits are lowered so that a few KB exercise the spill.
#include <csignal>
#include <cstdlib>
#include <sys/resource.h>

#include <gtest/gtest.h>

#include <mr/task/output_buffer.hpp>

namespace mr::task {

namespace {

// Lowers the process-wide limits for one test and puts them back afterwards.
class SmallLimits : public ::testing::Test {
protected:
  void SetUp() override {
    m_saved = OutputBuffer::limits();
    OutputBuffer::set_limits({1024, 4096});
  }
  void TearDown() override { OutputBuffer::set_limits(m_saved); }

private:
  OutputBuffer::Limits m_saved;
};

std::string pattern(std::size_t n, char seed) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) {
    s[i] = static_cast<char>('a' + (static_cast<std::size_t>(seed) + i * 7) % 26);
  }
  return s;
}

} // namespace

TEST_F(SmallLimits, KeepsSmallOutputInMemory) {
  const std::size_t before = OutputBuffer::memory_in_use();
  OutputBuffer b;
  b += "hello ";
  b += pattern(100, 'h') + "\n";
  EXPECT_EQ(b.str(), "hello " + pattern(100, 'h') + "\n");
  EXPECT_EQ(b.size(), 107u);
  EXPECT_EQ(b.back(), '\n');
  EXPECT_GT(OutputBuffer::memory_in_use(), before);
  b.clear();
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(OutputBuffer::memory_in_use(), before);
}

TEST_F(SmallLimits, SpillsPastThePerBufferLimitAndReadsBackInOrder) {
  const std::size_t before = OutputBuffer::memory_in_use();
  OutputBuffer b;
  std::string expected;
  for (int i = 0; i < 200; ++i) {
    const auto piece = pattern(static_cast<std::size_t>(97 + i), static_cast<char>(i));
    b += piece;
    expected += piece;
    // Never more than the limit (and the string's small-size slack) in memory.
    EXPECT_LE(OutputBuffer::memory_in_use() - before, 1024u + 64u);
  }
  EXPECT_EQ(b.size(), expected.size());
  EXPECT_EQ(b.back(), expected.back());
  EXPECT_EQ(b.str(), expected);
  std::size_t pieces = 0;
  std::string error;
  std::string streamed;
  EXPECT_TRUE(b.for_each(
      [&](std::string_view p) {
        ++pieces;
        streamed.append(p);
      },
      &error));
  EXPECT_EQ(streamed, expected);
  EXPECT_GT(pieces, 1u);
}

TEST_F(SmallLimits, AllBuffersTogetherStayUnderTheTotal) {
  const std::size_t before = OutputBuffer::memory_in_use();
  std::vector<OutputBuffer> buffers(40);
  for (std::size_t i = 0; i < buffers.size(); ++i) {
    buffers[i] += pattern(900, static_cast<char>(i)); // each under the per-buffer limit
  }
  EXPECT_LE(OutputBuffer::memory_in_use() - before, 4096u + 1024u);
  for (std::size_t i = 0; i < buffers.size(); ++i) {
    EXPECT_EQ(buffers[i].str(), pattern(900, static_cast<char>(i))) << i;
  }
}

TEST_F(SmallLimits, CopiesShareSpilledPartsAndStayIndependent) {
  OutputBuffer a;
  a += pattern(5000, 'x');
  OutputBuffer b = a;
  b += "tail";
  EXPECT_EQ(a.str(), pattern(5000, 'x'));
  EXPECT_EQ(b.str(), pattern(5000, 'x') + "tail");
  a.clear();
  EXPECT_EQ(b.str(), pattern(5000, 'x') + "tail"); // b's copy of the file part survives
  OutputBuffer c = std::move(b);
  EXPECT_EQ(c.size(), 5004u);
  EXPECT_TRUE(b.empty()); // NOLINT(bugprone-use-after-move): moved-from is empty
  c += c;
  EXPECT_EQ(c.str(), pattern(5000, 'x') + "tail" + pattern(5000, 'x') + "tail");
}

TEST_F(SmallLimits, ASpillThatFailsKeepsWhatItHasAndSaysWhatWasLost) {
  // A file size limit makes the temporary file's writes fail with EFBIG, as a full disk
  // would with ENOSPC.
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  rlimit tiny = saved;
  tiny.rlim_cur = 0;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &tiny), 0);
  OutputBuffer b;
  b += "kept\n";
  b += pattern(3000, 'z'); // past the limit: cannot be spilled
  b += "dropped too\n";
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_EQ(b.str(), "kept\nmr: output lost from here on: cannot write a temporary file in " +
                         std::string(std::getenv("TMPDIR") != nullptr && *std::getenv("TMPDIR")
                                         ? std::getenv("TMPDIR")
                                         : "/tmp") +
                         ": File too large\n");
  EXPECT_EQ(b.back(), '\n');
}

// A command that never stops printing fills at most the per-buffer cap, disk included,
// then the buffer says so and drops the rest.
TEST_F(SmallLimits, OneBufferStopsAtItsCapOnDisk) {
  OutputBuffer::set_limits({1024, 4096, std::size_t{2} << 20});
  OutputBuffer b;
  const std::string piece = pattern(64 * 1024, 'y');
  for (int i = 0; i < 48; ++i) { // 3 MiB
    b += piece;
  }
  const std::string note = "mr: output lost from here on: more than 2 MiB of output (the limit "
                           "for one task)\n";
  EXPECT_LE(b.size(), (std::size_t{2} << 20) + note.size() + 1);
  const auto text = b.str();
  ASSERT_GE(text.size(), note.size());
  EXPECT_EQ(text.substr(text.size() - note.size()), note);
  EXPECT_EQ(text.substr(0, piece.size()), piece);
}

} // namespace mr::task
