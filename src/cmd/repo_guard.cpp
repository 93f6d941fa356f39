#include "repo_guard.hpp"

#include <array>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <dirent.h>
#include <string_view>
#include <sys/stat.h>

#include <mr/util/file_io.hpp>
#include <mr/util/paths.hpp>
#include <mr/util/strings.hpp>
#include <mr/util/test_point.hpp>

namespace mr::cmd {

namespace {

// What git's own test for a git directory looks at: HEAD, and an objects directory.
bool looks_bare(const std::filesystem::path& path) {
  struct stat head {};
  struct stat objects {};
  return ::lstat((path / "HEAD").c_str(), &head) == 0 &&
         ::stat((path / "objects").c_str(), &objects) == 0 && S_ISDIR(objects.st_mode);
}

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

} // namespace

Result<void> check_work_tree(const std::filesystem::path& path, bool own_dot_git) {
  const auto dot_git = path / ".git";
  struct stat st {};
  const int rc = own_dot_git ? ::lstat(dot_git.c_str(), &st) : ::stat(dot_git.c_str(), &st);
  if (rc == 0) {
    if (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)) {
      return {};
    }
    if (S_ISLNK(st.st_mode)) {
      return fail("not a git repository of its own (" + dot_git.string() +
                  " is a symbolic link, which a repository listed by an untrusted registry "
                  "file may not have)");
    }
    return fail("not a git repository (" + dot_git.string() +
                " is neither a directory nor a .git file)");
  }
  const int err = errno;
  if (err != ENOENT && err != ENOTDIR) {
    return fail("cannot read " + path.string() + ": " + util::errno_text(err));
  }
  if (looks_bare(path)) {
    return fail("a bare repository (mr manages repositories with a work tree)");
  }
  return fail("not a git repository (" + path.string() +
              " has no .git; mr acts only in the top directory of a git work tree)");
}

std::string repository_type(const std::filesystem::path& path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> k_marks{{
      {".git", "git"},
      {".svn", "svn"},
      {".bzr", "bzr"},
      {"CVS", "cvs"},
      {".hg", "hg"},
      {"_darcs", "darcs"},
      {"_FOSSIL_", "fossil"},
      {".fslckout", "fossil"},
      {".sgdrawer", "veracity"},
  }};
  for (const auto& [mark, type] : k_marks) {
    if (util::exists(path / mark)) {
      return std::string(type);
    }
  }
  return looks_bare(path) ? "git_bare" : "";
}

std::vector<std::pair<std::string, std::string>> guard_env(const registry::Repo& repo) {
  std::vector<std::pair<std::string, std::string>> env;
  const auto parent = repo.path.parent_path();
  // A ':' cannot be written in the list; the check of the .git directory still holds.
  if (parent != repo.path && parent.native().find(':') == std::string::npos) {
    // git stops before a ceiling directory; the user's own ceilings still apply.
    const auto theirs = env_or_empty("GIT_CEILING_DIRECTORIES");
    env.emplace_back("GIT_CEILING_DIRECTORIES",
                     parent.string() + (theirs.empty() ? "" : ":" + theirs));
  }
  if (!repo.trusted) {
    // Appended to the user's GIT_CONFIG_COUNT entries; a count git would reject is left
    // alone (git then refuses to run at all).
    const auto count_text = env_or_empty("GIT_CONFIG_COUNT");
    unsigned long count = 0;
    if (count_text.empty() || util::parse_unsigned(count_text, count)) {
      const auto n = std::to_string(count);
      env.emplace_back("GIT_CONFIG_KEY_" + n, "safe.bareRepository");
      env.emplace_back("GIT_CONFIG_VALUE_" + n, "explicit");
      env.emplace_back("GIT_CONFIG_COUNT", std::to_string(count + 1));
    }
  }
  return env;
}

bool is_empty_directory(const std::filesystem::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return false;
  }
  if (st.st_nlink > 2) {
    return false; // it has subdirectories (where the link count says so): no need to read it
  }
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) {
    return false;
  }
  bool empty = true;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") {
      empty = false;
      break;
    }
  }
  ::closedir(dir);
  return empty;
}

std::optional<std::string> enter_failure(const std::filesystem::path& path) {
  struct stat st {};
  const int err = ::stat(path.c_str(), &st) != 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
  if (err == 0) {
    return std::nullopt;
  }
  return "failed to chdir to " + path.string() + "/: " + util::errno_text(err);
}

Result<std::filesystem::path> still_inside(const registry::Repo& repo) {
  if (!repo.confined_to) {
    return repo.path;
  }
  // A path that cannot be resolved (too long, a symlink loop, a directory that cannot be
  // read) is not one that leads elsewhere: say what the kernel said.
  auto resolved = util::resolve_path(repo.path);
  if (!resolved) {
    return fail("cannot resolve " + resolved.error().message);
  }
  if (!util::depth_below(*resolved, *repo.confined_to)) {
    return fail(repo.path.string() + " resolves to " + resolved->string() + ", outside " +
                repo.confined_to->string() + ", where its registry " + repo.location.file.string() +
                " may not reach; refusing to touch it");
  }
  return resolved;
}

Result<void> make_parent(const registry::Repo& repo) {
  const auto parent = repo.path.parent_path();
  if (!repo.confined_to) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return fail("cannot create " + parent.string() + ": " + ec.message());
    }
    return {};
  }
  util::test_point("checkout.before_create");
  MR_TRY_VAR(target, still_inside(repo));
  util::test_point("checkout.after_check");
  const auto below = target->parent_path().lexically_relative(*repo.confined_to);
  if (auto made = util::make_directories_beneath(*repo.confined_to, below); !made) {
    return fail("cannot create " + parent.string() + ": " + made.error().message);
  }
  MR_TRY(still_inside(repo));
  return {};
}

} // namespace mr::cmd
