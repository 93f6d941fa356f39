#include "myrepos_import_corpus.hpp"

#include <regex>
#include <sstream>
#include <stdexcept>

namespace mr::test {

namespace {

std::vector<std::string> words_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) {
    words.push_back(w);
  }
  return words;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

std::string trim_newlines(std::string text) {
  while (!text.empty() && text.back() == '\n') {
    text.pop_back();
  }
  return text;
}

} // namespace

std::vector<std::string> import_corpus_cases() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(import_corpus_dir())) {
    if (fs::exists(entry.path() / "case.txt")) {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<fs::path> written_files(const std::string& import_stdout) {
  static const std::regex wrote("^mr import: wrote (.+) \\([0-9]+ repositor(y|ies)\\)$");
  std::vector<fs::path> files;
  for (const auto& line : lines_of(import_stdout)) {
    std::smatch m;
    if (std::regex_match(line, m, wrote)) {
      files.emplace_back(m[1].str());
    }
  }
  return files;
}

std::string ImportTest::substitute(std::string text) const {
  replace_all(text, "@REMOTES@", (root() / "remotes").string());
  replace_all(text, "@HOME@", home().string());
  replace_all(text, "@ROOT@", root().string());
  return text;
}

CorpusCase ImportTest::load_case(const std::string& name) const {
  CorpusCase c;
  for (const auto& raw : lines_of(substitute(read_file(import_corpus_dir() / name / "case.txt")))) {
    auto words = words_of(raw);
    if (words.empty() || words[0][0] == '#') {
      continue;
    }
    const auto verb = words[0];
    words.erase(words.begin());
    if (verb == "env") {
      const auto eq = words.at(0).find('=');
      c.env[words[0].substr(0, eq)] = words[0].substr(eq + 1);
    } else if (verb == "import") {
      c.import_args = words;
    } else if (verb == "import-exit") {
      c.import_exit = std::stoi(words.at(0));
    } else if (verb == "run") {
      CorpusStep step;
      if (!words.empty() && words[0][0] == '@') {
        step.dir = words[0].substr(1);
        words.erase(words.begin());
      }
      step.args = words;
      c.steps.push_back(step);
    } else if (verb == "rm") {
      c.steps.push_back({true, words.at(0), {}});
    } else if (verb == "repo" || verb == "bare" || verb == "dir" || verb == "remote" ||
               verb == "submodule" || verb == "symlink") {
      words.insert(words.begin(), verb);
      c.setup.push_back(words);
    } else {
      throw std::runtime_error(name + "/case.txt: unknown directive: " + raw);
    }
  }
  return c;
}

fs::path ImportTest::make_remote(const std::string& name,
                                 const std::vector<std::string>& branches) {
  const auto work = root() / "remote-work" / name;
  make_repo(work, false);
  for (const auto& b : branches) {
    git(work, {"checkout", "-q", "-b", b, "main"});
    write_file(work / (b + ".txt"), b + "\n");
    git(work, {"add", "."});
    git(work, {"commit", "-q", "-m", "on " + b});
  }
  const auto bare = root() / "remotes" / (name + ".git");
  git(root(), {"clone", "-q", "--bare", work.string(), bare.string()});
  git(bare, {"symbolic-ref", "HEAD", "refs/heads/main"});
  return bare;
}

void ImportTest::lay_out(const std::string& name, const CorpusCase& c) {
  // home/ first: its ~/.gitconfig may be needed by the git commands below, and git init
  // leaves alone the files a repository's directory already holds.
  const auto from = import_corpus_dir() / name / "home";
  for (auto it = fs::recursive_directory_iterator(from); it != fs::recursive_directory_iterator();
       ++it) {
    const auto to = home() / fs::relative(it->path(), from);
    if (it->is_directory()) {
      fs::create_directories(to);
    } else {
      write_file(to, substitute(read_file(it->path())));
      fs::permissions(to, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                              fs::perms::others_read);
    }
  }
  for (const auto& d : c.setup) {
    const auto& verb = d.at(0);
    if (verb == "repo") {
      make_repo(home() / d.at(1));
    } else if (verb == "bare") {
      const auto dir = home() / d.at(1);
      fs::create_directories(dir);
      git(dir, {"init", "-q", "--bare"});
      for (std::size_t i = 2; i < d.size(); ++i) {
        const auto eq = d[i].find('=');
        git(dir, {"config", d[i].substr(0, eq), d[i].substr(eq + 1)});
      }
    } else if (verb == "dir") {
      fs::create_directories(home() / d.at(1));
    } else if (verb == "remote") {
      make_remote(d.at(1), {d.begin() + 2, d.end()});
    } else if (verb == "submodule") {
      add_submodule(d.at(1), d.at(2), d.at(3));
    } else if (verb == "symlink") {
      fs::create_directories((home() / d.at(1)).parent_path());
      fs::create_symlink(d.at(2), home() / d.at(1));
    }
  }
}

void ImportTest::add_submodule(const std::string& remote, const std::string& sub,
                               const std::string& path) {
  const auto work = root() / "remote-work" / remote;
  const auto url = (root() / "remotes" / (sub + ".git")).string();
  git(work, {"checkout", "-q", "main"});
  git(work, {"-c", "protocol.file.allow=always", "submodule", "add", "-q", url, path});
  git(work, {"commit", "-q", "-m", "submodule " + path});
  git(work, {"push", "-q", (root() / "remotes" / (remote + ".git")).string(), "main"});
}

RunResult ImportTest::import(const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env) {
  std::vector<std::string> argv = {"import"};
  argv.insert(argv.end(), args.begin(), args.end());
  return mr(argv, home(), env);
}

std::map<std::string, std::string> ImportTest::snapshot() const {
  std::map<std::string, std::string> files;
  for (auto it = fs::recursive_directory_iterator(root()); it != fs::recursive_directory_iterator();
       ++it) {
    if (it->path().filename() == ".git" || it->path().filename() == "remotes") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink()) {
      files[it->path().string()] = "-> " + fs::read_symlink(it->path()).string();
    } else if (it->is_regular_file()) {
      files[it->path().string()] = read_file(it->path());
    } else if (it->is_directory()) {
      files[it->path().string() + "/"] = "";
    }
  }
  return files;
}

void ImportTest::check_report_lines(const RunResult& r) const {
  static const std::regex report("^mr import: .+:[0-9]+: .+; .+$");
  for (const auto& line : lines_of(r.err)) {
    if (r.exit_code == 2 && line.rfind("mr: error: ", 0) == 0) {
      continue;
    }
    EXPECT_TRUE(std::regex_match(line, report))
        << "not a `mr import: FILE:LINE: WHAT; SUGGESTION` report: " << line;
  }
}

void ImportTest::expect_dry_run_matches(const std::string& dry_out,
                                        const std::vector<fs::path>& written) const {
  ASSERT_FALSE(written.empty()) << "the import names no file it wrote";
  if (written.size() == 1) {
    EXPECT_EQ(trim_newlines(dry_out), trim_newlines(read_file(written[0])))
        << "--dry-run printed something else than " << written[0];
    return;
  }
  std::string expected;
  for (const auto& file : written) {
    expected += "# ==> " + file.string() + " <==\n" + trim_newlines(read_file(file)) + "\n";
  }
  // Blank lines between the files are the importer's to choose.
  std::string printed;
  for (const auto& line : lines_of(dry_out)) {
    if (!line.empty()) {
      printed += line + "\n";
    }
  }
  std::string wanted;
  for (const auto& line : lines_of(expected)) {
    if (!line.empty()) {
      wanted += line + "\n";
    }
  }
  EXPECT_EQ(printed, wanted) << "--dry-run printed something else than the files written";
}

} // namespace mr::test
