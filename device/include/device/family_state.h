// Where one address family of a device is: the vocabulary between the
// families (IpFamily, Ipv4DhcpEngine) and the activation (ActivationEngine).
#pragma once

#include <string>

namespace earlynet::device {

enum class FamilyState {
    Pending,  // still trying
    Ready,    // configured
    Failed,   // gave up; the reason says why
    Skipped,  // nothing to do (method disabled or ignore), or no such family
};
const char* to_string(FamilyState s);

struct FamilyReport {
    FamilyState state = FamilyState::Skipped;
    std::string reason;  // when Failed
};

}  // namespace earlynet::device
