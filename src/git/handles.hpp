// Private to src/git: owning handles for libgit2 objects, and reading its thread-local
// error right after a failing call.
#pragma once

#include <memory>
#include <string>

#include <git2.h>

#include "error.hpp"

namespace mr::git {

template <class T, void (*Free)(T*)>
struct Free_ {
  void operator()(T* p) const { Free(p); }
};

using RepoPtr = std::unique_ptr<git_repository, Free_<git_repository, git_repository_free>>;
using ConfigPtr = std::unique_ptr<git_config, Free_<git_config, git_config_free>>;
using RefPtr = std::unique_ptr<git_reference, Free_<git_reference, git_reference_free>>;
using CommitPtr = std::unique_ptr<git_commit, Free_<git_commit, git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, Free_<git_tree, git_tree_free>>;
using ObjectPtr = std::unique_ptr<git_object, Free_<git_object, git_object_free>>;
using IndexPtr = std::unique_ptr<git_index, Free_<git_index, git_index_free>>;
using StatusListPtr =
    std::unique_ptr<git_status_list, Free_<git_status_list, git_status_list_free>>;
using DiffPtr = std::unique_ptr<git_diff, Free_<git_diff, git_diff_free>>;
using OdbPtr = std::unique_ptr<git_odb, Free_<git_odb, git_odb_free>>;
using ReflogPtr = std::unique_ptr<git_reflog, Free_<git_reflog, git_reflog_free>>;
using SubmodulePtr = std::unique_ptr<git_submodule, Free_<git_submodule, git_submodule_free>>;
using BlobPtr = std::unique_ptr<git_blob, Free_<git_blob, git_blob_free>>;
using PatchPtr = std::unique_ptr<git_patch, Free_<git_patch, git_patch_free>>;
using RemotePtr = std::unique_ptr<git_remote, Free_<git_remote, git_remote_free>>;
using RefspecPtr = std::unique_ptr<git_refspec, Free_<git_refspec, git_refspec_free>>;
using RefIteratorPtr = std::unique_ptr<git_reference_iterator,
                                       Free_<git_reference_iterator, git_reference_iterator_free>>;
using ConfigIteratorPtr =
    std::unique_ptr<git_config_iterator, Free_<git_config_iterator, git_config_iterator_free>>;
// An entry git_config_get_entry() hands over; entries met while iterating belong to the
// iterator and are never wrapped.
using ConfigEntryPtr =
    std::unique_ptr<git_config_entry, Free_<git_config_entry, git_config_entry_free>>;

struct Buf {
  git_buf buf = GIT_BUF_INIT;
  Buf() = default;
  Buf(const Buf&) = delete;
  Buf& operator=(const Buf&) = delete;
  ~Buf() { git_buf_dispose(&buf); }
  std::string str() const { return buf.ptr != nullptr ? std::string(buf.ptr, buf.size) : ""; }
};

} // namespace mr::git
