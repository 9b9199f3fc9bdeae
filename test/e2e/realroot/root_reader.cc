// The handover boot test's root reader: reads distinct 4 KiB blocks of the
// root device one after the other, with O_DIRECT so that none comes from the
// page cache and each crosses the network, until STOP_FILE exists. Then it
// writes to REPORT_FILE the number of reads, the longest gap between two
// completed reads (the root's longest stall) and every gap over 300 ms with
// its time. One process and no fork per read: on the guest's one emulated
// CPU a shell loop of dd measured its own scheduling, not the root. A second
// thread only sleeps 10 ms at a time and reports its own longest gap
// (control_ms): what the guest's clock lost to the host (TCG on a busy
// machine), which the root's stall includes too.
//
//   e2e-root-reader DEVICE STOP_FILE REPORT_FILE
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

long long ms_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
}

bool exists(const char* path) {
    struct stat st;
    return ::stat(path, &st) == 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s DEVICE STOP_FILE REPORT_FILE\n", argv[0]);
        return 2;
    }
    int fd = ::open(argv[1], O_RDONLY | O_DIRECT | O_CLOEXEC);
    if (fd < 0) {
        std::perror(argv[1]);
        return 1;
    }
    constexpr std::size_t kBlock = 4096;
    void* buffer = std::aligned_alloc(kBlock, kBlock);
    std::atomic<bool> done = false;
    std::atomic<long long> control = 0;
    std::thread sleeper([&] {
        for (Clock::time_point last = Clock::now(); !done;) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            const Clock::time_point now = Clock::now();
            control = std::max(control.load(), ms_between(last, now));
            last = now;
        }
    });
    const Clock::time_point start = Clock::now();
    Clock::time_point last = start;
    long long worst = 0, worst_at = 0, reads = 0, failures = 0;
    std::vector<std::string> gaps;
    for (off_t block = 0; !exists(argv[2]); ++block) {
        if (::pread(fd, buffer, kBlock, block * static_cast<off_t>(kBlock)) != static_cast<ssize_t>(kBlock)) {
            ++failures;
            block = -1;  // past the end: start over (the cache is bypassed anyway)
        }
        const Clock::time_point now = Clock::now();
        const long long gap = ms_between(last, now);
        if (gap > worst) {
            worst = gap;
            worst_at = ms_between(start, now);
        }
        if (gap > 300)
            gaps.push_back("gap " + std::to_string(gap) + " ms ending " + std::to_string(ms_between(start, now)) +
                           " ms after the start");
        last = now;
        ++reads;
        // A short pause leaves the CPU to the boot being watched.
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    done = true;
    sleeper.join();
    FILE* report = std::fopen(argv[3], "w");
    if (!report) {
        std::perror(argv[3]);
        return 1;
    }
    std::fprintf(report, "reads=%lld failures=%lld longest_stall_ms=%lld at=%lld control_ms=%lld\n", reads, failures,
                 worst, worst_at, control.load());
    for (const auto& g : gaps) std::fprintf(report, "%s\n", g.c_str());
    std::fclose(report);
    return 0;
}
