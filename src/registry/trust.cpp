#include <algorithm>

#include <mr/registry/registry.hpp>
#include <mr/registry/trust.hpp>
#include <mr/util/file_io.hpp>
#include <mr/util/paths.hpp>
#include <mr/util/strings.hpp>

namespace mr::registry {

Result<TrustList> TrustList::read(const std::filesystem::path& home) {
  TrustList list;
  list.m_files.push_back(util::physical(util::absolute_normal(home / k_file_name, "/")));
  const auto trust_file = home / ".mrtrust";
  if (!util::exists(trust_file)) {
    return list;
  }
  auto text = util::read_file(trust_file);
  if (!text) {
    return fail("cannot read " + text.error().message);
  }
  for (auto line : util::split_lines(*text)) {
    line = util::trim(line);
    if (line.empty() || line.front() == '#') {
      continue;
    }
    list.m_files.push_back(
        util::physical(util::absolute_normal(util::expand_user(line, home), home)));
  }
  return list;
}

bool TrustList::trusts(const std::filesystem::path& file) const {
  const auto phys = util::physical(file);
  return std::find(m_files.begin(), m_files.end(), phys) != m_files.end();
}

} // namespace mr::registry
