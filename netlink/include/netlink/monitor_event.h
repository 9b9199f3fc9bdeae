// The typed events the RTNL monitor delivers. A consumer drains a batch with
// std::visit; every event carries the object as the kernel now has it (for a
// removal, as it was).
#pragma once

#include <string>
#include <variant>

#include "base/result.h"
#include "netlink/address.h"
#include "netlink/link.h"
#include "netlink/route.h"

namespace earlynet::netlink {

struct LinkAdded {
    Link link;  // a NIC whose driver loaded late, a VLAN someone else created, ...
};
struct LinkRemoved {
    Link link;
};
struct CarrierChanged {
    Link link;  // link.carrier is the new state
};
struct OperStateChanged {
    Link link;
    OperState previous;
};
// Anything else about a link changed: name, MTU, MAC, admin state, controller.
struct LinkChanged {
    Link link;
    Link previous;
};

struct AddressAdded {
    Address address;  // IPv6: usually Tentative at first, see AddressUsable
};
struct AddressRemoved {
    Address address;
};
// IPv6 duplicate address detection finished: the address may be used now.
struct AddressUsable {
    Address address;
};
// IPv6 duplicate address detection found the address on the link.
struct AddressDadFailed {
    Address address;
};
// Lifetimes or flags changed (a replace, the kernel deprecating it, ...).
struct AddressChanged {
    Address address;
};

// A router advertisement changed the link's M/O flags (Ipv6RouterFlags).
struct RouterFlagsChanged {
    Ipv6RouterFlags flags;
};

struct RouteAdded {
    Route route;
};
struct RouteRemoved {
    Route route;
};
struct RouteChanged {
    Route route;
    Route previous;
};

// The receive buffer overran (ENOBUFS) and the monitor re-dumped links,
// addresses and routes; the events after this one in the batch are the
// differences it found.
struct Resynced {};

// The monitor could not read or re-dump; it keeps running and retries the
// re-dump at its next wakeup.
struct MonitorFailed {
    Error error;
};

using MonitorEvent = std::variant<LinkAdded, LinkRemoved, CarrierChanged, OperStateChanged, LinkChanged, AddressAdded,
                                  AddressRemoved, AddressUsable, AddressDadFailed, AddressChanged, RouterFlagsChanged,
                                  RouteAdded, RouteRemoved, RouteChanged, Resynced, MonitorFailed>;

}  // namespace earlynet::netlink
