#include <git2.h>

#include <mr/git/library.hpp>

namespace mr::git {

Library::Library() {
  git_libgit2_init();
  // With unlimited mapped-window files, many workers over repos with many packs run out of
  // descriptors (libgit2 #2758); 128 per process is plenty and keeps us under ulimit -n.
  git_libgit2_opts(GIT_OPT_SET_MWINDOW_FILE_LIMIT, 128);
}

Library::~Library() {
  git_libgit2_shutdown();
}

const char* version() {
  return LIBGIT2_VERSION;
}

} // namespace mr::git
