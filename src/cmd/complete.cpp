// `mr --complete WHAT [WORD]`: the hidden query the shell completions (completions/) ask,
// so that none of them parses TOML. It answers from the registry the command line being
// completed would use (the same roots, -c, $MR_CONFIG, includes), one candidate per line,
// and never writes to stderr: a completion that printed there would garble the prompt.
// A candidate holding a control character is left out: the shell would insert it into
// the command line being edited.
#include <algorithm>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include <mr/cmd/command_table.hpp>
#include <mr/cmd/complete.hpp>
#include <mr/cmd/exit.hpp>
#include <mr/render/renderer.hpp>
#include <mr/util/paths.hpp>
#include <mr/util/quote.hpp>

namespace mr::cmd {

namespace {

namespace fs = std::filesystem;
using Lines = std::vector<std::string>;

// The names, sorted, but those holding a control character.
Lines printable(const std::set<std::string>& names) {
  Lines out;
  std::copy_if(names.begin(), names.end(), std::back_inserter(out),
               [](const std::string& n) { return !util::has_control_character(n); });
  return out;
}

// NAME<TAB>DESCRIPTION per action.
Lines actions(const registry::Registry& registry) {
  // `help` is no action (cli/ answers `mr help`), but it is typed where actions are.
  Lines out{"help\tan action's usage and options, or the general help"};
  for (const auto& name : known_actions(registry)) {
    auto description = action_description(name, registry);
    if (util::has_control_character(description)) {
      description.clear(); // an alias target's text: the name still completes
    }
    if (!util::has_control_character(name)) {
      out.push_back(name + "\t" + description);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// What the typed word resolves to: NAME<TAB>builtin or NAME<TAB>command.
Lines action(const std::string& typed, const registry::Registry& registry) {
  auto resolution = resolve_action(typed, registry);
  if (!resolution) {
    return {};
  }
  const bool builtin =
      resolution->builtin != nullptr && !replaced_by_registry(*resolution, registry);
  if (util::has_control_character(resolution->action)) {
    return {};
  }
  return {resolution->action + (builtin ? "\tbuiltin" : "\tcommand")};
}

// Registered paths as the word being completed spells them: absolute after "/", "~/..."
// after "~", else relative to the current directory (those at or below it).
Lines repos(const std::string& word, const registry::Registry& registry, const util::Place& cwd,
            const fs::path& home) {
  std::set<std::string> paths;
  for (const auto& repo : registry.repos) {
    std::string spelled;
    if (word.starts_with("/")) {
      spelled = repo.path.string();
    } else if (word.starts_with("~")) {
      if (home.empty() || !util::depth_below(repo.path, home)) {
        continue;
      }
      const auto rel = repo.path.lexically_relative(home).string();
      spelled = rel == "." ? "~" : "~/" + rel;
    } else {
      const fs::path& base = util::depth_below(repo.path, cwd.logical) ? cwd.logical : cwd.physical;
      if (!util::depth_below(repo.path, base)) {
        continue;
      }
      spelled = repo.path.lexically_relative(base).string();
    }
    if (spelled.starts_with(word)) {
      paths.insert(std::move(spelled));
    }
  }
  return printable(paths);
}

Lines tags(const registry::Registry& registry) {
  std::set<std::string> all;
  for (const auto& repo : registry.repos) {
    all.insert(repo.tags.begin(), repo.tags.end());
  }
  return printable(all);
}

// Every command name the registry defines, hooks included (`mr config DEFAULT commands.X`).
Lines commands(const registry::Registry& registry) {
  std::set<std::string> all;
  for (const auto& [name, script] : registry.commands) {
    all.insert(name);
  }
  for (const auto& repo : registry.repos) {
    for (const auto& [name, script] : repo.commands) {
      all.insert(name);
    }
  }
  return printable(all);
}

} // namespace

int complete(const CompletionQuery& query, const registry::Registry& registry) {
  const auto& args = query.args;
  const std::string word = args.empty() ? std::string() : args.front();
  const std::string& what = query.what;
  if (args.size() > 1 || (what == "action" && args.empty()) ||
      ((what == "actions" || what == "tags" || what == "commands") && !args.empty())) {
    return exit_error(usage_text("--complete " + what + " takes " +
                                     (what == "action" ? "one word" : "at most one word"),
                                 "mr --complete WHAT [WORD]"),
                      false);
  }
  Lines out;
  if (what == "actions") {
    out = actions(registry);
  } else if (what == "action") {
    out = action(word, registry);
  } else if (what == "repos") {
    out = repos(word, registry, query.cwd, query.home);
  } else if (what == "tags") {
    out = tags(registry);
  } else if (what == "commands") {
    out = commands(registry);
  } else {
    return exit_error(usage_text("--complete: unknown query \"" + what + "\"",
                                 "mr --complete actions|action WORD|repos [WORD]|tags|commands"),
                      false);
  }
  std::string text;
  for (const auto& line : out) {
    text += line + "\n";
  }
  render::print_text(text);
  return what == "action" && out.empty() ? k_exit_failed : k_exit_ok;
}

} // namespace mr::cmd
