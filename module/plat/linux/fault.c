// SPDX-License-Identifier: GPL-2.0-only
/*
 * fault.c - fault injection into the platform under the core (fault.h).
 *
 * /sys/kernel/debug/unmapped/fault/KIND/, KIND one of block_alloc,
 * dm_remove, dm_restore, scrub:
 *
 *   nth       write N >= 1 to arm: the Nth call of KIND from now fails;
 *             0 disarms. Reads the calls left before the next failure
 *             (0: disarmed).
 *   times     failures in a row from the Nth call on, taken when nth is
 *             written (default 1; -1: every call until disarmed).
 *   after     dm_remove and dm_restore only: 1 = carry out a range change
 *             and then report it failed (the contract allows a failed range
 *             change to be partly done); 0 (default) = fail before it.
 *             Per-page changes always fail before, as their contract says.
 *   injected  failures injected so far.
 *   last      "pfn 0x... nr N" of the last injected failure ("none").
 *
 * The checks are a static branch, enabled when the first knob is armed and
 * disabled when a write disarms the last one or at unload, so a disarmed
 * module runs straight through. A knob that ran out of failures on its own
 * leaves the branch enabled; it then costs one READ_ONCE() per call.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>

#include "fault.h"

DEFINE_STATIC_KEY_FALSE(um_fault_key);

/*
 * struct um_fault - one knob.
 * @lock: guards the fields below; taken from any context (scrub may run in
 *	  an interrupt), never held across anything but arithmetic.
 * @countdown: calls left before the next failure; 0: disarmed.
 * @times: failures per arming (-1: unlimited), copied to @left on arming.
 * @left: failures left in this arming (-1: unlimited).
 * @after: do the direct-map change, then report failure.
 * @injected: failures injected since load.
 * @last_pfn, @last_nr: where the last one was injected.
 */
struct um_fault {
	const char *name;
	bool has_after;
	spinlock_t lock;
	u64 countdown;
	s64 times;
	s64 left;
	bool after;
	u64 injected;
	u64 last_pfn;
	u64 last_nr;
};

static struct um_fault um_faults[UM_FAULT_NR] = {
	[UM_FAULT_BLOCK_ALLOC] = { .name = "block_alloc" },
	[UM_FAULT_DM_REMOVE] = { .name = "dm_remove", .has_after = true },
	[UM_FAULT_DM_RESTORE] = { .name = "dm_restore", .has_after = true },
	[UM_FAULT_SCRUB] = { .name = "scrub" },
};

/* Serialises arming against the static key's state. */
static DEFINE_MUTEX(um_fault_mutex);

bool __um_fault(enum um_fault_kind kind, u64 pfn, u64 nr, bool *after)
{
	struct um_fault *f = &um_faults[kind];
	unsigned long flags;
	bool fail = false;
	u64 n = 0;

	if (!READ_ONCE(f->countdown))
		return false;
	spin_lock_irqsave(&f->lock, flags);
	if (f->countdown && !--f->countdown) {
		fail = true;
		n = ++f->injected;
		f->last_pfn = pfn;
		f->last_nr = nr;
		if (f->left > 0)
			f->left--;
		f->countdown = f->left ? 1 : 0;
		if (after)
			*after = f->after;
	}
	spin_unlock_irqrestore(&f->lock, flags);
	if (fail)
		pr_info_ratelimited("fault: %s failure #%llu injected at pfn %#llx+%llu\n",
				    f->name, n, pfn, nr);
	return fail;
}

/* With um_fault_mutex held: the branch is on while any knob is armed. */
static void um_fault_update_key(void)
{
	bool armed = false;
	int i;

	for (i = 0; i < UM_FAULT_NR; i++)
		armed |= READ_ONCE(um_faults[i].countdown) != 0;
	if (armed)
		static_branch_enable(&um_fault_key);
	else
		static_branch_disable(&um_fault_key);
}

static int um_fault_nth_get(void *data, u64 *val)
{
	struct um_fault *f = data;

	*val = READ_ONCE(f->countdown);
	return 0;
}

static int um_fault_nth_set(void *data, u64 val)
{
	struct um_fault *f = data;
	unsigned long flags;

	mutex_lock(&um_fault_mutex);
	/* Enable first: a call must never find a countdown it cannot see. */
	if (val)
		static_branch_enable(&um_fault_key);
	spin_lock_irqsave(&f->lock, flags);
	f->left = f->times;
	f->countdown = val;
	spin_unlock_irqrestore(&f->lock, flags);
	um_fault_update_key();
	mutex_unlock(&um_fault_mutex);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(um_fault_nth_fops, um_fault_nth_get,
			 um_fault_nth_set, "%llu\n");

static int um_fault_times_get(void *data, u64 *val)
{
	struct um_fault *f = data;

	*val = (u64)READ_ONCE(f->times);
	return 0;
}

static int um_fault_times_set(void *data, u64 val)
{
	struct um_fault *f = data;
	s64 times = (s64)val;
	unsigned long flags;

	if (times < -1 || times == 0)
		return -EINVAL;
	spin_lock_irqsave(&f->lock, flags);
	f->times = times;
	spin_unlock_irqrestore(&f->lock, flags);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE_SIGNED(um_fault_times_fops, um_fault_times_get,
				um_fault_times_set, "%lld\n");

static int um_fault_after_get(void *data, u64 *val)
{
	struct um_fault *f = data;

	*val = READ_ONCE(f->after);
	return 0;
}

static int um_fault_after_set(void *data, u64 val)
{
	struct um_fault *f = data;
	unsigned long flags;

	if (val > 1)
		return -EINVAL;
	spin_lock_irqsave(&f->lock, flags);
	f->after = val;
	spin_unlock_irqrestore(&f->lock, flags);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(um_fault_after_fops, um_fault_after_get,
			 um_fault_after_set, "%llu\n");

static int um_fault_injected_get(void *data, u64 *val)
{
	struct um_fault *f = data;
	unsigned long flags;

	spin_lock_irqsave(&f->lock, flags);
	*val = f->injected;
	spin_unlock_irqrestore(&f->lock, flags);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(um_fault_injected_fops, um_fault_injected_get,
			 NULL, "%llu\n");

static int um_fault_last_show(struct seq_file *m, void *unused)
{
	struct um_fault *f = m->private;
	unsigned long flags;
	u64 pfn, nr, n;

	spin_lock_irqsave(&f->lock, flags);
	n = f->injected;
	pfn = f->last_pfn;
	nr = f->last_nr;
	spin_unlock_irqrestore(&f->lock, flags);
	if (n)
		seq_printf(m, "pfn %#llx nr %llu\n", pfn, nr);
	else
		seq_puts(m, "none\n");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(um_fault_last);

/**
 * um_fault_init() - create fault/ under the module's debugfs directory.
 * @parent: /sys/kernel/debug/unmapped (an error pointer is tolerated:
 *	    then there are no knobs and nothing is ever injected).
 */
void um_fault_init(struct dentry *parent)
{
	struct dentry *dir = debugfs_create_dir("fault", parent);
	int i;

	for (i = 0; i < UM_FAULT_NR; i++) {
		struct um_fault *f = &um_faults[i];
		struct dentry *d;

		spin_lock_init(&f->lock);
		f->countdown = 0;
		f->times = 1;
		f->left = 0;
		f->after = false;
		f->injected = 0;
		d = debugfs_create_dir(f->name, dir);
		debugfs_create_file_unsafe("nth", 0600, d, f, &um_fault_nth_fops);
		debugfs_create_file_unsafe("times", 0600, d, f,
					   &um_fault_times_fops);
		if (f->has_after)
			debugfs_create_file_unsafe("after", 0600, d, f,
						   &um_fault_after_fops);
		debugfs_create_file_unsafe("injected", 0400, d, f,
					   &um_fault_injected_fops);
		debugfs_create_file("last", 0400, d, f, &um_fault_last_fops);
	}
}

/**
 * um_fault_exit() - disarm everything. [sleeps]
 * Called once the knobs are gone (debugfs removed), before the cache is
 * drained: the drain's retries of leaked pages must be able to succeed.
 */
void um_fault_exit(void)
{
	unsigned long flags;
	int i;

	mutex_lock(&um_fault_mutex);
	for (i = 0; i < UM_FAULT_NR; i++) {
		spin_lock_irqsave(&um_faults[i].lock, flags);
		um_faults[i].countdown = 0;
		spin_unlock_irqrestore(&um_faults[i].lock, flags);
	}
	static_branch_disable(&um_fault_key);
	mutex_unlock(&um_fault_mutex);
}
