// Private to src/cmd: one function per built-in action, each in its own file.
#pragma once

#include <mr/cmd/context.hpp>

namespace mr::cmd {

int run_list(CommandContext& ctx);
int run_register(CommandContext& ctx);
int run_unregister(CommandContext& ctx);

} // namespace mr::cmd
