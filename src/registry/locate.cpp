#include <cstdlib>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

#include <mr/registry/locate.hpp>
#include <mr/registry/registry.hpp>
#include <mr/util/file_io.hpp>
#include <mr/util/paths.hpp>
#include <mr/util/strings.hpp>

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

bool set(const char* value) {
  return value != nullptr && *value != '\0';
}

// The nearest .mrconfig.toml from `cwd` up, stopping below $HOME (whose file is loaded
// anyway) or at the filesystem root when the walk never passes $HOME.
std::optional<RootFile> nearest_file(const std::filesystem::path& cwd,
                                     const std::filesystem::path& home_abs) {
  for (auto dir = cwd;; dir = dir.parent_path()) {
    if (dir == home_abs) {
      break;
    }
    const auto candidate = dir / k_file_name;
    if (util::exists(candidate)) {
      if (inside_home(dir, home_abs)) {
        return RootFile{candidate, RootSource::nearest};
      }
      if (owned_by_user(candidate)) {
        return RootFile{candidate, RootSource::nearest, true};
      }
    }
    if (dir == dir.root_path() || !dir.has_parent_path()) {
      break;
    }
  }
  return std::nullopt;
}

// A parent mr's roots, when $MR_CONFIG is still what that parent set for this command.
std::optional<Roots> inherited(const RootEnvironment& env) {
  if (!set(env.roots) || !set(env.config_for) || std::string_view(env.config) != env.config_for) {
    return std::nullopt;
  }
  // The parent checked each file as it found it (a nearest file outside $HOME belongs to
  // the user); -c and $MR_CONFIG files need no owner check, so none is made here.
  Roots roots;
  for (const auto line : util::split_lines(env.roots)) {
    const std::filesystem::path path(line);
    if (path.is_absolute()) {
      roots.files.push_back({util::absolute_normal(path, "/"), RootSource::inherited});
    }
  }
  if (roots.files.empty()) {
    return std::nullopt;
  }
  roots.inherited_trust_all = std::string_view(set(env.trust_all) ? env.trust_all : "") == "1";
  return roots;
}

} // namespace

RootEnvironment RootEnvironment::from_process() {
  return {std::getenv("MR_CONFIG"), std::getenv(k_roots_variable),
          std::getenv(k_config_for_variable), std::getenv(k_trust_all_variable)};
}

std::string Roots::exported() const {
  std::string out;
  for (const auto& file : files) {
    if (file.path.native().find('\n') != std::string::npos) {
      return {}; // one per line cannot say it: a nested mr goes by $MR_CONFIG instead
    }
    out += (out.empty() ? "" : "\n") + file.path.string();
  }
  return out;
}

Roots locate_roots(const std::optional<std::filesystem::path>& option, const RootEnvironment& env,
                   const std::filesystem::path& cwd, const std::filesystem::path& home) {
  if (option) {
    return {{{util::absolute_normal(util::expand_user(option->string(), home), cwd),
              RootSource::option}}};
  }
  const auto home_abs = util::absolute_normal(home, "/");
  if (set(env.config)) {
    if (auto parent = inherited(env)) {
      return std::move(*parent);
    }
    return {{{util::absolute_normal(util::expand_user(env.config, home), cwd),
              RootSource::environment}}};
  }
  Roots roots{{{home_abs / k_file_name, RootSource::home}}};
  if (auto nearest = nearest_file(cwd, home_abs)) {
    roots.files.push_back(std::move(*nearest));
  }
  return roots;
}

const RootFile& root_for(const Roots& roots, const util::Place& repo) {
  const RootFile* best = &roots.files.front();
  std::size_t best_depth = 0; // components of the chosen root's directory
  for (const auto& root : roots.files) {
    const auto dir = root.path.parent_path();
    const bool holds = util::depth_below(repo.logical, dir) ||
                       util::depth_below(repo.physical, util::physical(dir));
    const auto depth = static_cast<std::size_t>(std::distance(dir.begin(), dir.end()));
    if (holds && depth > best_depth) {
      best = &root;
      best_depth = depth;
    }
  }
  return *best;
}

} // namespace mr::registry
