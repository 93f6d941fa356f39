#include "shared_config.hpp"

#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <optional>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>
#include <vector>

#include <git2/sys/config.h>
#include <spdlog/spdlog.h>

#include <mr/util/file_io.hpp>
#include <mr/util/strings.hpp>

#include "error.hpp"
#include "handles.hpp"

namespace mr::git {

namespace {

// One configuration level, parsed once and never changed afterwards: every thread reads
// it through its own backend objects without locks.
struct Level {
  git_config_level_t level = GIT_CONFIG_LEVEL_GLOBAL;
  std::deque<std::string> text;                           // owns every name and value
  std::vector<git_config_entry> entries;                  // in file order
  std::unordered_map<std::string_view, std::size_t> last; // name -> its last entry
};

std::optional<std::string> home();

// Keys whose values libgit2 reads as paths. It expands "~/" through its global search
// path, which is gone once the shared configuration is in use, so it is done here.
bool is_path_key(std::string_view name) {
  return name == "core.excludesfile" || name == "core.attributesfile" || name == "mailmap.file" ||
         name == "init.templatedir" || name == "core.hookspath" || name == "commit.template";
}

std::string expand_home(std::string_view name, std::string value) {
  if (const auto h = home(); h && is_path_key(name) && value.starts_with("~/")) {
    return *h + value.substr(1);
  }
  return value;
}

void keep_entry(git_config_entry*) {} // entries belong to the Level, not to the caller

void add_entry(Level& level, std::string name, std::string value, unsigned include_depth = 0) {
  value = expand_home(name, std::move(value));
  const auto& n = level.text.emplace_back(std::move(name));
  const auto& v = level.text.emplace_back(std::move(value));
  git_config_entry entry{};
  entry.name = n.c_str();
  entry.value = v.c_str();
  entry.include_depth = include_depth;
  entry.level = level.level;
  entry.free = keep_entry;
  level.entries.push_back(entry);
  level.last[n] = level.entries.size() - 1;
}

bool g_active = false;
std::vector<Level>& levels() {
  static std::vector<Level> all; // filled before any thread starts, read-only afterwards
  return all;
}

// ---- the read-only backend over one Level ----------------------------------------------

struct Backend {
  git_config_backend parent; // first: libgit2 passes &parent around
  const Level* level;
  std::shared_ptr<const Level> owned; // a repository's own level (see add_shared_config)
};

struct Iterator {
  git_config_iterator parent;
  const Level* level;
  std::size_t next;
};

const Level& level_of(git_config_backend* b) {
  return *reinterpret_cast<Backend*>(b)->level;
}

int read_only(git_config_backend*) {
  git_error_set_str(GIT_ERROR_CONFIG, "the user's git configuration is read-only here");
  return -1;
}

int backend_open(git_config_backend*, git_config_level_t, const git_repository*) {
  return 0;
}

int backend_get(git_config_backend* b, const char* key, git_config_entry** out) {
  const auto& level = level_of(b);
  const auto it = level.last.find(key);
  if (it == level.last.end()) {
    return GIT_ENOTFOUND;
  }
  *out = const_cast<git_config_entry*>(&level.entries[it->second]);
  return 0;
}

int backend_set(git_config_backend* b, const char*, const char*) {
  return read_only(b);
}
int backend_set_multivar(git_config_backend* b, const char*, const char*, const char*) {
  return read_only(b);
}
int backend_del(git_config_backend* b, const char*) {
  return read_only(b);
}
int backend_del_multivar(git_config_backend* b, const char*, const char*) {
  return read_only(b);
}
int backend_lock(git_config_backend* b) {
  return read_only(b);
}
int backend_unlock(git_config_backend* b, int) {
  return read_only(b);
}

int iterator_next(git_config_entry** out, git_config_iterator* it) {
  auto* self = reinterpret_cast<Iterator*>(it);
  if (self->next >= self->level->entries.size()) {
    return GIT_ITEROVER;
  }
  *out = const_cast<git_config_entry*>(&self->level->entries[self->next++]);
  return 0;
}

void iterator_free(git_config_iterator* it) {
  delete reinterpret_cast<Iterator*>(it);
}

int backend_iterator(git_config_iterator** out, git_config_backend* b) {
  auto* it = new Iterator{};
  it->parent.backend = b;
  it->parent.next = iterator_next;
  it->parent.free = iterator_free;
  it->level = &level_of(b);
  it->next = 0;
  *out = &it->parent;
  return 0;
}

git_config_backend* new_backend(const Level& level, std::shared_ptr<const Level> owned = {});

int backend_snapshot(git_config_backend** out, git_config_backend* b) {
  // Already immutable: a snapshot is another view of the same level.
  *out = new_backend(level_of(b), reinterpret_cast<Backend*>(b)->owned);
  return 0;
}

void backend_free(git_config_backend* b) {
  delete reinterpret_cast<Backend*>(b);
}

git_config_backend* new_backend(const Level& level, std::shared_ptr<const Level> owned) {
  auto* b = new Backend{};
  b->owned = std::move(owned);
  git_config_init_backend(&b->parent, GIT_CONFIG_BACKEND_VERSION);
  b->parent.readonly = 1; // never chosen for writes: those go to the repository's file
  b->parent.open = backend_open;
  b->parent.get = backend_get;
  b->parent.set = backend_set;
  b->parent.set_multivar = backend_set_multivar;
  b->parent.del = backend_del;
  b->parent.del_multivar = backend_del_multivar;
  b->parent.iterator = backend_iterator;
  b->parent.snapshot = backend_snapshot;
  b->parent.lock = backend_lock;
  b->parent.unlock = backend_unlock;
  b->parent.free = backend_free;
  b->level = &level;
  return &b->parent;
}

// ---- finding and reading the files as git does -----------------------------------------

std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) {
    return std::nullopt;
  }
  return std::string(value);
}

bool env_true(const char* name) {
  const auto value = env(name);
  if (!value) {
    return false;
  }
  const std::string v = util::ascii_lower(*value);
  return v == "1" || v == "true" || v == "yes" || v == "on";
}

// git (and libgit2) read $HOME alone: unset or empty, there is no global configuration
// and "~/" is not expanded (util::home_dir() would ask the password database).
std::optional<std::string> home() {
  auto h = env("HOME");
  if (!h || h->empty()) {
    return std::nullopt;
  }
  return h;
}

std::optional<std::string> xdg_git_dir() {
  if (const auto xdg = env("XDG_CONFIG_HOME"); xdg && !xdg->empty()) {
    return *xdg + "/git";
  }
  if (const auto h = home()) {
    return *h + "/.config/git";
  }
  return std::nullopt;
}

enum class Read { ok, unsupported, failed };

// Parses `path` with libgit2 (so includes and quoting are exactly libgit2's) into `level`.
Read read_file(Level& level, const std::string& path) {
  if (!util::is_regular_file(path)) {
    return Read::ok; // git skips a missing file, and reads /dev/null as empty
  }
  git_config* raw = nullptr;
  if (git_config_open_ondisk(&raw, path.c_str()) != 0) {
    spdlog::debug("git config {}: {}", path, last_error(-1));
    return Read::failed; // let libgit2 report it on every repository, as git would
  }
  ConfigPtr cfg(raw);
  git_config_iterator* it_raw = nullptr;
  if (git_config_iterator_new(&it_raw, cfg.get()) != 0) {
    return Read::failed;
  }
  const ConfigIteratorPtr it(it_raw);
  Read result = Read::ok;
  git_config_entry* entry = nullptr;
  while (git_config_next(&entry, it.get()) == 0) {
    if (std::strncmp(entry->name, "includeif.", 10) == 0) {
      result = Read::unsupported; // its condition depends on the repository
      break;
    }
    add_entry(level, entry->name, entry->value != nullptr ? entry->value : "",
              entry->include_depth);
  }
  return result;
}

// A name as libgit2 stores it: section and key lower-cased, a subsection kept.
std::optional<std::string> normalize_key(std::string key) {
  const auto first = key.find('.');
  const auto last = key.rfind('.');
  if (first == std::string::npos || first == 0 || last + 1 == key.size()) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (i < first || i > last) {
      key[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(key[i])));
    }
  }
  return key;
}

bool has_key(const char* name) {
  for (const auto& level : levels()) {
    if (level.last.count(name) != 0) {
      return true;
    }
  }
  return false;
}

Level& level_for(git_config_level_t which) {
  for (auto& level : levels()) {
    if (level.level == which) {
      return level;
    }
  }
  auto& level = levels().emplace_back();
  level.level = which;
  return level;
}

bool load() {
  auto& all = levels();
  all.clear();
  all.reserve(5); // system, XDG, global, command line (+ XDG made for defaults)
  // Lowest priority first: libgit2 orders backends by level anyway.
  if (!env_true("GIT_CONFIG_NOSYSTEM")) {
    auto& system = all.emplace_back();
    system.level = GIT_CONFIG_LEVEL_SYSTEM;
    if (read_file(system, env("GIT_CONFIG_SYSTEM").value_or("/etc/gitconfig")) != Read::ok) {
      return false;
    }
  }
  if (const auto global_file = env("GIT_CONFIG_GLOBAL")) {
    auto& level = all.emplace_back();
    level.level = GIT_CONFIG_LEVEL_GLOBAL;
    if (read_file(level, *global_file) != Read::ok) {
      return false;
    }
  } else {
    auto& xdg = all.emplace_back();
    xdg.level = GIT_CONFIG_LEVEL_XDG;
    if (const auto dir = xdg_git_dir(); dir && read_file(xdg, *dir + "/config") != Read::ok) {
      return false;
    }
    auto& global = all.emplace_back();
    global.level = GIT_CONFIG_LEVEL_GLOBAL;
    if (const auto h = home(); h && read_file(global, *h + "/.gitconfig") != Read::ok) {
      return false;
    }
  }
  // GIT_CONFIG_COUNT, GIT_CONFIG_KEY_n, GIT_CONFIG_VALUE_n: git's command-line level.
  if (const auto count = env("GIT_CONFIG_COUNT"); count && !count->empty()) {
    auto& app = all.emplace_back();
    app.level = GIT_CONFIG_LEVEL_APP;
    // git refuses a count that is not a number ("bogus count") and stops at the first
    // missing key or value: so does this, without failing (libgit2 ignores them all).
    unsigned long n = 0;
    if (!util::parse_unsigned(*count, n)) {
      spdlog::debug("GIT_CONFIG_COUNT: '{}' is not a count, ignored", *count);
      n = 0;
    }
    for (unsigned long i = 0; i < n; ++i) {
      const auto key = env(("GIT_CONFIG_KEY_" + std::to_string(i)).c_str());
      const auto value = env(("GIT_CONFIG_VALUE_" + std::to_string(i)).c_str());
      if (!key || !value) {
        spdlog::debug("GIT_CONFIG_KEY_{} or its value is missing: the rest is ignored", i);
        break;
      }
      if (const auto name = normalize_key(*key)) {
        add_entry(app, *name, *value);
      } else {
        spdlog::debug("GIT_CONFIG_KEY_{}: invalid, ignored", i);
      }
    }
  }
  // The files git reads by default from the XDG directory are found through the search
  // path that is about to go; name them explicitly where the user did not.
  const auto xdg = xdg_git_dir();
  if (!xdg) {
    return true;
  }
  if (!has_key("core.excludesfile") && util::is_regular_file(*xdg + "/ignore")) {
    add_entry(level_for(GIT_CONFIG_LEVEL_XDG), "core.excludesfile", *xdg + "/ignore");
  }
  if (!has_key("core.attributesfile") && util::is_regular_file(*xdg + "/attributes")) {
    add_entry(level_for(GIT_CONFIG_LEVEL_XDG), "core.attributesfile", *xdg + "/attributes");
  }
  return true;
}

} // namespace

bool load_shared_config() {
  // libgit2 also finds the system gitattributes through the search path; keep its own
  // loading rather than lose that file.
  if (util::exists("/etc/gitattributes") || !load()) {
    levels().clear();
    spdlog::debug("git config: libgit2 reads the user's configuration per repository");
    return false;
  }
  for (const int level : {GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_GLOBAL,
                          GIT_CONFIG_LEVEL_PROGRAMDATA}) {
    git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, "");
  }
  git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
  g_active = true;
  return true;
}

bool shared_config_active() {
  return g_active;
}

int add_shared_config(git_config* cfg) {
  const Level* app = nullptr;
  for (const auto& level : levels()) {
    if (level.level == GIT_CONFIG_LEVEL_APP) {
      app = &level;
      continue; // added last, maybe with this repository's additions
    }
    if (level.entries.empty()) {
      continue;
    }
    auto* backend = new_backend(level);
    if (const int rc = git_config_add_backend(cfg, backend, level.level, nullptr, 0); rc != 0) {
      backend->free(backend);
      return rc;
    }
  }
  // A "~/" path in the repository's own config: expanded here too, in a copy of the
  // command-line level (which the repository's file does not override anyway).
  std::shared_ptr<Level> own;
  for (const char* key : {"core.excludesfile", "core.attributesfile"}) {
    if (app != nullptr && app->last.count(key) != 0) {
      continue;
    }
    git_config_entry* raw = nullptr;
    if (git_config_get_entry(&raw, cfg, key) != 0) {
      continue;
    }
    const ConfigEntryPtr entry(raw);
    const std::string value = entry->value != nullptr ? entry->value : "";
    if (!value.starts_with("~/")) {
      continue;
    }
    if (!own) {
      own = std::make_shared<Level>();
      own->level = GIT_CONFIG_LEVEL_APP;
      if (app != nullptr) {
        for (const auto& e : app->entries) {
          add_entry(*own, e.name, e.value);
        }
      }
    }
    add_entry(*own, key, value);
  }
  git_error_clear();
  git_config_backend* backend = nullptr;
  if (own) {
    backend = new_backend(*own, own);
  } else if (app != nullptr && !app->entries.empty()) {
    backend = new_backend(*app);
  }
  if (backend != nullptr) {
    if (const int rc = git_config_add_backend(cfg, backend, GIT_CONFIG_LEVEL_APP, nullptr, 0);
        rc != 0) {
      backend->free(backend);
      return rc;
    }
  }
  return 0;
}

bool owner_allowed(unsigned owner_uid, const std::string& worktree) {
  const uid_t euid = ::geteuid();
  if (owner_uid == euid) {
    return true;
  }
  if (euid == 0) {
    if (const auto sudo = env("SUDO_UID"); sudo && !sudo->empty()) {
      char* end = nullptr;
      const unsigned long uid = std::strtoul(sudo->c_str(), &end, 10);
      if (*end == '\0' && uid == owner_uid) {
        return true;
      }
    }
  }
  // safe.directory, from the protected levels only, in order; an empty value resets.
  const auto target = util::without_trailing_slashes(worktree);
  bool allowed = false;
  for (const auto& level : levels()) {
    if (level.level == GIT_CONFIG_LEVEL_LOCAL) {
      continue;
    }
    for (const auto& entry : level.entries) {
      if (std::strcmp(entry.name, "safe.directory") != 0) {
        continue;
      }
      std::string value = entry.value;
      if (value.empty()) {
        allowed = false;
      } else if (value == "*") {
        allowed = true;
      } else {
        if (const auto h = home(); h && value.starts_with("~/")) {
          value = *h + value.substr(1);
        }
        if (value == target) { // exact, as git: "/path/" does not allow "/path"
          allowed = true;
        }
      }
    }
  }
  return allowed;
}

} // namespace mr::git
