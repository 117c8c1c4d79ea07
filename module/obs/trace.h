/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * trace.h - tracepoints of unmapped.ko: events/unmapped/ in tracefs.
 *
 *   unmapped:alloc       a block handed out (node, order, pfn, and the
 *                        backend that unmapped the block it came from)
 *   unmapped:free        a block given back (the same fields)
 *   unmapped:alloc_fail  an allocation failed (err is a negative errno)
 *   unmapped:refill      a block taken from the page allocator and removed
 *                        from the direct map
 *   unmapped:release     pages mapped back and returned to the page allocator
 *   unmapped:shrink      one shrink request (requested/released pages)
 *
 * refill, release and shrink carry the direct-map work they cost: change
 * calls, all-CPU TLB flushes, 2M->4K (splits_l2) and 1G->2M (splits_l3)
 * splits seen while they ran, and their wall time.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM unmapped

#if !defined(UNMAPPED_SHIM_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define UNMAPPED_SHIM_TRACE_H

#include <linux/tracepoint.h>

#include "core_api.h"

TRACE_DEFINE_ENUM(UM_BACKEND_RANGE);
TRACE_DEFINE_ENUM(UM_BACKEND_PAGE);

#define um_show_backend(b)						\
	__print_symbolic(b, { UM_BACKEND_RANGE, "range" },		\
			    { UM_BACKEND_PAGE, "page" })

DECLARE_EVENT_CLASS(um_block_class,
	TP_PROTO(const struct um_event *ev),
	TP_ARGS(ev),
	TP_STRUCT__entry(
		__field(int, nid)
		__field(unsigned int, order)
		__field(unsigned int, backend)
		__field(u64, pfn)
	),
	TP_fast_assign(
		__entry->nid = ev->nid;
		__entry->order = ev->order;
		__entry->backend = ev->backend;
		__entry->pfn = ev->pfn;
	),
	TP_printk("nid=%d order=%u pfn=%#llx backend=%s", __entry->nid,
		  __entry->order, __entry->pfn, um_show_backend(__entry->backend))
);

DEFINE_EVENT(um_block_class, alloc,
	TP_PROTO(const struct um_event *ev),
	TP_ARGS(ev)
);

DEFINE_EVENT(um_block_class, free,
	TP_PROTO(const struct um_event *ev),
	TP_ARGS(ev)
);

TRACE_EVENT(alloc_fail,
	TP_PROTO(const struct um_event *ev),
	TP_ARGS(ev),
	TP_STRUCT__entry(
		__field(int, nid)
		__field(unsigned int, order)
		__field(int, err)
	),
	TP_fast_assign(
		__entry->nid = ev->nid;
		__entry->order = ev->order;
		__entry->err = ev->err;
	),
	TP_printk("nid=%d order=%u err=%d", __entry->nid, __entry->order,
		  __entry->err)
);

DECLARE_EVENT_CLASS(um_dm_class,
	TP_PROTO(const struct um_event *ev),
	TP_ARGS(ev),
	TP_STRUCT__entry(
		__field(int, nid)
		__field(unsigned int, order)
		__field(unsigned int, backend)
		__field(u64, pfn)
		__field(u64, pages)
		__field(u64, calls)
		__field(u64, flushes)
		__field(u64, splits_l2)
		__field(u64, splits_l3)
		__field(u64, duration_ns)
	),
	TP_fast_assign(
		__entry->nid = ev->nid;
		__entry->order = ev->order;
		__entry->backend = ev->backend;
		__entry->pfn = ev->pfn;
		__entry->pages = ev->pages;
		__entry->calls = ev->cost.calls;
		__entry->flushes = ev->cost.flushes;
		__entry->splits_l2 = ev->cost.splits_l2;
		__entry->splits_l3 = ev->cost.splits_l3;
		__entry->duration_ns = ev->duration_ns;
	),
	TP_printk("nid=%d order=%u pfn=%#llx pages=%llu backend=%s dm_calls=%llu flushes=%llu splits_l2=%llu splits_l3=%llu duration_ns=%llu",
		  __entry->nid, __entry->order, __entry->pfn, __entry->pages,
		  um_show_backend(__entry->backend), __entry->calls,
		  __entry->flushes, __entry->splits_l2, __entry->splits_l3,
		  __entry->duration_ns)
);

DEFINE_EVENT(um_dm_class, refill,
	TP_PROTO(const struct um_event *ev),
	TP_ARGS(ev)
);

DEFINE_EVENT(um_dm_class, release,
	TP_PROTO(const struct um_event *ev),
	TP_ARGS(ev)
);

TRACE_EVENT(shrink,
	TP_PROTO(const struct um_event *ev),
	TP_ARGS(ev),
	TP_STRUCT__entry(
		__field(int, nid)
		__field(u64, requested)
		__field(u64, pages)
		__field(u64, calls)
		__field(u64, flushes)
		__field(u64, splits_l2)
		__field(u64, splits_l3)
		__field(u64, duration_ns)
	),
	TP_fast_assign(
		__entry->nid = ev->nid;
		__entry->requested = ev->requested;
		__entry->pages = ev->pages;
		__entry->calls = ev->cost.calls;
		__entry->flushes = ev->cost.flushes;
		__entry->splits_l2 = ev->cost.splits_l2;
		__entry->splits_l3 = ev->cost.splits_l3;
		__entry->duration_ns = ev->duration_ns;
	),
	TP_printk("nid=%d requested=%llu released=%llu dm_calls=%llu flushes=%llu splits_l2=%llu splits_l3=%llu duration_ns=%llu",
		  __entry->nid, __entry->requested, __entry->pages,
		  __entry->calls, __entry->flushes, __entry->splits_l2,
		  __entry->splits_l3, __entry->duration_ns)
);

#endif /* UNMAPPED_SHIM_TRACE_H */

/* Out of tree: define_trace.h finds this file through -I$(src)/shim. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
