// The bad-input corpus (tests/cli/bad_input_corpus.txt): every listed command line fails with
// its exit status, exactly one printable stderr line "nirl <command>: error: <expected...>",
// nothing on stdout, no new file and no fixture changed. The fixtures are made once, by nirl
// itself and the HDF5 C API, and copied into a fresh folder for every case.
#include <hdf5.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <random>

#include "cli_harness.hpp"
#include "test_data.hpp"

namespace {

struct CorpusCase {
  int line = 0;
  std::string category, expected;
  int exit_status = 1;
  std::vector<std::string> args;
};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string substitute(std::string text, const std::string& dir) {
  for (std::size_t pos; (pos = text.find("{d}")) != std::string::npos;) text.replace(pos, 3, dir);
  return text;
}

// Words split at spaces; '' is an empty word.
std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  std::string w;
  while (in >> w) words.push_back(w == "''" ? "" : w);
  return words;
}

std::vector<CorpusCase> load_corpus() {
  const fs::path table = fs::path(NIRL_SOURCE_DIR) / "tests" / "cli" / "bad_input_corpus.txt";
  std::ifstream in(table);
  EXPECT_TRUE(in) << "cannot read " << table;
  std::vector<CorpusCase> cases;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (trim(line).empty() || trim(line)[0] == '#') continue;
    std::vector<std::string> fields;
    for (std::size_t start = 0;;) {
      const std::size_t bar = line.find(" | ", start);
      fields.push_back(trim(line.substr(start, bar == std::string::npos ? std::string::npos : bar - start)));
      if (bar == std::string::npos) break;
      start = bar + 3;
    }
    EXPECT_EQ(fields.size(), 4u) << table << ":" << number << ": expected 4 fields separated by ' | '";
    if (fields.size() != 4) continue;
    CorpusCase c;
    c.line = number;
    c.category = fields[0];
    c.exit_status = std::stoi(fields[1]);
    c.args = split_words(fields[2]);
    c.expected = fields[3];
    cases.push_back(c);
  }
  return cases;
}

void must_succeed(const std::vector<std::string>& args, const fs::path& dir) {
  const RunResult r = run_nirl(args, dir);
  ASSERT_EQ(r.status, 0) << "fixture command failed: nirl " << args.front() << describe(r);
}

// Replaces dataset `name` of an existing file by a float64 array of the given shape.
void replace_dataset(const fs::path& file, const std::string& name, const std::vector<double>& data,
                     const std::vector<hsize_t>& dims) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0) << file;
  H5Ldelete(f, name.c_str(), H5P_DEFAULT);
  const hid_t space = H5Screate_simple(int(dims.size()), dims.data(), nullptr);
  const hid_t ds = H5Dcreate2(f, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(ds, 0) << file << ":" << name;
  EXPECT_GE(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), 0);
  H5Dclose(ds);
  H5Sclose(space);
  H5Fclose(f);
}

// Overwrites the middle of the first chunk of `dataset` (deflated) with bytes that do not
// inflate: a file damaged on disk.
void corrupt_first_chunk(const fs::path& file, const std::string& dataset) {
  haddr_t address = 0;
  hsize_t size = 0;
  {
    const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    ASSERT_GE(f, 0) << file;
    const hid_t ds = H5Dopen2(f, dataset.c_str(), H5P_DEFAULT);
    const hsize_t origin[2] = {0, 0};
    unsigned filter_mask = 0;
    ASSERT_GE(H5Dget_chunk_info_by_coord(ds, origin, &filter_mask, &address, &size), 0);
    H5Dclose(ds);
    H5Fclose(f);
  }
  ASSERT_GT(size, 16u);
  std::fstream out(file, std::ios::in | std::ios::out | std::ios::binary);
  out.seekp(std::streamoff(address + size / 4));
  const std::string junk(std::size_t(size / 2), '\xa5');
  out.write(junk.data(), std::streamsize(junk.size()));
}

// A 0/1 raster written as uint8 `dataset` (time x neurons): random, or all 0 for seed 0.
void write_random_raster(const fs::path& file, const std::string& dataset, std::size_t steps, int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::uint8_t> spikes(steps * std::size_t(n));
  if (seed != 0)
    for (auto& s : spikes) s = std::uint8_t(rng() % 4 == 0);
  nirl::h5::OutputFile out(file.string());
  nirl::h5::write_uint8(out.id(), dataset, spikes.data(), {hsize_t(steps), hsize_t(n)}, test_data(2));
  out.commit();
}

class BadInputCorpus : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string pattern = (fs::path(::testing::TempDir()) / "nirl_corpus_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    fixtures_ = root_ / "fixtures";
    fs::create_directory(fixtures_);
    const fs::path& f = fixtures_;
    auto at = [&](const char* name) { return (f / name).string(); };
    write_text(f / "model.ini", small_config());
    write_text(f / "nx1.ini", "[network]\nn = 4\nlambda = 0.5\n\n[reward]\ntype = spike_count\ncounts = 2\n");
    write_text(f / "pixels.ini",
               "[network]\nn = 3\nlambda = 0.1\n\n[input]\ntype = pixels\npixels = 2\npixel_on = 0.5\npixel_redraw = 0.2\n\n"
               "[reward]\ntype = feature\nthreshold = 1\n");
    write_text(f / "study.ini", small_config() + "\n[experiment]\nkind = study\n\n[study]\nsamples = 100\ntrials = 1\n");
    write_text(f / "report.ini", "[experiment]\nkind = study\n\n[study]\npipeline = recording\nbootstraps = 20\n\n"
                                 "[recording]\npath = " + (f / "plain.h5").string() + "\ndataset = /spikes\n");
    std::string garbage;
    for (int k = 0; k < 256; ++k) garbage += char((k * 37 + 11) % 256);
    write_text(f / "garbage.ini", garbage);
    const char nul_ini[] = "[network]\nn = 5\0 7\nlambda = 0.5\n\n[reward]\ntype = spike_count\ncounts = 1\n";
    write_text(f / "nul.ini", std::string(nul_ini, sizeof nul_ini - 1));
    must_succeed({"optimise", "--config", at("model.ini"), "--out", at("model.h5")}, root_);
    must_succeed({"optimise", "--config", at("nx1.ini"), "--out", at("nx1.h5")}, root_);
    must_succeed({"simulate", "--model", at("model.h5"), "--steps", "2000", "--seed", "3", "--out", at("raster.h5")}, root_);
    fs::copy_file(f / "raster.h5", f / "raster_1x1.h5");
    replace_dataset(f / "raster_1x1.h5", "/model/input_transition", {1.0}, {1, 1});
    fs::copy_file(f / "raster.h5", f / "corrupt_raster.h5");
    corrupt_first_chunk(f / "corrupt_raster.h5", "/raster/spikes");
    for (const char* name : {"negative_stationary.h5", "zero_stationary.h5"}) {
      fs::copy_file(f / "model.h5", f / name);
      const std::size_t S = 32;  // n = 4 neurons x 2 input states
      std::vector<double> p(S, name[0] == 'n' ? 1.2 / double(S - 1) : 0.0);
      if (name[0] == 'n') p[0] = -0.2;
      replace_dataset(f / name, "/solution/stationary", p, {S});
    }
    fs::create_directory(f / "data");
    write_text(f / "data" / "notes.txt", "a user's file\n");
    write_random_raster(f / "plain.h5", "/spikes", 2000, 5, 7);
    write_random_raster(f / "wide.h5", "/raster/spikes", 100, 34, 8);
    write_random_raster(f / "silent.h5", "/spikes", 200, 30, 0);
    must_succeed({"pairwise", "fit", at("plain.h5"), "--out", at("fit.h5")}, root_);
    must_succeed({"pairwise", "infer", at("fit.h5"), "--lambda", "0.5", "--assumption", "sparse", "--out", at("preward.h5")},
                 root_);
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  static fs::path root_, fixtures_;
};

fs::path BadInputCorpus::root_, BadInputCorpus::fixtures_;

std::map<std::string, std::string> folder_contents(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    files[fs::relative(entry.path(), dir).string()] = entry.is_regular_file() ? read_text(entry.path()) : "<folder>";
  return files;
}

bool printable(const std::string& line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f; });
}

TEST_F(BadInputCorpus, EveryCaseFailsWithOneLineAndNoFile) {
  const std::vector<CorpusCase> cases = load_corpus();
  ASSERT_GE(cases.size(), 50u);
  std::map<std::string, int> per_category;
  for (const CorpusCase& c : cases) {
    ++per_category[c.category];
    const fs::path dir = root_ / ("case" + std::to_string(c.line));
    fs::create_directory(dir);
    fs::copy(fixtures_, dir, fs::copy_options::recursive);
    const fs::path capture = root_ / "capture";
    fs::create_directories(capture);
    const auto before = folder_contents(dir);
    std::vector<std::string> args;
    for (const std::string& a : c.args) args.push_back(substitute(a, dir.string()));
    const RunResult r = run_nirl(args, capture);
    const std::string where = "bad_input_corpus.txt:" + std::to_string(c.line) + " (" + c.category + ")";
    const std::string prefix = "nirl " + (args.empty() ? std::string() : args.front()) + ": error: ";
    const std::string expected = prefix + substitute(c.expected, dir.string());
    EXPECT_EQ(r.status, c.exit_status) << where << describe(r);
    EXPECT_TRUE(!r.err.empty() && r.err.back() == '\n' && r.err.find('\n') == r.err.size() - 1)
        << where << ": stderr is not exactly one line" << describe(r);
    EXPECT_TRUE(printable(r.err.substr(0, r.err.size() - 1))) << where << ": control bytes on stderr" << describe(r);
    EXPECT_EQ(r.err.substr(0, expected.size()), expected) << where << describe(r);
    EXPECT_EQ(r.out, "") << where << ": output on stdout";
    EXPECT_TRUE(folder_contents(dir) == before) << where << ": a file was created, removed or changed";
    fs::remove_all(dir);
  }
  // Every category of the table is exercised more than once.
  for (const auto& [category, count] : per_category) EXPECT_GE(count, 2) << category;
}

}  // namespace
