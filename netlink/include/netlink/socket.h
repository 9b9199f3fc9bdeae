// Socket: an rtnetlink socket that sends one request at a time and waits for
// the kernel's answer. Every netlink/ verb takes one; it is bound to the
// network namespace of the thread that opened it, for its whole life.
#pragma once

#include <linux/netlink.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/fd.h"
#include "base/ip_address.h"
#include "base/result.h"

namespace earlynet::netlink {

// What a request was about, so that an error reads
//   "set mtu veth0 (ifindex 3) 70000: Invalid argument (kernel: ...)".
struct ErrorContext {
    std::string operation;  // "set mtu", "add address"
    std::string interface;  // "veth0 (ifindex 3)", or empty
    std::string object;     // "10.0.0.2/24", or empty
    // When set and interface is empty, a failure names this link as
    // "veth0 (ifindex 3)"; the name is looked up only on failure, so the
    // successful path costs one request.
    IfIndex ifindex{};
};

// Builds the Error for a failed request: code System, sys_errno = err, the
// message from the context, strerror(err) and the kernel's extended ack text.
Error make_error(const ErrorContext& ctx, int err, std::string_view kernel_message = {});

class Socket {
public:
    // Opens NETLINK_ROUTE (CLOEXEC, NONBLOCK) in the calling thread's network
    // namespace, with extended acks and strict dump checking turned on.
    [[nodiscard]] static Result<Socket> open();

    Socket(Socket&&) noexcept = default;
    Socket& operator=(Socket&&) noexcept = default;
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;

    // Sends a request (NLM_F_ACK is added) and waits for its ack. An error ack
    // becomes an Error carrying ctx, errno and the kernel's message.
    [[nodiscard]] Result<void> transact(nlmsghdr* request, const ErrorContext& ctx);

    // Sends a dump request (NLM_F_DUMP is added) and calls on_message for each
    // answer until NLMSG_DONE. An error from on_message stops the dump (the rest
    // of it is read and dropped so the socket stays usable).
    using MessageHandler = std::function<Result<void>(const nlmsghdr&)>;
    [[nodiscard]] Result<void> dump(nlmsghdr* request, const MessageHandler& on_message, const ErrorContext& ctx);

    // Sends a request and hands its single answer (e.g. RTM_GETLINK for one
    // link) to on_message.
    [[nodiscard]] Result<void> get(nlmsghdr* request, const MessageHandler& on_message, const ErrorContext& ctx);

    int fd() const { return fd_.get(); }
    std::uint32_t port_id() const { return port_id_; }

private:
    Socket(Fd fd, std::uint32_t port_id) : fd_(std::move(fd)), port_id_(port_id), buffer_(kBufferSize) {}

    Result<void> send(nlmsghdr* request, const ErrorContext& ctx);
    Result<void> receive(std::uint32_t seq, const MessageHandler* on_message, const ErrorContext& ctx);
    // The Error for a failed request, naming ctx.ifindex's link if need be.
    Error failure(const ErrorContext& ctx, int err, std::string_view kernel_message);

    // The kernel sizes dump skbs up to 32 KiB when the reader's buffer allows
    // (netlink_dump); 64 KiB keeps every recv to a single whole skb.
    static constexpr std::size_t kBufferSize = 64 * 1024;

    Fd fd_;
    std::uint32_t port_id_ = 0;
    std::uint32_t seq_ = 0;
    std::vector<std::byte> buffer_;
};

}  // namespace earlynet::netlink
