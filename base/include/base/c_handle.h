// Owning aliases for C handles: std::unique_ptr with the library's free function.
//   using NlSock = CHandle<nl_sock, nl_socket_free>;
#pragma once

#include <memory>

namespace earlynet {

template <auto Free>
struct CDeleter {
    template <typename T>
    void operator()(T* p) const {
        if (p) Free(p);
    }
};

template <typename T, auto Free>
using CHandle = std::unique_ptr<T, CDeleter<Free>>;

}  // namespace earlynet
