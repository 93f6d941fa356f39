// The output layer: the only code that writes to stdout (as myrepos prints it).
//
// Per repository, one block: the header "mr ACTION: /abs/path" (plus " (in subdir X)"),
// the output, and a blank line; a failure adds "mr ACTION: REASON" on stderr. What the
// repository's commands wrote to their stderr, when kept apart (Block::errors), goes to
// stderr after the output, before that reason. At the end
// the footer "mr ACTION: finished (N ok; M failed; K skipped)", zero parts left out.
//   -q  only failing repos, their output on stderr; no footer
//   -m  only repos that produced output or failed; no footer
//   -s  after the footer: "(skipped: p/ ...)" on stdout, "(failed: p/ ...)" on stderr
//   --json  one object per repo per line, then one summary object; no text
#pragma once

#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <mr/render/json.hpp>
#include <mr/task/output_buffer.hpp>
#include <mr/task/status.hpp>

namespace mr::render {

struct Options {
  bool quiet = false;
  bool minimal = false;
  bool stats = false;
  bool json = false;
  bool color = false; // colour stdout (already resolved from --color)
  bool color_err = false;
  bool progress = false; // a live progress line on stderr (a terminal, not -q, not --json)
  bool table = false;    // one aligned line per repo (Block::cells) instead of blocks
};

// Writing to stdout or stderr failed: a full disk, a file size limit, an I/O error. The
// caller stops the work and ends with "mr: error: " + what() on stderr, exit status 1.
// what(): "write error on standard output: No space left on device".
class OutputError : public std::runtime_error {
public:
  OutputError(std::string_view stream, int error_number);
  int error_number() const noexcept { return m_errno; }

private:
  int m_errno;
};

// stdout or stderr was closed under us (EPIPE: `mr status | head`). The caller stops the
// work and ends quietly, as by SIGPIPE (as git does).
class OutputClosed : public OutputError {
public:
  explicit OutputClosed(std::string_view stream);
};

struct Block {
  std::string path;                  // the repository as registered
  std::optional<std::string> action; // when not the invocation's ("mr checkout: ...")
  std::optional<std::string> subdir; // "(in subdir X)"
  task::Status status = task::Status::ok;
  int exit_code = 0;
  task::OutputBuffer output; // what the repo's work printed, stdout and stderr merged
  task::OutputBuffer errors; // its stderr, when kept apart from `output` (else empty)
  bool started = false;      // start() printed its header already
  std::string reason;        // failed/skipped: one line, e.g. "command failed"
  // As myrepos for a repository it could not enter (not checked out, or still there though
  // `deleted`): no header and no output, only the reason line on stderr and the empty line
  // on stdout, under -q and -m too.
  bool headerless = false;
  bool bare_reason = false;       // the reason is the whole line, without "mr ACTION: "
  JsonObject fields;              // action-specific --json members
  std::string label;              // table mode: the repo's name in the first column
  std::vector<std::string> cells; // table mode: the rest of its line (may hold colours)
};

class Renderer {
public:
  Renderer(std::string action, Options options, std::FILE* out = stdout, std::FILE* err = stderr);

  // `after_failure`, if given, runs when a failed block's reason is out, before its
  // blank line (-i: a shell in the repository).
  void block(const Block& block, const std::function<void()>& after_failure = {});
  const Options& options() const { return m_options; }

  // The header of a block whose commands are about to run on mr's own terminal (at -j1),
  // printed before they start; block() then leaves it out (Block::started).
  void start(const Block& block);

  // One line on stderr as it is ("mr: Starting interactive shell. ...").
  void notice(std::string_view line);

  // The footer (or the --json summary, which reports `exit_status`, the status mr exits
  // with) and the -s lists.
  void footer(int exit_status);

  // Lines for actions that are not per repo (register, unregister): a message on stdout
  // (not under -q or --json), a warning on stderr.
  void message(std::string_view line);
  void warning(std::string_view line);

  // "mr ACTION: no repositories found to work on" on stderr (exit status 2).
  void no_repositories();

  // The live line "[DONE/TOTAL] ACTION LABEL" on stderr, redrawn in place and erased
  // before anything else is printed. Does nothing unless Options::progress.
  void progress(std::size_t done, std::size_t total, std::string_view label);

  // Once per repo still running after its deadline and the grace period.
  void still_waiting(std::string_view path);

  // Throws OutputClosed when the reader of stdout (or stderr) has gone away, so that a
  // run waiting for slow repos stops at once rather than at its next block.
  void check_output_open() const;

  // 0 when nothing failed, 1 otherwise.
  // Did a repository fail? (The exit status follows from it; --json reports it too.)
  bool failed() const { return !m_failed.empty(); }
  std::size_t ok_count() const { return m_ok; }
  std::size_t failed_count() const { return m_failed.size(); }
  std::size_t skipped_count() const { return m_skipped.size(); }

private:
  void write(std::FILE* stream, std::string_view text);
  void write_output(std::FILE* stream, const task::OutputBuffer& output);
  void write_json(const Block& block);
  void table_row(const Block& block, bool failed); // table mode: the block as one line
  void flush(std::FILE* stream);
  std::string_view stream_name(std::FILE* stream) const;
  void erase_progress();
  void redraw_progress();
  std::string header(const Block& block) const;
  void headerless_block(const Block& block); // Block::headerless: the reason and the empty line

  std::string m_action;
  Options m_options;
  std::FILE* m_out;
  std::FILE* m_err;
  std::FILE* m_last = nullptr; // which stream was written last, to flush before switching
  std::size_t m_ok = 0;
  std::vector<std::string> m_failed;
  std::vector<std::string> m_skipped;
  std::string m_progress; // the text of the live line, if any
  bool m_progress_shown = false;
  std::vector<std::vector<std::string>> m_rows; // table mode, printed by footer()
};

// Whether stdout and stderr are different files (not one terminal, pipe or file, as with
// `2>&1`): then a repository's stderr is kept apart from its output, as myrepos keeps it.
bool streams_apart();

// The width git formats for (term_columns()): $COLUMNS, else the width of the terminal on
// stdout, else 80. `mr diff --stat` scales its bars to it, as git does.
std::size_t output_columns();

// Columns padded to their widest cell (in terminal columns: colour codes do not count);
// the last column is not padded. Each row ends with a newline.
std::string align_columns(const std::vector<std::vector<std::string>>& rows);

// Blocks arrive in completion order; this prints them in registry order (a reorder buffer
// that prints the finished prefix as soon as it is complete) or, for --order=completion,
// at once.
class BlockSequencer {
public:
  BlockSequencer(Renderer& renderer, bool registry_order)
      : m_renderer(renderer), m_registry_order(registry_order) {}
  void add(std::size_t index, Block block);
  // Prints whatever is still buffered, in index order (nothing is, once every index came).
  void flush();

private:
  Renderer& m_renderer;
  bool m_registry_order;
  std::size_t m_next = 0;
  std::map<std::size_t, Block> m_waiting;
};

// "mr: error: MESSAGE" on stderr: fatal errors before or instead of any per-repo work.
// A failure to write it is ignored: there is nowhere left to report it.
void print_error(std::string_view message, bool color = false, std::FILE* err = stderr);

// Plain text on stdout (--help, --version). Throws OutputError/OutputClosed.
void print_text(std::string_view text, std::FILE* out = stdout);

// Flushes stdout and throws OutputError/OutputClosed if anything written to it failed.
void finish_stdout();

} // namespace mr::render
