// The org.varlink.certification service on our Server, for varlink-go's
// certification client (and ours) to run against:
//   certification_service --varlink=unix:PATH
// or with a listening socket on fd 3 (LISTEN_FDS=1, LISTEN_PID=its pid), as
// systemd's socket activation passes it. Runs until SIGTERM or SIGINT.
//
// Like the varlink project's reference services, it checks each call of a
// client against the sequence (certification.h): order and parameters. A
// deviation is answered with CertificationError, and End answers all_ok
// false; Test11, a oneway call, can only be judged by End.
#include <signal.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>

#include "base/c_handle.h"
#include "certification.h"
#include "org.varlink.certification.h"
#include "varlink/client.h"
#include "varlink/parameters.h"
#include "varlink/server.h"
#include "varlink/service_errors.h"

namespace earlynet::varlink::certification {
namespace {

using nlohmann::json;

class CertificationService {
public:
    Result<void> serve(Server& server) {
        EARLYNET_TRY(server.add_interface(interfaces::org_varlink_certification));
        EARLYNET_TRY(server.add_method("org.varlink.certification.Start", [this](MethodCall c) { start(c); }));
        for (std::size_t i = 0; i < steps().size(); ++i)
            EARLYNET_TRY(server.add_method(std::string(kInterface) + "." + steps()[i].method,
                                           [this, i](MethodCall c) { step(i, c); }));
        return {};
    }

private:
    struct Client {
        std::size_t next_step = 0;
        bool all_ok = true;
    };

    void start(MethodCall& call) {
        ParameterReader in(call.parameters());
        if (auto invalid = in.finish()) return (void)call.reply_error(*invalid);
        // Clients that never reach End must not accumulate (the reference
        // services keep 100).
        if (clients_.size() >= 100) clients_.erase(clients_.begin());
        std::uniform_int_distribution<std::uint64_t> bits;
        char id[40];
        std::snprintf(id, sizeof(id), "%016llx%016llx", static_cast<unsigned long long>(bits(random_)),
                      static_cast<unsigned long long>(bits(random_)));
        clients_[id] = Client{};
        (void)call.reply({{"client_id", id}});
    }

    void step(std::size_t index, MethodCall& call) {
        const Step& expected = steps()[index];
        ParameterReader in(call.parameters());
        std::string client_id = in.required<std::string>("client_id");
        json got = json::object();
        for (const auto& [name, value] : expected.parameters.items())
            if (auto v = in.optional<json>(name)) got[name] = *v;
        if (auto invalid = in.finish()) return (void)call.reply_error(*invalid);
        auto client = clients_.find(client_id);
        if (client == clients_.end())
            return (void)call.reply_error(std::string(kInterface) + ".ClientIdError", json::object());
        Client& state = client->second;

        auto fail = [&](json wants, json got_instead) {
            state.all_ok = false;
            (void)call.reply_error(std::string(kInterface) + ".CertificationError",
                                   {{"wants", std::move(wants)}, {"got", std::move(got_instead)}});
        };
        if (expected.method == "End") {
            bool all_ok = state.all_ok && state.next_step == index;
            clients_.erase(client);
            return (void)call.reply({{"all_ok", all_ok}});
        }
        std::size_t next = state.next_step;
        state.next_step = index + 1;
        if (next != index) return fail({{"method", steps()[next].method}}, {{"method", expected.method}});
        if (!same(got, expected.parameters)) return fail(expected.parameters, got);
        bool mode_ok = expected.mode == StepMode::More     ? call.wants_more()
                       : expected.mode == StepMode::Oneway ? call.oneway()
                                                           : !call.wants_more() && !call.oneway();
        if (!mode_ok) return fail({{"mode", static_cast<int>(expected.mode)}}, {{"more", call.wants_more()}});
        for (std::size_t i = 0; i + 1 < expected.replies.size(); ++i)
            if (!call.reply_continues(expected.replies[i])) return;
        (void)call.reply(expected.replies.empty() ? json::object() : expected.replies.back());
    }

    std::map<std::string, Client> clients_;
    std::mt19937_64 random_{std::random_device{}()};
};

int run(int argc, char** argv) {
    std::string address;
    for (int i = 1; i < argc; ++i)
        if (std::strncmp(argv[i], "--varlink=", 10) == 0) address = argv[i] + 10;
    const char* listen_pid = std::getenv("LISTEN_PID");
    const char* listen_fds = std::getenv("LISTEN_FDS");
    bool activated = listen_pid && listen_fds && std::atoi(listen_pid) == ::getpid() && std::atoi(listen_fds) == 1;
    if (address.empty() && !activated) {
        std::fprintf(stderr, "usage: certification_service --varlink=unix:PATH (or a socket on fd 3)\n");
        return 2;
    }

    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigprocmask(SIG_BLOCK, &signals, nullptr);
    sd_event* raw = nullptr;
    if (sd_event_new(&raw) < 0) return 1;
    CHandle<sd_event, sd_event_unref> loop(raw);
    sd_event_add_signal(loop.get(), nullptr, SIGTERM, nullptr, nullptr);
    sd_event_add_signal(loop.get(), nullptr, SIGINT, nullptr, nullptr);

    ServiceInfo info{"earlynet", "earlynet varlink certification service", "1", "https://varlink.org"};
    Result<std::unique_ptr<Server>> server = unexpected(ErrorCode::Invalid, "no socket");
    if (activated) {
        server = Server::adopt(loop.get(), Fd(3), info);
    } else if (auto path = unix_socket_path(address)) {
        server = Server::listen(loop.get(), *path, info);
    } else {
        server = unexpected(std::move(path.error()));
    }
    if (!server) {
        std::fprintf(stderr, "certification_service: %s\n", server.error().message.c_str());
        return 1;
    }
    (*server)->set_problem_sink(
        [](const Error& e) { std::fprintf(stderr, "certification_service: %s\n", e.message.c_str()); });
    CertificationService service;
    if (auto served = service.serve(**server); !served) {
        std::fprintf(stderr, "certification_service: %s\n", served.error().message.c_str());
        return 1;
    }
    return sd_event_loop(loop.get()) < 0 ? 1 : 0;
}

}  // namespace
}  // namespace earlynet::varlink::certification

int main(int argc, char** argv) {
    return earlynet::varlink::certification::run(argc, argv);
}
