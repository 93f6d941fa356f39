// Loading and validating registry files with toml++: which files (root, includes, chains,
// each at most once), how far each is trusted, and the top-level tables. One repository's
// table is read in repo_table.cpp. Only src/registry sees toml++; everything else works on
// mr::registry::Registry.
#include <algorithm>
#include <array>
#include <numeric>
#include <set>
#include <unistd.h>
#include <unordered_set>

#include <toml++/toml.h>

#include <mr/registry/registry.hpp>
#include <mr/registry/trust.hpp>
#include <mr/util/file_io.hpp>
#include <mr/util/paths.hpp>
#include <mr/util/test_point.hpp>

#include "include_glob.hpp"
#include "load_support.hpp"
#include "toml_support.hpp"

namespace mr::registry {

std::string SourceLocation::str() const {
  return file.string() + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string convert_hint(const fs::path& file) {
  return file.string() +
         " is a myrepos registry (INI), which mr does not read: mr reads TOML; "
         "convert it with mr import " +
         file.string() + " (see CONVERTING FROM MYREPOS in mrconfig.toml(5))";
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

class Loader {
public:
  Loader(const LoadOptions& options, TrustList trust)
      : m_options(options), m_trust(std::move(trust)),
        m_root_physical(util::physical(options.root)) {}

  // How a file came to be loaded.
  struct Origin {
    bool root = false;
    bool inherited_trust = false; // included by a trusted file
    std::size_t depth = 0;        // includes and chains above it
    bool owner_only = false;      // a root that must belong to the user
    // For an included file: the top directory of the file that included it (includes are
    // part of their includer, as myrepos splices them in). Empty: the file's own directory.
    fs::path top = {};
  };

  Result<void> load_file(const fs::path& file, const Origin& origin) {
    util::test_point("registry.load_file");
    if (m_options.stop.stop_requested()) {
      return cancelled();
    }
    const auto phys = util::physical(file);
    if (!m_loaded.insert(phys).second) {
      return {}; // each file is loaded once, which also ends include and chain cycles
    }
    if (m_registry.files.size() >= k_max_files) {
      return fail(file.string() + ": not loaded, because the registry already has " +
                  std::to_string(k_max_files) + " files, the most mr loads");
    }
    m_registry.files.push_back(file);
    auto read = read_file(file, phys);
    if (!read) {
      return fail("cannot read registry " + read.error().message);
    }
    MR_TRY_VAR(ctx, context_for(file, origin, *read, phys == m_root_physical));
    auto parsed = toml_support::parse(read->content, file);
    // myrepos' [DEFAULT] alone (`jobs = 3` under it) is also valid TOML.
    if ((!parsed || parsed->contains("DEFAULT")) &&
        toml_support::looks_like_myrepos(read->content)) {
      return fail(convert_hint(file));
    }
    if (!parsed) {
      return tl::unexpected(parsed.error());
    }
    return load_table(*ctx, *parsed);
  }

  // How far the file `read` came from is trusted, and where its repositories must stay.
  // `writes_here`: it is LoadOptions::root, however it was reached (a root, or a file a
  // root included or chained).
  Result<FileContext> context_for(const fs::path& file, const Origin& origin,
                                  const util::RegularFile& read, bool writes_here) {
    if (origin.root && origin.owner_only && read.owner != ::geteuid()) {
      return fail(file.string() + " belongs to uid " + std::to_string(read.owner) +
                  ", not to you; outside your home directory mr only uses a registry of your own");
    }
    FileContext ctx;
    ctx.file = file;
    ctx.dir = file.parent_path();
    ctx.depth = origin.depth;
    ctx.top = origin.top.empty() ? ctx.dir : origin.top;
    ctx.paths = &m_paths;
    const auto never = never_trusted_because(file, read);
    ctx.trusted = !never && (m_options.trust_all || origin.inherited_trust || m_trust.trusts(file));
    ctx.hint = never ? *never : ctx.trusted ? TrustList::k_hint : untrusted_hint(file);
    if (!ctx.trusted) {
      auto dir = util::resolve_path(ctx.dir);
      if (!dir) {
        return fail("cannot resolve the directory of registry " + file.string() + ": " +
                    dir.error().message);
      }
      ctx.confined_to = std::move(*dir);
    }
    if (writes_here) {
      m_registry.root_confined_to = ctx.confined_to;
      m_registry.root_untrusted_hint = ctx.hint;
    }
    return ctx;
  }

  // What to do about an untrusted file; for a link to a trusted file elsewhere, also why.
  std::string untrusted_hint(const fs::path& file) const {
    const auto target = m_trust.listed_target(file);
    if (!target) {
      return TrustList::k_hint;
    }
    return file.string() + " is a symbolic link to " + target->string() +
           ", which is trusted only where it is: trust does not follow a link into another "
           "directory, where the paths in the file would mean something else; " +
           TrustList::k_hint;
  }

  // The root file does not exist yet (register will create it): how far it will be trusted.
  void plan_missing_root(const fs::path& root) {
    if (m_options.trust_all || m_trust.trusts(root)) {
      return;
    }
    auto dir = util::resolve_path(root.parent_path());
    m_registry.root_confined_to = dir ? *dir : root.parent_path();
    m_registry.root_untrusted_hint = TrustList::k_hint;
  }

  // Registry order: `order`, then Repo::sort_key, stably. The repos are sorted as indices
  // and moved into place once: a Repo is large, and sorting them in place moved each one
  // about log2(n) times (a third of loading 100,000 repos).
  Registry take() {
    auto& repos = m_registry.repos;
    const auto before = [&](std::size_t a, std::size_t b) {
      const Repo& x = repos[a];
      const Repo& y = repos[b];
      return x.order != y.order ? x.order < y.order : x.sort_key < y.sort_key;
    };
    std::vector<std::size_t> order(repos.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    if (!std::is_sorted(order.begin(), order.end(), before)) {
      std::stable_sort(order.begin(), order.end(), before);
      std::vector<Repo> sorted;
      sorted.reserve(repos.size());
      for (const auto i : order) {
        sorted.push_back(std::move(repos[i]));
      }
      repos = std::move(sorted);
    }
    return std::move(m_registry);
  }

  Registry& registry() { return m_registry; }

  // Read `text` instead of what the file at `physical` holds (load_with_text).
  void replace(fs::path physical, std::string_view text) {
    m_replaced.emplace(std::move(physical), std::string(text));
  }
  bool replaces(const fs::path& file) const {
    return m_replaced && util::physical(file) == m_replaced->first;
  }

  // Loads one root file and what it includes and chains; repositories an earlier root's
  // files listed are skipped rather than duplicated.
  Result<void> load_root(const RootFile& root) {
    ++m_root_index;
    return load_file(root.path, {true, false, 0, root.owner_only});
  }

private:
  // The file, or the text that replaces it: an edit checked before it is written. A file
  // it would create is read as register creates one, the user's own and not writable by
  // others.
  Result<util::RegularFile> read_file(const fs::path& file, const fs::path& phys) const {
    if (!m_replaced || phys != m_replaced->first) {
      return util::read_regular_file(file, k_max_file_size);
    }
    util::RegularFile read{m_replaced->second, ::geteuid(), ::getegid(), 0644};
    if (util::exists(file)) {
      MR_TRY_VAR(current, util::read_regular_file(file, k_max_file_size));
      read.owner = current->owner;
      read.group = current->group;
      read.mode = current->mode;
    }
    return read;
  }

  static Error too_deep(const FileContext& ctx, const toml::source_region& where) {
    return error_at(ctx, where,
                    "includes and chains nested more than " + std::to_string(k_max_include_depth) +
                        " files deep");
  }

  static Error glob_error(const FileContext& ctx, const toml::source_region& where,
                          const std::string& pattern, const GlobFailure& failure) {
    switch (failure.kind) {
    case GlobFailure::Kind::too_many_matches:
      return error_at(ctx, where,
                      "include pattern '" + pattern + "' matches more than " +
                          std::to_string(k_max_glob_files) + " files, the most mr loads from one");
    case GlobFailure::Kind::too_many_visits:
      return error_at(ctx, where,
                      "include pattern '" + pattern + "' reaches more than " +
                          std::to_string(k_max_glob_visits) +
                          " paths, the most mr looks at for one pattern; make it narrower");
    case GlobFailure::Kind::interrupted:
      break;
    }
    return cancelled().value();
  }

  Result<void> refuse_untrusted(const FileContext& ctx, const toml::source_region& where,
                                const std::string& what) {
    return tl::unexpected(error_at(
        ctx, where, what + " is not allowed in an untrusted registry file (" + ctx.hint + ")"));
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
        r = load_command_map(ctx, key, node, "commands", m_registry.commands, CommandTable::global);
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

  // What a relative include is taken from. A file is trusted where it physically is, and a
  // ".." there means the physical parent, as the kernel takes it: reached through a link
  // to its directory, "../x" must not name a file beside the link instead.
  static fs::path include_base(const FileContext& ctx, const fs::path& pattern) {
    const bool up = std::any_of(pattern.begin(), pattern.end(),
                                [](const fs::path& part) { return part == ".."; });
    return up && pattern.is_relative() ? util::physical(ctx.dir) : ctx.dir;
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
      const auto base = include_base(ctx, expanded);
      std::vector<fs::path> files;
      if (!has_glob_magic(pattern)) {
        const auto path = util::absolute_normal(expanded, base);
        if (!util::exists(path)) {
          return tl::unexpected(
              error_at(ctx, item->source(),
                       "included file '" + pattern + "' not found (" + path.string() + ")"));
        }
        files.push_back(path);
      } else {
        // Only the pattern itself is a glob; the directory it is relative to is literal.
        auto matched = expand_include_glob(base, expanded.string(),
                                           {k_max_glob_files, k_max_glob_visits, m_options.stop});
        if (!matched) {
          return tl::unexpected(glob_error(ctx, item->source(), pattern, matched.error()));
        }
        for (const auto& path : *matched) {
          files.push_back(util::absolute_normal(path, "/"));
        }
      }
      if (!files.empty() && ctx.depth >= k_max_include_depth) {
        return tl::unexpected(too_deep(ctx, item->source()));
      }
      for (const auto& f : files) {
        if (auto r = load_file(f, {false, ctx.trusted, ctx.depth + 1, false, ctx.top}); !r) {
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
      MR_TRY(read_setting(ctx, *k_ptr, *v_ptr, m_registry.settings));
      m_registry.defined_in["settings." + std::string(k_ptr->str())] = ctx.file;
    }
    return {};
  }

  Result<void> load_command_map(const FileContext& ctx, const toml::key& key,
                                const toml::node& node, const std::string& what, CommandMap& out,
                                std::optional<CommandTable> kind = std::nullopt) {
    if (!ctx.trusted) {
      return refuse_untrusted(ctx, key.source(), "[" + what + "]");
    }
    const auto* table = node.as_table();
    if (table == nullptr) {
      return tl::unexpected(
          error_at(ctx, node.source(),
                   "'" + what + "' must be a table, not " + toml_support::type_name(node)));
    }
    MR_TRY(read_commands(ctx, *table, what, out, kind));
    for (const auto& [k, v] : *table) {
      m_registry.defined_in[what + "." + std::string(k.str())] = ctx.file;
    }
    return {};
  }

  Result<void> load_repos(const FileContext& ctx, const toml::node& node) {
    const auto* table = node.as_table();
    if (table == nullptr) {
      return tl::unexpected(error_at(
          ctx, node.source(), "'repos' must be a table, not " + toml_support::type_name(node)));
    }
    std::vector<std::pair<fs::path, const toml::key*>> chained;
    const auto members = toml_support::in_source_order(*table);
    if (auto& repos = m_registry.repos; repos.size() + members.size() > repos.capacity()) {
      repos.reserve(std::max(repos.size() + members.size(), 2 * repos.capacity()));
    }
    for (const auto& [k, v] : members) {
      MR_TRY_VAR(repo, read_repo(ctx, *k, *v, m_options.home));
      m_registry.repos.push_back(std::move(*repo));
      m_root_of.push_back(m_root_index);
      const auto [it, added] = m_seen.insert(m_registry.repos.size() - 1);
      if (!added) {
        m_registry.repos.pop_back();
        m_root_of.pop_back();
        if (m_root_of[*it] != m_root_index) {
          continue; // an earlier root file lists it: its entry stands (see load())
        }
        const Repo& first = m_registry.repos[*it];
        return tl::unexpected(error_at(ctx, k->source(),
                                       "duplicate repo '" + first.path.string() +
                                           "' (already defined at " + first.location.str() + ")"));
      }
      const Repo& added_repo = m_registry.repos.back();
      if (added_repo.chain) {
        chained.emplace_back(added_repo.path / k_file_name, k);
      }
    }
    for (const auto& [file, key] : chained) {
      if (!util::exists(file)) {
        continue;
      }
      if (ctx.depth >= k_max_include_depth) {
        return tl::unexpected(too_deep(ctx, key->source()));
      }
      if (auto r = load_file(file, {false, false, ctx.depth + 1}); !r) {
        return r;
      }
    }
    return {};
  }

  const LoadOptions& m_options;
  TrustList m_trust;
  fs::path m_root_physical; // LoadOptions::root, symlinks resolved
  Registry m_registry;
  std::set<fs::path> m_loaded;
  // The repos loaded so far, as indices into m_registry.repos, told apart by their path
  // (no copy of each path), and which root file's load listed each.
  struct ByPath {
    const std::vector<Repo>* repos;
    std::size_t operator()(std::size_t i) const {
      return std::hash<std::string>{}((*repos)[i].path.native());
    }
    bool operator()(std::size_t a, std::size_t b) const {
      return (*repos)[a].path.native() == (*repos)[b].path.native();
    }
  };
  std::unordered_set<std::size_t, ByPath, ByPath> m_seen{0, ByPath{&m_registry.repos},
                                                         ByPath{&m_registry.repos}};
  std::vector<std::size_t> m_root_of;
  util::PathMemo m_paths; // for the confinement of untrusted files' repositories
  std::size_t m_root_index = 0;
  std::optional<std::pair<fs::path, std::string>> m_replaced;
};

Result<Registry> load_all(const LoadOptions& options, const fs::path* replaced,
                          std::string_view text) {
  MR_TRY_VAR(trust, TrustList::read(options.home));
  Loader loader(options, std::move(*trust));
  if (replaced != nullptr) {
    loader.replace(util::physical(*replaced), text);
  }
  loader.registry().root = options.root;
  loader.registry().root_exists = util::exists(options.root);
  auto roots = options.roots;
  if (roots.empty()) {
    roots.push_back({options.root, RootSource::option, options.root_owner_only});
  }
  for (const auto& root : roots) {
    if (util::exists(root.path) || loader.replaces(root.path)) {
      MR_TRY(loader.load_root(root));
    }
  }
  if (!loader.registry().root_exists) {
    loader.plan_missing_root(options.root);
  }
  return loader.take();
}

} // namespace

Result<Registry> load(const LoadOptions& options) {
  return load_all(options, nullptr, {});
}

Result<Registry> load_with_text(const LoadOptions& options, const fs::path& file,
                                std::string_view text) {
  if (text.size() > k_max_file_size) {
    return fail(file.string() + ": not changed, because it would be larger than " +
                std::to_string(k_max_file_size) + " bytes, the most mr reads");
  }
  return load_all(options, &file, text);
}

} // namespace mr::registry
