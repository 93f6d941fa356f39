#include <cstdlib>
#include <cstring>
#include <unistd.h>

#include <mr/render/color.hpp>

namespace mr::render {

std::string paint(std::string_view text, std::string_view color, bool enabled) {
  if (!enabled) {
    return std::string(text);
  }
  return std::string(color) + std::string(text) + std::string(ansi::reset);
}

bool use_color(ColorWhen when, int fd) {
  switch (when) {
  case ColorWhen::always:
    return true;
  case ColorWhen::never:
    return false;
  case ColorWhen::automatic:
    break;
  }
  if (const char* no_color = std::getenv("NO_COLOR"); no_color != nullptr && *no_color != '\0') {
    return false;
  }
  return can_redraw(fd);
}

bool can_redraw(int fd) {
  const char* term = std::getenv("TERM");
  return (term == nullptr || std::strcmp(term, "dumb") != 0) && ::isatty(fd) == 1;
}

} // namespace mr::render
