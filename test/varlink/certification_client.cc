// The org.varlink.certification client sequence on our Client, for running
// against varlink-go's certification service (and ours):
//   certification_client --varlink=unix:PATH
// Each call's parameters are the previous call's reply, as the interface
// asks; every reply is checked against the sequence (certification.h), and
// org.varlink.service's GetInfo and GetInterfaceDescription against the
// interface. Exit status 0 only when every step passed; each step prints one
// line.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "certification.h"
#include "varlink/client.h"

namespace earlynet::varlink::certification {
namespace {

using nlohmann::json;
constexpr auto kTimeout = std::chrono::seconds(10);

bool check(bool ok, const std::string& what) {
    std::printf("%s: %s\n", what.c_str(), ok ? "ok" : "FAILED");
    return ok;
}

bool check_reply(const Result<Reply>& reply, const json& wants, const std::string& what) {
    if (!reply) return check(false, what + " (" + reply.error().message + ")");
    if (!reply->ok()) return check(false, what + " (error " + reply->error + " " + reply->parameters.dump() + ")");
    if (!same(reply->parameters, wants))
        return check(false, what + " (got " + reply->parameters.dump() + ", wants " + wants.dump() + ")");
    return check(true, what);
}

bool service_interface(Client& client) {
    auto info = client.call("org.varlink.service.GetInfo", json::object(), kTimeout);
    bool listed = false;
    if (info && info->ok())
        for (const auto& name : info->parameters.value("interfaces", json::array())) listed |= name == kInterface;
    if (!check(listed, "GetInfo lists org.varlink.certification")) return false;
    auto description =
        client.call("org.varlink.service.GetInterfaceDescription", {{"interface", kInterface}}, kTimeout);
    bool described = description && description->ok() &&
                     description->parameters.value("description", "").find("interface org.varlink.certification") !=
                         std::string::npos;
    return check(described, "GetInterfaceDescription");
}

bool run_sequence(Client& client) {
    auto start = client.call(std::string(kInterface) + ".Start", json::object(), kTimeout);
    if (!start || !start->ok() || !start->parameters.contains("client_id") ||
        !start->parameters["client_id"].is_string())
        return check(false, "Start");
    check(true, "Start");
    const std::string client_id = start->parameters["client_id"];

    json previous = json::object();  // the last reply: the next call's parameters
    for (const Step& step : steps()) {
        json parameters = step.method == "End" ? json::object() : previous;
        parameters["client_id"] = client_id;
        std::string method = std::string(kInterface) + "." + step.method;
        switch (step.mode) {
            case StepMode::Plain: {
                auto reply = client.call(method, parameters, kTimeout);
                if (!check_reply(reply, step.replies[0], step.method)) return false;
                previous = reply->parameters;
                break;
            }
            case StepMode::More: {
                std::vector<Reply> replies;
                auto done = client.call_more(method, parameters, kTimeout, [&](const Reply& r) {
                    replies.push_back(r);
                    return true;
                });
                if (!done) return check(false, step.method + " (" + done.error().message + ")");
                bool ok = replies.size() == step.replies.size();
                for (std::size_t i = 0; ok && i < replies.size(); ++i)
                    ok = replies[i].ok() && same(replies[i].parameters, step.replies[i]) &&
                         replies[i].continues == (i + 1 < replies.size());
                if (!check(ok, step.method + " (" + std::to_string(replies.size()) + " replies)")) return false;
                json strings = json::array();
                for (const auto& r : replies) strings.push_back(r.parameters["string"]);
                previous = {{"last_more_replies", strings}};
                break;
            }
            case StepMode::Oneway:
                if (!check(bool(client.call_oneway(method, parameters, kTimeout)), step.method + " (oneway)"))
                    return false;
                previous = json::object();
                break;
        }
    }
    return true;
}

int run(int argc, char** argv) {
    std::string address;
    for (int i = 1; i < argc; ++i)
        if (std::strncmp(argv[i], "--varlink=", 10) == 0) address = argv[i] + 10;
    if (address.empty()) {
        std::fprintf(stderr, "usage: certification_client --varlink=unix:PATH\n");
        return 2;
    }
    auto client = Client::connect(address, kTimeout);
    if (!client) {
        std::fprintf(stderr, "certification_client: %s\n", client.error().message.c_str());
        return 1;
    }
    bool ok = service_interface(*client) && run_sequence(*client);
    std::printf("certification: %s\n", ok ? "passed" : "FAILED");
    return ok ? 0 : 1;
}

}  // namespace
}  // namespace earlynet::varlink::certification

int main(int argc, char** argv) {
    return earlynet::varlink::certification::run(argc, argv);
}
