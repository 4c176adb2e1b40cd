// One runner for every CppUnit suite: suites register themselves with
// CPPUNIT_TEST_SUITE_REGISTRATION; this main runs them (optionally only those
// selected by argv[1], see Selected) and prints a machine-readable tally that
// scripts/test sums into the final "N passed, N failed" line.
#include <cppunit/BriefTestProgressListener.h>
#include <cppunit/CompilerOutputter.h>
#include <cppunit/TestComposite.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/extensions/TestFactoryRegistry.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace {

// A suite that runs tests it does not own (they stay owned by the registry's tree).
class Selection : public CppUnit::TestComposite {
 public:
  Selection() : CppUnit::TestComposite("selected") {}
  void Add(CppUnit::Test* test) { tests_.push_back(test); }
  int getChildTestCount() const override { return static_cast<int>(tests_.size()); }

 protected:
  CppUnit::Test* doGetChildTestAt(int index) const override { return tests_[index]; }

 private:
  std::vector<CppUnit::Test*> tests_;
};

// `filter` is comma-separated substrings: a test runs when its name contains one of the
// plain ones (or there are none) and none of those written with a leading '-'.
bool Selected(const std::string& name, const std::string& filter) {
  bool any_include = false, included = false;
  std::size_t start = 0;
  while (start <= filter.size()) {
    std::size_t comma = filter.find(',', start);
    std::string part =
        filter.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? filter.size() + 1 : comma + 1;
    if (part.empty()) continue;
    if (part[0] == '-') {
      if (name.find(part.substr(1)) != std::string::npos) return false;
    } else {
      any_include = true;
      included = included || name.find(part) != std::string::npos;
    }
  }
  return !any_include || included;
}

// Collects every selected leaf test into `out`.
void Collect(CppUnit::Test* test, const std::string& filter, Selection* out) {
  if (test->getChildTestCount() == 0) {
    if (Selected(test->getName(), filter)) out->Add(test);
    return;
  }
  for (int i = 0; i < test->getChildTestCount(); ++i) Collect(test->getChildTestAt(i), filter, out);
}

}  // namespace

int main(int argc, char** argv) {
  std::string filter = argc > 1 ? argv[1] : "";
  CppUnit::Test* all = CppUnit::TestFactoryRegistry::getRegistry().makeTest();
  Selection selected;
  Collect(all, filter, &selected);

  CppUnit::TestResult controller;
  CppUnit::TestResultCollector collector;
  controller.addListener(&collector);
  CppUnit::BriefTestProgressListener progress;
  if (std::getenv("TEST_VERBOSE")) controller.addListener(&progress);

  selected.run(&controller);

  CppUnit::CompilerOutputter outputter(&collector, std::cerr);
  outputter.write();

  int run = collector.runTests();
  int failed = collector.testFailuresTotal();
  std::printf("TALLY %d passed, %d failed\n", run - failed, failed);
  delete all;
  return failed == 0 ? 0 : 1;
}
