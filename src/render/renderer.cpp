#include <mr/render/color.hpp>
#include <mr/render/renderer.hpp>

namespace mr::render {

namespace {

std::string paint(std::string_view text, std::string_view color, bool enabled) {
  if (!enabled) {
    return std::string(text);
  }
  return std::string(color) + std::string(text) + std::string(ansi::reset);
}

void write_raw(std::FILE* stream, std::string_view text) {
  if (!text.empty()) {
    std::fwrite(text.data(), 1, text.size(), stream);
  }
}

std::string with_newline(std::string_view text) {
  std::string out(text);
  if (!out.empty() && out.back() != '\n') {
    out += '\n';
  }
  return out;
}

} // namespace

Renderer::Renderer(std::string action, Options options, std::FILE* out, std::FILE* err)
    : m_action(std::move(action)), m_options(options), m_out(out), m_err(err) {}

void Renderer::write(std::FILE* stream, std::string_view text) {
  if (text.empty()) {
    return;
  }
  // stdout and stderr often end up in the same place; keep them in the order written.
  if (m_last != nullptr && m_last != stream) {
    std::fflush(m_last);
  }
  m_last = stream;
  write_raw(stream, text);
}

std::string Renderer::header(const Block& block) const {
  std::string h = "mr " + m_action + ": " + block.path;
  if (block.subdir) {
    h += " (in subdir " + *block.subdir + ")";
  }
  return h;
}

void Renderer::block(const Block& block) {
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
    JsonObject obj;
    obj.add("type", "repo")
        .add("path", block.path)
        .add("action", m_action)
        .add("status", task::json_name(block.status))
        .add("exit_code", block.exit_code)
        .add("output", block.output);
    if (block.subdir) {
      obj.add("subdir", *block.subdir);
    }
    if (!block.reason.empty()) {
      obj.add("error", block.reason);
    }
    obj.append(block.fields);
    write(m_out, obj.str() + "\n");
    return;
  }

  const std::string reason_line =
      block.reason.empty() ? std::string() : "mr " + m_action + ": " + block.reason + "\n";
  if (tally == task::Tally::skipped) {
    // myrepos prints nothing for a skipped repo, except a reason worth knowing, on stderr.
    if (!m_options.quiet && !m_options.minimal) {
      write(m_err, reason_line);
    }
    return;
  }
  const bool failed = tally == task::Tally::failed;
  if (m_options.quiet && !failed) {
    return;
  }
  if (m_options.minimal && !failed && block.output.empty()) {
    return;
  }
  write(m_out, paint(header(block), ansi::bold, m_options.color) + "\n");
  write(m_options.quiet ? m_err : m_out, with_newline(block.output));
  if (failed) {
    const std::string reason = block.reason.empty() ? std::string("command failed") : block.reason;
    write(m_err, paint("mr " + m_action + ": " + reason, ansi::red, m_options.color_err) + "\n");
  }
  write(m_out, "\n");
}

void Renderer::footer() {
  if (m_options.json) {
    JsonObject obj;
    obj.add("type", "summary")
        .add("action", m_action)
        .add("ok", m_ok)
        .add("failed", m_failed.size())
        .add("skipped", m_skipped.size())
        .add("exit_code", exit_status());
    write(m_out, obj.str() + "\n");
  } else {
    if (!m_options.quiet && !m_options.minimal) {
      std::vector<std::string> parts;
      if (m_ok != 0) {
        parts.push_back(std::to_string(m_ok) + " ok");
      }
      if (!m_failed.empty()) {
        parts.push_back(
            paint(std::to_string(m_failed.size()) + " failed", ansi::red, m_options.color));
      }
      if (!m_skipped.empty()) {
        parts.push_back(std::to_string(m_skipped.size()) + " skipped");
      }
      std::string line = "mr " + m_action + ": finished (";
      for (std::size_t i = 0; i < parts.size(); ++i) {
        line += (i == 0 ? "" : "; ") + parts[i];
      }
      write(m_out, line + ")\n");
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
  std::fflush(m_out);
  std::fflush(m_err);
}

void Renderer::message(std::string_view line) {
  if (m_options.quiet || m_options.json) {
    return;
  }
  write(m_out, with_newline(line));
}

void Renderer::warning(std::string_view line) {
  write(m_err, "mr " + m_action + ": warning: " + with_newline(line));
}

void Renderer::no_repositories() {
  write(m_err, "mr " + m_action + ": no repositories found to work on\n");
  std::fflush(m_err);
}

void print_error(std::string_view message, bool color, std::FILE* err) {
  std::fflush(stdout);
  write_raw(err, paint("mr: error: ", ansi::red, color) + std::string(message) + "\n");
  std::fflush(err);
}

void print_text(std::string_view text, std::FILE* out) {
  write_raw(out, text);
  std::fflush(out);
}

} // namespace mr::render
