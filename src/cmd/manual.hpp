// Private to src/cmd: the parts of mr(1) that `mr help ACTION` prints. The page's scdoc
// source is built into the binary (src/cmd/man_source.cpp.in), so the help is the manual's
// text, never a second copy that drifts from it.
#pragma once

#include <string>
#include <string_view>

namespace mr::cmd {

// man/mr.1.scd, as built.
std::string_view man_page_source();

// The entry of ACTIONS whose heading names `action` (a built-in's canonical name), as plain
// text: its heading, then its paragraphs indented by four spaces, scdoc's *bold* and
// _underline_ marks dropped. Empty when the page has no such entry.
std::string manual_entry(std::string_view scd, std::string_view action);

} // namespace mr::cmd
