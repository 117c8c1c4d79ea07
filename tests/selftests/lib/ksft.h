/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ksft.h - TAP output for C selftests that run in the VM (kselftest style,
 * the C twin of ksft.sh): ksft_plan(N), or ksft_plan(0) to print the plan
 * at the end; ksft_test(cond, fmt, ...) prints
 * "ok N desc" or "not ok N desc"; ksft_skip(reason, fmt, ...);
 * ksft_diag(fmt, ...) prints "# ..."; ksft_exit() exits 0 (all passed),
 * 1 (a failure) or 4 (all skipped); ksft_exit_skip(fmt, ...) skips the
 * whole program for want of an environment feature the reason names (a
 * kernel option, root): tools/check fails unless the reason is on its
 * allow-list; ksft_exit_fail(fmt, ...) ends it as a failure when a part of
 * this project is missing or broken (a module not loaded, /dev/unmapped or
 * the netlink family absent) or an allocation it needs failed. Header-only:
 * each test is one .c file.
 */
#ifndef UNMAPPED_KSFT_H
#define UNMAPPED_KSFT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#define KSFT_PASS	0
#define KSFT_FAIL	1
#define KSFT_SKIP	4

static int ksft_n, ksft_passed, ksft_failed, ksft_skipped, ksft_planned;

static inline void ksft_plan(int n)
{
	printf("TAP version 13\n");
	if (n)
		printf("1..%d\n", n);
	ksft_planned = n;
	fflush(stdout);
}

static inline void ksft_vprint(const char *prefix, const char *fmt, va_list ap)
{
	printf("%s", prefix);
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
}

__attribute__((format(printf, 1, 2)))
static inline void ksft_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ksft_vprint("# ", fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 2, 3)))
static inline bool ksft_test(bool ok, const char *fmt, ...)
{
	char prefix[32];
	va_list ap;

	ksft_n++;
	if (ok)
		ksft_passed++;
	else
		ksft_failed++;
	snprintf(prefix, sizeof(prefix), "%sok %d ", ok ? "" : "not ", ksft_n);
	va_start(ap, fmt);
	ksft_vprint(prefix, fmt, ap);
	va_end(ap);
	return ok;
}

__attribute__((format(printf, 2, 3)))
static inline void ksft_skip(const char *reason, const char *fmt, ...)
{
	va_list ap;

	ksft_n++;
	ksft_skipped++;
	printf("ok %d ", ksft_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", reason);
	fflush(stdout);
}

__attribute__((format(printf, 1, 2), noreturn))
static inline void ksft_exit_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ksft_vprint("1..0 # SKIP ", fmt, ap);
	va_end(ap);
	exit(KSFT_SKIP);
}

/* TAP's "Bail out!": the runner counts it as a failure and shows why. */
__attribute__((format(printf, 1, 2), noreturn))
static inline void ksft_exit_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ksft_vprint("Bail out! ", fmt, ap);
	va_end(ap);
	exit(KSFT_FAIL);
}

__attribute__((noreturn))
static inline void ksft_exit(void)
{
	if (!ksft_planned)
		printf("1..%d\n", ksft_n);
	ksft_diag("passed %d, failed %d, skipped %d", ksft_passed, ksft_failed,
		  ksft_skipped);
	if (ksft_failed)
		exit(KSFT_FAIL);
	exit(ksft_passed == 0 && ksft_skipped ? KSFT_SKIP : KSFT_PASS);
}

#endif /* UNMAPPED_KSFT_H */
