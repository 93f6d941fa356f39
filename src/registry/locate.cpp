#include <sys/stat.h>
#include <unistd.h>

#include <mr/registry/locate.hpp>
#include <mr/registry/registry.hpp>
#include <mr/util/file_io.hpp>
#include <mr/util/paths.hpp>

namespace mr::registry {

namespace {

bool inside_home(const std::filesystem::path& dir, const std::filesystem::path& home) {
  return util::depth_below(dir, home) ||
         util::depth_below(util::physical(dir), util::physical(home));
}

// The file, and the symlink to it if it is one, both belong to the user.
bool owned_by_user(const std::filesystem::path& file) {
  struct stat link {};
  struct stat target {};
  return ::lstat(file.c_str(), &link) == 0 && ::stat(file.c_str(), &target) == 0 &&
         link.st_uid == ::geteuid() && target.st_uid == ::geteuid();
}

} // namespace

RootFile locate_root(const std::optional<std::filesystem::path>& option, const char* environment,
                     const std::filesystem::path& cwd, const std::filesystem::path& home) {
  if (option) {
    return {util::absolute_normal(util::expand_user(option->string(), home), cwd),
            RootSource::option};
  }
  if (environment != nullptr && *environment != '\0') {
    return {util::absolute_normal(util::expand_user(environment, home), cwd),
            RootSource::environment};
  }
  // Walk up from the current directory; stop after $HOME (whose file is the default
  // anyway) or at the filesystem root when the walk never passes $HOME.
  const auto home_abs = util::absolute_normal(home, "/");
  for (auto dir = cwd;; dir = dir.parent_path()) {
    if (dir == home_abs) {
      break;
    }
    const auto candidate = dir / k_file_name;
    if (util::exists(candidate)) {
      if (inside_home(dir, home_abs)) {
        return {candidate, RootSource::nearest};
      }
      if (owned_by_user(candidate)) {
        return {candidate, RootSource::nearest, true};
      }
    }
    if (dir == dir.root_path() || !dir.has_parent_path()) {
      break;
    }
  }
  return {home_abs / k_file_name, RootSource::home};
}

} // namespace mr::registry
