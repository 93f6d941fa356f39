// Keeping secrets and hostile bytes out of what mr prints. A remote URL may carry a
// password ("https://user:secret@host/repo.git"); every line mr prints that can hold a URL
// (fetch and clone output, error messages, git's own stderr passed through, `list --json`,
// `register`, -v diagnostics) goes through these, so the password never reaches a terminal
// or a log. Text that came from a server is also made one printable line of bounded size.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mr::util {

// `url` with the password of its userinfo replaced by "***":
// "https://user:secret@host/r.git" -> "https://user:***@host/r.git". A URL without a
// password ("https://user@host/r", "ssh://git@host/r"), an scp-like address
// ("user@host:path") and a local path come back unchanged. Percent-encoded userinfo and
// IPv6 hosts ("http://u:p@[::1]:8080/r") are handled. The userinfo ends at the last '@'
// before the path, whatever it holds: an unencoded '@', a space or a control character
// ("https://kim:SE\nKRET@host/r") in the password is covered too.
std::string redact_url(std::string_view url);

// Every "scheme://" URL inside free text (an error message, a program's stderr) redacted
// as redact_url() does, except that a space or a quote also ends a URL there (control
// characters do not); the rest of the text unchanged.
std::string redact_urls(std::string_view text);

// `text` (a message from a server or a helper) as one line a terminal can show: newlines,
// tabs and other control characters become spaces, and past `max` bytes it is cut and
// ends in " (truncated)".
std::string printable_line(std::string_view text, std::size_t max = 1024);

} // namespace mr::util
