// SPDX-License-Identifier: GPL-2.0-only
/*
 * secret_hibernate - hibernation is refused while a secret file exists,
 * as memfd_secret refuses it (secretmem_active()): with an empty one
 * (nothing handed out, so the cache's own refusal would not catch it) and
 * with a touched page, EBUSY before anything is frozen; once the last
 * secret file is closed the counter says none is left. The case where
 * hibernation goes on is hibernate's.
 */
#define _GNU_SOURCE
#include <sys/mman.h>

#include "lib/um_test.h"

#define PAGE	4096UL

/* echo disk > /sys/power/state: 0 or -errno. */
static int hibernate(void)
{
	int fd = open("/sys/power/state", O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, "disk", 4) < 0)
		err = -errno;
	close(fd);
	return err;
}

int main(void)
{
	struct unmapped_secret s = { .size = sizeof(s) };
	char state[128] = "";
	int dev, fd, err;
	FILE *f;
	char *p;

	f = fopen("/sys/power/state", "re");
	if (f) {
		if (!fgets(state, sizeof(state), f))
			state[0] = 0;
		fclose(f);
	}
	if (!strstr(state, "disk"))
		ksft_exit_skip("kernel without hibernation (no 'disk' in /sys/power/state)");
	dev = um_open();
	if (dev < 0)
		ksft_exit_fail("open %s: %s", UNMAPPED_DEVICE, strerror(-dev));
	fd = ioctl(dev, UNMAPPED_IOC_SECRET, &s);
	if (fd < 0)
		ksft_exit_fail("SECRET: %s", strerror(errno));
	close(dev);

	ksft_plan(5);
	ksft_test(um_stat("secret_files") == 1 && um_stat("pages_in_use") == 0,
		  "one empty secret file, nothing handed out");
	err = hibernate();
	ksft_test(err == -EBUSY, "hibernation with an empty secret file: EBUSY (%s)",
		  strerror(-err));

	p = ftruncate(fd, PAGE) ? MAP_FAILED :
		mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		ksft_exit_fail("mapping the secret file: %s", strerror(errno));
	p[0] = 1;
	err = hibernate();
	ksft_test(err == -EBUSY, "with a touched page: EBUSY (%s)", strerror(-err));
	ksft_test(p[0] == 1, "the page still holds its byte");
	munmap(p, PAGE);
	close(fd);
	ksft_test(um_stat("secret_files") == 0, "closed: no secret file left (secret_files %lld)",
		  um_stat("secret_files"));
	ksft_exit();
}
