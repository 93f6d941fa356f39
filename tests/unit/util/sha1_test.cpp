#include <gtest/gtest.h>

#include <mr/util/sha1.hpp>

#include "cli_fixture.hpp"

namespace mr::util {

namespace {

std::string hex_of(std::string_view data) {
  return Sha1::hex(Sha1::of(data));
}

} // namespace

TEST(Sha1, TheStandardTestVectors) {
  EXPECT_EQ(hex_of(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(hex_of("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(hex_of(std::string(1'000'000, 'a')), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST(Sha1, PiecesOfAnySizeGiveTheSameDigest) {
  std::string data;
  for (int i = 0; i < 1000; ++i) {
    data += static_cast<char>(i * 7);
  }
  const auto whole = Sha1::of(data);
  for (const std::size_t piece : {1UL, 3UL, 55UL, 56UL, 63UL, 64UL, 65UL, 999UL}) {
    Sha1 h;
    for (std::size_t at = 0; at < data.size(); at += piece) {
      h.update(std::string_view(data).substr(at, piece));
    }
    EXPECT_EQ(h.finish(), whole) << piece;
  }
}

class Sha1AgainstGit : public test::CliTest {};

// git names a blob by the SHA-1 of "blob SIZE\0" and the content: every length around the
// block boundaries must agree with git hash-object.
TEST_F(Sha1AgainstGit, BlobNamesAgreeWithGitHashObject) {
  for (const std::size_t size : {0UL, 1UL, 46UL, 47UL, 48UL, 55UL, 64UL, 119UL, 4096UL}) {
    std::string content;
    for (std::size_t i = 0; i < size; ++i) {
      content += static_cast<char>('a' + i % 26);
    }
    const auto file = root() / ("blob" + std::to_string(size));
    test::write_file(file, content);
    auto expected = git(root(), {"hash-object", file.string()});
    expected.pop_back();
    const std::string header = "blob " + std::to_string(size) + std::string(1, '\0');
    EXPECT_EQ(hex_of(header + content), expected) << size;
  }
}

} // namespace mr::util
