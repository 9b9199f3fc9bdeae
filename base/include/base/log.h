// spdlog as earlynet's sources use it: include this, not "spdlog/spdlog.h".
//
// spdlog's logger formats every message that has arguments with
// fmt::detail::vformat_to<char>, fmt's whole formatting engine (integers,
// floats, specs). fmt 9 compiles it once, into base/spdlog_fmt.cc (bundled
// logging) or libfmt.so, but declares no extern template for it, so every
// file that logged compiled its own copy (about 40 KB of object code and a
// third of the file's compile time) for the linker to throw away. The
// declaration below makes them use the one copy; the program is the same.
// g++ only: clang mangles this signature differently from g++ (why fmt
// itself declares none), so a clang build (the fuzz targets, coverage)
// would not find g++'s copy in libfmt.so; it keeps its own copies.
#pragma once

#include "spdlog/spdlog.h"

#if FMT_VERSION >= 90000 && FMT_VERSION < 100000 && defined(__GNUC__) && !defined(__clang__)
FMT_BEGIN_NAMESPACE
namespace detail {
extern template void vformat_to<char>(buffer<char>&, basic_string_view<char>, basic_format_args<buffer_context<char>>,
                                      locale_ref);
}  // namespace detail
FMT_END_NAMESPACE
#endif
