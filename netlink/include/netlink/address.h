// IPv4 and IPv6 addresses on links: what the kernel reports, and add, replace,
// remove. replace() updates an existing address in place (lifetimes, flags)
// and never removes it, not even for an instant: lease renewal and the
// handover to the real root depend on that.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/ip_address.h"
#include "base/result.h"
#include "netlink/socket.h"

namespace earlynet::netlink {

// IFA_F_* address flags. The first group may be set by add/replace; the
// second is state the kernel reports.
enum class AddressFlag : std::uint32_t {
    NoDad = 0x02,            // IFA_F_NODAD: IPv6, skip duplicate address detection
    Optimistic = 0x04,       // IFA_F_OPTIMISTIC: IPv6, usable during DAD (RFC 4429)
    HomeAddress = 0x10,      // IFA_F_HOMEADDRESS
    ManageTempAddr = 0x100,  // IFA_F_MANAGETEMPADDR: IPv6, derive privacy addresses
    NoPrefixRoute = 0x200,   // IFA_F_NOPREFIXROUTE: no automatic prefix route
    McAutoJoin = 0x400,      // IFA_F_MCAUTOJOIN

    Secondary = 0x01,       // IFA_F_SECONDARY: IPv4, another address of the same subnet exists
    DadFailed = 0x08,       // IFA_F_DADFAILED: IPv6, a neighbour has this address
    Deprecated = 0x20,      // IFA_F_DEPRECATED: preferred lifetime over
    Tentative = 0x40,       // IFA_F_TENTATIVE: IPv6, DAD in progress, not usable yet
    Permanent = 0x80,       // IFA_F_PERMANENT: no lifetime (infinite valid lifetime)
    StablePrivacy = 0x800,  // IFA_F_STABLE_PRIVACY
};

class AddressFlags {
public:
    constexpr AddressFlags() = default;
    constexpr AddressFlags(AddressFlag f) : bits_(static_cast<std::uint32_t>(f)) {}  // NOLINT
    static constexpr AddressFlags from_bits(std::uint32_t bits) {
        AddressFlags f;
        f.bits_ = bits;
        return f;
    }
    constexpr bool has(AddressFlag f) const { return bits_ & static_cast<std::uint32_t>(f); }
    constexpr AddressFlags operator|(AddressFlags o) const { return from_bits(bits_ | o.bits_); }
    constexpr std::uint32_t bits() const { return bits_; }
    constexpr bool operator==(const AddressFlags&) const = default;

private:
    std::uint32_t bits_ = 0;
};
constexpr AddressFlags operator|(AddressFlag a, AddressFlag b) {
    return AddressFlags(a) | AddressFlags(b);
}

enum class AddressScope : std::uint8_t { Universe = 0, Site = 200, Link = 253, Host = 254, Nowhere = 255 };

struct Address {
    IfIndex ifindex;
    IpPrefix local{Ipv4Address(), 0};  // the address and its prefix length
    std::optional<IpAddress> peer;     // point-to-point peer (IFA_ADDRESS when it differs)
    std::optional<Ipv4Address> broadcast;
    // Remaining lifetimes as the kernel counts them; nullopt is forever.
    // add/replace: preferred must not exceed valid.
    std::optional<std::chrono::seconds> valid_lifetime;
    std::optional<std::chrono::seconds> preferred_lifetime;
    AddressFlags flags;
    AddressScope scope = AddressScope::Universe;
    bool operator==(const Address&) const = default;

    // "10.0.0.2/24", "10.0.0.2/32 peer 10.0.0.1"
    std::string to_string() const;
};

struct AddressFilter {
    std::optional<AddressFamily> family;
    std::optional<IfIndex> ifindex;
};

namespace address {

[[nodiscard]] Result<std::vector<Address>> list(Socket& sock, const AddressFilter& filter = {});
// EEXIST (System) when the address is already on the link.
[[nodiscard]] Result<void> add(Socket& sock, const Address& a);
// Adds the address, or updates its lifetimes, flags and broadcast in place.
[[nodiscard]] Result<void> replace(Socket& sock, const Address& a);
// Matches ifindex, local address, prefix length and peer; lifetimes and flags
// are ignored. EADDRNOTAVAIL when there is no such address.
[[nodiscard]] Result<void> remove(Socket& sock, const Address& a);

}  // namespace address

}  // namespace earlynet::netlink
