// Connection UUIDs: random (RFC 4122 version 4) for command line profiles, and
// name-based for firmware profiles so that the same firmware gives the same
// profile on every boot.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace earlynet::profile {

std::string random_uuid();
// Deterministic UUID (version 8 layout, FNV-1a based) from a list of strings.
std::string name_based_uuid(const std::vector<std::string_view>& parts);

}  // namespace earlynet::profile
