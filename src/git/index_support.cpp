// index_libgit2_cannot_read(): what in a repository's index libgit2 1.5 refuses and git
// reads (status.hpp).
#include <mr/git/status.hpp>
#include <mr/util/file_io.hpp>
#include <mr/util/strings.hpp>

#include "index_file.hpp"

namespace mr::git {

namespace {

// The repository's own git directory: `.git`, or where a `.git` file ("gitdir: DIR", a
// linked worktree or a submodule) points.
std::optional<std::filesystem::path> git_dir_of(const std::filesystem::path& repo) {
  const auto dot_git = repo / ".git";
  std::error_code ec;
  if (std::filesystem::is_directory(dot_git, ec)) {
    return dot_git;
  }
  const auto text = util::read_file(dot_git);
  if (!text) {
    return std::nullopt;
  }
  std::string_view line = util::trim(*text);
  if (!util::consume_prefix(line, "gitdir: ")) {
    return std::nullopt;
  }
  const std::filesystem::path dir(line);
  return dir.is_absolute() ? dir : repo / dir;
}

std::string what_extension(const std::string& signature) {
  if (signature == "link") {
    return " (a split index: core.splitIndex)";
  }
  if (signature == "sdir") {
    return " (a sparse index: sparse-checkout --sparse-index)";
  }
  return "";
}

} // namespace

std::optional<std::string> index_libgit2_cannot_read(const std::filesystem::path& repo) {
  const auto dir = git_dir_of(repo);
  if (!dir) {
    return std::nullopt;
  }
  // Read as git reads it: a damaged index is refused here too, and libgit2's error stands.
  IndexReadOptions options;
  options.split_entries = true;
  const auto index = IndexFile::read(*dir / "index", options);
  if (!index) {
    return std::nullopt;
  }
  for (const auto& ext : index->extensions()) {
    // libgit2 1.5 knows TREE, REUC and NAME, and skips the optional ones (capitalised);
    // any other is a required extension it refuses.
    if (!ext.optional()) {
      return "its index has the '" + ext.signature + "' extension" + what_extension(ext.signature) +
             ", which libgit2 cannot read";
    }
  }
  if (index->skip_hash()) {
    return "its index has no checksum (index.skipHash), which libgit2 cannot read";
  }
  return std::nullopt;
}

} // namespace mr::git

namespace mr::git {

RepoStatus status_from_porcelain_v2(std::string_view porcelain, std::string_view stash_list) {
  RepoStatus st;
  bool has_ab = false;
  for (const auto& line : util::split_lines(porcelain)) {
    std::string_view rest = line;
    if (util::consume_prefix(rest, "# branch.oid ")) {
      st.unborn = rest == "(initial)";
      st.head_abbrev = st.unborn ? "" : std::string(rest.substr(0, 7));
    } else if (util::consume_prefix(rest, "# branch.head ")) {
      st.detached = rest == "(detached)";
      st.branch = st.detached ? "" : std::string(rest);
    } else if (util::consume_prefix(rest, "# branch.upstream ")) {
      Upstream up;
      up.name = rest;
      st.upstream = std::move(up);
    } else if (util::consume_prefix(rest, "# branch.ab +")) {
      const auto minus = rest.find(" -");
      if (st.upstream && minus != std::string_view::npos) {
        st.upstream->ahead = std::stoull(std::string(rest.substr(0, minus)));
        st.upstream->behind = std::stoull(std::string(rest.substr(minus + 2)));
        has_ab = true;
      }
    } else if ((line.starts_with("1 ") || line.starts_with("2 ")) && line.size() > 3) {
      st.staged += line[2] != '.' ? 1U : 0U;
      st.modified += line[3] != '.' ? 1U : 0U;
    } else if (line.starts_with("u ")) {
      ++st.conflicted;
    } else if (line.starts_with("? ")) {
      ++st.untracked_count;
    }
  }
  if (st.upstream && !has_ab) {
    st.upstream->gone = true; // configured, but git has nothing to count against
  }
  for (const auto& line : util::split_lines(stash_list)) {
    st.stashes.emplace_back(line);
  }
  return st;
}

} // namespace mr::git
