// SPDX-License-Identifier: GPL-2.0-only
/* kernel_path.h - the in-kernel paths, driven through unmapped_bench.ko. */
#ifndef UM_BENCH_KERNEL_PATH_H
#define UM_BENCH_KERNEL_PATH_H

#include "paths.h"

namespace bench {

std::vector<Sample> run_kernel(const char *kpath, Workload w, const Params &p,
			       unsigned first, unsigned count, unsigned threads,
			       bool release);

} // namespace bench

#endif
