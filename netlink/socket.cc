#include "netlink/socket.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "netlink/detail/message.h"
#include "netlink/detail/parse.h"
#include "netlink/link.h"

namespace earlynet::netlink {

namespace {

// A lost ack should never happen on rtnetlink (the kernel answers within the
// sendmsg call), but a daemon in early boot must not hang on one forever.
constexpr int kAnswerTimeoutMs = 10'000;

// The text of NLMSGERR_ATTR_MSG, if the kernel attached one (NETLINK_EXT_ACK).
std::string extended_ack_message(const nlmsghdr& nlh, std::size_t tlv_offset) {
    if (!(nlh.nlmsg_flags & NLM_F_ACK_TLVS)) return {};
    if (nlh.nlmsg_len < NLMSG_HDRLEN + tlv_offset) return {};
    auto attrs = detail::Attributes<NLMSGERR_ATTR_MAX>::of_message(nlh, tlv_offset);
    return attrs.str(NLMSGERR_ATTR_MSG).value_or(std::string());
}

}  // namespace

Error make_error(const ErrorContext& ctx, int err, std::string_view kernel_message) {
    std::string m = ctx.operation;
    if (!ctx.interface.empty()) m += " " + ctx.interface;
    if (!ctx.object.empty()) m += " " + ctx.object;
    m += ": ";
    m += std::strerror(err);
    if (!kernel_message.empty()) {
        m += " (kernel: ";
        m += kernel_message;
        m += ")";
    }
    return Error::system(err, std::move(m));
}

Result<Socket> Socket::open() {
    ErrorContext ctx{"open rtnetlink socket", {}, {}};
    Fd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE));
    if (!fd) return unexpected(make_error(ctx, errno));

    // Extended acks give the kernel's reason ("Nexthop has invalid gateway")
    // next to the bare errno; capped acks stop it echoing our request back.
    // Strict checking makes the kernel honour the filters in dump headers
    // (ifa_index, rtm_table) instead of silently dumping everything. All three
    // are best effort: older kernels lack them and the verbs still work.
    int one = 1;
    (void)::setsockopt(fd.get(), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
    (void)::setsockopt(fd.get(), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
    (void)::setsockopt(fd.get(), SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof one);

    sockaddr_nl local{};
    local.nl_family = AF_NETLINK;
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&local), sizeof local) < 0)
        return unexpected(make_error(ctx, errno));
    socklen_t len = sizeof local;
    if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&local), &len) < 0)
        return unexpected(make_error(ctx, errno));
    return Socket(std::move(fd), local.nl_pid);
}

Result<void> Socket::send(nlmsghdr* request, const ErrorContext& ctx) {
    request->nlmsg_seq = ++seq_;
    request->nlmsg_pid = 0;
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    while (true) {
        ssize_t n =
            ::sendto(fd_.get(), request, request->nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel);
        if (n >= 0) return {};
        if (errno == EINTR) continue;
        return unexpected(make_error(ctx, errno));
    }
}

Result<void> Socket::receive(std::uint32_t seq, const MessageHandler* on_message, const ErrorContext& ctx) {
    Result<void> handler_result;  // first handler error; the dump is still read to its end
    bool interrupted = false;
    while (true) {
        ssize_t n = ::recv(fd_.get(), buffer_.data(), buffer_.size(), 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) {
                pollfd p{fd_.get(), POLLIN, 0};
                int r = ::poll(&p, 1, kAnswerTimeoutMs);
                if (r == 0) return unexpected(ErrorCode::Timeout, ctx.operation + ": no answer from the kernel");
                continue;
            }
            return unexpected(make_error(ctx, errno));
        }
        std::size_t offset = 0;
        while (const nlmsghdr* nlh = detail::next_message(buffer_.data(), static_cast<std::size_t>(n), offset)) {
            // Answers to an earlier request that was abandoned (timeout) carry an
            // older sequence number; they are not ours to read.
            if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != port_id_) continue;
            if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) interrupted = true;

            if (nlh->nlmsg_type == NLMSG_ERROR) {
                if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(nlmsgerr))
                    return unexpected(make_error(ctx, EBADMSG, "truncated error message"));
                const auto* e = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
                if (e->error == 0) return handler_result;  // the ack
                std::size_t offset = sizeof(nlmsgerr);
                if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) offset += e->msg.nlmsg_len - NLMSG_HDRLEN;
                return unexpected(failure(ctx, -e->error, extended_ack_message(*nlh, offset)));
            }
            if (nlh->nlmsg_type == NLMSG_DONE) {
                // A dump that failed half way ends in DONE carrying the error.
                if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
                    int err = *static_cast<const int*>(mnl_nlmsg_get_payload(nlh));
                    if (err < 0) return unexpected(failure(ctx, -err, extended_ack_message(*nlh, sizeof(int))));
                }
                if (interrupted) return unexpected(make_error(ctx, EINTR, "dump interrupted by a concurrent change"));
                return handler_result;
            }
            if (on_message && handler_result) handler_result = (*on_message)(*nlh);
            if (!(nlh->nlmsg_flags & NLM_F_MULTI) && on_message) {
                // A single answer (RTM_GETLINK for one link) is followed by no
                // DONE; the ack we asked for still comes and ends the exchange.
                continue;
            }
        }
    }
}

Error Socket::failure(const ErrorContext& ctx, int err, std::string_view kernel_message) {
    if (!ctx.interface.empty() || ctx.ifindex.value == 0) return make_error(ctx, err, kernel_message);
    // Copy first: the label lookup reuses buffer_, which kernel_message points into.
    std::string kernel(kernel_message);
    ErrorContext named = ctx;
    named.interface = interface_label(*this, ctx.ifindex);
    return make_error(named, err, kernel);
}

Result<void> Socket::transact(nlmsghdr* request, const ErrorContext& ctx) {
    request->nlmsg_flags |= NLM_F_ACK;
    EARLYNET_TRY(send(request, ctx));
    return receive(seq_, nullptr, ctx);
}

Result<void> Socket::dump(nlmsghdr* request, const MessageHandler& on_message, const ErrorContext& ctx) {
    request->nlmsg_flags |= NLM_F_DUMP;
    EARLYNET_TRY(send(request, ctx));
    return receive(seq_, &on_message, ctx);
}

Result<void> Socket::get(nlmsghdr* request, const MessageHandler& on_message, const ErrorContext& ctx) {
    request->nlmsg_flags |= NLM_F_ACK;
    EARLYNET_TRY(send(request, ctx));
    return receive(seq_, &on_message, ctx);
}

}  // namespace earlynet::netlink
