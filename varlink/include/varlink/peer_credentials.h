// Who is on the other end of a connection, from SO_PEERCRED at accept time
// (the kernel's record of the connecting process, which it cannot forge).
#pragma once

#include <sys/types.h>

namespace earlynet::varlink {

struct PeerCredentials {
    uid_t uid = static_cast<uid_t>(-1);
    gid_t gid = static_cast<gid_t>(-1);
    pid_t pid = 0;

    bool is_root() const { return uid == 0; }
};

}  // namespace earlynet::varlink
