// Loading and validating registry files with toml++. This and edit.cpp are the only
// translation units that see toml++; everything else works on mr::registry::Registry.
#include <algorithm>
#include <cmath>
#include <glob.h>
#include <set>

#include <toml++/toml.h>

#include <mr/registry/registry.hpp>
#include <mr/registry/trust.hpp>
#include <mr/util/duration.hpp>
#include <mr/util/file_io.hpp>
#include <mr/util/paths.hpp>

#include "toml_support.hpp"

namespace mr::registry {

std::string SourceLocation::str() const {
  return file.string() + ":" + std::to_string(line) + ":" + std::to_string(column);
}

bool Repo::has_tag(std::string_view tag) const {
  return std::find(tags.begin(), tags.end(), tag) != tags.end();
}

const Repo* Registry::find(const fs::path& path) const {
  for (const auto& repo : repos) {
    if (repo.path == path) {
      return &repo;
    }
  }
  return nullptr;
}

namespace {

constexpr std::string_view k_repo_keys =
    "url, branch, tags, order, skip, chain, transport, commands";

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

bool has_glob_magic(std::string_view s) {
  return s.find_first_of("*?[") != std::string_view::npos;
}

std::string glob_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '*' || c == '?' || c == '[' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out;
}

class Loader {
public:
  Loader(const LoadOptions& options, TrustList trust)
      : m_options(options), m_trust(std::move(trust)) {}

  Result<void> load_file(const fs::path& file, std::optional<bool> inherited_trust) {
    const auto phys = util::physical(file);
    if (!m_loaded.insert(phys).second) {
      return {}; // each file is loaded once, which also ends include and chain cycles
    }
    m_registry.files.push_back(file);
    const bool trusted =
        m_options.trust_all || inherited_trust.value_or(false) || m_trust.trusts(file);

    auto text = util::read_file(file);
    if (!text) {
      return fail("cannot read registry " + text.error().message);
    }
    auto parsed = toml_support::parse(*text, file);
    if (!parsed) {
      return tl::unexpected(parsed.error());
    }
    FileContext ctx{file, file.parent_path(), trusted};
    return load_table(ctx, *parsed);
  }

  Registry take() {
    std::stable_sort(m_registry.repos.begin(), m_registry.repos.end(),
                     [](const Repo& a, const Repo& b) {
                       if (a.order != b.order) {
                         return a.order < b.order;
                       }
                       return a.path.native() < b.path.native();
                     });
    return std::move(m_registry);
  }

  Registry& registry() { return m_registry; }

private:
  struct FileContext {
    fs::path file;
    fs::path dir;
    bool trusted;
  };

  static Error error_at(const FileContext& ctx, const toml::source_region& where,
                        const std::string& message) {
    return Error{toml_support::location(ctx.file, where) + ": " + message};
  }

  Result<void> refuse_untrusted(const FileContext& ctx, const toml::source_region& where,
                                const std::string& what) {
    return tl::unexpected(error_at(ctx, where,
                                   what + " is not allowed in an untrusted registry file (" +
                                       TrustList::k_hint + ")"));
  }

  Result<void> load_table(const FileContext& ctx, const toml::table& root) {
    // Includes first, so that what this file says afterwards overrides what they say.
    if (const auto* include = root.get("include")) {
      if (!ctx.trusted) {
        return refuse_untrusted(ctx, include->source(), "'include'");
      }
      if (auto r = load_includes(ctx, *include); !r) {
        return r;
      }
    }
    for (const auto& [key_ptr, node_ptr] : toml_support::in_source_order(root)) {
      const toml::key& key = *key_ptr;
      const toml::node& node = *node_ptr;
      const auto name = key.str();
      Result<void> r;
      if (name == "include") {
        continue;
      } else if (name == "settings") {
        r = load_settings(ctx, key, node);
      } else if (name == "commands") {
        r = load_command_map(ctx, key, node, "commands", m_registry.commands);
      } else if (name == "alias") {
        r = load_command_map(ctx, key, node, "alias", m_registry.aliases);
      } else if (name == "repos") {
        r = load_repos(ctx, node);
      } else {
        return tl::unexpected(
            error_at(ctx, key.source(),
                     "unknown key '" + std::string(name) +
                         "' (expected include, settings, commands, alias or repos)"));
      }
      if (!r) {
        return r;
      }
    }
    return {};
  }

  Result<void> load_includes(const FileContext& ctx, const toml::node& node) {
    std::vector<const toml::node*> patterns;
    if (node.is_string()) {
      patterns.push_back(&node);
    } else if (const auto* arr = node.as_array()) {
      for (const auto& item : *arr) {
        patterns.push_back(&item);
      }
    } else {
      return tl::unexpected(error_at(ctx, node.source(),
                                     "'include' must be a string or an array of strings, not " +
                                         toml_support::type_name(node)));
    }
    for (const auto* item : patterns) {
      const auto* str = item->as_string();
      if (str == nullptr) {
        return tl::unexpected(
            error_at(ctx, item->source(),
                     "'include' entries must be strings, not " + toml_support::type_name(*item)));
      }
      const std::string& pattern = str->get();
      const auto expanded = util::expand_user(pattern, m_options.home);
      std::vector<fs::path> files;
      if (!has_glob_magic(pattern)) {
        const auto path = util::absolute_normal(expanded, ctx.dir);
        if (!util::exists(path)) {
          return tl::unexpected(
              error_at(ctx, item->source(),
                       "included file '" + pattern + "' not found (" + path.string() + ")"));
        }
        files.push_back(path);
      } else {
        // Only the pattern itself is a glob; the directory it is relative to is literal.
        const auto full = expanded.is_absolute()
                              ? expanded.string()
                              : glob_escape(ctx.dir.string()) + "/" + expanded.string();
        glob_t g{};
        const int rc = ::glob(full.c_str(), 0, nullptr, &g);
        if (rc == 0) {
          for (std::size_t i = 0; i < g.gl_pathc; ++i) {
            files.push_back(util::absolute_normal(g.gl_pathv[i], "/"));
          }
        }
        ::globfree(&g);
        if (rc != 0 && rc != GLOB_NOMATCH) {
          return tl::unexpected(
              error_at(ctx, item->source(), "cannot expand include pattern '" + pattern + "'"));
        }
      }
      for (const auto& f : files) {
        if (auto r = load_file(f, ctx.trusted); !r) {
          return r;
        }
      }
    }
    return {};
  }

  Result<void> load_settings(const FileContext& ctx, const toml::key& key, const toml::node& node) {
    if (!ctx.trusted) {
      return refuse_untrusted(ctx, key.source(), "[settings]");
    }
    const auto* table = node.as_table();
    if (table == nullptr) {
      return tl::unexpected(error_at(
          ctx, node.source(), "'settings' must be a table, not " + toml_support::type_name(node)));
    }
    for (const auto& [k_ptr, v_ptr] : toml_support::in_source_order(*table)) {
      const toml::key& k = *k_ptr;
      const toml::node& v = *v_ptr;
      const auto name = k.str();
      if (name == "jobs") {
        const auto* i = v.as_integer();
        if (i == nullptr || i->get() < 1 || i->get() > 4096) {
          return tl::unexpected(
              error_at(ctx, v.source(), "'settings.jobs' must be an integer from 1 to 4096"));
        }
        m_registry.settings.jobs = static_cast<unsigned>(i->get());
      } else if (name == "timeout") {
        std::optional<std::chrono::milliseconds> d;
        if (const auto* s = v.as_string()) {
          d = util::parse_duration(s->get());
        } else if (const auto* i = v.as_integer(); i != nullptr && i->get() > 0) {
          d = std::chrono::seconds(i->get());
        }
        if (!d || d->count() <= 0) {
          return tl::unexpected(
              error_at(ctx, v.source(),
                       "'settings.timeout' must be a duration such as \"30s\", \"5m\" or \"1h\""));
        }
        m_registry.settings.timeout = d;
      } else if (name == "transport") {
        const auto* s = v.as_string();
        const auto t = s != nullptr ? parse_transport(s->get()) : std::nullopt;
        if (!t) {
          return tl::unexpected(error_at(ctx, v.source(),
                                         "'settings.transport' must be \"auto\", \"libgit2\" or "
                                         "\"git\""));
        }
        m_registry.settings.transport = *t;
      } else if (name == "connections_per_host") {
        const auto* i = v.as_integer();
        if (i == nullptr || i->get() < 1 || i->get() > 1024) {
          return tl::unexpected(
              error_at(ctx, v.source(),
                       "'settings.connections_per_host' must be an integer from 1 to 1024"));
        }
        m_registry.settings.connections_per_host = static_cast<unsigned>(i->get());
      } else if (name == "stall_timeout") {
        std::optional<std::chrono::milliseconds> d;
        if (const auto* s = v.as_string()) {
          d = util::parse_duration(s->get());
        } else if (const auto* i = v.as_integer(); i != nullptr && i->get() >= 0) {
          d = std::chrono::seconds(i->get());
        }
        if (!d || d->count() < 0) {
          return tl::unexpected(error_at(ctx, v.source(),
                                         "'settings.stall_timeout' must be a duration such as "
                                         "\"30s\" or \"2m\", or 0 for none"));
        }
        m_registry.settings.stall_timeout = *d;
      } else {
        return tl::unexpected(error_at(ctx, k.source(),
                                       "unknown setting '" + std::string(name) +
                                           "' (expected jobs, timeout, transport, "
                                           "connections_per_host or stall_timeout)"));
      }
    }
    return {};
  }

  Result<void> load_command_map(const FileContext& ctx, const toml::key& key,
                                const toml::node& node, const std::string& what, CommandMap& out) {
    if (!ctx.trusted) {
      return refuse_untrusted(ctx, key.source(), "[" + what + "]");
    }
    const auto* table = node.as_table();
    if (table == nullptr) {
      return tl::unexpected(
          error_at(ctx, node.source(),
                   "'" + what + "' must be a table, not " + toml_support::type_name(node)));
    }
    return read_commands(ctx, *table, what, out);
  }

  Result<void> read_commands(const FileContext& ctx, const toml::table& table,
                             const std::string& what, CommandMap& out) {
    for (const auto& [k_ptr, v_ptr] : toml_support::in_source_order(table)) {
      const toml::key& k = *k_ptr;
      const toml::node& v = *v_ptr;
      const auto name = k.str();
      if (!toml_support::valid_action_name(name)) {
        return tl::unexpected(error_at(ctx, k.source(),
                                       "invalid name '" + std::string(name) + "' in " + what +
                                           " (use letters, digits, '_', '-' and '.')"));
      }
      const auto* s = v.as_string();
      if (s == nullptr) {
        return tl::unexpected(error_at(ctx, v.source(),
                                       "'" + what + "." + std::string(name) +
                                           "' must be a string, not " +
                                           toml_support::type_name(v)));
      }
      out.insert_or_assign(std::string(name), s->get());
    }
    return {};
  }

  Result<void> load_repos(const FileContext& ctx, const toml::node& node) {
    const auto* table = node.as_table();
    if (table == nullptr) {
      return tl::unexpected(error_at(
          ctx, node.source(), "'repos' must be a table, not " + toml_support::type_name(node)));
    }
    std::vector<fs::path> chained;
    for (const auto& [k, v] : toml_support::in_source_order(*table)) {
      auto repo = load_repo(ctx, *k, *v);
      if (!repo) {
        return tl::unexpected(repo.error());
      }
      if (auto it = m_seen.find(repo->path.native()); it != m_seen.end()) {
        return tl::unexpected(error_at(ctx, k->source(),
                                       "duplicate repo '" + repo->path.string() +
                                           "' (already defined at " + it->second.str() + ")"));
      }
      m_seen.emplace(repo->path.native(), repo->location);
      if (repo->chain) {
        chained.push_back(repo->path / k_file_name);
      }
      m_registry.repos.push_back(std::move(*repo));
    }
    for (const auto& file : chained) {
      if (util::exists(file)) {
        if (auto r = load_file(file, std::nullopt); !r) {
          return r;
        }
      }
    }
    return {};
  }

  Result<Repo> load_repo(const FileContext& ctx, const toml::key& key, const toml::node& node) {
    const std::string name(key.str());
    const auto bad = [&](const toml::source_region& where, const std::string& msg) {
      return tl::unexpected(error_at(ctx, where, msg));
    };
    if (name.empty()) {
      return bad(key.source(), "empty repo path");
    }
    if (std::any_of(name.begin(), name.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
      return bad(key.source(), "control character in repo path");
    }
    const bool anchored = name.front() == '/' || name.front() == '~';
    if (!anchored) {
      for (const auto& part : fs::path(name)) {
        if (part == "..") {
          return bad(key.source(), "repo path '" + name +
                                       "' leaves the registry's directory; write it as an "
                                       "absolute or ~/ path");
        }
      }
    } else if (!ctx.trusted) {
      return bad(key.source(), "absolute repo path '" + name +
                                   "' is not allowed in an untrusted registry file (" +
                                   TrustList::k_hint + ")");
    }
    const auto* table = node.as_table();
    if (table == nullptr) {
      return bad(node.source(),
                 "repo '" + name + "' must be a table, not " + toml_support::type_name(node));
    }

    Repo repo;
    repo.key = name;
    repo.path = util::absolute_normal(util::expand_user(name, m_options.home), ctx.dir);
    repo.location = {ctx.file, table->source().begin.line, table->source().begin.column};
    if (table->source().begin.line == 0) {
      repo.location = {ctx.file, key.source().begin.line, key.source().begin.column};
    }
    repo.trusted = ctx.trusted;

    const auto want_string = [&](const toml::node& v,
                                 std::string_view field) -> Result<std::string> {
      if (const auto* s = v.as_string()) {
        return s->get();
      }
      return bad(v.source(), "'" + std::string(field) + "' of repo '" + name +
                                 "' must be a string, not " + toml_support::type_name(v));
    };

    for (const auto& [k_ptr, v_ptr] : toml_support::in_source_order(*table)) {
      const toml::key& k = *k_ptr;
      const toml::node& v = *v_ptr;
      const auto field = k.str();
      if (field == "url" || field == "branch") {
        auto s = want_string(v, field);
        if (!s) {
          return tl::unexpected(s.error());
        }
        (field == "url" ? repo.url : repo.branch) = std::move(*s);
      } else if (field == "tags") {
        if (const auto* s = v.as_string()) {
          repo.tags.push_back(s->get());
        } else if (const auto* arr = v.as_array()) {
          for (const auto& item : *arr) {
            const auto* t = item.as_string();
            if (t == nullptr) {
              return bad(item.source(), "'tags' of repo '" + name + "' must be strings, not " +
                                            toml_support::type_name(item));
            }
            repo.tags.push_back(t->get());
          }
        } else {
          return bad(v.source(), "'tags' of repo '" + name + "' must be an array of strings, not " +
                                     toml_support::type_name(v));
        }
      } else if (field == "order") {
        if (const auto* i = v.as_integer()) {
          repo.order = static_cast<double>(i->get());
        } else if (const auto* f = v.as_floating_point(); f != nullptr && std::isfinite(f->get())) {
          repo.order = f->get();
        } else {
          return bad(v.source(), "'order' of repo '" + name + "' must be a number, not " +
                                     toml_support::type_name(v));
        }
      } else if (field == "skip") {
        if (const auto* b = v.as_boolean()) {
          repo.skip = b->get();
        } else if (const auto* s = v.as_string()) {
          if (!ctx.trusted) {
            return bad(v.source(), "a 'skip' command is not allowed in an untrusted registry "
                                   "file (" +
                                       std::string(TrustList::k_hint) + ")");
          }
          repo.skip_predicate = s->get();
        } else {
          return bad(v.source(), "'skip' of repo '" + name +
                                     "' must be true, false or a shell command, not " +
                                     toml_support::type_name(v));
        }
      } else if (field == "chain") {
        const auto* b = v.as_boolean();
        if (b == nullptr) {
          return bad(v.source(), "'chain' of repo '" + name + "' must be true or false, not " +
                                     toml_support::type_name(v));
        }
        repo.chain = b->get();
      } else if (field == "transport") {
        const auto* s = v.as_string();
        const auto t = s != nullptr ? parse_transport(s->get()) : std::nullopt;
        if (!t) {
          return bad(v.source(),
                     "'transport' of repo '" + name + "' must be \"auto\", \"libgit2\" or \"git\"");
        }
        repo.transport = *t;
      } else if (field == "commands") {
        if (!ctx.trusted) {
          return bad(k.source(), "commands are not allowed in an untrusted registry file (" +
                                     std::string(TrustList::k_hint) + ")");
        }
        const auto* cmds = v.as_table();
        if (cmds == nullptr) {
          return bad(v.source(), "'commands' of repo '" + name + "' must be a table, not " +
                                     toml_support::type_name(v));
        }
        if (auto r = read_commands(ctx, *cmds, "repos.\"" + name + "\".commands", repo.commands);
            !r) {
          return tl::unexpected(r.error());
        }
      } else {
        return bad(k.source(), "unknown key '" + std::string(field) + "' in repo '" + name +
                                   "' (expected " + std::string(k_repo_keys) + ")");
      }
    }
    return repo;
  }

  const LoadOptions& m_options;
  TrustList m_trust;
  Registry m_registry;
  std::set<fs::path> m_loaded;
  std::map<std::string, SourceLocation> m_seen;
};

} // namespace

Result<Registry> load(const LoadOptions& options) {
  auto trust = TrustList::read(options.home);
  if (!trust) {
    return tl::unexpected(trust.error());
  }
  Loader loader(options, std::move(*trust));
  loader.registry().root = options.root;
  loader.registry().root_exists = util::exists(options.root);
  if (loader.registry().root_exists) {
    if (auto r = loader.load_file(options.root, std::nullopt); !r) {
      return tl::unexpected(r.error());
    }
  }
  return loader.take();
}

} // namespace mr::registry
