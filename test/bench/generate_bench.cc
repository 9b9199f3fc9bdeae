// Benchmark: `earlynet generate` work on a ~4 KiB command line of 200
// arguments, in process (parse + render every keyfile), median of many runs.
//   generate_bench FILE [RUNS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

#include "cmdline/cmdline_fields.h"
#include "cmdline/cmdline_reader.h"
#include "cmdline/generated_output.h"

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: generate_bench FILE [RUNS]\n");
        return 2;
    }
    std::ifstream in(argv[1]);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    int runs = argc > 2 ? std::atoi(argv[2]) : 2000;

    std::vector<double> us;
    std::size_t bytes = 0, profiles = 0;
    for (int i = 0; i < runs; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        auto args = earlynet::cmdline::split_kernel_cmdline(text);
        earlynet::cmdline::CmdlineReaderOptions options;
        options.sysfs_dir = "/nonexistent";
        auto config = earlynet::cmdline::read_kernel_cmdline(args, options);
        if (!config) {
            std::fprintf(stderr, "bench input rejected: %s\n", config.error().message.c_str());
            return 1;
        }
        std::string out = earlynet::cmdline::render_stdout(*config);
        auto t1 = std::chrono::steady_clock::now();
        us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
        bytes = out.size();
        profiles = config->profiles.size();
        if (i == 0)
            std::printf("input: %zu bytes, %zu arguments -> %zu profiles, %zu bytes of keyfiles\n", text.size(),
                        args.size(), profiles, bytes);
    }
    std::sort(us.begin(), us.end());
    std::printf("generate in process (parse + render): median %.1f us, p90 %.1f us, min %.1f us over %d runs\n",
                us[us.size() / 2], us[us.size() * 9 / 10], us.front(), runs);
    return 0;
}
