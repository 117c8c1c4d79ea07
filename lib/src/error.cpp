// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * error.cpp - unmapped::Error.
 */
#include <cstring>
#include <utility>

#include <unmapped/error.hpp>

namespace unmapped {

Error::Error(int err, std::string operation, std::string hint)
	: std::system_error(err, std::generic_category()),
	  operation_(std::move(operation)), hint_(std::move(hint))
{
	message_ = operation_ + ": " + code().message();
	if (!hint_.empty())
		message_ += " (" + hint_ + ")";
}

} // namespace unmapped
