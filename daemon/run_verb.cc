#include "daemon/run_verb.h"

#include <signal.h>
#include <sys/resource.h>
#include <systemd/sd-event.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "base/atomic_file.h"
#include "base/guard.h"
#include "base/ip_address.h"
#include "base/log.h"
#include "cmdline/network_root.h"
#include "daemon/logging.h"
#include "daemon/network_api.h"
#include "daemon/run_settings.h"
#include "daemon/verb_arguments.h"
#include "device/device_manager.h"
#include "device/hook_runner.h"
#include "device/resolver_config.h"
#include "device/startup_handoff.h"
#include "device/timeline.h"
#include "netlink/socket.h"
#include "profile/profile_set.h"
#include "state/dracut_export.h"
#include "state/networkd_export.h"
#include "state/nm_export.h"
#include "state/state_store.h"

namespace earlynet::daemon {

namespace {

// As dracut's getcmdline sees it: /etc/cmdline.d/*.conf (a host-only image
// keeps root= and ip= there), then /proc/cmdline.
std::string kernel_cmdline() {
    auto slurp = [](const std::filesystem::path& p) {
        std::ifstream in(p);
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    };
    std::error_code ec;
    std::vector<std::filesystem::path> confs;
    for (const auto& e : std::filesystem::directory_iterator("/etc/cmdline.d", ec))
        if (e.path().extension() == ".conf") confs.push_back(e.path());
    std::sort(confs.begin(), confs.end());
    std::string text;
    for (const auto& c : confs) text += slurp(c) + ' ';
    return text + slurp("/proc/cmdline");
}

bool kernel_cmdline_has(const std::string& cmdline, const std::string& word) {
    std::istringstream in(cmdline);
    std::string w;
    while (in >> w)
        if (w == word) return true;
    return false;
}

// The value of the last KEY=VALUE on the command line, or "".
std::string kernel_cmdline_value(const std::string& cmdline, const std::string& key) {
    std::istringstream in(cmdline);
    std::string w, value;
    while (in >> w)
        if (w.size() > key.size() && w.compare(0, key.size(), key) == 0 && w[key.size()] == '=')
            value = w.substr(key.size() + 1);
    return value;
}

// A host name from the network or the command line is only written when it
// is one: letters, digits, '-' and '.', at most 64 bytes.
bool is_host_name(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    for (char c : s)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return false;
    return true;
}

// The done flag dracut's finished hook waits for (NetworkManager's /tmp/nm.done).
void write_done_flag(const RunSettings& s) {
    auto made = make_directories(s.tmp_dir);
    auto flag = made ? write_file_atomically(done_flag_path(s), "", 0644) : made;
    if (!flag) spdlog::error("done flag not written: {}", flag.error().message);
}

// Everything one `earlynet run` holds; sd-event holds `this`.
class RunSession {
public:
    // `handoff`: the worker's end of the started process, with --configure-and-quit.
    RunSession(sd_event* loop, netlink::Socket& sock, RunSettings settings, device::StartupHandoff* handoff)
        : loop_(loop),
          sock_(sock),
          settings_(std::move(settings)),
          store_(settings_.state_dir),
          hooks_(loop, settings_.hook_dir, settings_.netroot),
          handoff_(handoff) {}

    Result<void> start(profile::ProfileSet profiles) {
        if (!profiles.hostname.empty()) set_hostname(profiles.hostname, "the kernel command line");
        device::ActivationSettings as;
        as.carrier_timeout = profiles.carrier_timeout;
        as.run_started = started_;
        as.network_root = settings_.network_root;
        as.network_root_device = settings_.network_root_device;
        manager_ = std::make_unique<device::DeviceManager>(
            loop_, sock_, std::move(profiles), as,
            device::DeviceManager::Callbacks{[this](device::DeviceActivation& a) { on_device_changed(a); },
                                             [this] { on_startup_complete(); }});
        hooks_.set_idle_handler([this] { maybe_done(); });
        if (settings_.import) manager_->set_adoptable(adoptable_state(), store_.directory());
        EARLYNET_TRY(manager_->start());
        start_api();
        return {};
    }

    int exit_code() const { return exit_code_; }
    // Every device stops where it is (addresses stay) and its state is
    // written: what `run --import` continues after switch_root.
    void stop() {
        if (manager_) manager_->stop_all();
        write_all_state();
        if (settings_.configure_and_quit) ::unlink(background_pid_path(settings_).c_str());
    }

private:
    // The local API, once the devices are known. Without it the network
    // still comes up: a failure is logged, not fatal.
    void start_api() {
        if (settings_.api_socket.empty()) return;
        std::error_code ignored;
        std::filesystem::create_directories(std::filesystem::path(settings_.api_socket).parent_path(), ignored);
        NetworkView view{
            [this] {
                std::vector<state::DeviceRecord> records;
                for (const auto* d : manager_->devices()) records.push_back(d->record());
                return records;
            },
            [this] { return startup_complete_; },
            [this](const std::string& interface) { return manager_->renew(interface); },
            [this](const std::string& interface, bool force) { return manager_->take_down(interface, force); },
            [this](const std::string& interface) { return manager_->bring_up(interface); }};
        auto api = NetworkApi::listen(loop_, settings_.api_socket, std::move(view));
        if (!api) {
            spdlog::warn("local API not served at {}: {}", settings_.api_socket, api.error().message);
            return;
        }
        api_ = std::move(*api);
    }

    // What the initrd's earlynet left; a file that cannot be trusted is
    // reported and its device activated anew.
    std::map<std::string, state::DeviceRecord> adoptable_state() const {
        auto loaded = store_.load();
        for (const auto& e : loaded.corrupt) spdlog::error("{}: not trusted, its device is activated anew", e.message);
        std::map<std::string, state::DeviceRecord> by_name;
        for (auto& d : loaded.devices) by_name.emplace(d.interface, std::move(d));
        spdlog::info("importing {} devices from {}", by_name.size(), store_.directory());
        return by_name;
    }

    void write_all_state() {
        if (!manager_) return;
        for (const auto* a : manager_->devices()) write_state(a->record());
    }

    // A record is written when it changed, not again at quit.
    void write_state(const state::DeviceRecord& record) {
        std::string text = state::device_record_to_json(record);
        auto& last = state_written_[record.interface];
        if (text == last) return;
        auto written = store_.write_json(record.interface, text);
        if (!written)
            spdlog::error("{}: state not written: {}", record.interface, written.error().message);
        else
            last = std::move(text);
    }

    // Subscribers hear of a change once every file it touches is written: a
    // wait-online that returns finds the resolver file and dracut's files.
    void on_device_changed(device::DeviceActivation& a) {
        auto record = a.record();
        write_state(record);
        export_device(a, record);
        if (api_) api_->device_changed(record);
    }

    void export_device(device::DeviceActivation& a, const state::DeviceRecord& record) {
        if (a.outcome() == state::DeviceOutcome::Down && !a.is_port()) update_resolver();  // its DNS servers go
        if (a.outcome() != state::DeviceOutcome::Activated) return;
        if (!settings_.nm_run_dir.empty() && !a.is_port()) {
            auto nm = state::export_for_network_manager({settings_.nm_run_dir}, record);
            if (!nm) spdlog::error("{}: NetworkManager state not written: {}", a.name(), nm.error().message);
        }
        if (!settings_.networkd_dir.empty() && !settings_.import && !a.is_port()) {
            auto networkd = state::export_for_networkd(settings_.networkd_dir, record);
            if (!networkd) spdlog::error("{}: networkd file not written: {}", a.name(), networkd.error().message);
        }
        if (a.is_port()) return;
        update_resolver();
        if (!hostname_set_ && is_host_name(record.hostname)) set_hostname(record.hostname, a.name());
        if (settings_.import) return;  // dracut and its hooks are gone after switch_root
        // dracut's files (dhcpopts, override, markers) before its hooks read them.
        auto dracut = state::export_for_dracut({settings_.tmp_dir}, record);
        if (!dracut) spdlog::error("{}: dracut files not written: {}", a.name(), dracut.error().message);
        device::timeline_mark("files", a.name());
        if (online_.insert(a.name()).second) hooks_.queue_online(a.name());
    }

    void update_resolver() {
        if (settings_.resolv_conf.empty()) return;
        std::vector<state::DeviceRecord> records;
        for (const auto* d : manager_->devices()) records.push_back(d->record());
        std::string text = device::render_resolv_conf(records);
        // Nothing to say leaves the file alone, unless what we wrote there
        // came from a device since taken down.
        if (text.empty() && !resolv_written_.empty()) text = "# Generated by earlynet\n";
        if (text.empty() || text == resolv_written_) return;
        auto written = write_file_atomically(settings_.resolv_conf, text, 0644);
        if (!written)
            spdlog::error("resolver file not written: {}", written.error().message);
        else
            resolv_written_ = text;
    }

    void set_hostname(const std::string& name, const std::string& from) {
        if (settings_.hostname_file.empty() || !is_host_name(name)) return;
        std::ofstream out(settings_.hostname_file);
        out << name << "\n";
        if (!out.flush()) {
            spdlog::warn("hostname {} not set: cannot write {}", name, settings_.hostname_file);
            return;
        }
        hostname_set_ = true;
        spdlog::info("hostname {} (from {})", name, from);
    }

    void on_startup_complete() {
        auto outcome = manager_->outcome();
        // Each failed device said why when it failed; here only what decides
        // the exit status.
        for (const auto& line : outcome.profile_failures) spdlog::error("{}", line);
        exit_code_ = outcome.profile_failures.empty() ? 0 : 1;
        startup_complete_ = true;
        if (api_) api_->startup_completed();
        maybe_done();
    }

    // What the root file system needs is up: the device it is reached
    // through (bootdev=, --network-root=IFACE), or any device when none is
    // named.
    bool root_device_online() const {
        if (!settings_.network_root) return false;
        if (settings_.network_root_device.empty()) return !online_.empty();
        return online_.count(settings_.network_root_device) > 0;
    }

    // Every online hook ran and startup is complete, or (with a network root)
    // the root's device is online: the done flag dracut's finished hook waits
    // for, and the started process may return. Then, once startup is
    // complete, quit when asked to.
    void maybe_done() {
        if (!hooks_.idle()) return;
        // Early only when the cleanup hook can find what goes on in the
        // background (the PID file is written).
        bool boot_may_go_on =
            startup_complete_ || (settings_.boot_waits_for_root_only && settings_.configure_and_quit && !done_ &&
                                  root_device_online() && write_background_pid());
        if (boot_may_go_on && !done_) {
            done_ = true;
            if (!startup_complete_) {
                // A profile that has already failed for good fails the boot
                // now, as it would at startup-complete.
                auto failed = manager_->outcome(device::DeviceManager::Settled::Only);
                for (const auto& line : failed.profile_failures) spdlog::error("{}", line);
                exit_code_ = failed.profile_failures.empty() ? 0 : 1;
                spdlog::info(
                    "the network root's device is up: the boot goes on; the devices still trying go on in "
                    "the background (stopped at switch_root by dracut's cleanup hook)");
            }
            if (!settings_.import) write_done_flag(settings_);
            // The state is on disk before the caller returns; stopping the
            // clients (closing their sockets) is left for after.
            if (startup_complete_ && settings_.configure_and_quit) write_all_state();
            device::timeline_mark("online");
            if (handoff_) handoff_->go_on(exit_code_);
        }
        if (startup_complete_ && settings_.configure_and_quit) quit();
    }

    void quit() {
        if (quitting_) return;
        quitting_ = true;
        spdlog::info("quitting now that startup is complete ({})", exit_code_ == 0 ? "success" : "failure");
        stop();
        sd_event_exit(loop_, exit_code_);
    }

    bool write_background_pid() {
        auto written = write_file_atomically(background_pid_path(settings_), std::to_string(::getpid()) + "\n", 0644);
        if (!written)
            spdlog::error("background PID file not written ({}): waiting for every device", written.error().message);
        return bool(written);
    }

public:
    // Whether the started process was told it may return (always, without one).
    bool boot_went_on() const { return !handoff_ || handoff_->gone_on(); }

private:
    sd_event* loop_;
    netlink::Socket& sock_;
    RunSettings settings_;
    state::StateStore store_;
    device::HookRunner hooks_;
    std::unique_ptr<device::DeviceManager> manager_;
    std::unique_ptr<NetworkApi> api_;  // after manager_: destroyed first, its view reads manager_
    BootTime started_ = boot_time_now();
    device::StartupHandoff* handoff_;
    std::set<std::string> online_;
    std::map<std::string, std::string> state_written_;  // by interface: the text last written
    std::string resolv_written_;
    bool hostname_set_ = false;
    bool startup_complete_ = false;
    bool done_ = false;
    bool quitting_ = false;
    int exit_code_ = 1;
};

int on_terminate(sd_event_source* s, const signalfd_siginfo* si, void* userdata) {
    int signo = static_cast<int>(si->ssi_signo);
    auto* session = static_cast<RunSession*>(userdata);
    spdlog::info("{}: stopping, addresses stay configured", strsignal(signo));
    auto stopped = call_guarded([&] { session->stop(); });
    if (!stopped) spdlog::error("stopping: {}", stopped.error().message);
    // Stopped before the boot could go on: the started process fails, as a
    // process killed by the signal would.
    sd_event_exit(sd_event_source_get_event(s), session->boot_went_on() ? 0 : 128 + signo);
    return 0;
}

int run_worker(const RunSettings& s, device::StartupHandoff* handoff) {
    profile::ProfileSet profiles = profile::load_profiles({s.profile_dirs, s.run_config_dir, s.initrd_data_dir});
    device::timeline_mark("profiles");
    for (const auto& e : profiles.unreadable) spdlog::error("{}, skipping it", e.message);
    if (profiles.profiles.empty()) {
        spdlog::info("no profiles, nothing to do");
        if (s.configure_and_quit) write_done_flag(s);
        return profiles.unreadable.empty() ? 0 : 1;
    }

    // sd-event delivers these as events; the hook runner needs SIGCHLD blocked.
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGCHLD);
    ::sigprocmask(SIG_BLOCK, &mask, nullptr);

    sd_event* raw_loop = nullptr;
    if (int r = sd_event_new(&raw_loop); r < 0) {
        spdlog::error("event loop: {}", std::strerror(-r));
        return 1;
    }
    CHandle<sd_event, sd_event_unref> loop(raw_loop);
    auto sock = netlink::Socket::open();
    if (!sock) {
        spdlog::error("{}", sock.error().message);
        return 1;
    }
    spdlog::info("{} profiles, {}", profiles.profiles.size(),
                 s.configure_and_quit ? "quitting at startup-complete" : "staying to renew leases");
    auto session = std::make_unique<RunSession>(loop.get(), *sock, s, handoff);
    sd_event_add_signal(loop.get(), nullptr, SIGTERM, on_terminate, session.get());
    sd_event_add_signal(loop.get(), nullptr, SIGINT, on_terminate, session.get());
    auto started = session->start(std::move(profiles));
    device::timeline_mark("netlink");
    if (!started) {
        spdlog::error("{}", started.error().message);
        return 1;
    }
    int r = sd_event_loop(loop.get());
    if (r < 0) {
        spdlog::error("event loop: {}", std::strerror(-r));
        return 1;
    }
    return r;
}

}  // namespace

int run_main(const std::vector<std::string>& args) {
    timespec started{};
    ::clock_gettime(CLOCK_REALTIME, &started);
    CLI::App app{
        "Bring up every device that has a profile; write state, dracut and NetworkManager files; "
        "fire dracut's online hooks.",
        "earlynet run"};
    RunSettings s;
    std::vector<std::string> profile_dirs;
    std::string configure_and_quit;
    app.add_option_function<std::string>(
           "--configure-and-quit",
           [&](const std::string& v) {
               if (!v.empty() && v != "initrd") throw CLI::ValidationError("--configure-and-quit", "only 'initrd'");
               s.configure_and_quit = true;
           },
           "Exit once every device has tried (NetworkManager's --configure-and-quit=initrd); with the root on "
           "the network, once the root's device is up (see --wait-for)")
        ->expected(0, 1);
    std::string wait_for = "root";
    app.add_option("--wait-for", wait_for,
                   "With --configure-and-quit and the root on the network: return once the root's device is up "
                   "and keep trying the others in the background (root), or once every device has tried, as "
                   "NetworkManager does (all). Also rd.earlynet.wait-for= on the kernel command line")
        ->check(CLI::IsMember({"root", "all"}))
        ->capture_default_str();
    app.add_flag("--import", s.import,
                 "In the real root: adopt the devices and leases in --state-dir as they are and keep renewing")
        ->excludes("--configure-and-quit");
    app.add_option("-c,--profiles-dir", profile_dirs,
                   "Directory of .nmconnection profiles (repeatable; default /run/earlynet/profiles)");
    app.add_option("-r,--run-config-dir", s.run_config_dir, "Where 15-carrier-timeout.conf is")->capture_default_str();
    app.add_option("-i,--initrd-data-dir", s.initrd_data_dir, "Where generate's hostname file is")
        ->capture_default_str();
    app.add_option("--state-dir", s.state_dir, "Where device and lease state is written")->capture_default_str();
    app.add_option("--api-socket", s.api_socket,
                   "Where the local API (io.earlynet.Network over varlink) listens ('' = nowhere)")
        ->capture_default_str();
    app.add_option("--tmp-dir", s.tmp_dir, "Where dracut's /tmp files go")->capture_default_str();
    app.add_option("--hook-dir", s.hook_dir, "dracut's hook directory (initqueue/online below it)")
        ->capture_default_str();
    app.add_option("--netroot", s.netroot, "dracut's netroot, run per interface after the hooks ('' = never)")
        ->capture_default_str();
    app.add_option("--nm-run-dir", s.nm_run_dir, "NetworkManager's run directory ('' = not written)")
        ->capture_default_str();
    app.add_option("--networkd-dir", s.networkd_dir,
                   "systemd-networkd's .network directory for the real root, e.g. /run/systemd/network "
                   "('' = not written)");
    app.add_option("--resolv-conf", s.resolv_conf,
                   "Resolver file ('' = not written; with --import, not written unless given)")
        ->capture_default_str();
    app.add_option("--hostname-file", s.hostname_file,
                   "Where the host name is set ('' = never; with --import, never unless given)")
        ->capture_default_str();
    app.add_flag("--debug", s.debug, "Log packet-level detail (also rd.debug on the kernel command line)");
    std::string network_root = "auto";
    const CLI::Validator interface_name(
        [](const std::string& v) { return is_valid_interface_name(v) ? std::string() : "not an interface name"; },
        "IFACE");
    app.add_option("--network-root", network_root,
                   "The root is on the network, so DHCP addresses are defended indefinitely: yes (every device), "
                   "no, an interface (that device only), or auto (root=/netroot= in /proc/cmdline, through the "
                   "device named by bootdev= if there is one)")
        ->check(CLI::IsMember({"yes", "no", "auto"}) | interface_name)
        ->capture_default_str();
    if (auto done = parse_verb_arguments(app, args, 2)) return *done;
    if (!profile_dirs.empty()) s.profile_dirs = profile_dirs;
    // In the real root the resolver and the host name belong to it (a
    // resolv.conf symlink to systemd-resolved, /etc/hostname): an import
    // leaves them alone unless asked.
    if (s.import && app.count("--resolv-conf") == 0) s.resolv_conf.clear();
    if (s.import && app.count("--hostname-file") == 0) s.hostname_file.clear();
    const std::string cmdline = kernel_cmdline();  // read once: files in /etc/cmdline.d and /proc
    if (network_root == "auto") {
        s.network_root = cmdline::cmdline_names_network_root(cmdline);
        if (s.network_root) s.network_root_device = cmdline::cmdline_bootdev(cmdline);
    } else if (network_root != "no") {
        s.network_root = true;
        if (network_root != "yes") s.network_root_device = network_root;
    }
    setup_logging(s.debug || kernel_cmdline_has(cmdline, "rd.debug") ? LogDetail::Debug : LogDetail::Normal);
    if (app.count("--wait-for") == 0) {
        // A typing error on the kernel command line neither stops nor holds
        // the boot: said, and the default kept.
        auto v = kernel_cmdline_value(cmdline, "rd.earlynet.wait-for");
        if (v == "all" || v == "root")
            wait_for = v;
        else if (!v.empty())
            spdlog::warn("rd.earlynet.wait-for={}: not 'root' or 'all'; waiting for {}", v, wait_for);
    }
    s.boot_waits_for_root_only = wait_for == "root";
    device::timeline_mark_at("start", started);

    // The caller waits for the started process; the work goes on in a worker
    // that tells it when to return (StartupHandoff).
    std::optional<device::StartupHandoff> handoff;
    if (s.configure_and_quit) {
        auto forked = device::StartupHandoff::fork_worker();
        if (!forked) {
            spdlog::warn("{}: the started process waits for everything", forked.error().message);
        } else if (forked->is_parent()) {
            int code = forked->wait_for_worker();
            device::timeline_mark("exit");
            return code;
        } else {
            handoff = std::move(*forked);
        }
    }
    int code = run_worker(s, handoff ? &*handoff : nullptr);
    if (handoff) handoff->go_on(code);
    // Whatever ended the worker (an error of the event loop too), the
    // cleanup hook must not wait for it.
    if (s.configure_and_quit) ::unlink(background_pid_path(s).c_str());
    if (spdlog::should_log(spdlog::level::debug)) {
        // What GNU time would say of the worker and the hooks it ran, had
        // the caller waited for it (the benchmarks read these lines).
        rusage self{}, children{};
        ::getrusage(RUSAGE_SELF, &self);
        ::getrusage(RUSAGE_CHILDREN, &children);
        auto ms = [](const timeval& t) { return t.tv_sec * 1000 + t.tv_usec / 1000; };
        spdlog::debug("peak-rss {}", std::max(self.ru_maxrss, children.ru_maxrss));
        spdlog::debug("cpu-ms {}",
                      ms(self.ru_utime) + ms(self.ru_stime) + ms(children.ru_utime) + ms(children.ru_stime));
    }
    return code;
}

}  // namespace earlynet::daemon
