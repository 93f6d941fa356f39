// `mr import --dry-run` on random INI texts: mutations of the corpus (lines moved and
// dropped, random bytes and binary junk, continuation lines, huge lines, deep include chains,
// include cycles, chained files). Whatever the input, the importer ends (each run has a
// timeout), is never killed by a signal, exits 0, 1 or 2, and writes nothing. The seed is
// fixed (MR_IMPORT_FUZZ_SEED overrides it) and the number of runs bounded, so the test is
// repeatable and short; a failure prints the seed, the run and the input.
#include <cstdlib>
#include <random>

#include "myrepos_import_corpus.hpp"

namespace mr::test {

namespace {

#ifdef MR_TEST_SANITIZED
constexpr int k_runs = 60;
#else
constexpr int k_runs = 250;
#endif

// Seconds one import may take before it counts as a hang.
constexpr int k_timeout = 10;

class ImportFuzz : public CliTest {
protected:
  void SetUp() override {
    for (auto it = fs::recursive_directory_iterator(import_corpus_dir());
         it != fs::recursive_directory_iterator(); ++it) {
      if (it->is_regular_file() && it->path().filename() != "case.txt") {
        m_seeds.push_back(read_file(it->path()));
      }
    }
    ASSERT_FALSE(m_seeds.empty());
    if (const char* seed = std::getenv("MR_IMPORT_FUZZ_SEED")) {
      m_seed = std::strtoul(seed, nullptr, 10);
    }
    m_rng.seed(m_seed);
  }

  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(m_rng);
  }

  std::string junk(std::size_t size) {
    std::string bytes(size, '\0');
    for (auto& c : bytes) {
      c = static_cast<char>(pick(256));
    }
    return bytes;
  }

  std::string random_line() {
    static const std::vector<std::string> pieces = {"[DEFAULT]",
                                                    "[ALIAS]",
                                                    "[]",
                                                    "[..]",
                                                    "[../x]",
                                                    "[/]",
                                                    "[$UNSET_NAME/x]",
                                                    "[`id`]",
                                                    "[$(echo x)]",
                                                    "[src/x]",
                                                    "[~/y]",
                                                    "[a\\]b]",
                                                    "checkout = git clone 'u' 'x'",
                                                    "checkout = git clone -b",
                                                    "checkout = git clone --branch= u",
                                                    "include = cat ~/inc0",
                                                    "include = cat",
                                                    "include = cat ~/nothing/*",
                                                    "include = cat ~/.mrconfig",
                                                    "chain = true",
                                                    "chain = false",
                                                    "chain = test -e x",
                                                    "skip = lazy",
                                                    "skip = true",
                                                    "deleted = false",
                                                    "order = -3",
                                                    "order = 1e9",
                                                    "order = x",
                                                    "jobs = 0",
                                                    "jobs = 99999999999999999999",
                                                    "jobs = many",
                                                    "lib = f() {",
                                                    "x_append = y",
                                                    "x_prepend = \\",
                                                    "git_status = perl: 1",
                                                    "y_test = perl: -d 1",
                                                    "=",
                                                    " = ",
                                                    "key=",
                                                    "\t",
                                                    " ",
                                                    "\tcontinued",
                                                    "  # not a comment",
                                                    "# comment",
                                                    "\r",
                                                    "k\r = v",
                                                    "fixups = echo \"\"\"'''",
                                                    "a = '''",
                                                    "b = \"\"\"\\",
                                                    "c = \\u0000",
                                                    "d = \x7f\x1b[2J"};
    return pieces[pick(pieces.size())];
  }

  // One mutation of `text`.
  void mutate(std::string& text) {
    auto lines = lines_of(text);
    const auto index = static_cast<std::ptrdiff_t>(pick(lines.size() + 1));
    const auto at = [&] { return lines.begin() + index; }; // valid after inserts too
    switch (pick(10)) {
    case 0:
      lines.insert(at(), random_line());
      break;
    case 1:
      if (!lines.empty()) {
        lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(pick(lines.size())));
      }
      break;
    case 2: { // a line of another seed
      const auto other = lines_of(m_seeds[pick(m_seeds.size())]);
      if (!other.empty()) {
        lines.insert(at(), other[pick(other.size())]);
      }
      break;
    }
    case 3:
      lines.insert(at(), junk(1 + pick(64)));
      break;
    case 4: // continuation lines, many
      for (std::size_t i = 0, n = 1 + pick(200); i < n; ++i) {
        lines.insert(at(), (pick(2) ? "\t" : " ") + random_line());
      }
      break;
    case 5: // a huge line
      lines.insert(at(), "k = " + std::string(100'000 + pick(400'000), 'x'));
      break;
    case 6: // a byte changed
      if (!text.empty()) {
        text[pick(text.size())] = static_cast<char>(pick(256));
        return;
      }
      break;
    case 7: // cut anywhere, maybe mid-line
      text.resize(pick(text.size() + 1));
      return;
    case 8:
      lines.insert(at(), "[" + junk(pick(20)) + "]");
      break;
    default:
      lines.insert(at(), "include = cat ~/inc" + std::to_string(pick(4)));
      break;
    }
    text.clear();
    for (const auto& l : lines) {
      text += l + "\n";
    }
    if (pick(4) == 0 && !text.empty()) {
      text.pop_back(); // no newline at the end
    }
  }

  // ~/inc0.. ~/inc3 include each other (cycles) or end; a chain of includes 40 deep;
  // chained .mrconfig files in src/x, itself chained again.
  void write_includes() {
    for (int i = 0; i < 4; ++i) {
      std::string text = m_seeds[pick(m_seeds.size())];
      for (int m = 0, n = static_cast<int>(pick(3)); m < n; ++m) {
        mutate(text);
      }
      text += "\ninclude = cat ~/inc" + std::to_string(pick(4)) + "\n";
      write_file(home() / ("inc" + std::to_string(i)), text);
    }
    for (int i = 0; i < 40; ++i) {
      write_file(home() / "deep" / std::to_string(i),
                 "[d" + std::to_string(i) + "]\ncheckout = true\ninclude = cat ~/deep/" +
                     std::to_string(i + 1) + "\n");
    }
    fs::create_directories(home() / "src/x/.git");
    fs::create_directories(home() / "src/x/y/.git");
    write_file(home() / "src/x/.mrconfig", "[y]\nchain = true\ncheckout = git clone 'u' 'y'\n");
    write_file(home() / "src/x/y/.mrconfig", "[.]\nchain = true\n" + junk(pick(40)));
  }

  std::string input_for_run() {
    std::string text = m_seeds[pick(m_seeds.size())];
    if (pick(8) == 0) {
      text = junk(pick(4096)); // binary junk
    }
    for (int m = 0, n = 1 + static_cast<int>(pick(6)); m < n; ++m) {
      mutate(text);
    }
    if (pick(4) == 0) {
      text += "\n[src/x]\nchain = true\n";
    }
    if (pick(6) == 0) {
      text += "\ninclude = cat ~/deep/0\n";
    }
    return text;
  }

  static std::string shown(const std::string& text) {
    std::string out;
    for (const char c : text.substr(0, 3000)) {
      if (c == '\n' || (c >= 0x20 && c < 0x7f)) {
        out += c;
      } else {
        out +=
            "\\x" + std::string(1, "0123456789abcdef"[(c >> 4) & 15]) + "0123456789abcdef"[c & 15];
      }
    }
    return text.size() > 3000 ? out + "\n[... " + std::to_string(text.size()) + " bytes]" : out;
  }

  bool any_toml() const {
    for (auto it = fs::recursive_directory_iterator(home());
         it != fs::recursive_directory_iterator(); ++it) {
      if (it->path().extension() == ".toml") {
        return true;
      }
    }
    return false;
  }

  std::vector<std::string> m_seeds;
  unsigned long m_seed = 20240611;
  std::mt19937 m_rng;
};

} // namespace

TEST_F(ImportFuzz, NoInputCrashesHangsOrWrites) {
  for (int run_no = 0; run_no < k_runs; ++run_no) {
    fs::remove_all(home());
    fs::create_directories(home());
    write_includes();
    const auto text = input_for_run();
    write_file(home() / ".mrconfig", text);
    std::vector<std::string> argv = {"timeout", "-s", "KILL", std::to_string(k_timeout),
                                     mr_binary().string()};
    if (pick(3) == 0) {
      argv.emplace_back("-t");
    }
    argv.insert(argv.end(), {"import", "--dry-run"});
    RunOptions options;
    options.cwd = home();
    options.env = env_for(home());
    const auto r = run(argv, options);
    const bool ok = r.exit_code == 0 || r.exit_code == 1 || r.exit_code == 2;
    if (!ok || any_toml()) {
      ADD_FAILURE() << "seed " << m_seed << ", run " << run_no << ": exit " << r.exit_code
                    << (r.exit_code == 137 ? " (killed: a hang?)" : "")
                    << (ok ? " (and it wrote a .toml file)" : "")
                    << "\nstderr: " << r.err.substr(0, 2000) << "\ninput:\n"
                    << shown(text);
      return;
    }
  }
}

TEST_F(ImportFuzz, IncludeCycleEnds) {
  // myrepos itself never ends on this (each include splices the including text again); the
  // import may refuse it, report it, or convert it (mr loads each file once), but it ends.
  write_file(home() / ".mrconfig", "[src/a]\ncheckout = true\ninclude = cat ~/a\n");
  write_file(home() / "a", "[src/b]\ncheckout = true\ninclude = cat ~/.mrconfig\n");
  RunOptions options;
  options.cwd = home();
  options.env = env_for(home());
  const auto r = run({"timeout", "-s", "KILL", std::to_string(k_timeout), mr_binary().string(),
                      "import", "--dry-run"},
                     options);
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1 || r.exit_code == 2)
      << r.exit_code << r.out << r.err;
}

} // namespace mr::test
