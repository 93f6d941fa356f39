#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <mr/render/color.hpp>
#include <mr/render/renderer.hpp>
#include <mr/util/strings.hpp>

namespace mr::render {

namespace {

std::string_view name_of(std::FILE* stream) {
  return stream == stderr ? "standard error" : "standard output";
}

[[noreturn]] void fail_write(std::string_view name, int err) {
  if (err == EPIPE) {
    throw OutputClosed(name);
  }
  throw OutputError(name, err == 0 ? EIO : err);
}

void write_raw(std::FILE* stream, std::string_view text, std::string_view name) {
  errno = 0;
  if (!text.empty() && std::fwrite(text.data(), 1, text.size(), stream) != text.size()) {
    fail_write(name, errno);
  }
}

void flush_raw(std::FILE* stream, std::string_view name) {
  errno = 0;
  if (std::fflush(stream) != 0 || std::ferror(stream) != 0) {
    fail_write(name, errno);
  }
}

std::string with_newline(std::string_view text) {
  std::string out(text);
  if (!out.empty() && out.back() != '\n') {
    out += '\n';
  }
  return out;
}

std::size_t terminal_width(std::FILE* stream) {
  winsize ws{};
  if (::ioctl(::fileno(stream), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    return ws.ws_col;
  }
  return 80;
}

// The first `columns` code points of `text`.
std::string_view clip(std::string_view text, std::size_t columns) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (count == columns) {
        return text.substr(0, i);
      }
      ++count;
    }
  }
  return text;
}

} // namespace

OutputError::OutputError(std::string_view stream, int error_number)
    : std::runtime_error("write error on " + std::string(stream) + ": " +
                         util::errno_text(error_number)),
      m_errno(error_number) {}

OutputClosed::OutputClosed(std::string_view stream) : OutputError(stream, EPIPE) {}

Renderer::Renderer(std::string action, Options options, std::FILE* out, std::FILE* err)
    : m_action(std::move(action)), m_options(options), m_out(out), m_err(err) {}

std::string_view Renderer::stream_name(std::FILE* stream) const {
  return stream == m_err ? "standard error" : "standard output";
}

void Renderer::flush(std::FILE* stream) {
  flush_raw(stream, stream_name(stream));
}

void Renderer::check_output_open() const {
  for (std::FILE* stream : {m_out, m_err}) {
    const int fd = ::fileno(stream);
    pollfd p{fd, 0, 0};
    // A pipe whose reader has gone reports POLLERR (a file or terminal never does).
    if (fd >= 0 && ::poll(&p, 1, 0) == 1 && (p.revents & POLLERR) != 0) {
      throw OutputClosed(stream_name(stream));
    }
  }
}

void Renderer::write(std::FILE* stream, std::string_view text) {
  if (text.empty()) {
    return;
  }
  erase_progress();
  // stdout and stderr often end up in the same place; keep them in the order written.
  if (m_last != nullptr && m_last != stream) {
    flush(m_last);
  }
  m_last = stream;
  write_raw(stream, text, stream_name(stream));
}

// The block's output, streamed from wherever it is kept, with a final newline if missing.
void Renderer::write_output(std::FILE* stream, const task::OutputBuffer& output) {
  std::string error;
  if (!output.for_each([&](std::string_view piece) { write(stream, piece); }, &error)) {
    write(stream, "\n");
    write(m_err, "mr " + m_action + ": " + error + "\n");
    return;
  }
  if (!output.empty() && output.back() != '\n') {
    write(stream, "\n");
  }
}

// One line of JSON whose "output" member is streamed, escaped piece by piece.
void Renderer::write_json(const Block& block) {
  JsonObject head;
  head.add("type", "repo")
      .add("path", block.path)
      .add("action", block.action.value_or(m_action))
      .add("status", task::json_name(block.status))
      .add("exit_code", block.exit_code);
  JsonObject tail;
  if (block.subdir) {
    tail.add("subdir", *block.subdir);
  }
  if (!block.reason.empty()) {
    tail.add("error", block.reason);
  }
  tail.append(block.fields);
  write(m_out, "{" + head.body() + ",\"output\":\"");
  JsonStringStream escaped;
  for (const task::OutputBuffer* part : {&block.output, &block.errors}) {
    std::string error;
    if (!part->for_each([&](std::string_view piece) { write(m_out, escaped.feed(piece)); },
                        &error)) {
      write(m_err, "mr " + m_action + ": " + error + "\n");
    }
  }
  write(m_out, escaped.finish() + "\"" + (tail.empty() ? "" : "," + tail.body()) + "}\n");
  flush(m_out);
}

void Renderer::erase_progress() {
  if (m_progress_shown) {
    flush(m_out);
    write_raw(m_err, "\r" + std::string(ansi::erase_to_eol), stream_name(m_err));
    flush(m_err);
    m_progress_shown = false;
  }
}

void Renderer::redraw_progress() {
  if (!m_options.progress || m_progress.empty()) {
    return;
  }
  if (m_last != nullptr) {
    flush(m_last);
  }
  const std::string line = "\r" + std::string(clip(m_progress, terminal_width(m_err) - 1)) +
                           std::string(ansi::erase_to_eol);
  write_raw(m_err, line, stream_name(m_err));
  flush(m_err);
  m_progress_shown = true;
}

void Renderer::progress(std::size_t done, std::size_t total, std::string_view label) {
  if (!m_options.progress) {
    return;
  }
  m_progress =
      fmt::format("[{}/{}] {}{}{}", done, total, m_action, label.empty() ? "" : " ", label);
  redraw_progress();
}

std::string Renderer::header(const Block& block) const {
  std::string h = "mr " + block.action.value_or(m_action) + ": " + block.path;
  if (block.subdir) {
    h += " (in subdir " + *block.subdir + ")";
  }
  return h;
}

void Renderer::table_row(const Block& block, bool failed) {
  if (failed) {
    m_rows.push_back({block.label, paint("error: " + block.reason, ansi::red, m_options.color)});
  } else if (!block.cells.empty() && !m_options.quiet) {
    std::vector<std::string> row{block.label};
    row.insert(row.end(), block.cells.begin(), block.cells.end());
    m_rows.push_back(std::move(row));
  }
}

void Renderer::start(const Block& block) {
  write(m_out, paint(header(block), ansi::bold, m_options.color) + "\n");
  flush(m_out);
}

void Renderer::notice(std::string_view line) {
  write(m_err, with_newline(line));
  flush(m_err);
}

void Renderer::block(const Block& block, const std::function<void()>& after_failure) {
  const auto tally = task::tally(block.status);
  switch (tally) {
  case task::Tally::ok:
    ++m_ok;
    break;
  case task::Tally::failed:
    m_failed.push_back(block.path);
    break;
  case task::Tally::skipped:
    m_skipped.push_back(block.path);
    break;
  }

  if (m_options.json) {
    write_json(block);
    return;
  }

  const bool failed = tally == task::Tally::failed;
  if (m_options.table) {
    table_row(block, failed);
    redraw_progress();
    return;
  }
  // A cancelled repo shows what it did before it was stopped; one that never started, or
  // chose to skip, shows at most its reason (myrepos prints nothing for a skip).
  const bool cancelled = block.status == task::Status::cancelled;
  if (tally == task::Tally::skipped && !cancelled) {
    if (!m_options.quiet && !m_options.minimal && !block.reason.empty()) {
      write(m_err, "mr " + block.action.value_or(m_action) + ": " + block.reason + "\n");
      flush(m_err);
    }
    redraw_progress();
    return;
  }
  if (block.headerless && failed) {
    headerless_block(block);
    return;
  }
  if (m_options.quiet && !failed) {
    redraw_progress();
    return;
  }
  if (m_options.minimal && !failed && !cancelled && block.output.empty() && block.errors.empty()) {
    redraw_progress();
    return;
  }
  if (!block.started) {
    write(m_out, paint(header(block), ansi::bold, m_options.color) + "\n");
  }
  write_output(m_options.quiet ? m_err : m_out, block.output);
  write_output(m_err, block.errors);
  if (failed || cancelled) {
    const std::string reason = !block.reason.empty() ? block.reason
                               : cancelled           ? std::string("cancelled")
                                                     : std::string("command failed");
    write(m_err, paint("mr " + block.action.value_or(m_action) + ": " + reason, ansi::red,
                       m_options.color_err) +
                     "\n");
  }
  if (failed && after_failure) {
    flush(m_out);
    flush(m_err);
    after_failure();
  }
  write(m_out, "\n");
  flush(m_out);
  flush(m_err);
  redraw_progress();
}

void Renderer::headerless_block(const Block& block) {
  const std::string line = block.bare_reason
                               ? block.reason
                               : "mr " + block.action.value_or(m_action) + ": " + block.reason;
  write(m_err, paint(line, ansi::red, m_options.color_err) + "\n");
  flush(m_err);
  write(m_out, "\n");
  flush(m_out);
  redraw_progress();
}

void Renderer::footer(int exit_status) {
  erase_progress();
  m_progress.clear();
  if (!m_rows.empty()) {
    write(m_out, align_columns(m_rows));
  }
  if (m_options.json) {
    JsonObject obj;
    obj.add("type", "summary")
        .add("action", m_action)
        .add("ok", m_ok)
        .add("failed", m_failed.size())
        .add("skipped", m_skipped.size())
        .add("exit_code", exit_status);
    write(m_out, obj.str() + "\n");
  } else {
    if (!m_options.quiet && !m_options.minimal) {
      std::vector<std::string> parts;
      if (m_ok != 0) {
        parts.push_back(fmt::format("{} ok", m_ok));
      }
      if (!m_failed.empty()) {
        parts.push_back(
            paint(fmt::format("{} failed", m_failed.size()), ansi::red, m_options.color));
      }
      if (!m_skipped.empty()) {
        parts.push_back(fmt::format("{} skipped", m_skipped.size()));
      }
      write(m_out, "mr " + m_action + ": finished (" + util::join(parts, "; ") + ")\n");
    }
    if (m_options.stats) {
      const auto list = [](const std::vector<std::string>& paths) {
        std::string s;
        for (const auto& p : paths) {
          s += (s.empty() ? "" : " ") + p + "/";
        }
        return s;
      };
      if (!m_skipped.empty() && !m_options.quiet && !m_options.minimal) {
        write(m_out, "mr " + m_action + ": (skipped: " + list(m_skipped) + ")\n");
      }
      if (!m_failed.empty()) {
        write(m_err, "mr " + m_action + ": (failed: " + list(m_failed) + ")\n");
      }
    }
  }
  flush(m_out);
  flush(m_err);
}

void Renderer::message(std::string_view line) {
  if (m_options.quiet || m_options.json) {
    return;
  }
  write(m_out, with_newline(line));
  flush(m_out);
}

void Renderer::warning(std::string_view line) {
  write(m_err, "mr " + m_action + ": warning: " + with_newline(line));
  flush(m_err);
}

void Renderer::no_repositories() {
  write(m_err, "mr " + m_action + ": no repositories found to work on\n");
  flush(m_err);
}

void Renderer::still_waiting(std::string_view path) {
  write(m_err, "mr " + m_action + ": still waiting for " + std::string(path) +
                   " (not responding to cancellation)\n");
  flush(m_err);
  redraw_progress();
}

namespace {

// Terminal columns of `text`: code points, not counting ANSI colour sequences.
std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\033') {
      while (i < text.size() && text[i] != 'm') {
        ++i;
      }
      continue;
    }
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++width;
    }
  }
  return width;
}

} // namespace

std::string align_columns(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    for (std::size_t c = 0; c + 1 < row.size(); ++c) {
      if (widths.size() <= c) {
        widths.resize(c + 1, 0);
      }
      widths[c] = std::max(widths[c], display_width(row[c]));
    }
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) {
        line += std::string(widths[c] - display_width(row[c]) + 2, ' ');
      }
    }
    while (!line.empty() && line.back() == ' ') {
      line.pop_back();
    }
    out += line + "\n";
  }
  return out;
}

void BlockSequencer::add(std::size_t index, Block block) {
  if (!m_registry_order) {
    m_renderer.block(block);
    return;
  }
  m_waiting.emplace(index, std::move(block));
  while (!m_waiting.empty() && m_waiting.begin()->first == m_next) {
    m_renderer.block(m_waiting.begin()->second);
    m_waiting.erase(m_waiting.begin());
    ++m_next;
  }
}

void BlockSequencer::flush() {
  for (auto& [index, block] : m_waiting) {
    m_renderer.block(block);
  }
  m_waiting.clear();
}

void print_error(std::string_view message, bool color, std::FILE* err) {
  std::fflush(stdout);
  const std::string line = paint("mr: error: ", ansi::red, color) + std::string(message) + "\n";
  std::fwrite(line.data(), 1, line.size(), err);
  std::fflush(err);
}

void print_text(std::string_view text, std::FILE* out) {
  write_raw(out, text, name_of(out));
  flush_raw(out, name_of(out));
}

void finish_stdout() {
  flush_raw(stdout, "standard output");
}

bool streams_apart() {
  struct stat out {};
  struct stat err {};
  if (::fstat(STDOUT_FILENO, &out) != 0 || ::fstat(STDERR_FILENO, &err) != 0) {
    return false; // one of them closed: nothing to keep apart
  }
  return out.st_dev != err.st_dev || out.st_ino != err.st_ino;
}

std::size_t output_columns() {
  if (const char* env = std::getenv("COLUMNS"); env != nullptr) {
    char* end = nullptr;
    const unsigned long columns = std::strtoul(env, &end, 10);
    if (end != env && *end == '\0' && columns > 0) {
      return columns;
    }
  }
  return terminal_width(stdout);
}

} // namespace mr::render
