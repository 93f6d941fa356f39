#include <string>

#include <git2.h>

#include <mr/git/library.hpp>

#include "net_stream.hpp"
#include "shared_config.hpp"

namespace mr::git {

namespace {
// Only ever touched by the main thread before workers exist, and after they are gone.
bool g_initialised = false;
} // namespace

Result<void> initialise() {
  if (g_initialised) {
    return {};
  }
  // net_stream.cpp mirrors a private structure of the libgit2 it was compiled against
  // (checked at compile time there): a different library at run time would corrupt it.
  int major = 0;
  int minor = 0;
  int rev = 0;
  git_libgit2_version(&major, &minor, &rev);
  if (major != LIBGIT2_VER_MAJOR || minor != LIBGIT2_VER_MINOR) {
    return fail("mr was built for libgit2 " LIBGIT2_VERSION " but runs with libgit2 " +
                std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(rev) +
                ": rebuild mr against this libgit2 (or install libgit2 " +
                std::to_string(LIBGIT2_VER_MAJOR) + "." + std::to_string(LIBGIT2_VER_MINOR) + ")");
  }
  git_libgit2_init();
  // With unlimited mapped-window files, many workers over repos with many packs run out of
  // descriptors (libgit2 #2758); 128 per process is plenty and keeps us under ulimit -n.
  git_libgit2_opts(GIT_OPT_SET_MWINDOW_FILE_LIMIT, 128);
  load_shared_config();
  register_net_stream(); // cancellable, time-limited connections (net_stream.hpp)
  g_initialised = true;
  return {};
}

Library::~Library() {
  if (g_initialised) {
    git_libgit2_shutdown();
    g_initialised = false;
  }
}

std::string version() {
  int major = 0;
  int minor = 0;
  int rev = 0;
  git_libgit2_version(&major, &minor, &rev);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(rev);
}

} // namespace mr::git
