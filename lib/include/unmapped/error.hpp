// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * unmapped/error.hpp - how libunmapped reports failure.
 *
 * Every failing call throws unmapped::Error: a std::system_error in the
 * generic (errno) category that also names the operation and, when the
 * errno alone would mislead, says what it means here. what() reads
 * "OPERATION: STRERROR" or "OPERATION: STRERROR (HINT)", e.g.
 *   "allocate 64 MiB: Disk quota exceeded (over RLIMIT_MEMLOCK: ...)".
 * Destructors never throw: they ignore errors.
 */
#ifndef UNMAPPED_ERROR_HPP
#define UNMAPPED_ERROR_HPP

#include <unmapped/version.hpp>

#include <string>
#include <system_error>

#define UNMAPPED_API [[gnu::visibility("default")]]

namespace unmapped {

class UNMAPPED_API Error : public std::system_error {
public:
	/* @err: errno value; @operation: what was being done ("open /dev/x"). */
	Error(int err, std::string operation, std::string hint = {});

	/* The errno value. */
	int error() const noexcept { return code().value(); }
	/* The operation that failed, without the errno text. */
	const std::string &operation() const noexcept { return operation_; }
	/* What the errno means here, or empty. */
	const std::string &hint() const noexcept { return hint_; }
	const char *what() const noexcept override { return message_.c_str(); }

private:
	std::string operation_;
	std::string hint_;
	std::string message_;
};

} // namespace unmapped

#endif // UNMAPPED_ERROR_HPP
