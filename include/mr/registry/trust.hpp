// Which registry files may run commands (SPEC §5, as myrepos' ~/.mrtrust). A file that is
// not trusted may only list repositories (url, branch, tags, order, skip/chain flags); any
// command, hook, predicate, setting, alias or include in it is refused, unless -t.
#pragma once

#include <filesystem>
#include <vector>

#include <mr/util/result.hpp>

namespace mr::registry {

class TrustList {
public:
  // ~/.mrconfig.toml plus every file listed in ~/.mrtrust: one path per line, absolute or
  // "~/...", blank lines and "#" comments ignored. A missing ~/.mrtrust is an empty list.
  static Result<TrustList> read(const std::filesystem::path& home);

  // Compared after resolving symlinks, so a link to a trusted file is trusted.
  bool trusts(const std::filesystem::path& file) const;

  static constexpr const char* k_hint = "list it in ~/.mrtrust or run with -t";

private:
  std::vector<std::filesystem::path> m_files; // physical paths
};

} // namespace mr::registry
