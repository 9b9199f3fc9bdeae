// The resolver file (/etc/resolv.conf in the initramfs) from the devices that
// came up: their DNS servers and search domains, in activation order,
// without duplicates. Written only when there is something to write.
#pragma once

#include <string>
#include <vector>

#include "state/device_record.h"

namespace earlynet::device {

std::string render_resolv_conf(const std::vector<state::DeviceRecord>& devices);

}  // namespace earlynet::device
