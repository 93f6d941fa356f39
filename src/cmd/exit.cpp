#include <mr/cmd/exit.hpp>
#include <mr/render/renderer.hpp>

namespace mr::cmd {

std::string usage_text(std::string_view what, std::string_view usage) {
  return std::string(what) + " (usage: " + std::string(usage) + ")";
}

int exit_error(std::string_view message, bool color, const std::stop_token& interrupt) {
  render::print_error(message, color);
  return interrupt.stop_requested() ? k_exit_interrupted : k_exit_usage;
}

int exit_error(const Error& error, bool color, const std::stop_token& interrupt) {
  if (error.cancelled()) {
    return k_exit_interrupted;
  }
  return exit_error(error.message, color, interrupt);
}

int run_status(bool failed, const std::stop_token& interrupt) {
  if (interrupt.stop_requested()) {
    return k_exit_interrupted;
  }
  return failed ? k_exit_failed : k_exit_ok;
}

} // namespace mr::cmd
