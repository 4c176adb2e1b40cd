// Quick-add parser micro-benchmark: parses every phrase of the unit-test case table many
// times (with each case's zone and "now") and prints the mean time per phrase.
//   build/parser-bench [iterations]    run from the repo root or set TUDUSHKA_SOURCE_DIR
#include "tudushka/parser/quick_add.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr double kBudgetMicros = 20.0;  // the limit per phrase

struct Phrase {
  std::string text;
  const date::time_zone* tz;
  std::chrono::sys_seconds now;
  std::string lang;
};

std::vector<Phrase> LoadPhrases() {
  const char* root = std::getenv("TUDUSHKA_SOURCE_DIR");
  std::string path =
      std::string(root && *root ? root : ".") + "/test/unit/data/quick_add_cases.tsv";
  std::ifstream in(path);
  std::vector<Phrase> phrases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream split(line);
    for (std::string col; std::getline(split, col, '\t');) cols.push_back(col);
    if (cols.size() < 4) continue;
    std::istringstream when(cols[2]);
    std::chrono::sys_seconds now;
    when >> date::parse(cols[2].back() == 'Z' ? "%FT%RZ" : "%FT%R%Ez", now);
    if (when.fail()) continue;
    phrases.push_back({cols[3], date::locate_zone(cols[1]), now, cols[0]});
  }
  if (phrases.empty()) std::fprintf(stderr, "parser-bench: no phrases in %s\n", path.c_str());
  return phrases;
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = argc > 1 ? std::atoi(argv[1]) : 200;
  std::vector<Phrase> phrases = LoadPhrases();
  if (phrases.empty() || iterations <= 0) return 1;
  size_t sink = 0;  // keeps the optimizer from dropping the calls
  for (const Phrase& p : phrases)
    sink += tudushka::parser::Parse(p.text, p.tz, p.now, p.lang).title.size();

  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < iterations; ++i) {
    for (const Phrase& p : phrases) {
      sink += tudushka::parser::Parse(p.text, p.tz, p.now, p.lang).spans.size();
    }
  }
  std::chrono::duration<double, std::micro> elapsed = std::chrono::steady_clock::now() - start;
  double mean = elapsed.count() / (static_cast<double>(iterations) * phrases.size());
  std::printf("parser-bench: %zu phrases x %d iterations: %.2f us/phrase (budget %.0f us)%s\n",
              phrases.size(), iterations, mean, kBudgetMicros,
              mean > kBudgetMicros ? " OVER BUDGET" : "");
  return sink == 0 ? 1 : 0;
}
