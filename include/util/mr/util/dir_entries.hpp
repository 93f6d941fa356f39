// Listing a directory with the fewest system calls, for the loops that list thousands of
// them (status's fast path): getdents64 on a descriptor the caller opened, no DIR stream
// (fdopendir costs an fstat and two fcntl calls per directory).
#pragma once

#include <functional>
#include <string_view>

namespace mr::util {

// Calls visit(name, type) for every entry of the directory open at `fd` but "." and "..";
// `type` is the dirent d_type (DT_DIR, DT_REG, DT_LNK, ... or DT_UNKNOWN when the file
// system does not say). visit returns false to stop early. Returns 0, or the errno of the
// failed read. `fd` stays open and is left at an unspecified position.
int for_each_entry(int fd,
                   const std::function<bool(std::string_view name, unsigned char type)>& visit);

} // namespace mr::util
