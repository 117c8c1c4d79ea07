// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * preload.c - libunmapped-preload.so: memfd_secret() served by unmapped.ko
 * for programs that already call it, unchanged (LD_PRELOAD; unmappedctl
 * run PROGRAM does it).
 *
 * glibc has no memfd_secret() wrapper (2.36): programs call
 * syscall(SYS_memfd_secret, flags). This library interposes syscall() and,
 * for libcs that have one, memfd_secret(): a secret file comes from
 * /dev/unmapped (UNMAPPED_IOC_SECRET), with the same semantics and errnos.
 * Every other system call goes to the real syscall() untouched.
 *
 * When the module cannot serve (no /dev/unmapped, or a module without
 * secret files), the real memfd_secret system call does, so a program
 * behaves as it would without this library. UNMAPPED_PRELOAD_STRICT=1
 * turns that fallback off (the error is returned), for tests that must know
 * the module served them.
 *
 * What it cannot catch: system calls made without libc's syscall() (Go's
 * runtime, inline assembly), or through a statically linked libc.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <unmapped/memfd_secret.h>

#define UM_EXPORT __attribute__((visibility("default")))

#ifndef SYS_memfd_secret
#define SYS_memfd_secret 447	/* x86-64, from Linux 5.14 */
#endif

typedef long (*um_syscall_fn)(long, ...);

/* The next syscall() (libc's), looked up once; racing threads agree. */
static um_syscall_fn um_real_syscall(void)
{
	static um_syscall_fn real;
	um_syscall_fn fn = __atomic_load_n(&real, __ATOMIC_ACQUIRE);

	if (!fn) {
		fn = (um_syscall_fn)dlsym(RTLD_NEXT, "syscall");
		__atomic_store_n(&real, fn, __ATOMIC_RELEASE);
	}
	return fn;
}

/* Whether to fall back: the module cannot serve at all (not loaded, or
 * without secret files), unless UNMAPPED_PRELOAD_STRICT says never. */
static int um_may_fall_back(int err)
{
	const char *strict = getenv("UNMAPPED_PRELOAD_STRICT");

	if (strict && strcmp(strict, "0"))
		return 0;
	return err == ENOENT || err == ENODEV || err == ENXIO || err == ENOTTY;
}

static int um_memfd_secret(unsigned int flags)
{
	int fd = unmapped_memfd_secret(flags);
	um_syscall_fn real;

	if (fd >= 0 || !um_may_fall_back(errno))
		return fd;
	real = um_real_syscall();
	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	return (int)real(SYS_memfd_secret, flags);
}

UM_EXPORT int memfd_secret(unsigned int flags)
{
	return um_memfd_secret(flags);
}

/*
 * As libc's: six argument registers are passed on whatever the call
 * used, which the x86-64 calling convention makes harmless.
 */
UM_EXPORT long syscall(long nr, ...)
{
	um_syscall_fn real;
	long a[6];
	va_list ap;
	int i;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);

	if (nr == SYS_memfd_secret)
		return um_memfd_secret((unsigned int)a[0]);
	real = um_real_syscall();
	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
