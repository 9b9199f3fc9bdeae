#include "daemon/network_api.h"

#include "base/log.h"
#include "io.earlynet.Network.h"
#include "state/state_store.h"
#include "state/status_render.h"
#include "varlink/parameters.h"
#include "varlink/service_errors.h"

namespace earlynet::daemon {

namespace {

constexpr std::string_view kInterface = "io.earlynet.Network";

nlohmann::json devices_json(const std::vector<state::DeviceRecord>& devices) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& d : devices) out.push_back(state::device_status_json(d));
    return out;
}

std::string method(std::string_view name) {
    return std::string(kInterface) + "." + std::string(name);
}

}  // namespace

Result<std::unique_ptr<NetworkApi>> NetworkApi::listen(sd_event* loop, const std::string& socket_path,
                                                       NetworkView view) {
    auto server =
        varlink::Server::listen(loop, socket_path, varlink::ServiceInfo{"earlynet", "earlynet", EARLYNET_VERSION, ""});
    if (!server) return unexpected(std::move(server.error()));
    std::unique_ptr<NetworkApi> api(new NetworkApi(std::move(view)));
    EARLYNET_TRY(api->serve(std::move(*server)));
    return api;
}

Result<void> NetworkApi::serve(std::unique_ptr<varlink::Server> server) {
    server_ = std::move(server);
    server_->set_problem_sink([](const Error& e) { spdlog::warn("local API: {}", e.message); });
    EARLYNET_TRY(server_->add_interface(varlink::interfaces::io_earlynet_Network));
    EARLYNET_TRY(server_->add_method(method("Describe"), [this](varlink::MethodCall c) { describe(std::move(c)); }));
    EARLYNET_TRY(server_->add_method(method("Subscribe"), [this](varlink::MethodCall c) { subscribe(std::move(c)); }));
    EARLYNET_TRY(server_->add_method(method("Renew"), [this](varlink::MethodCall c) { renew(std::move(c)); }));
    EARLYNET_TRY(server_->add_method(method("Down"), [this](varlink::MethodCall c) { down(std::move(c)); }));
    EARLYNET_TRY(server_->add_method(method("Up"), [this](varlink::MethodCall c) { up(std::move(c)); }));
    return {};
}

void NetworkApi::describe(varlink::MethodCall call) {
    varlink::ParameterReader in(call.parameters());
    if (auto invalid = in.finish()) return (void)call.reply_error(*invalid);
    (void)call.reply({{"version", state::kFormatVersion},
                      {"startup_complete", view_.startup_complete()},
                      {"devices", devices_json(view_.devices())}});
}

void NetworkApi::subscribe(varlink::MethodCall call) {
    varlink::ParameterReader in(call.parameters());
    if (auto invalid = in.finish()) return (void)call.reply_error(*invalid);
    if (!call.wants_more()) return (void)call.reply_error(varlink::errors::expected_more());
    auto first = call.reply_continues({{"version", state::kFormatVersion},
                                       {"startup_complete", view_.startup_complete()},
                                       {"devices", devices_json(view_.devices())}});
    if (first) subscribers_.push_back(std::move(call));
}

void NetworkApi::renew(varlink::MethodCall call) {
    varlink::ParameterReader in(call.parameters());
    auto interface = in.required<std::string>("interface");
    if (auto invalid = in.finish()) return (void)call.reply_error(*invalid);
    if (!call.peer().is_root()) return (void)call.reply_error(varlink::errors::permission_denied());
    answer(std::move(call), interface, view_.renew(interface), "CannotRenew");
}

void NetworkApi::down(varlink::MethodCall call) {
    varlink::ParameterReader in(call.parameters());
    auto interface = in.required<std::string>("interface");
    auto force = in.optional<bool>("force");
    if (auto invalid = in.finish()) return (void)call.reply_error(*invalid);
    if (!call.peer().is_root()) return (void)call.reply_error(varlink::errors::permission_denied());
    auto done = view_.take_down(interface, force.value_or(false));
    if (!done && done.error().code == ErrorCode::Conflict)
        return (void)call.reply_error(method("NetworkRoot"), {{"interface", interface}});
    answer(std::move(call), interface, std::move(done), "CannotTakeDown");
}

void NetworkApi::up(varlink::MethodCall call) {
    varlink::ParameterReader in(call.parameters());
    auto interface = in.required<std::string>("interface");
    if (auto invalid = in.finish()) return (void)call.reply_error(*invalid);
    if (!call.peer().is_root()) return (void)call.reply_error(varlink::errors::permission_denied());
    answer(std::move(call), interface, view_.bring_up(interface), "CannotBringUp");
}

// A changing method's reply: NoSuchInterface, or `error` with the reason.
void NetworkApi::answer(varlink::MethodCall call, const std::string& interface, Result<void> done,
                        std::string_view error) {
    if (done) return (void)call.reply();
    if (done.error().code == ErrorCode::NotFound)
        return (void)call.reply_error(method("NoSuchInterface"), {{"interface", interface}});
    (void)call.reply_error(method(error), {{"interface", interface}, {"reason", done.error().message}});
}

void NetworkApi::device_changed(const state::DeviceRecord& record) {
    publish({record});
}

void NetworkApi::startup_completed() {
    publish({});
}

// One reply to every subscriber still there; the ones that left (or were
// dropped for not reading) are forgotten.
void NetworkApi::publish(const std::vector<state::DeviceRecord>& devices) {
    if (subscribers_.empty()) return;
    nlohmann::json update = {{"version", state::kFormatVersion},
                             {"startup_complete", view_.startup_complete()},
                             {"devices", devices_json(devices)}};
    std::erase_if(subscribers_, [&](varlink::MethodCall& call) { return !call.reply_continues(update); });
}

}  // namespace earlynet::daemon
