// What a server can make mr hold is bounded: an endless ref advertisement (over git:// and
// http://) or endless HTTP response headers fail that repository alone, with one line
// naming the remote and the limit, while the other repositories are fetched as usual. mr
// runs under a virtual memory limit (ulimit -v) well below what the flood would take, so an
// unbounded mr fails these tests instead of exhausting the machine.
#include "flood_server.hpp"
#include "network_fixture.hpp"

namespace mr::test {

namespace {

constexpr std::size_t k_mib = 1024 * 1024;
// What a flood server sends at most: far past the limit and the memory ceiling below.
constexpr std::size_t k_flood = 1536 * k_mib;
constexpr const char* k_cut = " sent more than 256 MiB before its pack (refs, acknowledgements); "
                              "mr stopped reading (a broken or hostile server?)\n";

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool k_sanitized = true; // sanitizers reserve terabytes of address space
#else
constexpr bool k_sanitized = false;
#endif

class NetworkLimits : public Network {
protected:
  // mr ACTION in ws/, under `ulimit -v` of 1 GiB (none under a sanitizer).
  RunResult mr_bounded(const std::string& action) {
    auto o = in_ws();
    if (k_sanitized) {
      return run({mr_binary().string(), action}, o);
    }
    return run(
        {"/bin/sh", "-c", "ulimit -v 1048576 && exec \"$0\" \"$@\"", mr_binary().string(), action},
        o);
  }

  // A repository whose origin is `url`, and a healthy one beside it that is behind.
  fs::path flooded_and_healthy(const std::string& url) {
    upstream("flooded");
    const auto flooded = working_copy("flooded", url);
    upstream("healthy");
    m_healthy = working_copy("healthy");
    m_healthy_head = push_change("healthy", "a.txt", "moved on\n");
    register_repo(flooded);
    register_repo(m_healthy);
    return flooded;
  }

  void expect_healthy_fetched() {
    EXPECT_EQ(git(m_healthy, {"rev-parse", "origin/main"}), m_healthy_head + "\n");
  }

  fs::path m_healthy;
  std::string m_healthy_head;
};

} // namespace

TEST_F(NetworkLimits, AnEndlessRefAdvertisementOverGitFailsThatRepositoryAlone) {
  FloodServer flood(FloodServer::Mode::git_advertisement, k_flood);
  const auto flooded = flooded_and_healthy(flood.url("flooded.git"));
  const auto r = mr_bounded("fetch");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("error: could not fetch origin: " + flood.url("flooded.git") + k_cut),
            std::string::npos)
      << r.out.substr(0, 4000) << r.err;
  EXPECT_NE(r.err.find("mr fetch: could not fetch origin\n"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("mr fetch: finished (1 ok; 1 failed)"), std::string::npos) << r.out;
  EXPECT_LT(flood.bytes_sent(), k_flood); // mr hung up; it did not read on to the end
  expect_healthy_fetched();
  expect_consistent(flooded);
}

TEST_F(NetworkLimits, AnEndlessRefAdvertisementOverHttpFailsThatRepositoryAlone) {
  FloodServer flood(FloodServer::Mode::http_advertisement, k_flood);
  const auto flooded = flooded_and_healthy(flood.url("flooded.git"));
  const auto r = mr_bounded("update");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("mr update: " + flooded.string() + ": " + flood.url("flooded.git") + k_cut),
            std::string::npos)
      << r.out << r.err.substr(0, 4000);
  EXPECT_NE(r.out.find("mr update: finished (1 ok; 1 failed)"), std::string::npos) << r.out;
  EXPECT_LT(flood.bytes_sent(), k_flood);
  expect_healthy_fetched();
  expect_consistent(flooded);
}

TEST_F(NetworkLimits, EndlessAcknowledgementsFailThatRepositoryAlone) {
  FloodServer flood(FloodServer::Mode::git_acks, k_flood);
  const auto flooded = flooded_and_healthy(flood.url("flooded.git"));
  // libgit2 keeps each "ACK" it gets after every 20 "have" lines it sends.
  for (int i = 0; i < 25; ++i) {
    git(flooded, {"commit", "-q", "--allow-empty", "-m", "local " + std::to_string(i)});
  }
  const auto r = mr_bounded("fetch");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("error: could not fetch origin: " + flood.url("flooded.git") + k_cut),
            std::string::npos)
      << r.out.substr(0, 4000) << r.err;
  EXPECT_NE(r.out.find("mr fetch: finished (1 ok; 1 failed)"), std::string::npos) << r.out;
  EXPECT_LT(flood.bytes_sent(), k_flood);
  expect_healthy_fetched();
  expect_consistent(flooded);
}

TEST_F(NetworkLimits, AServersErrorIsShownAsOneShortPrintableLine) {
  FloodServer flood(FloodServer::Mode::git_error_line, k_flood);
  const auto flooded = flooded_and_healthy(flood.url("flooded.git"));
  const auto r = mr_bounded("fetch");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string shown = "error: could not fetch origin: remote error:  [2J [31mdisk full  xxx";
  const auto at = r.err.find(shown);
  ASSERT_NE(at, std::string::npos) << r.err.substr(0, 2000);
  const auto line = r.err.substr(at, r.err.find('\n', at) - at);
  EXPECT_LE(line.size(), 1200U);
  EXPECT_EQ(line.substr(line.size() - 13), "x (truncated)") << line;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos);
  EXPECT_NE(r.out.find("mr fetch: finished (1 ok; 1 failed)"), std::string::npos) << r.out;
  expect_healthy_fetched();
}

TEST_F(NetworkLimits, EndlessHttpHeadersFailThatRepositoryAlone) {
  FloodServer flood(FloodServer::Mode::http_headers, k_flood);
  const auto flooded = flooded_and_healthy(flood.url("flooded.git"));
  const auto r = mr_bounded("fetch");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("error: could not fetch origin: the HTTP response headers from " +
                       flood.url("flooded") +
                       " are longer than 80 KiB; mr stopped reading (a "
                       "broken or hostile server?)\n"),
            std::string::npos)
      << r.out.substr(0, 4000) << r.err;
  EXPECT_NE(r.out.find("mr fetch: finished (1 ok; 1 failed)"), std::string::npos) << r.out;
  EXPECT_LT(flood.bytes_sent(), 16 * k_mib);
  expect_healthy_fetched();
  expect_consistent(flooded);
}

} // namespace mr::test
