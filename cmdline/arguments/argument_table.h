// Argument name -> parser: the second pass's dispatch.
#pragma once

#include <string_view>

#include "argument.h"
#include "base/result.h"
#include "reader_context.h"

namespace earlynet::cmdline {

// Runs the parser of one word of the command line. Unknown arguments (and the
// first pass's) are ignored, as the kernel ignores them.
Result<void> dispatch_argument(ReaderContext& ctx, std::string_view word);

}  // namespace earlynet::cmdline
