// SPDX-License-Identifier: GPL-2.0-only
/*
 * pm.c - hibernation: no page of the cache may go into the image.
 *
 * Hibernation copies every saveable page into the image, and a page that
 * is not in the direct map is mapped back one page at a time to be copied
 * (safe_copy_page(), kernel/power/snapshot.c). For a page behind one of our
 * non-present 2M entries that is a split with interrupts off: if the page
 * table cannot be allocated the kernel oopses, if it can the new table is
 * not in the snapshot; either way the page's secret lands on disk.
 * memfd_secret refuses hibernation while in use (hibernation_available());
 * a module cannot hook that, so a PM notifier does the same:
 *
 *   PM_HIBERNATION_PREPARE  refused while a secret file exists (as
 *                           memfd_secret refuses while one does); else
 *                           um_cache_freeze(): refused (-EBUSY, and a line
 *                           in the log saying why) while any page is handed
 *                           out, in-kernel users and /dev/unmapped regions
 *                           alike, or could not be mapped back; otherwise
 *                           every cached block goes back to the page
 *                           allocator, and nothing is handed out or taken
 *                           from it until
 *   PM_POST_HIBERNATION     um_cache_thaw(), then the prefill again.
 *
 * The robust notifier chain sends PM_POST_HIBERNATION to us only if we did
 * not refuse; a refusal leaves the cache thawed itself.
 *
 * Restoring an image (PM_RESTORE_PREPARE) needs no refusal: the image's
 * pages are copied into place through the architecture's own temporary
 * page tables, not through our direct map, and this kernel's state is
 * replaced. The free blocks are given back then only so that the image
 * loader, which needs as much free memory as the image, has them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/notifier.h>
#include <linux/suspend.h>

#include "front.h"
#include "platform.h"
#include "secretfile.h"

static int um_pm_hibernation_prepare(struct um_cache *cache)
{
	s64 refused = atomic64_read(&um_platform.refused_free_pages);
	struct um_freeze_report rep;

	/* As memfd_secret: refused while a secret file exists, even empty. */
	if (um_secret_active()) {
		pr_warn("hibernation refused: secret files (UNMAPPED_IOC_SECRET) exist; their pages may not go into the image\n");
		return notifier_from_errno(-EBUSY);
	}
	/* Freed while unmapped, kept out of the page allocator: unmapped. */
	if (refused) {
		pr_warn("hibernation refused: %lld pages were freed while still unmapped and are kept; they would be copied into the image\n",
			refused);
		return notifier_from_errno(-EBUSY);
	}
	if (um_cache_freeze(cache, &rep)) {
		if (rep.pages_in_use)
			pr_warn("hibernation refused: %llu pages are handed out (in-kernel users, /dev/unmapped regions); their contents would be copied into the image\n",
				rep.pages_in_use);
		else
			pr_warn("hibernation refused: %llu pages could not be given back to the page allocator (not mapped back, or being released)\n",
				rep.pages_kept);
		return notifier_from_errno(-EBUSY);
	}
	pr_info("hibernation: cache emptied (%llu pages given back); nothing is handed out until it is over\n",
		rep.pages_released);
	return NOTIFY_OK;
}

static int um_pm_notify(struct notifier_block *nb, unsigned long action,
			void *data)
{
	struct um_cache *cache = READ_ONCE(um_front.cache);

	switch (action) {
	case PM_HIBERNATION_PREPARE:
		return um_pm_hibernation_prepare(cache);
	case PM_POST_HIBERNATION:
		um_cache_thaw(cache);
		um_platform_request_prefill(&um_platform);
		return NOTIFY_OK;
	case PM_RESTORE_PREPARE:
		um_cache_drain(cache);
		return NOTIFY_OK;
	}
	return NOTIFY_DONE;
}

static struct notifier_block um_pm_nb = {
	.notifier_call = um_pm_notify,
};

/**
 * um_pm_init() - watch for hibernation. Call with um_front.cache set.
 *
 * Return: 0 or -errno.
 */
int um_pm_init(void)
{
	return register_pm_notifier(&um_pm_nb);
}

/** um_pm_exit() - stop; waits for a notification in progress. [sleeps] */
void um_pm_exit(void)
{
	unregister_pm_notifier(&um_pm_nb);
}
