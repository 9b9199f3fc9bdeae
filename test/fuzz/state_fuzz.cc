// libFuzzer target: the state file reader. Input = the bytes of a
// /run/earlynet/state/DEVICE.json, which `earlynet status`, `run --import` and
// the real root read without trusting. Whatever it is, reading must not
// crash; a rejection is Malformed with a message. When it reads, writing and
// reading again gives the same record and the same bytes (systemd's lease
// fuzzer does the same), and the exporters and status fed with it keep every
// value inside its quotes or its keyfile line.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "state/device_record.h"
#include "state/dracut_export.h"
#include "state/nm_export.h"
#include "state/status_render.h"

namespace {

using namespace earlynet;
using namespace earlynet::state;

void require(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant violated: %s\n", what);
        std::abort();
    }
}

bool is_name_byte(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// Every line of `text` is NAME= followed only by '...' words and \' — what
// shell_quote makes — so sh sees one word per value and nothing to run.
bool all_single_quoted(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t start = i;
        while (i < text.size() && is_name_byte(text[i])) ++i;
        if (i == start || i >= text.size() || text[i] != '=') return false;
        ++i;
        bool quoted_something = false;
        while (true) {
            if (i >= text.size()) return false;  // a line always ends with '\n'
            if (text[i] == '\n') {
                ++i;
                break;
            }
            if (text[i] == '\'') {
                std::size_t close = text.find('\'', i + 1);
                if (close == std::string_view::npos) return false;
                i = close + 1;
                quoted_something = true;
            } else if (text.substr(i, 2) == "\\'") {
                i += 2;
            } else {
                return false;
            }
        }
        if (!quoted_something) return false;
    }
    return true;
}

// Every line of a GKeyFile we wrote is empty, a comment, one of our three
// groups, or key=value with a key of ours: a value cannot add a line.
bool keyfile_lines_are_ours(std::string_view text) {
    std::size_t i = 0;
    int managed = 0;
    while (i < text.size()) {
        std::size_t nl = text.find('\n', i);
        if (nl == std::string_view::npos) return false;
        std::string_view line = text.substr(i, nl - i);
        i = nl + 1;
        if (line.empty() || line[0] == '#' || line == "[device]" || line == "[dhcp4]" || line == "[dhcp6]") continue;
        std::size_t eq = line.find('=');
        if (eq == std::string_view::npos || eq == 0) return false;
        for (char c : line.substr(0, eq))
            if (!is_name_byte(c) && c != '-' && c != '.') return false;
        if (line.find('\r') != std::string_view::npos) return false;
        if (line == "managed=true") ++managed;
    }
    return managed == 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 65536) return 0;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = device_record_from_json(text, "fuzz.json");
    if (!parsed) {
        require(parsed.error().code == ErrorCode::Malformed, "a rejected file is Malformed");
        require(parsed.error().message.rfind("fuzz.json: ", 0) == 0, "an error names the file");
        return 0;
    }
    const DeviceRecord& d = *parsed;
    require(is_valid_interface_name(d.interface), "a record names a valid interface");

    std::string json = device_record_to_json(d);
    auto again = device_record_from_json(json, "again.json");
    require(again.has_value(), "a written record reads back");
    require(*again == d, "write -> read gives the same record");
    require(device_record_to_json(*again) == json, "writing is deterministic");

    // What a record read from disk flows into.
    require(all_single_quoted(dhcpopts_text(d)), "dhcpopts: every value single-quoted");
    require(all_single_quoted(override_text(d)), "override: every value single-quoted");
    require(keyfile_lines_are_ours(nm_device_state_text(d)), "NM device state: values stay on their line");
    LoadedState state;
    state.devices.push_back(d);
    std::string status = render_status_text(state, std::chrono::nanoseconds(size) * 1'000'000'007);
    for (char c : status)
        require(c == '\n' || (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f), "status text: no control bytes");
    std::string status_json = render_status_json(state);
    require(!status_json.empty(), "status --json renders");
    return 0;
}
