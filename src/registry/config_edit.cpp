// mr config's writes: every change of one call in one write of one file, made textually and
// kept only when the registry loads with it.
#include <mr/registry/config.hpp>
#include <mr/util/strings.hpp>

#include "config_keys.hpp"
#include "edit_support.hpp"
#include "load_support.hpp"

namespace mr::registry {

namespace {

// A change ready to be made: where, and the TOML text of its value (nullopt: remove).
struct Prepared {
  config_keys::Key key;
  std::string typed; // the key as typed, for messages
  std::optional<std::string> value;
};

Result<std::vector<Prepared>> prepare(bool repo, const std::vector<ConfigChange>& changes) {
  std::vector<Prepared> out;
  for (const auto& change : changes) {
    MR_TRY_VAR(key, config_keys::parse(repo, change.key));
    std::optional<std::string> value;
    if (change.value) {
      MR_TRY_VAR(text, config_keys::value_text(*key, change.key, *change.value));
      value = std::move(*text);
    }
    out.push_back({std::move(*key), change.key, std::move(value)});
  }
  return out;
}

// The file every file-wide change goes to: the one that sets its key, else the root file.
// Changes that would go to different files are refused, so that one call is one write.
Result<std::filesystem::path> file_for_defaults(const Registry& registry,
                                                const std::vector<Prepared>& changes) {
  std::filesystem::path chosen;
  std::string chosen_by;
  for (const auto& change : changes) {
    MR_TRY_VAR(defining, config_keys::defining_file(registry, change.key));
    const auto file = defining->value_or(registry.root);
    if (chosen.empty()) {
      chosen = file;
      chosen_by = change.typed;
    } else if (file != chosen) {
      return fail(chosen_by + " and " + change.typed + " belong in different files (" +
                  chosen.string() + " and " + file.string() +
                  "); change them with one mr config each");
    }
  }
  return chosen.empty() ? registry.root : chosen;
}

// `text` with every change made, if the registry loads with it.
Result<std::string> apply(const std::string& text, const std::filesystem::path& file,
                          const text_edit::TablePath& base, const std::vector<Prepared>& changes,
                          const LoadOptions& load) {
  std::string out = text;
  for (const auto& change : changes) {
    auto table = base;
    table.insert(table.end(), change.key.table.begin(), change.key.table.end());
    auto next = change.value
                    ? text_edit::set_value(out, file, table, change.key.name, *change.value)
                    : text_edit::remove_value(out, file, table, change.key.name);
    if (!next) {
      return next;
    }
    out = std::move(*next);
  }
  if (out == text) {
    return out;
  }
  auto loaded = load_with_text(load, file, out);
  if (!loaded) {
    if (loaded.error().cancelled()) {
      return tl::unexpected(loaded.error());
    }
    return fail("nothing was changed, because the registry would not load with the change: " +
                loaded.error().message);
  }
  return out;
}

} // namespace

Result<std::filesystem::path> set_config(const ConfigRequest& request) {
  const bool for_repo = request.repo.has_value();
  MR_TRY_VAR(changes, prepare(for_repo, request.changes));
  std::filesystem::path written = request.load.root;
  MR_TRY(edit_registry(
      request.load, [&](const Registry& registry) -> Result<std::optional<PlannedEdit>> {
        PlannedEdit planned;
        text_edit::TablePath base;
        if (for_repo) {
          planned.repo = find_config_repo(registry, *request.repo);
          if (planned.repo == nullptr) {
            const auto path = request.repo->logical.string();
            return fail(path + " is not registered (add it with mr register " + path + ")");
          }
          planned.file = planned.repo->location.file;
          base = {"repos", planned.repo->key};
        } else {
          MR_TRY_VAR(file, file_for_defaults(registry, *changes));
          planned.file = std::move(*file);
        }
        written = planned.file;
        planned.edit = [&, base, file = planned.file](const std::string& text) {
          return apply(text, file, base, *changes, request.load);
        };
        return planned;
      }));
  return written;
}

} // namespace mr::registry
