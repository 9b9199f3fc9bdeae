// NetworkApi: the local API of `earlynet run` (io.earlynet.Network over
// varlink, daemon/interfaces/io.earlynet.Network.varlink), so that `earlynet
// status`, `renew` and `wait-online` ask the running daemon, in the initrd
// and the real root, without D-Bus. It serves on the run's sd-event loop and
// never blocks it (varlink::Server); what it shows comes from the run
// through NetworkView, and the run tells it of every change.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "state/device_record.h"
#include "varlink/method_call.h"
#include "varlink/server.h"

namespace earlynet::daemon {

// What the API reads and steers of the run.
struct NetworkView {
    std::function<std::vector<state::DeviceRecord>()> devices;
    std::function<bool()> startup_complete;
    // Each ErrorCode::NotFound when no such device is managed.
    std::function<Result<void>(const std::string& interface)> renew;
    // ErrorCode::Conflict when the device may carry the network root.
    std::function<Result<void>(const std::string& interface, bool force)> take_down;
    std::function<Result<void>(const std::string& interface)> bring_up;
};

class NetworkApi {
public:
    // Listens at socket_path (replacing a stale socket file there).
    [[nodiscard]] static Result<std::unique_ptr<NetworkApi>> listen(sd_event* loop, const std::string& socket_path,
                                                                    NetworkView view);
    NetworkApi(const NetworkApi&) = delete;
    NetworkApi& operator=(const NetworkApi&) = delete;

    // A device's record changed (or it finished activating): every
    // subscriber gets a reply with it.
    void device_changed(const state::DeviceRecord& record);
    // Startup completed: every subscriber gets a reply saying so.
    void startup_completed();

private:
    explicit NetworkApi(NetworkView view) : view_(std::move(view)) {}
    Result<void> serve(std::unique_ptr<varlink::Server> server);
    void describe(varlink::MethodCall call);
    void subscribe(varlink::MethodCall call);
    void renew(varlink::MethodCall call);
    void down(varlink::MethodCall call);
    void up(varlink::MethodCall call);
    void answer(varlink::MethodCall call, const std::string& interface, Result<void> done, std::string_view error);
    void publish(const std::vector<state::DeviceRecord>& devices);

    NetworkView view_;
    std::unique_ptr<varlink::Server> server_;
    std::vector<varlink::MethodCall> subscribers_;
};

}  // namespace earlynet::daemon
