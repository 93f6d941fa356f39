// What the fuzz targets share: splitting an input into parts, a private scratch directory,
// confining file opens to it, and failing loudly when a property does not hold.
//
// The targets are built two ways: with libFuzzer (the fuzz preset, clang) and, in every
// other build, as replay programs (replay_main.cpp) that run the committed corpus and
// regression inputs once each, so the targets keep compiling and the inputs keep passing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace mr::fuzz {

namespace fs = std::filesystem;

// `data` cut at the first `max_parts - 1` occurrences of `separator`; the last part keeps
// the rest, separators included. Always at least one (possibly empty) part.
std::vector<std::string_view> split(const std::uint8_t* data, std::size_t size, char separator,
                                    std::size_t max_parts);

// A directory of this process's own under $MR_FUZZ_TMP (default /dev/shm, a tmpfs, as the
// targets write files on every input; else $TMPDIR or /tmp), created on first use and
// removed at normal exit (after a crash, by the next target that starts).
const fs::path& scratch_dir();

// Writes `content` to `path` with mode 0644, creating its parent directories; aborts on
// failure (the scratch directory is ours, so a failure is a broken machine, not a finding).
void write_file(const fs::path& path, std::string_view content);

// Removes `path` if it exists.
void remove_file(const fs::path& path);

// While a Confinement lives, opening for reading (open(), openat(), fopen()), listing a
// directory (opendir()) and glob() fail for any path outside `dir` (EACCES, GLOB_NOMATCH), so a
// fuzzed `include = "/dev/zero"` or `include = "/*/*"` cannot read the machine's files: results
// stay the same on every machine, and the target never blocks on a device or a FIFO it did not
// create. Metadata calls (stat, realpath) are not confined. Construction checks that confinement
// works and aborts if it does not (for instance after the loader changed how it opens files).
class Confinement {
public:
  explicit Confinement(const fs::path& dir);
  ~Confinement();
  Confinement(const Confinement&) = delete;
  Confinement& operator=(const Confinement&) = delete;
};

// MR_FUZZ_STRICT=1 in the environment: also check the properties that are known not to
// hold yet (their reproducers are in fuzz/known-crashes/TARGET/), to test a fix.
bool strict();

// A property the code under test promises; aborts with `what` when it does not hold, which
// libFuzzer reports as a crash and saves the input.
void require(bool holds, std::string_view what);

} // namespace mr::fuzz
