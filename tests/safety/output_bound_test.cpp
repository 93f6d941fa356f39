// A repository printing hundreds of megabytes does not grow mr's memory with it: past a few
// MB a block's output goes to an unlinked temporary file, and every byte still arrives.
// Peak memory is the child's maximum resident set size as the kernel reports it to wait4.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_fixture.hpp"

extern char** environ;

namespace mr::test {
namespace {

struct Measured {
  int exit_code = -1;
  std::size_t bytes = 0; // everything mr wrote to stdout
  std::string head;      // its first bytes
  std::string tail;      // its last bytes
  std::string err;
  long max_rss_kb = 0;
};

// Runs mr, counting its stdout instead of keeping it, and measures its peak memory.
Measured measure(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env, const fs::path& cwd) {
  std::vector<std::string> argv = {mr_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) {
    env_strings.push_back(k + "=" + v);
  }
  std::vector<char*> envp;
  for (auto& s : env_strings) {
    envp.push_back(s.data());
  }
  envp.push_back(nullptr);
  std::vector<char*> cargv;
  for (auto& a : argv) {
    cargv.push_back(a.data());
  }
  cargv.push_back(nullptr);
  int out[2];
  int err[2];
  EXPECT_EQ(::pipe2(out, O_CLOEXEC), 0);
  EXPECT_EQ(::pipe2(err, O_CLOEXEC), 0);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, cargv[0], &fa, nullptr, cargv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  ::close(out[1]);
  ::close(err[1]);
  Measured m;
  if (rc != 0) {
    ADD_FAILURE() << "cannot start mr";
    return m;
  }
  // stderr is small: read it after stdout closes (mr never fills its pipe here).
  std::string buf(1 << 16, '\0');
  for (;;) {
    const ssize_t n = ::read(out[0], buf.data(), buf.size());
    if (n <= 0) {
      break;
    }
    const std::string_view piece(buf.data(), static_cast<std::size_t>(n));
    if (m.head.size() < 200) {
      m.head.append(piece.substr(0, 200 - m.head.size()));
    }
    m.tail.append(piece);
    if (m.tail.size() > 400) {
      m.tail.erase(0, m.tail.size() - 200);
    }
    m.bytes += piece.size();
  }
  for (;;) {
    const ssize_t n = ::read(err[0], buf.data(), buf.size());
    if (n <= 0) {
      break;
    }
    m.err.append(buf.data(), static_cast<std::size_t>(n));
  }
  ::close(out[0]);
  ::close(err[0]);
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  m.exit_code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  m.max_rss_kb = usage.ru_maxrss;
  return m;
}

class OutputBound : public CliTest {
protected:
  OutputBound() {
    fs::create_directories(tmpdir());
    fs::create_directories(home() / "ws/r0");
    write_file(registry(), "[repos.\"ws/r0\"]\n");
  }
  // Under ASan, freed memory waits in a quarantine of 256 MB by default, which would count
  // as mr's; a small one keeps the measure about mr.
  std::map<std::string, std::string> env() const {
    auto e = env_for(home());
    if (const auto it = e.find("ASAN_OPTIONS"); it != e.end()) {
      it->second += ":quarantine_size_mb=8";
    }
    return e;
  }
  fs::path tmpdir() const { return root() / "tmp"; } // $TMPDIR of env_for()
  fs::path repo() const { return home() / "ws/r0"; }
};

// Far below the 300 MB printed, far above what mr needs (sanitizer builds included).
constexpr long k_peak_bound_kb = 200 * 1024;

TEST_F(OutputBound, HundredsOfMegabytesPassThroughInBoundedMemory) {
  constexpr std::size_t k_size = 300'000'000;
  const auto m =
      measure({"--timeout", "10m", "run", "sh", "-c", "yes | head -c " + std::to_string(k_size)},
              env(), home());
  EXPECT_EQ(m.exit_code, 0) << m.err;
  const std::string header = "mr run: " + repo().string() + "\n";
  const std::string footer = "\nmr run: finished (1 ok)\n";
  EXPECT_EQ(m.bytes, header.size() + k_size + footer.size());
  EXPECT_EQ(m.head.substr(0, header.size() + 6), header + "y\ny\ny\n");
  EXPECT_EQ(m.tail.substr(m.tail.size() - footer.size() - 6), "y\ny\ny\n" + footer);
  EXPECT_LT(m.max_rss_kb, k_peak_bound_kb);
  EXPECT_TRUE(fs::is_empty(tmpdir())); // the spill file never had a name
}

TEST_F(OutputBound, JsonOutputIsStreamedEscapedInBoundedMemory) {
  constexpr std::size_t k_size = 100'000'000; // "y\n" each: "y\\n" in JSON
  const auto m = measure({"--json", "run", "sh", "-c", "yes | head -c " + std::to_string(k_size)},
                         env(), home());
  EXPECT_EQ(m.exit_code, 0) << m.err;
  const std::string start = "{\"type\":\"repo\",\"path\":\"" + repo().string() +
                            "\",\"action\":\"run\",\"status\":\"ok\",\"exit_code\":0,"
                            "\"output\":\"y\\ny\\n";
  const std::string end =
      "y\\ny\\n\"}\n{\"type\":\"summary\",\"action\":\"run\",\"ok\":1,\"failed\":0,"
      "\"skipped\":0,\"exit_code\":0}\n";
  EXPECT_EQ(m.head.substr(0, start.size()), start);
  EXPECT_EQ(m.tail.substr(m.tail.size() - end.size()), end);
  const std::size_t summary = end.size() - std::string("y\\ny\\n\"}\n").size();
  EXPECT_EQ(m.bytes, start.size() - 6 + k_size / 2 * 3 + 3 + summary);
  EXPECT_LT(m.max_rss_kb, k_peak_bound_kb);
}

// Many repositories printing a lot at once: all their buffers together stay within the
// 32 MiB total, and mr's memory with them. (Freed heap blocks used to stay in each worker's
// malloc arena: 30 x 8 MB at -j30 peaked at 96 MB.) The measure is against the same run
// printing nothing, so what mr needs anyway is not counted.
TEST_F(OutputBound, ManyLargeOutputsAtOnceStayWithinTheTotal) {
#if defined(__SANITIZE_THREAD__)
  // ThreadSanitizer's shadow memory grows with every byte touched: the process's size
  // says nothing about mr's own bound there (the plain and ASan builds check it).
  GTEST_SKIP() << "memory size is not mr's own under ThreadSanitizer";
#endif
  std::string entries;
  for (int i = 0; i < 30; ++i) {
    fs::create_directories(home() / ("ws/many" + std::to_string(i)));
    entries += "[repos.\"ws/many" + std::to_string(i) + "\"]\n";
  }
  write_file(registry(), entries);
  const auto idle = measure({"-j30", "run", "true"}, env(), home());
  EXPECT_EQ(idle.exit_code, 0) << idle.err;
  const auto busy =
      measure({"-j30", "run", "sh", "-c", "head -c 8000000 /dev/zero | tr '\\0' y"}, env(), home());
  EXPECT_EQ(busy.exit_code, 0) << busy.err;
  EXPECT_GT(busy.bytes, 30u * 8'000'000);
  // The 32 MiB, and room for what a sanitizer build adds.
  EXPECT_LT(busy.max_rss_kb - idle.max_rss_kb, 44 * 1024)
      << busy.max_rss_kb << " KB against " << idle.max_rss_kb << " KB printing nothing";
}

TEST_F(OutputBound, WithoutATemporaryFileTheRestIsDroppedAndSaidSo) {
  auto e = env();
  e["TMPDIR"] = (root() / "no-such-dir").string();
  const auto m = measure({"run", "sh", "-c", "yes | head -c 50000000"}, e, home());
  EXPECT_EQ(m.exit_code, 0) << m.err;
  const std::string note = "mr: output lost from here on: cannot create a temporary file in " +
                           (root() / "no-such-dir").string() + ": No such file or directory\n";
  EXPECT_NE(m.tail.find("y\n" + note + "\nmr run: finished (1 ok)\n"), std::string::npos) << m.tail;
  EXPECT_LT(m.bytes, 10'000'000u); // what fitted in memory, not the 50 MB
  EXPECT_LT(m.max_rss_kb, k_peak_bound_kb);
}

TEST_F(OutputBound, EndlessOutputDoesNotFillTheDisk) {
  // $TMPDIR on a 100 MB tmpfs of its own (needs a private mount namespace: skipped where
  // there is none). 64 MB of it stay free, so the spill stops at about 36 MB.
  const auto small = root() / "small";
  fs::create_directories(small);
  auto e = env();
  e["TMPDIR"] = small.string();
  RunOptions o;
  o.cwd = home();
  o.env = e;
  const auto probe = run({"unshare", "-m", "sh", "-c",
                          "mount -t tmpfs -o size=100m none '" + small.string() + "' && echo ok"},
                         o);
  if (probe.out != "ok\n") {
    GTEST_SKIP() << "no private tmpfs here: " << probe.err;
  }
  const auto r =
      run({"unshare", "-m", "sh", "-c",
           "mount -t tmpfs -o size=100m none '" + small.string() + "' && '" + mr_binary().string() +
               "' run sh -c 'yes | head -c 100000000' | tail -c 300"},
          o);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("y\nmr: output lost from here on: less than 64 MiB would be left free in " +
                       small.string() + "\n\nmr run: finished (1 ok)\n"),
            std::string::npos)
      << r.out;
}

} // namespace
} // namespace mr::test
