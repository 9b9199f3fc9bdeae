// Runs every file of the given corpus directories through a libFuzzer target,
// so the corpus guards against regressions in ordinary g++ builds.
#include <dirent.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
    std::size_t count = 0;
    for (int i = 1; i < argc; ++i) {
        DIR* d = ::opendir(argv[i]);
        if (!d) {
            std::fprintf(stderr, "replay: cannot open %s\n", argv[i]);
            return 1;
        }
        std::vector<std::string> files;
        while (dirent* e = ::readdir(d))
            if (e->d_name[0] != '.') files.push_back(std::string(argv[i]) + "/" + e->d_name);
        ::closedir(d);
        for (const auto& f : files) {
            std::ifstream in(f, std::ios::binary);
            std::stringstream ss;
            ss << in.rdbuf();
            std::string data = ss.str();
            LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
            ++count;
        }
    }
    if (count == 0) {
        std::fprintf(stderr, "replay: empty corpus\n");
        return 1;
    }
    std::printf("replay: %zu inputs, no crash\n", count);
    return 0;
}
