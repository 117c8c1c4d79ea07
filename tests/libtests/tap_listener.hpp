// SPDX-License-Identifier: GPL-2.0-only
/*
 * tap_listener.hpp - GoogleTest results as kselftest TAP, so run-selftests
 * counts each test: "ok N Suite.Name", "not ok N ..." with the failure as
 * "# " lines, "ok N ... # SKIP reason" for GTEST_SKIP().
 */
#ifndef UNMAPPED_TAP_LISTENER_HPP
#define UNMAPPED_TAP_LISTENER_HPP

#include <cstdio>
#include <string>

#include <gtest/gtest.h>

namespace unmapped::testing {

class TapListener : public ::testing::EmptyTestEventListener {
public:
	void OnTestProgramStart(const ::testing::UnitTest &ut) override
	{
		std::printf("TAP version 13\n1..%d\n", ut.test_to_run_count());
		std::fflush(stdout);
	}

	void OnTestPartResult(const ::testing::TestPartResult &r) override
	{
		if (!r.failed())
			return;
		std::string text = std::string(r.file_name() ? r.file_name() : "?") + ":" +
				   std::to_string(r.line_number()) + ": " + r.message();
		for (std::size_t pos = 0; pos < text.size();) {
			auto nl = text.find('\n', pos);
			std::printf("# %s\n", text.substr(pos, nl - pos).c_str());
			pos = nl == std::string::npos ? text.size() : nl + 1;
		}
		std::fflush(stdout);
	}

	void OnTestEnd(const ::testing::TestInfo &t) override
	{
		const ::testing::TestResult &r = *t.result();
		n_++;
		std::string name = std::string(t.test_suite_name()) + "." + t.name();
		if (r.Skipped()) {
			std::string why;
			for (int i = 0; i < r.total_part_count(); i++)
				if (r.GetTestPartResult(i).skipped())
					why = r.GetTestPartResult(i).message();
			std::printf("ok %d %s # SKIP %s\n", n_, name.c_str(),
				    why.empty() ? "skipped" : why.c_str());
		} else {
			std::printf("%sok %d %s\n", r.Passed() ? "" : "not ", n_, name.c_str());
		}
		std::fflush(stdout);
	}

private:
	int n_ = 0;
};

/*
 * Run all tests; with @tap, print TAP instead of GoogleTest's output.
 * Exit status as kselftest: 0 pass, 1 fail, 4 all skipped.
 */
inline int run_all_tests(bool tap)
{
	if (tap) {
		auto &listeners = ::testing::UnitTest::GetInstance()->listeners();
		delete listeners.Release(listeners.default_result_printer());
		listeners.Append(new TapListener);
	}
	int rc = RUN_ALL_TESTS();
	const auto *ut = ::testing::UnitTest::GetInstance();
	if (rc == 0 && ut->skipped_test_count() > 0 &&
	    ut->skipped_test_count() == ut->test_to_run_count())
		return 4;
	return rc ? 1 : 0;
}

} // namespace unmapped::testing

#endif // UNMAPPED_TAP_LISTENER_HPP
