// SPDX-License-Identifier: GPL-2.0-only
/*
 * um_warn.c - emits one kernel WARNING and refuses to load.
 *
 * Test-only: proves that tools/vm/run fails a run whose guest kernel warned
 * even though the guest command itself succeeded.
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init um_warn_init(void)
{
	WARN(1, "um_warn: deliberate warning for the VM runner test\n");
	return -EINVAL;
}
module_init(um_warn_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("unmapped test: deliberate WARNING");
