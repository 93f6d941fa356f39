#include "text_edit.hpp"

#include <algorithm>
#include <set>
#include <vector>

#include <mr/util/strings.hpp>

#include "toml_support.hpp"

namespace mr::registry::text_edit {

namespace {

// Byte offsets of line starts, and conversion of toml++ positions (1-based line, 1-based
// column counted in code points) to byte offsets.
class LineIndex {
public:
  explicit LineIndex(std::string_view text) : m_text(text) {
    m_starts.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') {
        m_starts.push_back(i + 1);
      }
    }
    // A final newline does not open another line.
    if (!text.empty() && text.back() == '\n') {
      m_starts.pop_back();
    }
  }

  std::size_t lines() const { return m_starts.size(); }
  std::size_t line_start(std::size_t line0) const {
    return line0 < m_starts.size() ? m_starts[line0] : m_text.size();
  }
  std::string_view line(std::size_t line0) const {
    const auto begin = line_start(line0);
    auto end = line_start(line0 + 1);
    if (end > begin && m_text[end - 1] == '\n') {
      --end;
    }
    return m_text.substr(begin, end - begin);
  }
  std::size_t offset(const toml::source_position& pos) const {
    std::size_t at = line_start(pos.line - 1);
    for (std::uint32_t col = 1; col < pos.column && at < m_text.size(); ++col) {
      ++at;
      while (at < m_text.size() && (static_cast<unsigned char>(m_text[at]) & 0xC0) == 0x80) {
        ++at;
      }
    }
    return at;
  }

private:
  std::string_view m_text;
  std::vector<std::size_t> m_starts;
};

bool is_blank(std::string_view line) {
  return util::trim(line).empty();
}
bool is_comment(std::string_view line) {
  const auto t = util::trim(line);
  return !t.empty() && t.front() == '#';
}

bool starts_header(const toml::node& node, std::string_view text, const LineIndex& idx) {
  const auto& src = node.source();
  if (src.begin.line == 0) {
    return false;
  }
  const auto at = idx.offset(src.begin);
  return at < text.size() && text[at] == '[';
}

// Every line on which a [table] or [[array]] header starts.
void collect_headers(const toml::node& node, std::string_view text, const LineIndex& idx,
                     std::set<std::size_t>& lines) {
  if (const auto* table = node.as_table()) {
    if (!table->is_inline() && starts_header(*table, text, idx)) {
      lines.insert(table->source().begin.line - 1);
    }
    for (auto&& [k, v] : *table) {
      collect_headers(v, text, idx, lines);
    }
  } else if (const auto* array = node.as_array()) {
    for (const auto& item : *array) {
      collect_headers(item, text, idx, lines);
    }
  }
}

// Header lines of `table` and of its sub-tables that have their own header.
void own_headers(const toml::table& table, std::string_view text, const LineIndex& idx,
                 std::set<std::size_t>& lines) {
  if (!table.is_inline() && starts_header(table, text, idx)) {
    lines.insert(table.source().begin.line - 1);
  }
  for (auto&& [k, v] : table) {
    if (const auto* sub = v.as_table()) {
      own_headers(*sub, text, idx, lines);
    }
  }
}

struct Parsed {
  toml::table root;
  const toml::table* repo = nullptr;
};

Result<Parsed> find_repo(std::string_view text, const std::filesystem::path& file,
                         std::string_view key) {
  MR_TRY_VAR(root, toml_support::parse(text, file));
  Parsed parsed{std::move(*root)};
  if (const auto* repos = parsed.root["repos"].as_table()) {
    parsed.repo = (*repos)[key].as_table();
  }
  if (parsed.repo == nullptr) {
    return fail(file.string() + ": no table for repo '" + std::string(key) + "'");
  }
  return parsed;
}

Error layout_error(const std::filesystem::path& file, const toml::table& repo,
                   std::string_view key) {
  return Error{toml_support::location(file, repo.source()) + ": repo '" + std::string(key) +
               "' is written with dotted keys, which mr cannot edit safely; edit the file by "
               "hand or write it as a [repos.\"...\"] table"};
}

std::string rebuild(const LineIndex& idx, std::string_view text, const std::vector<bool>& removed) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < idx.lines(); ++i) {
    if (!removed[i]) {
      out.append(text.substr(idx.line_start(i), idx.line_start(i + 1) - idx.line_start(i)));
    }
  }
  return out;
}

// `tags` as a TOML array of strings.
std::string tags_array(const std::vector<std::string>& tags) {
  std::string out = "[";
  for (const auto& tag : tags) {
    out += (out.size() == 1 ? "" : ", ") + toml_support::quote(tag);
  }
  return out + "]";
}

// Sets (or adds, right after the table's header) `field` of repo KEY to `value`, a TOML
// value as written.
Result<std::string> set_repo_value(std::string_view text, const std::filesystem::path& file,
                                   std::string_view key, std::string_view field,
                                   const std::string& value) {
  MR_TRY_VAR(parsed, find_repo(text, file, key));
  const LineIndex idx(text);
  const auto& repo = *parsed->repo;
  std::string out(text);
  if (const auto* node = repo.get(field)) {
    const auto begin = idx.offset(node->source().begin);
    const auto end = idx.offset(node->source().end);
    out.replace(begin, end - begin, value);
    return out;
  }
  const std::string assignment = std::string(field) + " = " + value;
  if (repo.is_inline()) {
    const auto brace = idx.offset(repo.source().begin);
    const bool empty = repo.empty();
    out.insert(brace + 1, " " + assignment + (empty ? " " : ","));
    return out;
  }
  if (!starts_header(repo, text, idx)) {
    return tl::unexpected(layout_error(file, repo, key));
  }
  // Right after the header line.
  const auto after = idx.line_start(repo.source().begin.line);
  std::string line = assignment + "\n";
  if (after == out.size() && !out.empty() && out.back() != '\n') {
    line = "\n" + line;
  }
  out.insert(after, line);
  return out;
}

} // namespace

std::string append_repo(std::string_view text, std::string_view key, const std::string* url,
                        const std::vector<std::string>& tags, const std::string* branch) {
  std::string out(text);
  if (!out.empty() && out.back() != '\n') {
    out += '\n';
  }
  if (!out.empty()) {
    out += '\n'; // a blank line between tables; a new file starts with its first one
  }
  out += "[repos." + toml_support::quote(key) + "]\n";
  if (url != nullptr) {
    out += "url = " + toml_support::quote(*url) + "\n";
  }
  if (branch != nullptr) {
    out += "branch = " + toml_support::quote(*branch) + "\n";
  }
  if (!tags.empty()) {
    out += "tags = " + tags_array(tags) + "\n";
  }
  return out;
}

Result<std::string> set_repo_url(std::string_view text, const std::filesystem::path& file,
                                 std::string_view key, std::string_view url) {
  return set_repo_value(text, file, key, "url", toml_support::quote(url));
}

Result<std::string> set_repo_tags(std::string_view text, const std::filesystem::path& file,
                                  std::string_view key, const std::vector<std::string>& tags) {
  return set_repo_value(text, file, key, "tags", tags_array(tags));
}

Result<std::string> remove_repo(std::string_view text, const std::filesystem::path& file,
                                std::string_view key) {
  MR_TRY_VAR(parsed, find_repo(text, file, key));
  const LineIndex idx(text);
  const auto& repo = *parsed->repo;
  std::vector<bool> removed(idx.lines(), false);

  if (repo.is_inline()) {
    // `"key" = { ... }` inside [repos]: remove its lines when it has them to itself.
    const auto& src = repo.source();
    const auto* repos = parsed->root["repos"].as_table();
    std::size_t first = src.begin.line - 1;
    for (auto&& [k, v] : *repos) {
      if (&v == &repo) {
        first = k.source().begin.line - 1;
        const auto key_at = idx.offset(k.source().begin);
        const auto before = text.substr(idx.line_start(first), key_at - idx.line_start(first));
        const auto end_at = idx.offset(src.end);
        const auto line_end = idx.line_start(src.end.line);
        const auto after = util::trim(text.substr(end_at, line_end - end_at));
        if (!util::trim(before).empty() || (!after.empty() && after.front() != '#')) {
          return fail(toml_support::location(file, k.source()) + ": repo '" + std::string(key) +
                      "' shares its line with other keys; edit the file by hand");
        }
      }
    }
    for (std::size_t i = first; i < src.end.line; ++i) {
      removed[i] = true;
    }
    return rebuild(idx, text, removed);
  }
  if (!starts_header(repo, text, idx)) {
    return tl::unexpected(layout_error(file, repo, key));
  }

  std::set<std::size_t> headers;
  collect_headers(parsed->root, text, idx, headers);
  std::set<std::size_t> mine;
  own_headers(repo, text, idx, mine);

  for (const std::size_t h0 : mine) {
    const auto next = headers.upper_bound(h0);
    const std::size_t n = next == headers.end() ? idx.lines() : *next;
    std::size_t e = n;
    if (next != headers.end()) {
      // Comment lines directly above the next header belong to it.
      while (e > h0 + 1 && is_comment(idx.line(e - 1))) {
        --e;
      }
    }
    while (e > h0 + 1 && is_blank(idx.line(e - 1))) {
      --e;
    }
    std::size_t h = h0;
    // Comment lines directly above this header belong to it.
    while (h > 0 && is_comment(idx.line(h - 1))) {
      --h;
    }
    // Drop one of the blank lines that separated the table from its neighbours.
    const bool blank_before = h > 0 && is_blank(idx.line(h - 1));
    if ((h == 0 || blank_before) && e < idx.lines() && is_blank(idx.line(e))) {
      ++e;
    } else if (blank_before && e == idx.lines()) {
      --h;
    }
    for (std::size_t i = h; i < e; ++i) {
      removed[i] = true;
    }
  }
  return rebuild(idx, text, removed);
}

} // namespace mr::registry::text_edit
