#include "device/hook_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "base/guard.h"
#include "base/log.h"

namespace earlynet::device {

const char* HookRunner::script() {
    // dracut sources online hooks with dracut-lib loaded and "$1" = the
    // interface (source_hook initqueue/online $netif); cms-style hooks read
    // $netif. Our own names are prefixed so a hook's variables (dracut's
    // hooks set "netroot") cannot change what runs next.
    return "earlynet_netif=$1; earlynet_hooks=$2; earlynet_netroot=$3\n"
           "netif=$1; export netif\n"
           "[ -r /lib/dracut-lib.sh ] && . /lib/dracut-lib.sh\n"
           "set -- \"$earlynet_netif\"\n"
           "for earlynet_hook in \"$earlynet_hooks\"/initqueue/online/*.sh; do\n"
           "    [ -f \"$earlynet_hook\" ] || continue\n"
           "    . \"$earlynet_hook\"\n"
           "done\n"
           "if [ -n \"$earlynet_netroot\" ] && [ -x \"$earlynet_netroot\" ]; then\n"
           // dracut's netroot exits 1 when there is no network root: not a
           // failure of the hooks. A root it cannot mount makes it die itself.
           "    \"$earlynet_netroot\" \"$earlynet_netif\" || :\n"
           "fi\n";
}

namespace {

// Whether the shell would do anything: an online hook, or an executable
// netroot. Starting /bin/sh for nothing costs a few ms of every boot.
bool anything_to_run(const std::string& hook_dir, const std::string& netroot) {
    if (!netroot.empty() && ::access(netroot.c_str(), X_OK) == 0) return true;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(hook_dir + "/initqueue/online", ec))
        if (e.path().extension() == ".sh" && e.is_regular_file(ec)) return true;
    return false;
}

}  // namespace

HookRunner::HookRunner(sd_event* loop, std::string hook_dir, std::string netroot)
    : loop_(loop), hook_dir_(std::move(hook_dir)), netroot_(std::move(netroot)) {}

HookRunner::~HookRunner() = default;

void HookRunner::queue_online(const std::string& interface) {
    queue_.push_back(interface);
    if (running_ < 0) run_next();
}

void HookRunner::run_next() {
    while (!queue_.empty()) {
        current_ = queue_.front();
        queue_.pop_front();
        if (!anything_to_run(hook_dir_, netroot_)) {
            spdlog::debug("{}: no online hooks and no netroot to run", current_);
            continue;
        }
        spdlog::info("{}: running online hooks", current_);
        pid_t pid = ::fork();
        if (pid < 0) {
            spdlog::error("{}: online hooks not run: fork: {}", current_, std::strerror(errno));
            continue;
        }
        if (pid == 0) {
            sigset_t none;
            sigemptyset(&none);
            ::sigprocmask(SIG_SETMASK, &none, nullptr);
            int devnull = ::open("/dev/null", O_RDONLY);
            if (devnull >= 0) ::dup2(devnull, 0);
            const char* argv[] = {
                "/bin/sh",        "-c",   script(), "earlynet-online", current_.c_str(), hook_dir_.c_str(),
                netroot_.c_str(), nullptr};
            ::execv("/bin/sh", const_cast<char* const*>(argv));
            ::_exit(127);
        }
        running_ = pid;
        sd_event_source* s = nullptr;
        int r = sd_event_add_child(loop_, &s, pid, WEXITED, &HookRunner::on_child, this);
        if (r < 0) {
            spdlog::error("{}: cannot watch the hook process: {}", current_, std::strerror(-r));
            int status = 0;
            ::waitpid(pid, &status, 0);
            running_ = -1;
            continue;
        }
        child_.reset(s);
        return;
    }
    if (on_idle_) on_idle_();
}

int HookRunner::on_child(sd_event_source*, const siginfo_t* si, void* userdata) {
    auto* self = static_cast<HookRunner*>(userdata);
    auto done = call_guarded([&] { self->on_child_exited(si); });
    if (!done) spdlog::error("online hooks: {}, ignoring", done.error().message);
    return 0;
}

void HookRunner::on_child_exited(const siginfo_t* si) {
    HookRunner* self = this;
    if (si->si_code == CLD_EXITED && si->si_status == 0)
        spdlog::info("{}: online hooks done", self->current_);
    else
        spdlog::warn("{}: online hooks ended with status {}", self->current_, si->si_status);
    int status = 0;
    ::waitpid(self->running_, &status, WNOHANG);  // ours to reap: the source goes now
    self->running_ = -1;
    self->child_.reset();
    self->run_next();
}

}  // namespace earlynet::device
