// One repository's table in a registry file: where its path may point and what its fields
// hold. A file that is not trusted may only name paths that stay inside its own directory
// once every symlink in them is resolved, so a registry that came with a cloned repository
// cannot point a checkout at ~/.ssh through a committed symlink.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>

#include <climits>

#include <mr/registry/trust.hpp>
#include <mr/util/paths.hpp>
#include <mr/util/quote.hpp>

#include "load_support.hpp"
#include "myrepos_spelling.hpp"
#include "toml_support.hpp"

namespace mr::registry {

namespace {

using Refusal = tl::unexpected<Error>;

// At most the first 60 bytes of `s` (whole UTF-8 characters), then "...": a key too long
// for a path would make a message too long to read.
std::string shortened(const std::string& s) {
  constexpr std::size_t k_keep = 60;
  if (s.size() <= k_keep) {
    return s;
  }
  std::size_t cut = k_keep;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) {
    --cut; // not inside a multi-byte character
  }
  return s.substr(0, cut) + "...";
}

class RepoReader {
public:
  RepoReader(const FileContext& ctx, const toml::key& key, const fs::path& home)
      : m_ctx(ctx), m_key(key), m_name(key.str()), m_home(home) {}

  Result<Repo> read(const toml::node& node) {
    MR_TRY(check_key());
    const auto* table = node.as_table();
    if (table == nullptr) {
      return bad(node.source(),
                 "repo '" + m_name + "' must be a table, not " + toml_support::type_name(node));
    }
    Repo repo;
    repo.key = m_name;
    MR_TRY_VAR(expanded, expanded_key());
    repo.path = absolute_path(*expanded);
    repo.sort_key = sort_key(*expanded, repo.path);
    repo.location = {m_ctx.file, table->source().begin.line, table->source().begin.column};
    if (table->source().begin.line == 0) {
      repo.location = {m_ctx.file, m_key.source().begin.line, m_key.source().begin.column};
    }
    repo.trusted = m_ctx.trusted;
    MR_TRY(check_length(repo.path));
    if (m_ctx.confined_to) {
      MR_TRY(check_confined(repo.path));
      repo.confined_to = m_ctx.confined_to;
    }
    for (const auto& [k, v] : toml_support::in_source_order(*table)) {
      MR_TRY(field(repo, *k, *v));
    }
    return repo;
  }

private:
  // "<transport>::<address>", as git's transport_get() reads it.
  static bool names_remote_helper(const std::string& url) {
    const auto colons = url.find("::");
    return colons != std::string::npos && colons > 0 &&
           url.find_first_not_of(
               "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-") == colons;
  }

  // A ".." component: a relative path through one may leave the file's directory.
  static bool has_dot_dot(const std::string& path) {
    const fs::path p(path);
    return std::any_of(p.begin(), p.end(), [](const fs::path& part) { return part == ".."; });
  }

  Refusal bad(const toml::source_region& where, const std::string& message) const {
    return tl::unexpected(error_at(m_ctx, where, message));
  }

  // The key with "~" and, as myrepos does for section names, $NAME and ${NAME} expanded
  // (trusted files only: a path from an untrusted one must say where it goes).
  // Repo::sort_key: myrepos' (topdir, section) for this repository.
  std::string sort_key(const fs::path& expanded, const fs::path& path) const {
    const fs::path& top = m_ctx.top.empty() ? m_ctx.dir : m_ctx.top;
    std::string key = top.native();
    if (key.empty() || key.back() != '/') {
      key += '/';
    }
    key += '\0';
    // myrepos sorts a section as written, after expanding its variables: an absolute one
    // by its text. It takes "~" literally, so a "~/" key, which mr import writes for an
    // included file's section that was relative to its includer, sorts as that was.
    const bool from_home = m_name == "~" || m_name.rfind("~/", 0) == 0;
    if (expanded.is_absolute() && !from_home) {
      return key + expanded.native();
    }
    const auto& top_text = top.native();
    const auto& text = path.native();
    if (top_text.size() > 1 && text.size() > top_text.size() + 1 && text.starts_with(top_text) &&
        text[top_text.size()] == '/' && util::PathMemo::is_normal_absolute(text)) {
      return key + text.substr(top_text.size() + 1); // what lexically_relative gives, faster
    }
    const auto rel = path.lexically_relative(top);
    const bool below = !rel.empty() && *rel.begin() != "..";
    return key + (below ? rel.native() : path.native());
  }

  // util::absolute_normal(expanded, directory of the file), without its lexical pass when
  // nothing in the key needs one (the usual case: a plain relative or absolute path).
  fs::path absolute_path(const fs::path& expanded) const {
    const auto& dir = m_ctx.dir.native();
    const auto& key = expanded.native();
    if (expanded.is_absolute()) {
      if (util::PathMemo::is_normal_absolute(key)) {
        return expanded;
      }
    } else if (!key.empty() && util::PathMemo::is_normal_absolute("/" + key) &&
               util::PathMemo::is_normal_absolute(dir)) {
      return fs::path(dir.size() == 1 ? dir + key : dir + "/" + key);
    }
    return util::absolute_normal(expanded, m_ctx.dir);
  }

  Result<fs::path> expanded_key() const {
    const auto user = util::expand_user(m_name, m_home).string();
    if (user.find('$') == std::string::npos) {
      return fs::path(user);
    }
    bool names_variable = false;
    auto expanded = expand_variables(user, [&](const std::string& name) -> const char* {
      names_variable = true;
      if (!m_ctx.trusted) {
        return "";
      }
      return std::getenv(name.c_str()); // loading runs before any thread is started
    });
    if (names_variable && !m_ctx.trusted) {
      return bad(m_key.source(), "repo path '" + m_name +
                                     "' names a variable, which is not allowed in an untrusted "
                                     "registry file (" +
                                     m_ctx.hint + ")");
    }
    if (!expanded) {
      return bad(m_key.source(), "repo path '" + m_name + "': " + expanded.error().message);
    }
    if (expanded->empty() || toml_support::has_control_character(*expanded) ||
        toml_support::names_git_directory(*expanded)) {
      // What a variable brought in is shown escaped: it may hold an escape sequence.
      return bad(m_key.source(),
                 "repo path '" + m_name + "' expands to " +
                     (util::has_control_character(*expanded) ? util::quote_string(*expanded)
                                                             : "'" + *expanded + "'") +
                     ", which is not a path mr can use");
    }
    if (expanded->front() != '/' && has_dot_dot(*expanded)) { // as check_key() for a literal
      return bad(m_key.source(), "repo path '" + m_name + "' expands to '" + *expanded +
                                     "', which leaves the registry's directory; write it as an "
                                     "absolute or ~/ path");
    }
    return fs::path(*expanded);
  }

  Result<void> check_key() const {
    if (m_name.empty()) {
      return bad(m_key.source(), "empty repo path");
    }
    if (toml_support::has_control_character(m_name)) {
      return bad(m_key.source(), "control character in repo path");
    }
    if (toml_support::names_git_directory(m_name)) {
      return bad(m_key.source(), "repo path '" + m_name +
                                     "' goes through a .git directory; a repository is named "
                                     "by its work tree");
    }
    const bool anchored = m_name.front() == '/' || m_name.front() == '~';
    if (!anchored) {
      if (has_dot_dot(m_name)) {
        return bad(m_key.source(), "repo path '" + m_name +
                                       "' leaves the registry's directory; write it as an "
                                       "absolute or ~/ path");
      }
    } else if (!m_ctx.trusted) {
      const std::string what = m_name.front() == '~'
                                   ? "repo path '" + m_name + "', relative to your home directory,"
                                   : "absolute repo path '" + m_name + "'";
      return bad(m_key.source(),
                 what + " is not allowed in an untrusted registry file (" + m_ctx.hint + ")");
    }
    return {};
  }

  // A path the kernel would refuse (ENAMETOOLONG) is refused here, before a checkout
  // creates any of it and long before it could be mistaken for one that leads elsewhere.
  Result<void> check_length(const fs::path& path) const {
    constexpr std::size_t k_name_max = NAME_MAX;
    constexpr std::size_t k_path_max = PATH_MAX; // with the terminating NUL
    for (const auto& part : path) {
      if (part.native().size() > k_name_max) {
        return bad(m_key.source(), "repo path '" + shortened(m_name) + "' has a component of " +
                                       std::to_string(part.native().size()) +
                                       " bytes, more than the " + std::to_string(k_name_max) +
                                       " a file name may have");
      }
    }
    if (path.native().size() >= k_path_max) {
      return bad(m_key.source(), "repo path '" + shortened(m_name) + "' is " +
                                     std::to_string(path.native().size()) +
                                     " bytes long as an absolute path, more than the " +
                                     std::to_string(k_path_max - 1) + " a path may have");
    }
    return {};
  }

  // Resolved as a checkout would walk it: a symlink anywhere on the way (dangling or not)
  // is followed, so what it points to must be inside the file's directory too.
  Result<void> check_confined(const fs::path& path) const {
    auto resolved = m_ctx.paths != nullptr ? m_ctx.paths->resolve(path) : util::resolve_path(path);
    if (!resolved) {
      return bad(m_key.source(),
                 "cannot resolve repo path '" + m_name + "': " + resolved.error().message);
    }
    if (!util::depth_below(*resolved, *m_ctx.confined_to)) {
      return bad(m_key.source(), "repo path '" + m_name + "' resolves to " + resolved->string() +
                                     ", outside " + m_ctx.confined_to->string() +
                                     ", the directory of this untrusted registry file (" +
                                     m_ctx.hint + ")");
    }
    return {};
  }

  Result<std::string> want_string(const toml::node& v, std::string_view field) const {
    if (const auto* s = v.as_string()) {
      return s->get();
    }
    return bad(v.source(), "'" + std::string(field) + "' of repo '" + m_name +
                               "' must be a string, not " + toml_support::type_name(v));
  }

  // A url or a branch is printed (discover, config, errors) and given to git: no control
  // character, as in paths and tags.
  Result<std::string> want_printable(const toml::node& v, std::string_view field) const {
    MR_TRY_VAR(s, want_string(v, field));
    if (toml_support::has_control_character(*s)) {
      return bad(v.source(),
                 "control character in the " + std::string(field) + " of repo '" + m_name + "'");
    }
    return s;
  }

  // A tag is printed (--json list, register): no control character, as in paths.
  Result<void> add_tag(Repo& repo, const toml::node& v, const std::string& tag) const {
    if (toml_support::has_control_character(tag)) {
      return bad(v.source(), "control character in a tag of repo '" + m_name + "'");
    }
    repo.tags.push_back(tag);
    return {};
  }

  Result<void> tags(Repo& repo, const toml::key&, const toml::node& v) const {
    if (const auto* s = v.as_string()) {
      return add_tag(repo, v, s->get());
    }
    const auto* arr = v.as_array();
    if (arr == nullptr) {
      return bad(v.source(), "'tags' of repo '" + m_name + "' must be an array of strings, not " +
                                 toml_support::type_name(v));
    }
    for (const auto& item : *arr) {
      const auto* t = item.as_string();
      if (t == nullptr) {
        return bad(item.source(), "'tags' of repo '" + m_name + "' must be strings, not " +
                                      toml_support::type_name(item));
      }
      MR_TRY(add_tag(repo, item, t->get()));
    }
    return {};
  }

  Result<void> skip(Repo& repo, const toml::key&, const toml::node& v) const {
    if (const auto* b = v.as_boolean()) {
      repo.skip = b->get();
    } else if (const auto* s = v.as_string()) {
      if (!m_ctx.trusted) {
        return bad(v.source(), "a 'skip' command is not allowed in an untrusted registry file (" +
                                   m_ctx.hint + ")");
      }
      repo.skip_predicate = s->get();
    } else {
      return bad(v.source(), "'skip' of repo '" + m_name +
                                 "' must be true, false or a shell command, not " +
                                 toml_support::type_name(v));
    }
    return {};
  }

  // A bool, or a shell predicate (trusted files only), as skip.
  Result<void> deleted(Repo& repo, const toml::key&, const toml::node& v) const {
    if (const auto* b = v.as_boolean()) {
      repo.deleted = b->get();
    } else if (const auto* s = v.as_string()) {
      if (!m_ctx.trusted) {
        return bad(v.source(),
                   "a 'deleted' command is not allowed in an untrusted registry file (" +
                       m_ctx.hint + ")");
      }
      repo.deleted_predicate = s->get();
    } else {
      return bad(v.source(), "'deleted' of repo '" + m_name +
                                 "' must be true, false or a shell command, not " +
                                 toml_support::type_name(v));
    }
    return {};
  }

  Result<void> lib(Repo& repo, const toml::key& k, const toml::node& v) const {
    if (!m_ctx.trusted) {
      return bad(k.source(),
                 "'lib' is not allowed in an untrusted registry file (" + m_ctx.hint + ")");
    }
    MR_TRY_VAR(s, want_string(v, "lib"));
    repo.lib = std::move(*s);
    return {};
  }

  Result<void> commands(Repo& repo, const toml::key& k, const toml::node& v) const {
    if (!m_ctx.trusted) {
      return bad(k.source(),
                 "commands are not allowed in an untrusted registry file (" + m_ctx.hint + ")");
    }
    const auto* cmds = v.as_table();
    if (cmds == nullptr) {
      return bad(v.source(), "'commands' of repo '" + m_name + "' must be a table, not " +
                                 toml_support::type_name(v));
    }
    return read_commands(m_ctx, *cmds, "repos.\"" + m_name + "\".commands", repo.commands,
                         CommandTable::repo);
  }

  Result<void> url(Repo& repo, const toml::key&, const toml::node& v) const {
    MR_TRY_VAR(s, want_printable(v, "url"));
    if (!m_ctx.trusted && names_remote_helper(*s)) {
      // git runs git-remote-NAME for it (ext:: runs any command): git allows that only
      // for a url the user typed, never for one that came with a repository.
      return bad(v.source(), "url '" + *s +
                                 "' runs a remote helper program, which an untrusted "
                                 "registry file may not do (" +
                                 m_ctx.hint + ")");
    }
    repo.url = std::move(*s);
    return {};
  }

  Result<void> branch(Repo& repo, const toml::key&, const toml::node& v) const {
    MR_TRY_VAR(s, want_printable(v, "branch"));
    repo.branch = std::move(*s);
    return {};
  }

  Result<void> order(Repo& repo, const toml::key&, const toml::node& v) const {
    if (const auto* i = v.as_integer()) {
      repo.order = static_cast<double>(i->get());
    } else if (const auto* f = v.as_floating_point(); f != nullptr && std::isfinite(f->get())) {
      repo.order = f->get();
    } else {
      return bad(v.source(), "'order' of repo '" + m_name + "' must be a number, not " +
                                 toml_support::type_name(v));
    }
    return {};
  }

  Result<void> chain(Repo& repo, const toml::key&, const toml::node& v) const {
    const auto* b = v.as_boolean();
    if (b == nullptr) {
      return bad(v.source(), "'chain' of repo '" + m_name + "' must be true or false, not " +
                                 toml_support::type_name(v));
    }
    repo.chain = b->get();
    return {};
  }

  Result<void> transport(Repo& repo, const toml::key&, const toml::node& v) const {
    const auto* s = v.as_string();
    const auto t = s != nullptr ? parse_transport(s->get()) : std::nullopt;
    if (!t) {
      return bad(v.source(),
                 "'transport' of repo '" + m_name + "' must be \"auto\", \"libgit2\" or \"git\"");
    }
    repo.transport = *t;
    return {};
  }

  // The keys a repository's table may hold, each with what reads it (in the order the
  // message for an unknown key lists them).
  using FieldFn = Result<void> (RepoReader::*)(Repo&, const toml::key&, const toml::node&) const;
  struct Field {
    std::string_view key;
    FieldFn read;
  };
  static constexpr std::array<Field, 10> k_fields{{
      {"url", &RepoReader::url},
      {"branch", &RepoReader::branch},
      {"tags", &RepoReader::tags},
      {"order", &RepoReader::order},
      {"skip", &RepoReader::skip},
      {"deleted", &RepoReader::deleted},
      {"lib", &RepoReader::lib},
      {"chain", &RepoReader::chain},
      {"transport", &RepoReader::transport},
      {"commands", &RepoReader::commands},
  }};

  Result<void> field(Repo& repo, const toml::key& k, const toml::node& v) const {
    const auto name = k.str();
    for (const auto& f : k_fields) {
      if (f.key == name) {
        return (this->*f.read)(repo, k, v);
      }
    }
    if (auto myrepos = myrepos_repo_key(name)) {
      return bad(k.source(),
                 "unknown key '" + std::string(name) + "' in repo '" + m_name + "': " + *myrepos);
    }
    std::string expected;
    for (const auto& f : k_fields) {
      expected += (expected.empty() ? "" : ", ") + std::string(f.key);
    }
    return bad(k.source(), "unknown key '" + std::string(name) + "' in repo '" + m_name +
                               "' (expected " + expected + ")");
  }

  const FileContext& m_ctx;
  const toml::key& m_key;
  std::string m_name;
  const fs::path& m_home;
};

} // namespace

Error error_at(const FileContext& ctx, const toml::source_region& where,
               const std::string& message) {
  return Error{toml_support::location(ctx.file, where) + ": " + message};
}

std::optional<Transport> parse_transport(std::string_view s) {
  if (s == "auto") {
    return Transport::automatic;
  }
  if (s == "libgit2") {
    return Transport::libgit2;
  }
  if (s == "git") {
    return Transport::git;
  }
  return std::nullopt;
}

Result<void> read_commands(const FileContext& ctx, const toml::table& table,
                           const std::string& what, CommandMap& out,
                           std::optional<CommandTable> kind) {
  for (const auto& [k_ptr, v_ptr] : toml_support::in_source_order(table)) {
    const toml::key& k = *k_ptr;
    const toml::node& v = *v_ptr;
    const auto name = k.str();
    if (!toml_support::valid_action_name(name)) {
      return tl::unexpected(error_at(ctx, k.source(),
                                     "invalid name '" + util::shown(name) + "' in " + what +
                                         " (use letters, digits, '_', '-' and '.')"));
    }
    if (const auto myrepos = kind ? myrepos_command_name(name, *kind) : std::nullopt) {
      return tl::unexpected(error_at(ctx, k.source(), *myrepos));
    }
    const auto* s = v.as_string();
    if (s == nullptr) {
      return tl::unexpected(error_at(ctx, v.source(),
                                     "'" + what + "." + std::string(name) +
                                         "' must be a string, not " + toml_support::type_name(v)));
    }
    out.insert_or_assign(std::string(name), s->get());
  }
  return {};
}

Result<Repo> read_repo(const FileContext& ctx, const toml::key& key, const toml::node& node,
                       const fs::path& home) {
  return RepoReader(ctx, key, home).read(node);
}

} // namespace mr::registry
