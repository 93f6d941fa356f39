// One key of a trusted registry file's [settings] table: what each may hold, read into
// Settings (load.cpp walks the table).
#include <array>
#include <chrono>

#include <mr/util/duration.hpp>

#include "load_support.hpp"
#include "toml_support.hpp"

namespace mr::registry {

namespace {

Result<void> setting_jobs(const FileContext& ctx, const toml::node& v, Settings& settings) {
  const auto* i = v.as_integer();
  if (i == nullptr || i->get() < 1 || i->get() > 4096) {
    return tl::unexpected(
        error_at(ctx, v.source(), "'settings.jobs' must be an integer from 1 to 4096"));
  }
  settings.jobs = static_cast<unsigned>(i->get());
  return {};
}

// A duration: a string such as "30s", or a number of seconds; zero only if `zero_ok`.
// `what` says what it must be, for the error.
Result<std::chrono::milliseconds> duration_setting(const FileContext& ctx, const toml::node& v,
                                                   std::string_view name, bool zero_ok,
                                                   std::string_view what) {
  std::optional<std::chrono::milliseconds> d;
  if (const auto* s = v.as_string()) {
    d = util::parse_duration(s->get());
  } else if (const auto* i = v.as_integer(); i != nullptr && i->get() >= (zero_ok ? 0 : 1)) {
    d = util::seconds_duration(static_cast<std::uint64_t>(i->get()));
  }
  if (!d || d->count() < (zero_ok ? 0 : 1)) {
    return tl::unexpected(error_at(
        ctx, v.source(), "'settings." + std::string(name) + "' must be " + std::string(what)));
  }
  if (*d > util::k_max_duration) {
    return tl::unexpected(error_at(ctx, v.source(),
                                   "'settings." + std::string(name) + "' may be at most \"" +
                                       util::format_duration(util::k_max_duration) +
                                       "\" (a year)"));
  }
  return *d;
}

Result<void> setting_timeout(const FileContext& ctx, const toml::node& v, Settings& settings) {
  MR_TRY_VAR(d, duration_setting(ctx, v, "timeout", false,
                                 "a duration such as \"30s\", \"5m\" or \"1h\""));
  settings.timeout = *d;
  return {};
}

Result<void> setting_stall_timeout(const FileContext& ctx, const toml::node& v,
                                   Settings& settings) {
  MR_TRY_VAR(d, duration_setting(ctx, v, "stall_timeout", true,
                                 "a duration such as \"30s\" or \"2m\", or 0 for none"));
  settings.stall_timeout = *d;
  return {};
}

Result<void> setting_transport(const FileContext& ctx, const toml::node& v, Settings& settings) {
  const auto* s = v.as_string();
  const auto t = s != nullptr ? parse_transport(s->get()) : std::nullopt;
  if (!t) {
    return tl::unexpected(
        error_at(ctx, v.source(), "'settings.transport' must be \"auto\", \"libgit2\" or \"git\""));
  }
  settings.transport = *t;
  return {};
}

Result<void> setting_connections(const FileContext& ctx, const toml::node& v, Settings& settings) {
  const auto* i = v.as_integer();
  if (i == nullptr || i->get() < 1 || i->get() > 1024) {
    return tl::unexpected(error_at(
        ctx, v.source(), "'settings.connections_per_host' must be an integer from 1 to 1024"));
  }
  settings.connections_per_host = static_cast<unsigned>(i->get());
  return {};
}

// The keys [settings] may hold, each with what reads it (in the order the message for an
// unknown one lists them).
using SettingFn = Result<void> (*)(const FileContext&, const toml::node&, Settings&);
struct Setting {
  std::string_view key;
  SettingFn read;
};
// Each file's lib adds to what the files loaded before it said, as myrepos appends them.
Result<void> setting_lib(const FileContext& ctx, const toml::node& v, Settings& settings) {
  const auto* s = v.as_string();
  if (s == nullptr) {
    return tl::unexpected(error_at(ctx, v.source(),
                                   "'settings.lib' must be a string of shell code, not " +
                                       toml_support::type_name(v)));
  }
  settings.lib += s->get() + "\n";
  return {};
}

constexpr std::array<Setting, 6> k_settings{{
    {"jobs", &setting_jobs},
    {"timeout", &setting_timeout},
    {"transport", &setting_transport},
    {"connections_per_host", &setting_connections},
    {"stall_timeout", &setting_stall_timeout},
    {"lib", &setting_lib},
}};

} // namespace

Result<void> read_setting(const FileContext& ctx, const toml::key& k, const toml::node& v,
                          Settings& settings) {
  const auto name = k.str();
  std::string expected;
  for (std::size_t i = 0; i < k_settings.size(); ++i) {
    if (k_settings[i].key == name) {
      return k_settings[i].read(ctx, v, settings);
    }
    expected += std::string(i == 0                       ? ""
                            : i + 1 == k_settings.size() ? " or "
                                                         : ", ") +
                std::string(k_settings[i].key);
  }
  return tl::unexpected(error_at(
      ctx, k.source(), "unknown setting '" + std::string(name) + "' (expected " + expected + ")"));
}

} // namespace mr::registry
