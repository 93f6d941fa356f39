#include <algorithm>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mr/registry/registry.hpp>
#include <mr/registry/trust.hpp>
#include <mr/util/file_io.hpp>
#include <mr/util/paths.hpp>
#include <mr/util/strings.hpp>

namespace mr::registry {

namespace {

// As Debian's ssh: group write is harmless when the group is the user's alone (a user private
// group, as with umask 002): the user is its only member, as primary group or listed.
bool group_is_users_alone(unsigned gid) {
  const group* gr = ::getgrgid(gid);
  if (gr == nullptr) {
    return false;
  }
  std::vector<std::string> listed;
  for (char** m = gr->gr_mem; *m != nullptr; ++m) {
    listed.emplace_back(*m);
  }
  const uid_t me = ::geteuid();
  std::size_t members = 0;
  bool others = false;
  ::setpwent();
  while (const passwd* pw = ::getpwent()) {
    if (pw->pw_gid == gid) {
      ++members;
      others = others || pw->pw_uid != me;
    }
  }
  ::endpwent();
  const std::string& self = util::current_account().name;
  for (const auto& name : listed) {
    ++members;
    others = others || self.empty() || name != self;
  }
  return members > 0 && !others;
}

} // namespace

std::optional<std::string> never_trusted_because(const std::filesystem::path& file,
                                                 const util::RegularFile& read) {
  const std::string name = file.string();
  const bool group = (read.mode & S_IWGRP) != 0 && !group_is_users_alone(read.group);
  const bool others = (read.mode & S_IWOTH) != 0;
  if (group || others) {
    const std::string who = group && others ? "its group and others"
                            : group         ? "its group"
                                            : "others";
    return name + " is writable by " + who + ", so it is never trusted; chmod " +
           (others ? "go-w " : "g-w ") + name;
  }
  if (read.owner != ::geteuid() && read.owner != 0) {
    return name + " belongs to uid " + std::to_string(read.owner) +
           ", neither you nor root, so it is never trusted; if you trust it, copy it to a file "
           "of your own";
  }
  return std::nullopt;
}

Result<TrustList> TrustList::read(const std::filesystem::path& home) {
  TrustList list;
  list.add(util::absolute_normal(home / k_file_name, "/"));
  const auto trust_file = home / ".mrtrust";
  if (!util::exists(trust_file)) {
    return list;
  }
  auto file = util::read_regular_file(trust_file, k_max_file_size);
  if (!file) {
    return fail("cannot read " + file.error().message);
  }
  if (auto why = never_trusted_because(trust_file, *file)) {
    return fail(*why);
  }
  for (auto line : util::split_lines(file->content)) {
    line = util::trim(line);
    if (line.empty() || line.front() == '#') {
      continue;
    }
    list.add(util::absolute_normal(util::expand_user(line, home), home));
  }
  return list;
}

void TrustList::add(const std::filesystem::path& file) {
  m_files.push_back({util::physical_location(file), util::physical(file)});
}

bool TrustList::trusts(const std::filesystem::path& file) const {
  const auto location = util::physical_location(file);
  const auto target = util::physical(file);
  return std::any_of(m_files.begin(), m_files.end(), [&](const Entry& e) {
    return e.location == location ||
           (e.target == target && e.location.parent_path() == location.parent_path());
  });
}

std::optional<std::filesystem::path>
TrustList::listed_target(const std::filesystem::path& file) const {
  const auto target = util::physical(file);
  for (const auto& e : m_files) {
    if (e.target == target) {
      return e.location;
    }
  }
  return std::nullopt;
}

} // namespace mr::registry
