// SPDX-License-Identifier: GPL-2.0-only
/*
 * netlink_events.c - core events to the netlink multicast group "events".
 *
 * um_plat_event() runs wherever the core is: under spinlocks, with IRQs
 * off, in interrupt context. It must never block or slow the allocator,
 * so this consumer builds nothing there. It keeps refill, release, shrink
 * and allocation-failure events, and only while someone listens
 * (genl_has_listeners(), one bit test under RCU); it stamps the event and
 * copies it into a small ring under an IRQ-safe spinlock held for a few
 * instructions. What exceeds the rate (module parameter event_rate, in
 * events per second, the same number as a burst, at most the ring's size)
 * or does not fit is dropped and counted, and the next event queued says
 * how many were lost before it.
 *
 * Sending happens later, in process context: a lazy irq_work (safe from
 * any context, even under locks that queue_work() could take) queues a
 * work item, which takes events out one at a time, builds each message
 * and multicasts it. A listener that does not read only fills its own
 * socket: netlink drops what does not fit there and tells it (ENOBUFS);
 * neither the work item nor the allocator waits for it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irq_work.h>
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <uapi/linux/unmapped.h>

#include "compat.h"
#include "netlink.h"
#include "obs.h"

#define UM_NL_RING	256	/* events waiting to be sent */
#define UM_NL_BATCH	64	/* events sent per run of the work item */

static unsigned int um_event_rate = 1000;

static int um_event_rate_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, 1000000);
}

static const struct kernel_param_ops um_event_rate_ops = {
	.set = um_event_rate_set,
	.get = param_get_uint,
};
module_param_cb(event_rate, &um_event_rate_ops, &um_event_rate, 0644);
MODULE_PARM_DESC(event_rate,
		 "netlink events sent per second at most, and in one burst (1-1000000, default 1000)");

struct um_nl_entry {
	struct um_event ev;
	u64 time_ns;
	u64 lost;
};

/*
 * struct um_nl_events - the queue between the allocator and the sender.
 * @lock: guards everything below but the counters; IRQ-safe.
 * @enabled: events may be queued (the family is registered).
 * @head: index of the oldest entry; @count: entries queued.
 * @tat: rate limit (GCRA): theoretical arrival time of the next event, ns.
 * @lost: events dropped since the last one queued.
 * @ring: the entries.
 */
static struct um_nl_events {
	spinlock_t lock;
	bool enabled;
	unsigned int head;
	unsigned int count;
	u64 tat;
	u64 lost;
	struct um_nl_entry ring[UM_NL_RING];
	atomic64_t queued;
	atomic64_t sent;
	atomic64_t unsent;
	atomic64_t dropped_rate;
	atomic64_t dropped_full;
} um_nl_events = {
	.lock = __SPIN_LOCK_UNLOCKED(um_nl_events.lock),
};

static void um_nl_kick(struct irq_work *work);
static void um_nl_send_work(struct work_struct *work);

static struct irq_work um_nl_irq_work = IRQ_WORK_INIT_LAZY(um_nl_kick);
static DECLARE_WORK(um_nl_work, um_nl_send_work);

static bool um_nl_wanted(enum um_event_type type)
{
	return type == UM_EV_REFILL || type == UM_EV_RELEASE ||
	       type == UM_EV_SHRINK || type == UM_EV_ALLOC_FAIL;
}

bool um_nl_event_wanted(enum um_event_type type)
{
	return um_nl_wanted(type);
}

/* Within the rate? Called with the lock held; charges one event if so. */
static bool um_nl_rate_ok(struct um_nl_events *q, u64 now)
{
	unsigned int rate = READ_ONCE(um_event_rate);
	u64 interval = NSEC_PER_SEC / rate;
	u64 burst = min_t(u64, rate, UM_NL_RING);

	if (now + interval * (burst - 1) < q->tat)
		return false;
	q->tat = max(q->tat, now) + interval;
	return true;
}

/**
 * um_nl_event() - queue an event for the events group if anyone listens.
 * @ev: the core's event; copied. [atomic]
 *
 * Never sleeps or allocates; spins only on the queue's own lock, which is
 * held for a few instructions.
 */
void um_nl_event(const struct um_event *ev)
{
	struct um_nl_events *q = &um_nl_events;
	struct um_nl_entry *e;
	unsigned long flags;
	u64 now;

	if (!um_nl_wanted(ev->type) || !READ_ONCE(q->enabled) ||
	    !genl_has_listeners(&um_nl_family, &init_net, UM_NL_GRP_EVENTS))
		return;

	now = ktime_get_mono_fast_ns();
	spin_lock_irqsave(&q->lock, flags);
	if (!q->enabled)
		goto unlock;
	if (q->count == UM_NL_RING) {
		atomic64_inc(&q->dropped_full);
		q->lost++;
		goto unlock;
	}
	if (!um_nl_rate_ok(q, now)) {
		atomic64_inc(&q->dropped_rate);
		q->lost++;
		goto unlock;
	}
	e = &q->ring[(q->head + q->count) % UM_NL_RING];
	e->ev = *ev;
	e->time_ns = now;
	e->lost = q->lost;
	q->lost = 0;
	atomic64_inc(&q->queued);
	/*
	 * The sender empties the ring before it stops: kick it on 0 -> 1.
	 * Under the lock, so that um_nl_events_stop() sees every kick.
	 */
	if (q->count++ == 0)
		irq_work_queue(&um_nl_irq_work);
unlock:
	spin_unlock_irqrestore(&q->lock, flags);
}

static void um_nl_kick(struct irq_work *work)
{
	if (READ_ONCE(um_nl_events.enabled))
		queue_work(um_compat_system_wq, &um_nl_work);
}

static bool um_nl_pop(struct um_nl_entry *out)
{
	struct um_nl_events *q = &um_nl_events;
	unsigned long flags;
	bool got;

	spin_lock_irqsave(&q->lock, flags);
	got = q->count > 0;
	if (got) {
		*out = q->ring[q->head];
		q->head = (q->head + 1) % UM_NL_RING;
		q->count--;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	return got;
}

static u32 um_nl_event_type(enum um_event_type type)
{
	switch (type) {
	case UM_EV_REFILL:
		return UNMAPPED_EVENT_REFILL;
	case UM_EV_RELEASE:
		return UNMAPPED_EVENT_RELEASE;
	case UM_EV_SHRINK:
		return UNMAPPED_EVENT_SHRINK;
	case UM_EV_ALLOC_FAIL:
		return UNMAPPED_EVENT_ALLOC_FAIL;
	default:
		return UNMAPPED_EVENT_UNSPEC;
	}
}

/* Largest event message payload: every attribute an event may carry. */
static size_t um_nl_event_size(void)
{
	/* TYPE NODE ORDER BACKEND ERROR; TIME LOST PFN PAGES REQUESTED, cost */
	return 5 * nla_total_size(sizeof(u32)) +
	       10 * nla_total_size_64bit(sizeof(u64));
}

static int um_nl_put_cost(struct sk_buff *skb, const struct um_event *ev)
{
	return nla_put_u64_64bit(skb, UNMAPPED_A_DM_CALLS, ev->cost.calls,
				 UNMAPPED_A_PAD) ||
	       nla_put_u64_64bit(skb, UNMAPPED_A_TLB_FLUSHES, ev->cost.flushes,
				 UNMAPPED_A_PAD) ||
	       nla_put_u64_64bit(skb, UNMAPPED_A_SPLITS_L2, ev->cost.splits_l2,
				 UNMAPPED_A_PAD) ||
	       nla_put_u64_64bit(skb, UNMAPPED_A_SPLITS_L3, ev->cost.splits_l3,
				 UNMAPPED_A_PAD) ||
	       nla_put_u64_64bit(skb, UNMAPPED_A_DURATION_NS, ev->duration_ns,
				 UNMAPPED_A_PAD);
}

static int um_nl_fill_event(struct sk_buff *skb, const struct um_nl_entry *e)
{
	const struct um_event *ev = &e->ev;
	void *hdr;

	hdr = genlmsg_put(skb, 0, 0, &um_nl_family, 0, UNMAPPED_CMD_EVENT);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, UNMAPPED_A_EVENT_TYPE, um_nl_event_type(ev->type)) ||
	    nla_put_s32(skb, UNMAPPED_A_NODE, ev->nid) ||
	    nla_put_u64_64bit(skb, UNMAPPED_A_TIME_NS, e->time_ns,
			      UNMAPPED_A_PAD) ||
	    nla_put_u64_64bit(skb, UNMAPPED_A_LOST, e->lost, UNMAPPED_A_PAD))
		goto cancel;

	switch (ev->type) {
	case UM_EV_REFILL:
	case UM_EV_RELEASE:
		if (nla_put_u32(skb, UNMAPPED_A_ORDER, ev->order) ||
		    nla_put_u64_64bit(skb, UNMAPPED_A_PFN, ev->pfn,
				      UNMAPPED_A_PAD) ||
		    nla_put_u64_64bit(skb, UNMAPPED_A_PAGES, ev->pages,
				      UNMAPPED_A_PAD) ||
		    nla_put_u32(skb, UNMAPPED_A_BACKEND, ev->backend) ||
		    um_nl_put_cost(skb, ev))
			goto cancel;
		break;
	case UM_EV_SHRINK:
		if (nla_put_u64_64bit(skb, UNMAPPED_A_PAGES, ev->pages,
				      UNMAPPED_A_PAD) ||
		    nla_put_u64_64bit(skb, UNMAPPED_A_REQUESTED, ev->requested,
				      UNMAPPED_A_PAD) ||
		    um_nl_put_cost(skb, ev))
			goto cancel;
		break;
	case UM_EV_ALLOC_FAIL:
		if (nla_put_u32(skb, UNMAPPED_A_ORDER, ev->order) ||
		    nla_put_s32(skb, UNMAPPED_A_ERROR, ev->err))
			goto cancel;
		break;
	default:
		break;
	}
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static void um_nl_send_one(const struct um_nl_entry *e)
{
	struct um_nl_events *q = &um_nl_events;
	struct sk_buff *skb;
	int err;

	skb = genlmsg_new(um_nl_event_size(), GFP_KERNEL);
	if (!skb) {
		atomic64_inc(&q->unsent);
		return;
	}
	if (WARN_ON_ONCE(um_nl_fill_event(skb, e))) {	/* size is wrong */
		nlmsg_free(skb);
		atomic64_inc(&q->unsent);
		return;
	}
	/* 0: somebody got it; -ESRCH: nobody (gone, or receive buffer full). */
	err = genlmsg_multicast(&um_nl_family, skb, 0, UM_NL_GRP_EVENTS,
				GFP_KERNEL);
	atomic64_inc(err ? &q->unsent : &q->sent);
}

static void um_nl_send_work(struct work_struct *work)
{
	struct um_nl_entry e;
	unsigned int n;

	for (n = 0; n < UM_NL_BATCH && um_nl_pop(&e); n++)
		um_nl_send_one(&e);
	/* More left: let others run first, then come back. */
	if (n == UM_NL_BATCH && READ_ONCE(um_nl_events.count) &&
	    READ_ONCE(um_nl_events.enabled))
		queue_work(um_compat_system_wq, &um_nl_work);
}

/** um_nl_events_start() - accept events; the family is registered. */
void um_nl_events_start(void)
{
	unsigned long flags;

	spin_lock_irqsave(&um_nl_events.lock, flags);
	um_nl_events.enabled = true;
	spin_unlock_irqrestore(&um_nl_events.lock, flags);
}

/**
 * um_nl_events_stop() - refuse events, drop the queued ones and wait until
 * the irq_work and the work item are idle. [sleeps]
 */
void um_nl_events_stop(void)
{
	struct um_nl_events *q = &um_nl_events;
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	q->enabled = false;
	q->head = 0;
	q->count = 0;
	q->lost = 0;
	spin_unlock_irqrestore(&q->lock, flags);
	irq_work_sync(&um_nl_irq_work);
	cancel_work_sync(&um_nl_work);
}

/** um_nl_events_stats() - fill the events_* shim counters of @v. [atomic] */
void um_nl_events_stats(u64 *v)
{
	struct um_nl_events *q = &um_nl_events;

	v[UM_SHIM_STAT_events_queued] = atomic64_read(&q->queued);
	v[UM_SHIM_STAT_events_sent] = atomic64_read(&q->sent);
	v[UM_SHIM_STAT_events_unsent] = atomic64_read(&q->unsent);
	v[UM_SHIM_STAT_events_dropped_rate] = atomic64_read(&q->dropped_rate);
	v[UM_SHIM_STAT_events_dropped_full] = atomic64_read(&q->dropped_full);
}
