// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * device.cpp - unmapped::Device: INFO, QUERY, ALLOC and REGION.
 */
#include <cerrno>
#include <memory>
#include <utility>

#include <linux/unmapped.h>

#include <unmapped/device.hpp>

#include "file.hpp"

namespace unmapped {

using detail::human_bytes;

namespace {

std::string alloc_hint(int err)
{
	switch (err) {
	case EDQUOT:
		return "over the locked-memory limit RLIMIT_MEMLOCK: raise it "
		       "(ulimit -l) or run with CAP_IPC_LOCK";
	case ENOSPC:
		return "over the per-device cap, unmapped.ko parameter max_file_bytes";
	case EFBIG:
		return "memory too fragmented: the region would take more than "
		       "UNMAPPED_MAX_REGION_BLOCKS blocks; ask for less, or "
		       "several regions";
	case EINVAL:
		return "the length must be a nonzero multiple of the page size "
		       "within max_region_bytes, the order at most max_order, "
		       "the node one with memory";
	default:
		return {};
	}
}

std::string node_text(const AllocOptions &opts)
{
	if (opts.node < 0)
		return opts.this_node ? " on this node only" : "";
	return (opts.this_node ? " on node " : " preferring node ") +
	       std::to_string(opts.node);
}

} // namespace

static_assert(feature_secret == UNMAPPED_FEATURE_SECRET);

RegionInfo detail::query_region(const File &file, std::uint64_t id)
{
	unmapped_region r{};
	r.id = id;
	if (int err = file.ioctl(UNMAPPED_IOC_REGION, r))
		throw Error(-err, "query region " + std::to_string(id));
	return RegionInfo{
		.id = r.id,
		.length = r.length,
		.offset = r.offset,
		.nr_blocks = r.nr_blocks,
		.max_block_order = r.max_block_order,
		.node = r.node,
		.mapped = r.mapped,
		.min_pfn = r.min_pfn,
		.end_pfn = r.end_pfn,
	};
}

Device::Device(const std::string &path)
	: file_(std::make_shared<detail::File>(path))
{
	unmapped_info info{};
	if (int err = file_->ioctl(UNMAPPED_IOC_INFO, info))
		throw Error(-err, "query " + path,
			    -err == ENOTTY ? "not an unmapped device" : "");
	/*
	 * Not an equality test: the ABI only grows (sizes, feature bits), so
	 * any version from the first on serves this library; 0 is no reply
	 * an unmapped device gives.
	 */
	if (info.abi_version < 1)
		throw Error(EPROTO, "query " + path,
			    "device ABI version 0: not an unmapped device");
}

Device::Device(Device &&) noexcept = default;
Device &Device::operator=(Device &&) noexcept = default;
Device::~Device() = default;

const std::string &Device::path() const noexcept
{
	return file_->path();
}

int Device::fd() const noexcept
{
	return file_->fd();
}

Info Device::info() const
{
	unmapped_info in{};
	if (int err = file_->ioctl(UNMAPPED_IOC_INFO, in))
		throw Error(-err, "query " + path());
	return Info{
		.abi_version = in.abi_version,
		.page_size = in.page_size,
		.max_order = in.max_order,
		.backend = static_cast<Backend>(in.backend),
		.nr_nodes = in.nr_nodes,
		.max_file_bytes = in.max_file_bytes,
		.max_region_bytes = in.max_region_bytes,
	};
}

std::uint64_t Device::features() const
{
	unmapped_info in{};
	if (int err = file_->ioctl(UNMAPPED_IOC_INFO, in))
		throw Error(-err, "query " + path());
	return in.features;
}

Usage Device::usage() const
{
	unmapped_query q{};
	if (int err = file_->ioctl(UNMAPPED_IOC_QUERY, q))
		throw Error(-err, "query usage of " + path());
	return Usage{
		.regions = q.regions,
		.bytes = q.bytes,
		.pending_bytes = q.pending_bytes,
	};
}

Region Device::allocate(std::size_t length, const AllocOptions &opts) const
{
	unmapped_alloc a{};
	a.length = length;
	return alloc(a, opts, "allocate " + human_bytes(length));
}

Region Device::allocate_block(unsigned order, const AllocOptions &opts) const
{
	unmapped_alloc a{};
	a.flags = UNMAPPED_ALLOC_BLOCK;
	a.order = order;
	return alloc(a, opts, "allocate a block of order " + std::to_string(order));
}

Region Device::alloc(unmapped_alloc &a, const AllocOptions &opts, std::string what) const
{
	a.node = opts.node;
	if (opts.this_node)
		a.flags |= UNMAPPED_ALLOC_THISNODE;
	int err;
	/* A signal may interrupt it with nothing allocated: try again. */
	while ((err = file_->ioctl(UNMAPPED_IOC_ALLOC, a)) == -EINTR)
		;
	if (err)
		throw Error(-err, what + node_text(opts), alloc_hint(-err));
	return Region(file_, a.id, a.length, a.offset);
}

RegionInfo Device::region_info(std::uint64_t id) const
{
	return detail::query_region(*file_, id);
}

const char *library_version() noexcept
{
	return UNMAPPED_LIBRARY_VERSION;
}

} // namespace unmapped
