// `mr import` side by side with Debian's myrepos, on the corpus of tests/data/myrepos-import/
// (see myrepos_import_corpus.hpp for a case's layout): each case's tree is built in a
// throwaway $HOME, myrepos runs the case's commands on its .mrconfig, `mr import` converts
// it, and mr runs the same commands on the TOML; stdout (headers, command output, footers,
// -s lists) and exit statuses must be the same. Skipped when myrepos is not installed.
#include <fstream>

#include "myrepos_import_corpus.hpp"

namespace mr::test {

namespace {

class Corpus : public ImportTest, public ::testing::WithParamInterface<std::string> {
protected:
  // Replays the case's steps with `tool`; one result per `run` step.
  std::vector<RunResult> replay(const fs::path& tool, const CorpusCase& c) {
    std::vector<RunResult> results;
    for (const auto& step : c.steps) {
      if (step.remove) {
        fs::remove_all(home() / step.dir);
        continue;
      }
      const auto cwd = step.dir.empty() ? home() : home() / step.dir;
      results.push_back(tool == k_myrepos_binary ? myrepos(step.args, cwd, c.env)
                                                 : mr(step.args, cwd, c.env));
    }
    return results;
  }
};

std::string describe(const CorpusStep& step) {
  std::string text = "mr";
  for (const auto& a : step.args) {
    text += " " + a;
  }
  return text + " (from ~/" + step.dir.string() + ")";
}

} // namespace

TEST_P(Corpus, ImportThenTheSameOutputAsMyrepos) {
  const auto c = load_case(GetParam());
  lay_out(GetParam(), c);
  const auto theirs = replay(k_myrepos_binary, c);

  auto dry_args = c.import_args;
  dry_args.push_back("--dry-run");
  const auto before = snapshot();
  const auto dry = import(dry_args, c.env);
  EXPECT_EQ(snapshot(), before) << "mr import --dry-run wrote something";
  EXPECT_EQ(dry.exit_code, c.import_exit) << dry.err;

  const auto r = import(c.import_args, c.env);
  ASSERT_EQ(r.exit_code, c.import_exit) << "mr import: " << r.out << r.err;
  check_report_lines(r);
  const auto written = written_files(r.out);
  expect_dry_run_matches(dry.out, written);
  for (const auto& file : written) {
    SCOPED_TRACE("wrote " + file.string() + ":\n" + read_file(file));
  }

  const auto ours = replay(mr_binary(), c);
  std::size_t i = 0;
  for (const auto& step : c.steps) {
    if (step.remove) {
      continue;
    }
    SCOPED_TRACE(describe(step));
    std::string toml;
    for (const auto& file : written) {
      toml += "==> " + file.string() + "\n" + read_file(file);
    }
    EXPECT_EQ(ours[i].out, theirs[i].out)
        << "mr's stderr: " << ours[i].err << "\nmyrepos' stderr: " << theirs[i].err
        << "\nimported:\n"
        << toml;
    EXPECT_EQ(ours[i].exit_code, theirs[i].exit_code) << ours[i].err;
    ++i;
  }

  // A second import does not overwrite what the first wrote.
  const auto after = snapshot();
  const auto again = import(c.import_args, c.env);
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_EQ(again.out, "");
  ASSERT_FALSE(written.empty());
  EXPECT_EQ(again.err.rfind("mr: error: /", 0), 0U) << again.err;
  EXPECT_NE(again.err.find(" exists; pass --force to replace it, or --dry-run to see the "
                           "conversion\n"),
            std::string::npos)
      << again.err;
  EXPECT_EQ(snapshot(), after);
}

INSTANTIATE_TEST_SUITE_P(MyreposImport, Corpus, ::testing::ValuesIn(import_corpus_cases()),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

} // namespace mr::test
