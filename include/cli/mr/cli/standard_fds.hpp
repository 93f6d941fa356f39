// Standard input, output and error that mr was started without (`mr list >&-`). The first
// file mr opened would otherwise take the free number, and what it printed would go there
// (or fail with a confusing error). Called first thing in main, before any file is opened.
#pragma once

namespace mr::cli {

// Each of descriptors 0, 1 and 2 that is closed is made /dev/null opened the wrong way
// round: 0 for writing, 1 and 2 for reading. They stay taken, and what is done with them
// still fails as on a closed descriptor, with EBADF ("Bad file descriptor"): output to a
// closed stdout is still a write error, and a child reading a closed stdin still cannot.
// If /dev/null cannot be opened, mr exits with status 1 rather than run that way.
void claim_standard_fds() noexcept;

} // namespace mr::cli
