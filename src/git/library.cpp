#include <git2.h>

#include <mr/git/library.hpp>

#include "net_stream.hpp"
#include "shared_config.hpp"

namespace mr::git {

namespace {
// Only ever touched by the main thread before workers exist, and after they are gone.
bool g_initialised = false;
} // namespace

void initialise() {
  if (g_initialised) {
    return;
  }
  git_libgit2_init();
  // With unlimited mapped-window files, many workers over repos with many packs run out of
  // descriptors (libgit2 #2758); 128 per process is plenty and keeps us under ulimit -n.
  git_libgit2_opts(GIT_OPT_SET_MWINDOW_FILE_LIMIT, 128);
  load_shared_config();
  register_net_stream(); // cancellable, time-limited connections (net_stream.hpp)
  g_initialised = true;
}

Library::~Library() {
  if (g_initialised) {
    git_libgit2_shutdown();
    g_initialised = false;
  }
}

const char* version() {
  return LIBGIT2_VERSION;
}

} // namespace mr::git
