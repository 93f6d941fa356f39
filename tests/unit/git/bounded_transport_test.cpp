#include <string>

#include <gtest/gtest.h>

#include "git/bounded_transport.hpp"

namespace mr::git {

namespace {

std::string pkt(const std::string& payload) {
  char len[5];
  std::snprintf(len, sizeof len, "%04zx", payload.size() + 4);
  return len + payload;
}

} // namespace

TEST(PreludeScanner, EverythingBeforeSideband1IsCounted) {
  const std::string prelude = pkt("# service=git-upload-pack\n") + "0000" +
                              pkt(std::string(40, 'a') + " HEAD\n") + "0000" + pkt("NAK\n") +
                              pkt("\x02"
                                  "Counting objects\n");
  const std::string pack = pkt("\x01PACK...") + pkt("\x01more");
  const std::string all = prelude + pack;
  PreludeScanner scanner;
  EXPECT_EQ(scanner.scan(all.data(), all.size()), prelude.size() + 4);
  EXPECT_TRUE(scanner.in_pack());
  EXPECT_EQ(scanner.scan(pack.data(), pack.size()), 0U);
}

TEST(PreludeScanner, FramingSplitAnywhereAcrossReads) {
  const std::string prelude = pkt("ACK " + std::string(40, 'b') + " continue\n") + "0000";
  const std::string all = prelude + pkt("\x01PACK");
  for (std::size_t cut = 1; cut < all.size(); ++cut) {
    PreludeScanner scanner;
    const auto first = scanner.scan(all.data(), cut);
    const auto second = scanner.scan(all.data() + cut, all.size() - cut);
    EXPECT_EQ(first + second, prelude.size() + 4) << cut;
    EXPECT_TRUE(scanner.in_pack()) << cut;
  }
}

TEST(PreludeScanner, APackWithoutSidebandStartsAtItsSignature) {
  const std::string all = pkt("NAK\n") + "PACK\x00\x00\x00\x02" + std::string(100, 'z');
  PreludeScanner scanner;
  EXPECT_EQ(scanner.scan(all.data(), all.size()), 8U + 4U);
  EXPECT_TRUE(scanner.in_pack());
}

TEST(PreludeScanner, AnEndlessAdvertisementNeverReachesThePack) {
  const std::string ref = pkt(std::string(40, 'c') + " refs/heads/x\n");
  PreludeScanner scanner;
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(scanner.scan(ref.data(), ref.size()), ref.size());
  }
  EXPECT_FALSE(scanner.in_pack());
}

} // namespace mr::git
