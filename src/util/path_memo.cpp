// Why a directory's answer can be reused: a path walk is a walk of its parent, then one
// step. For physical() (fs::weakly_canonical: the longest existing prefix canonicalised,
// the rest appended), a child of a missing or non-directory parent is missing too and
// lies at the parent's answer plus its name; a child of a directory that is not a symlink
// lies at the directory's answer plus its name. Only a symlink as the last step needs
// the whole path resolved again, which is left to physical() itself. For resolve_path(),
// the walk's state after a directory (where it stands, the missing tail, the links
// followed so far, which bound the loop check) is all the next step needs.
#include <cerrno>
#include <sys/stat.h>

#include <climits>

#include <mr/util/path_memo.hpp>
#include <mr/util/paths.hpp>

#include "path_walk.hpp"

namespace mr::util {

bool PathMemo::is_normal_absolute(std::string_view p) {
  if (p.empty() || p.front() != '/') {
    return false;
  }
  if (p.size() == 1) {
    return true;
  }
  std::size_t start = 1;
  while (start <= p.size()) {
    const auto end = std::min(p.find('/', start), p.size());
    const auto part = p.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") {
      return false; // "//", a trailing "/", or a dot component
    }
    start = end + 1;
  }
  return true;
}

namespace {

bool too_long(const fs::path& p) {
  return p.native().size() >= PATH_MAX;
}

} // namespace

// physical(p) by itself, for what the parent's answer does not decide.
PathMemo::Physical PathMemo::physical_alone(const fs::path& p) {
  using Kind = Physical::Kind;
  struct stat st {};
  if (::stat(p.c_str(), &st) == 0) {
    return {S_ISDIR(st.st_mode) ? Kind::directory : Kind::other, util::physical(p)};
  }
  if (errno == ENOENT || errno == ENOTDIR) {
    return {Kind::missing, util::physical(p)};
  }
  return {Kind::error, {}};
}

PathMemo::Physical PathMemo::physical_of(const fs::path& p, const Physical& parent) {
  using Kind = Physical::Kind;
  switch (parent.kind) {
  case Kind::error:
    return {Kind::error, {}}; // the walk fails at the parent, or before it
  case Kind::missing:
  case Kind::other:
    return {Kind::missing, parent.path / p.filename()};
  case Kind::directory:
    break;
  }
  fs::path here = parent.path / p.filename();
  if (too_long(p) || too_long(here)) {
    return physical_alone(p); // as the kernel: ENAMETOOLONG, whatever the parent was
  }
  struct stat st {};
  if (::lstat(here.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return {Kind::missing, std::move(here)};
    }
    return physical_alone(p);
  }
  if (S_ISLNK(st.st_mode)) {
    return physical_alone(p);
  }
  return {S_ISDIR(st.st_mode) ? Kind::directory : Kind::other, std::move(here)};
}

const PathMemo::Physical& PathMemo::physical_dir(const fs::path& dir) {
  static const Physical k_root{Physical::Kind::directory, "/"};
  if (dir.native() == "/") {
    return k_root;
  }
  if (auto it = m_physical.find(dir.native()); it != m_physical.end()) {
    return it->second;
  }
  const Physical& parent = physical_dir(dir.parent_path()); // node-based: stays valid
  auto state = physical_of(dir, parent);
  return m_physical.emplace(dir.native(), std::move(state)).first->second;
}

fs::path PathMemo::physical(const fs::path& abs) {
  if (abs.native() == "/" || !is_normal_absolute(abs.native())) {
    return util::physical(abs);
  }
  auto state = physical_of(abs, physical_dir(abs.parent_path()));
  return state.kind == Physical::Kind::error ? abs : std::move(state.path);
}

Result<const PathMemo::Resolved*> PathMemo::resolved_dir(const fs::path& dir, const fs::path& abs) {
  static const Resolved k_root{"/", 0, 0};
  if (dir.native() == "/") {
    return &k_root;
  }
  if (auto it = m_resolved.find(dir.native()); it != m_resolved.end()) {
    return &it->second;
  }
  MR_TRY_VAR(parent, resolved_dir(dir.parent_path(), abs));
  WalkState state{(*parent)->done, (*parent)->missing, (*parent)->links};
  MR_TRY(walk_path(state, dir.filename(), abs)); // a failure is not remembered
  Resolved here{std::move(state.done), state.missing, state.links};
  return &m_resolved.emplace(dir.native(), std::move(here)).first->second;
}

Result<fs::path> PathMemo::resolve(const fs::path& abs) {
  if (abs.native() == "/" || !is_normal_absolute(abs.native())) {
    return resolve_path(abs);
  }
  MR_TRY_VAR(dir, resolved_dir(abs.parent_path(), abs));
  WalkState state{(*dir)->done, (*dir)->missing, (*dir)->links};
  MR_TRY(walk_path(state, abs.filename(), abs));
  return std::move(state.done);
}

} // namespace mr::util
