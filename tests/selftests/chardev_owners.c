// SPDX-License-Identifier: GPL-2.0-only
/*
 * chardev_owners - the processes a file of /dev/unmapped keeps track of.
 * An (open file, process) pair is an owner while the process has regions
 * in the file, live or still mapped, and no longer: FREE of its last
 * region drops it without closing the file, and a process done with a
 * long-lived shared file (a forked child, a receiver of the descriptor)
 * leaves nothing behind. Each process registers one mmu notifier in its
 * life, whatever number of files and regions it goes through. The debugfs
 * counters file_owners, owner_mms and owner_registrations show it; pages
 * must be back after each part, and unload must work while a process that
 * allocated is still alive.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "lib/um_test.h"

#define PAGE		4096UL
#define MiB		(1UL << 20)

static long long reg0;		/* owner_registrations at the start */

static long long owners(void)
{
	return um_stat("file_owners");
}

/* A "now" counter, once it is @want (what an SRCU grace period frees). */
static long long settled(const char *name, long long want)
{
	return um_stat_wait(name, want, 5000);
}

static void test_free_drops_owner(int fd)
{
	struct unmapped_alloc a;
	struct unmapped_query q;
	void *p;

	ksft_test(owners() == 0, "no owner before any ALLOC (file_owners %lld)", owners());
	if (!ksft_test(!um_alloc(fd, MiB, 0, 0, -1, &a), "ALLOC 1 MiB"))
		return;
	ksft_test(owners() == 1, "ALLOC makes the process an owner of the file (file_owners %lld)",
		  owners());
	ksft_test(um_stat("owner_registrations") == reg0 + 1 && um_stat("owner_mms") == 1,
		  "... with one mmu notifier registered (owner_registrations +%lld, owner_mms %lld)",
		  um_stat("owner_registrations") - reg0, um_stat("owner_mms"));
	um_free(fd, a.id);
	um_query(fd, &q);
	ksft_test(owners() == 0 && q.regions == 0,
		  "FREE of its last region drops the owner, the file still open (file_owners %lld)",
		  owners());

	if (um_alloc(fd, MiB, 0, 0, -1, &a) ||
	    (p = mmap(NULL, a.length, PROT_READ, MAP_SHARED, fd, a.offset)) == MAP_FAILED) {
		ksft_test(false, "ALLOC and mmap 1 MiB");
		return;
	}
	um_free(fd, a.id);
	ksft_test(owners() == 1, "a FREEd region still mapped keeps the owner (file_owners %lld)",
		  owners());
	munmap(p, a.length);
	ksft_test(owners() == 0, "munmap of it drops the owner (file_owners %lld)", owners());
}

static void test_one_registration(int fd)
{
	struct unmapped_alloc a[3];
	int fds[3] = { fd, um_open(), um_open() }, i, round, bad = 0;

	for (round = 0; round < 20; round++) {
		for (i = 0; i < 3; i++)
			bad += um_alloc(fds[i], PAGE << i, 0, 0, -1, &a[i]) != 0;
		if (round == 0)
			ksft_test(owners() == 3 && um_stat("owner_mms") == 1,
				  "three files, one process: 3 owners, one notifier (%lld, %lld)",
				  owners(), um_stat("owner_mms"));
		for (i = 0; i < 3; i++)
			bad += um_free(fds[i], a[i].id) != 0;
	}
	ksft_test(!bad && owners() == 0, "20 rounds of ALLOC and FREE on 3 files: no owner left (%lld, %d errors)",
		  owners(), bad);
	ksft_test(um_stat("owner_registrations") == reg0 + 1,
		  "... and still one registration for this process (owner_registrations +%lld)",
		  um_stat("owner_registrations") - reg0);
	close(fds[1]);
	close(fds[2]);
}

/* Child bits for test_fork(). */
enum { FORK_ALLOC, FORK_OWNERS, FORK_REG, FORK_FREE, FORK_NR };
static const char *const fork_desc[FORK_NR] = {
	"a forked child ALLOCs on the inherited descriptor",
	"... the child is a second owner of the file",
	"... with a notifier of its own (owner_registrations +1)",
	"... its FREE drops its owner, the parent's stays",
};

static void test_fork(int fd)
{
	struct unmapped_alloc mine, a;
	struct unmapped_query q;
	long long reg = um_stat("owner_registrations"), v;
	int status, bits;
	pid_t pid;

	if (!ksft_test(!um_alloc(fd, MiB, 0, 0, -1, &mine), "the parent ALLOCs 1 MiB"))
		return;
	pid = fork();
	if (pid == 0) {
		bits = 0;
		if (um_alloc(fd, 2 * MiB, 0, 0, -1, &a))
			_exit(1 << FORK_ALLOC);
		if (owners() != 2)
			bits |= 1 << FORK_OWNERS;
		if (um_stat("owner_registrations") != reg + 1)
			bits |= 1 << FORK_REG;
		if (um_free(fd, a.id) || owners() != 1)
			bits |= 1 << FORK_FREE;
		/* Allocate again and exit without FREE: the exit frees it. */
		if (um_alloc(fd, 2 * MiB, 0, 0, -1, &a))
			bits |= 1 << FORK_ALLOC;
		_exit(bits);
	}
	waitpid(pid, &status, 0);
	um_report_bits(status, fork_desc, FORK_NR);
	um_query(fd, &q);
	ksft_test(q.regions == 1 && q.bytes == MiB && owners() == 1,
		  "the child's exit freed its region and dropped its owner (%llu regions, file_owners %lld)",
		  (unsigned long long)q.regions, owners());
	v = settled("owner_mms", 1);
	ksft_test(v == 1, "... and its notifier (owner_mms %lld)", v);
	um_free(fd, mine.id);
	ksft_test(owners() == 0, "the parent's FREE drops the last owner (file_owners %lld)", owners());
}

/*
 * A process that never had the file gets it over a socket, allocates on it
 * and exits; the sender keeps the file open throughout.
 */
static void test_passed_fd(void)
{
	struct unmapped_query q;
	int sv[2], fd, status;
	long long seen = -1;
	pid_t pid;
	char c;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
		ksft_test(false, "socketpair");
		return;
	}
	pid = fork();
	if (pid == 0) {
		struct unmapped_alloc a;
		int got = um_recv_fd(sv[1]);

		if (got < 0 || um_alloc(got, 4 * MiB, 0, 0, -1, &a))
			_exit(1);
		seen = owners();
		if (write(sv[1], &seen, sizeof(seen)) != sizeof(seen) || read(sv[1], &c, 1) != 1)
			_exit(1);
		_exit(0);	/* no FREE, no close: the exit does both */
	}
	fd = um_open();
	if (fd < 0 || um_send_fd(sv[0], fd) || read(sv[0], &seen, sizeof(seen)) != sizeof(seen)) {
		ksft_test(false, "pass a descriptor to another process");
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		goto out;
	}
	ksft_test(seen == 1, "the receiver of a passed descriptor is its one owner (file_owners %lld)",
		  seen);
	if (write(sv[0], "x", 1) != 1)
		kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	um_query(fd, &q);
	ksft_test(WIFEXITED(status) && !WEXITSTATUS(status) && q.regions == 0 && owners() == 0,
		  "its exit freed its region and owner; the sender still holds the file (%llu regions, file_owners %lld)",
		  (unsigned long long)q.regions, owners());
	close(fd);
out:
	close(sv[0]);
	close(sv[1]);
}

/*
 * Children allocate and map on an inherited descriptor in a loop while the
 * parent closes its copy and kills them at random moments: their exits
 * (->release), their FREEs and munmaps and the last close race.
 */
static void churn_child(int fd, unsigned int seed)
{
	for (;;) {
		struct unmapped_alloc a;
		void *p;

		if (um_alloc(fd, PAGE << (rand_r(&seed) % 8), 0, 0, -1, &a))
			continue;
		p = mmap(NULL, a.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, a.offset);
		if (rand_r(&seed) % 2)
			um_free(fd, a.id);
		if (p != MAP_FAILED && rand_r(&seed) % 2)
			munmap(p, a.length);
	}
}

static void test_exit_races(long long in_use)
{
	unsigned int seed = 7;
	int round, killed = 0;
	long long v;

	for (round = 0; round < 12; round++) {
		struct timespec ts = { 0, (long)(rand_r(&seed) % 30) * 1000 * 1000 };
		pid_t pid[3];
		int fd = um_open(), i, status;

		for (i = 0; i < 3; i++) {
			pid[i] = fork();
			if (pid[i] == 0)
				churn_child(fd, round * 3 + i);
		}
		nanosleep(&ts, NULL);
		close(fd);
		nanosleep(&ts, NULL);
		for (i = 0; i < 3; i++) {
			kill(pid[i], SIGKILL);
			waitpid(pid[i], &status, 0);
			killed += WIFSIGNALED(status);
		}
	}
	ksft_test(killed == 36, "36 children churning on a shared file, closed under them, killed (%d)",
		  killed);
	v = settled("file_owners", 0);
	ksft_test(v == 0, "... no owner left (file_owners %lld)", v);
	v = settled("owner_mms", 1);
	ksft_test(v == 1, "... only this process's notifier left (owner_mms %lld)", v);
	v = settled("pages_in_use", in_use);
	ksft_test(v == in_use, "... and every page back (pages_in_use %lld, start %lld)", v,
		  in_use);
}

/* rmmod while this process, which allocated, is alive and owns nothing. */
static void test_unload(void)
{
	const char *mod = getenv("UM_MODULE");
	char cmd[512];
	int rc;

	rc = system("rmmod unmapped");
	ksft_test(rc == 0, "rmmod works while a process that allocated is alive (rc %d)", rc);
	snprintf(cmd, sizeof(cmd), "insmod %s", mod ? mod : "/opt/unmapped/modules/unmapped.ko");
	rc = system(cmd);
	ksft_test(rc == 0 && um_stat("owner_mms") == 0 && owners() == 0,
		  "after insmod: no owner, no notifier (rc %d, owner_mms %lld)", rc,
		  um_stat("owner_mms"));
}

int main(void)
{
	long long in_use;
	int fd;

	fd = um_open();
	if (fd < 0)
		ksft_exit_fail("cannot open %s: %s", UNMAPPED_DEVICE, strerror(-fd));
	if (access(UM_STATS, R_OK))
		ksft_exit_fail("no %s (debugfs)", UM_STATS);
	ksft_plan(0);
	in_use = um_stat("pages_in_use");
	reg0 = um_stat("owner_registrations");
	if (!ksft_test(reg0 >= 0 && owners() >= 0 && um_stat("owner_mms") >= 0,
		       "debugfs stats show file_owners, owner_mms, owner_registrations"))
		ksft_exit();

	test_free_drops_owner(fd);
	test_one_registration(fd);
	test_fork(fd);
	test_passed_fd();
	test_exit_races(in_use);
	close(fd);
	ksft_test(owners() == 0 && um_stat("owner_mms") == 1,
		  "all files closed: no owner, this process's notifier stays (owner_mms %lld)",
		  um_stat("owner_mms"));
	test_unload();
	ksft_exit();
}
