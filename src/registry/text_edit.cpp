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

// The table at the first `n` keys of `path`, or nullptr.
template <class Table>
Table* table_at(Table& root, const TablePath& path, std::size_t n) {
  Table* table = &root;
  for (std::size_t i = 0; i < n && table != nullptr; ++i) {
    table = table->template get_as<toml::table>(path[i]);
  }
  return table;
}

// "a.b.key": the keys of `path` from `from` on, then `key`.
std::string dotted(const TablePath& path, std::size_t from, std::string_view key) {
  std::string out;
  for (std::size_t i = from; i < path.size(); ++i) {
    out += key_text(path[i]) + ".";
  }
  return out + key_text(key);
}

// Removes the tables on `path` that are empty, deepest first (a table written only with
// dotted keys goes away with its last key).
void prune_empty(toml::table& root, const TablePath& path) {
  for (std::size_t n = path.size(); n > 0; --n) {
    auto* parent = table_at(root, path, n - 1);
    const auto* table = parent != nullptr ? parent->get_as<toml::table>(path[n - 1]) : nullptr;
    if (table == nullptr || !table->empty()) {
      return;
    }
    parent->erase(path[n - 1]);
  }
}

// The edit must have changed exactly one value: `after` (the new text) must parse to what
// `before` held with KEY of TABLE set to `value` (removed when null).
Result<void> check_edit(std::string_view after, const std::filesystem::path& file,
                        const toml::table& before, const TablePath& path, std::string_view key,
                        const toml::node* value) {
  auto parsed = toml_support::parse(after, file);
  if (!parsed) {
    return fail(file.string() + ": not changed, because the edit would not parse (" +
                parsed.error().message + "); edit the file by hand");
  }
  toml::table expected = before;
  toml::table* table = &expected;
  for (const auto& part : path) {
    if (value != nullptr && !table->contains(part)) {
      table->insert(part, toml::table{});
    }
    table = table->get_as<toml::table>(part);
    if (table == nullptr) {
      break;
    }
  }
  if (table != nullptr) {
    if (value != nullptr) {
      value->visit([&](const auto& v) { table->insert_or_assign(key, v); });
    } else {
      table->erase(key);
    }
  }
  if (expected != *parsed && value == nullptr) {
    prune_empty(expected, path);
  }
  if (expected != *parsed) {
    return fail(file.string() + ": cannot change " + dotted(path, 0, key) +
                " there without touching the values around it; edit the file by hand");
  }
  return {};
}

// The last line (1-based) of the statements under the header of `table`: its values,
// and those of its sub-tables written with dotted keys; 0 when there are none.
std::uint32_t last_statement_line(const toml::table& table, std::string_view text,
                                  const LineIndex& idx) {
  std::uint32_t last = 0;
  for (auto&& [k, v] : table) {
    const auto* sub = v.as_table();
    if (sub == nullptr || sub->is_inline()) {
      last = std::max(last, v.source().end.line);
    } else if (!starts_header(*sub, text, idx)) {
      last = std::max(last, last_statement_line(*sub, text, idx));
    }
  }
  return last;
}

// Adds KEY = VALUE to TABLE, which does not hold KEY (see set_value).
std::string add_value(std::string_view text, const toml::table& root, const TablePath& path,
                      std::string_view key, std::string_view value) {
  const LineIndex idx(text);
  std::string out(text);
  std::size_t depth = path.size();
  const toml::table* at = table_at(root, path, depth);
  while (depth > 0 && (at == nullptr || (!at->is_inline() && !starts_header(*at, text, idx)))) {
    --depth;
    at = table_at(root, path, depth);
  }
  const std::string assignment = dotted(path, depth, key) + " = " + std::string(value);
  if (depth == 0 && !path.empty()) {
    // No table on the way has a header: a new one at the end, as append_repo adds one.
    if (!out.empty() && out.back() != '\n') {
      out += '\n';
    }
    const TablePath parents(path.begin(), path.end() - 1);
    out += (out.empty() ? "[" : "\n[") + dotted(parents, 0, path.back()) + "]\n" + key_text(key) +
           " = " + std::string(value) + "\n";
    return out;
  }
  if (depth == 0) {
    out.insert(0, assignment + "\n"); // a top-level key goes before every table
    return out;
  }
  if (at->is_inline()) {
    const auto brace = idx.offset(at->source().begin);
    out.insert(brace + 1, " " + assignment + (at->empty() ? " " : ","));
    return out;
  }
  // After the table's last statement (before the blank lines and comments after it).
  const auto after =
      idx.line_start(std::max(at->source().begin.line, last_statement_line(*at, text, idx)));
  std::string line = assignment + "\n";
  if (after == out.size() && !out.empty() && out.back() != '\n') {
    line = "\n" + line;
  }
  out.insert(after, line);
  return out;
}

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

// `text` without KEY = VALUE of the inline table `table`, and one comma next to it.
std::string cut_inline(std::string_view text, const LineIndex& idx, const toml::table& table,
                       const toml::key& key, const toml::node& value) {
  std::string out(text);
  if (table.size() == 1) {
    const auto begin = idx.offset(table.source().begin);
    out.replace(begin, idx.offset(table.source().end) - begin, "{}");
    return out;
  }
  auto begin = idx.offset(key.source().begin);
  auto end = idx.offset(value.source().end);
  auto next = end;
  while (next < out.size() && is_space(out[next])) {
    ++next;
  }
  if (next < out.size() && out[next] == ',') {
    end = next + 1;
    while (end < out.size() && is_space(out[end])) {
      ++end;
    }
  } else {
    while (begin > 0 && is_space(out[begin - 1])) {
      --begin;
    }
    if (begin > 0 && out[begin - 1] == ',') {
      --begin;
    }
  }
  out.erase(begin, end - begin);
  return out;
}

} // namespace

std::string string_array(const std::vector<std::string>& strings) {
  std::string out = "[";
  for (const auto& s : strings) {
    out += (out.size() == 1 ? "" : ", ") + toml_support::quote(s);
  }
  return out + "]";
}

std::string key_text(std::string_view key) {
  const bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
  return bare ? std::string(key) : toml_support::quote(key);
}

Result<std::string> set_value(std::string_view text, const std::filesystem::path& file,
                              const TablePath& path, std::string_view key, std::string_view value) {
  MR_TRY_VAR(root, toml_support::parse(text, file));
  MR_TRY_VAR(wanted, toml_support::parse("v = " + std::string(value), file));
  std::string out;
  const toml::table* table = table_at(*root, path, path.size());
  if (const toml::node* node = table != nullptr ? table->get(key) : nullptr) {
    const LineIndex idx(text);
    const auto begin = idx.offset(node->source().begin);
    out = std::string(text).replace(begin, idx.offset(node->source().end) - begin, value);
  } else {
    out = add_value(text, *root, path, key, value);
  }
  MR_TRY(check_edit(out, file, *root, path, key, wanted->get("v")));
  return out;
}

Result<std::string> remove_value(std::string_view text, const std::filesystem::path& file,
                                 const TablePath& path, std::string_view key) {
  MR_TRY_VAR(root, toml_support::parse(text, file));
  const toml::table* table = table_at(*root, path, path.size());
  if (table == nullptr || !table->contains(key)) {
    return std::string(text);
  }
  const LineIndex idx(text);
  std::string out;
  for (auto&& [k, v] : *table) {
    if (k.str() != key) {
      continue;
    }
    if (table->is_inline()) {
      out = cut_inline(text, idx, *table, k, v);
    } else {
      // A statement outside an inline table has its lines to itself.
      std::vector<bool> removed(idx.lines(), false);
      for (std::size_t i = k.source().begin.line - 1; i < v.source().end.line; ++i) {
        removed[i] = true;
      }
      out = rebuild(idx, text, removed);
    }
  }
  MR_TRY(check_edit(out, file, *root, path, key, nullptr));
  return out;
}

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
    out += "tags = " + string_array(tags) + "\n";
  }
  return out;
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
