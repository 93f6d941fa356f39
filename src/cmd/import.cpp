// `mr import [FILE] [-o OUT] [--force] [--dry-run] [--run-includes]`: a myrepos registry
// (default ~/.mrconfig) converted to mr's TOML registry (default: FILE.toml beside it, or
// -c FILE). What could not be converted is reported on stderr, one line each, and the exit
// status is 1 (partial); what was converted in another form, or approximately but
// harmlessly, is a note on stderr (exit 0); a malformed or untrusted file, or an output that exists
// without
// --force, is an error (exit 2) and nothing is written.
#include <mr/cmd/exit.hpp>
#include <mr/proc/process.hpp>
#include <mr/registry/import.hpp>

#include "actions.hpp"

namespace mr::cmd {

namespace {

constexpr std::string_view k_usage =
    "mr import [FILE] [-o|--output OUT] [--force] [--dry-run] [--run-includes]";

struct ImportArgs {
  std::optional<std::string> file;
  std::optional<std::string> output;
  bool force = false;
  bool dry_run = false;
  bool run_includes = false;
};

Result<ImportArgs> parse_import_args(const std::vector<std::string>& args) {
  ImportArgs out;
  bool options = true;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (options && a == "--") {
      options = false;
    } else if (options && (a == "-o" || a == "--output")) {
      if (i + 1 == args.size()) {
        return fail(usage_text(a + " needs a file", k_usage));
      }
      out.output = args[++i];
    } else if (options && a.rfind("--output=", 0) == 0) {
      out.output = a.substr(9);
    } else if (options && a.size() > 2 && a.rfind("-o", 0) == 0) {
      out.output = a.substr(2);
    } else if (options && a == "--force") {
      out.force = true;
    } else if (options && a == "--dry-run") {
      out.dry_run = true;
    } else if (options && a == "--run-includes") {
      out.run_includes = true;
    } else if (options && a.size() > 1 && a[0] == '-') {
      return fail(usage_text("unknown option " + a + " for import", k_usage));
    } else if (out.file) {
      return fail(usage_text("import takes one file", k_usage));
    } else {
      out.file = a;
    }
  }
  if (out.output && out.output->empty()) {
    return fail(usage_text("-o needs a file", k_usage));
  }
  return out;
}

// An include or chain predicate, run as myrepos runs it: sh, its output captured.
Result<registry::ShellOutput> run_shell(const std::string& command,
                                        const std::filesystem::path& dir,
                                        const std::stop_token& stop) {
  proc::Command c;
  c.argv = {"/bin/sh", "-c", command};
  c.cwd = dir;
  std::string out;
  std::string err;
  MR_TRY_VAR(outcome, proc::run(c, out, err, stop));
  if (!err.empty()) {
    render::print_text(err, stderr);
  }
  return registry::ShellOutput{std::move(out), outcome->exit_code};
}

} // namespace

int run_import(CommandContext& ctx) {
  auto args = parse_import_args(ctx.invocation.args);
  if (!args) {
    return ctx.fatal(args.error().message);
  }
  const auto& cwd = ctx.cwd.logical;
  const auto input = util::absolute_normal(
      util::expand_user(args->file.value_or((ctx.home / ".mrconfig").string()), ctx.home), cwd);
  std::filesystem::path output = registry::default_import_output(input);
  if (args->output) {
    output = util::absolute_normal(util::expand_user(*args->output, ctx.home), cwd);
  } else if (const auto& config = ctx.options().config) {
    output = util::absolute_normal(util::expand_user(config->string(), ctx.home), cwd);
  }
  registry::ImportOptions options;
  options.input = input;
  options.output = output;
  options.home = ctx.home;
  options.trust_all = ctx.trust_all();
  options.run_includes = args->run_includes;
  options.stop = ctx.invocation.interrupt;
  options.shell = [&](const std::string& command, const std::filesystem::path& dir) {
    return run_shell(command, dir, ctx.invocation.interrupt);
  };
  auto plan = registry::plan_import(options);
  if (!plan) {
    return plan.error().cancelled() ? k_exit_interrupted : ctx.fatal(plan.error().message);
  }
  if (!args->dry_run) {
    auto written = registry::write_import(*plan, args->force, ctx.invocation.interrupt);
    if (!written) {
      return written.error().cancelled() ? k_exit_interrupted : ctx.fatal(written.error().message);
    }
  }
  for (const auto& r : plan->reports) {
    render::print_text("mr import: " + r.str() + "\n", stderr);
  }
  for (const auto& f : plan->files) {
    if (args->dry_run) {
      const auto header = plan->files.size() > 1 ? "# ==> " + f.path.string() + " <==\n" : "";
      render::print_text(header + f.text);
    }
  }
  if (!args->dry_run) {
    for (const auto& f : plan->files) {
      render::print_text("mr import: wrote " + f.path.string() + " (" + std::to_string(f.repos) +
                         (f.repos == 1 ? " repository)\n" : " repositories)\n"));
    }
  }
  return plan->partial() ? k_exit_failed : k_exit_ok;
}

} // namespace mr::cmd
