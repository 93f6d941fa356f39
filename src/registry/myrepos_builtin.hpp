// Private to src/registry: myrepos' built-in configuration, as text in its own INI format.
#pragma once

#include <string_view>

namespace mr::registry::myrepos {

// The file myrepos reads before any other (its [ALIAS] and [DEFAULT]); read with
// parse_ini() under the name "(myrepos)".
std::string_view builtin_config();

} // namespace mr::registry::myrepos
