// The on-disk record: every field survives a write and a read, and the strict
// reader refuses anything it did not write itself, naming the file and field.
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "state/adoption_check.h"
#include "state/device_record.h"
#include "test/unit/state_test_util.h"

using namespace earlynet;
using namespace earlynet::state;
using namespace earlynet::state::testing;
using nlohmann::json;

namespace {

constexpr const char* kSource = "/run/earlynet/state/eth0.json";

// The JSON of the full record, edited by `edit`, as text.
std::string edited(const std::function<void(json&)>& edit) {
    json j = json::parse(device_record_to_json(full_dhcp_device()));
    edit(j);
    return j.dump(2);
}

// Reading `text` fails as Malformed with a message naming the source and
// containing `expected` (normally "field 'NAME'").
void expect_rejected(const std::string& text, const std::string& expected) {
    auto r = device_record_from_json(text, kSource);
    ASSERT_FALSE(r) << "accepted:\n" << text;
    EXPECT_EQ(r.error().code, ErrorCode::Malformed);
    EXPECT_NE(r.error().message.find(kSource), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find(expected), std::string::npos)
        << "message '" << r.error().message << "' does not contain '" << expected << "'";
}

}  // namespace

// ---- round trip ----

TEST(DeviceRecordTest, FullRecordWithLeaseRoundTripsEveryField) {
    const DeviceRecord original = full_dhcp_device();
    auto back = device_record_from_json(device_record_to_json(original), kSource);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, original);
    // Field by field too, so a failure says which one.
    EXPECT_EQ(back->interface, original.interface);
    EXPECT_EQ(back->ifindex, original.ifindex);
    EXPECT_EQ(back->mac, original.mac);
    EXPECT_EQ(back->created, original.created);
    EXPECT_EQ(back->profile_uuid, original.profile_uuid);
    EXPECT_EQ(back->addresses, original.addresses);
    EXPECT_EQ(back->routes, original.routes);
    EXPECT_EQ(back->gateway, original.gateway);
    EXPECT_EQ(back->dns, original.dns);
    EXPECT_EQ(back->ip_server, original.ip_server);
    EXPECT_EQ(back->static_from_cmdline, original.static_from_cmdline);
    EXPECT_EQ(back->outcome, original.outcome);
    EXPECT_EQ(back->timings, original.timings);
    ASSERT_TRUE(back->lease);
    const LeaseRecord &l = *back->lease, &o = *original.lease;
    EXPECT_EQ(l.address, o.address);
    EXPECT_EQ(l.next_server, o.next_server);
    EXPECT_EQ(l.boot_file, o.boot_file);
    EXPECT_EQ(l.client_id, o.client_id);
    EXPECT_EQ(l.acquired_boottime, o.acquired_boottime);
    EXPECT_EQ(l.acquired_realtime_s, o.acquired_realtime_s);
    EXPECT_EQ(l.options, o.options);
    EXPECT_EQ(l, o);
    ASSERT_TRUE(back->lease6);
    const Lease6Record &l6 = *back->lease6, &o6 = *original.lease6;
    EXPECT_EQ(l6.client_duid, o6.client_duid);
    EXPECT_EQ(l6.iaid, o6.iaid);
    EXPECT_EQ(l6.server_duid, o6.server_duid);
    EXPECT_EQ(l6.addresses, o6.addresses);
    EXPECT_EQ(l6.acquired_boottime, o6.acquired_boottime);
    EXPECT_EQ(l6.options, o6.options);
    EXPECT_EQ(l6, o6);
}

TEST(DeviceRecordTest, AbsentOptionalsRoundTripAsAbsent) {
    DeviceRecord d = failed_device();  // no lease, gateway, server, most timings
    auto back = device_record_from_json(device_record_to_json(d), kSource);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, d);
    EXPECT_FALSE(back->lease);
    EXPECT_FALSE(back->gateway);
    EXPECT_FALSE(back->timings.to_carrier);

    LeaseRecord l = full_lease();
    l.options = {};
    l.next_server = Ipv4Address();
    l.boot_file.clear();
    l.client_id.clear();
    l.lease_time_s = 0xffffffffu;  // infinite
    l.acquired_realtime_s = -5;
    d.lease = l;
    back = device_record_from_json(device_record_to_json(d), kSource);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, d);
}

TEST(DeviceRecordTest, FileCarriesVersionAndIsStable) {
    std::string text = device_record_to_json(full_dhcp_device());
    json j = json::parse(text);
    EXPECT_EQ(j.at("version"), kFormatVersion);
    EXPECT_EQ(j.at("lease").at("client_id"), "01525400abcdef");  // bytes as lower-case hex
    EXPECT_EQ(j.at("lease").at("options").at("1"), "ffffff00");
    // Reading and writing again gives the same bytes: key order is fixed.
    auto back = device_record_from_json(text, kSource);
    ASSERT_TRUE(back);
    EXPECT_EQ(device_record_to_json(*back), text);
}

TEST(DeviceRecordTest, TextThatIsNotUtf8IsWrittenAsValidJsonInsteadOfThrowing) {
    // Option 12 may carry any byte but NUL; JSON cannot hold raw bytes >= 0x80
    // that are not UTF-8. Writing must not throw (it runs inside the event
    // loop) and must stay readable; the raw bytes remain in "options".
    DeviceRecord d = full_dhcp_device();
    d.hostname = "caf\xc3";  // truncated UTF-8 sequence
    std::string text;
    ASSERT_NO_THROW(text = device_record_to_json(d));
    auto back = device_record_from_json(text, kSource);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->hostname.substr(0, 3), "caf");
    // Valid UTF-8 is kept as it is.
    d.hostname = "h\xc3\xb6st";  // "höst"
    back = device_record_from_json(device_record_to_json(d), kSource);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->hostname, "h\xc3\xb6st");
    // A lease's options are raw bytes (hex in the file): any byte survives.
    d.lease->options[12] = {'h', 'o', 's', 't', 0xff, 0xfe};
    back = device_record_from_json(device_record_to_json(d), kSource);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->lease->options, d.lease->options);
}

// Version 1 carried each option's decoded value beside the raw options. The
// initrd's earlynet may be older than the real root's: its records still
// read, the lease from its options and header fields.
TEST(DeviceRecordTest, AVersion1RecordStillReads) {
    DeviceRecord d = full_dhcp_device();
    json j = json::parse(device_record_to_json(d));
    j["version"] = 1;
    json& l = j["lease"];
    l["broadcast"] = "10.77.0.255";
    l["routers"] = {"10.77.0.1", "10.77.0.2"};
    l["dns_servers"] = {"10.77.0.53"};
    l["ntp_servers"] = json::array();
    l["hostname"] = "client23";
    l["domain_name"] = "lab.example";
    l["domain_search"] = {"lab.example"};
    l["root_path"] = "nfs:10.77.0.1:/srv/root,vers=4";
    l["mtu"] = 1400;
    l["classless_routes"] = json::array();
    l["tftp_server_name"] = "tftp.lab.example";
    l["bootfile_name"] = "pxelinux.0";
    j.erase("lease6");
    d.lease6.reset();
    auto back = device_record_from_json(j.dump(), kSource);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, d);
}

// Version 2 had no DHCPv6 lease: read as none. From version 3 on the field
// must be there (null when there is no lease).
TEST(DeviceRecordTest, AVersion2RecordHasNoDhcp6Lease) {
    DeviceRecord d = full_dhcp_device();
    json j = json::parse(device_record_to_json(d));
    j["version"] = 2;
    j.erase("lease6");
    auto back = device_record_from_json(j.dump(), kSource);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_FALSE(back->lease6);
    d.lease6.reset();
    EXPECT_EQ(*back, d);
    j["version"] = 3;
    expect_rejected(j.dump(), "field 'lease6': missing");
}

TEST(DeviceRecordTest, ABadDhcp6LeaseIsRejectedByName) {
    expect_rejected(edited([](json& j) { j["lease6"]["addresses"][0]["address"] = "10.0.0.1"; }),
                    "field 'lease6.addresses[0].address': '10.0.0.1' is not an IPv6 address");
    expect_rejected(edited([](json& j) { j["lease6"]["addresses"][1]["valid_s"] = 4294967296; }),
                    "field 'lease6.addresses[1].valid_s': 4294967296 is out of range");
    expect_rejected(edited([](json& j) { j["lease6"]["addresses"][0]["preferred_s"] = 3601; }),
                    "field 'lease6.addresses[0].preferred_s': longer than valid_s");
    expect_rejected(edited([](json& j) { j["lease6"]["addresses"] = json::array(); }),
                    "field 'lease6.addresses': empty");
    expect_rejected(edited([](json& j) { j["lease6"]["t1_s"] = 1441; }), "field 'lease6.t1_s': after t2_s");
    expect_rejected(edited([](json& j) { j["lease6"]["options"][0]["code"] = 0; }),
                    "field 'lease6.options[0].code': 0 is out of range");
    expect_rejected(edited([](json& j) { j["lease6"]["options"][2]["data"] = "6e6"; }),
                    "field 'lease6.options[2].data': odd number of hex digits");
    expect_rejected(edited([](json& j) { j["lease6"]["options"][1]["data"] = std::string(2 * 65536, 'a'); }),
                    "field 'lease6.options[1].data': longer than an option can be");
    expect_rejected(edited([](json& j) { j["lease6"]["client_duid"] = 4; }),
                    "field 'lease6.client_duid': not a string");
    expect_rejected(edited([](json& j) { j["lease6"]["client_duid"] = ""; }),
                    "field 'lease6.client_duid': 0 bytes is not a DUID (3 to 130)");
    expect_rejected(edited([](json& j) { j["lease6"]["server_duid"] = std::string(2 * 131, '0'); }),
                    "field 'lease6.server_duid': 131 bytes is not a DUID (3 to 130)");
    expect_rejected(edited([](json& j) { j["lease6"]["addresses"] = json::object(); }),
                    "field 'lease6.addresses': not a list");
    expect_rejected(edited([](json& j) { j["lease6"]["options"][0] = 23; }),
                    "field 'lease6.options[0]': not an object");
    expect_rejected(edited([](json& j) { j["version"] = 2; }), "field 'lease6': not in a version 2 record");
}

// ---- strict reading: version ----

TEST(DeviceRecordTest, OtherVersionIsRejected) {
    expect_rejected(edited([](json& j) { j["version"] = kFormatVersion + 1; }),
                    "field 'version': version 4 is newer than this earlynet reads (3)");
    expect_rejected(edited([](json& j) { j["version"] = -1; }),
                    "field 'version': -1 is not a version earlynet wrote (1 to 3)");
    expect_rejected(edited([](json& j) { j["version"] = 0; }), "field 'version'");
    expect_rejected(edited([](json& j) { j["version"] = "1"; }), "field 'version': not an integer");
}

TEST(DeviceRecordTest, MissingVersionIsRejected) {
    expect_rejected(edited([](json& j) { j.erase("version"); }), "field 'version': missing");
}

// ---- strict reading: missing fields ----

TEST(DeviceRecordTest, MissingTopLevelFieldIsRejectedByName) {
    for (const char* key :
         {"interface", "ifindex", "mac", "created", "profile_uuid", "addresses", "routes", "gateway", "dns", "mtu",
          "ip_server", "static_from_cmdline", "netmask", "outcome", "failure_reason", "timings_ms", "lease"}) {
        SCOPED_TRACE(key);
        expect_rejected(edited([&](json& j) { j.erase(key); }), std::string("field '") + key + "': missing");
    }
}

TEST(DeviceRecordTest, MissingNestedFieldIsRejectedWithItsPath) {
    for (const char* key : {"address", "prefix_length", "server_id", "next_server", "boot_file", "client_id",
                            "lease_time_s", "t1_s", "t2_s", "acquired_boottime_ns", "acquired_realtime_s", "options"}) {
        SCOPED_TRACE(key);
        expect_rejected(edited([&](json& j) { j["lease"].erase(key); }),
                        std::string("field 'lease.") + key + "': missing");
    }
    expect_rejected(edited([](json& j) { j["timings_ms"].erase("carrier"); }), "field 'timings_ms.carrier': missing");
    expect_rejected(edited([](json& j) { j["routes"][0].erase("gateway"); }), "field 'routes.gateway': missing");
}

// ---- strict reading: mistyped fields ----

TEST(DeviceRecordTest, MistypedFieldIsRejectedByName) {
    expect_rejected(edited([](json& j) { j["ifindex"] = "2"; }), "field 'ifindex': not an integer");
    expect_rejected(edited([](json& j) { j["ifindex"] = 2.5; }), "field 'ifindex': not an integer");
    expect_rejected(edited([](json& j) { j["created"] = 1; }), "field 'created': not true or false");
    expect_rejected(edited([](json& j) { j["hostname"] = 7; }), "field 'hostname': not a string");
    expect_rejected(edited([](json& j) { j["dns"] = "10.0.0.1"; }), "field 'dns': not a list");
    expect_rejected(edited([](json& j) { j["dns_search"] = json::array({1}); }), "field 'dns_search'");
    expect_rejected(edited([](json& j) { j["timings_ms"] = 5; }), "field 'timings_ms': not an object");
    expect_rejected(edited([](json& j) { j["timings_ms"]["online"] = "1250"; }), "field 'timings_ms.online'");
    expect_rejected(edited([](json& j) { j["lease"] = "yes"; }), "field 'lease': not an object");
    expect_rejected(edited([](json& j) { j["lease"]["t1_s"] = 1800.0; }), "field 'lease.t1_s': not an integer");
    expect_rejected(edited([](json& j) { j["lease"]["boot_file"] = json::array({nullptr}); }),
                    "field 'lease.boot_file'");
    expect_rejected(edited([](json& j) { j["lease"]["options"] = json::array(); }), "field 'lease.options'");
    expect_rejected(edited([](json& j) { j["outcome"] = "online"; }), "field 'outcome': 'online' is not");
}

TEST(DeviceRecordTest, IntegerOutOfRangeIsRejectedByName) {
    expect_rejected(edited([](json& j) { j["ifindex"] = -1; }), "field 'ifindex': -1 is out of range");
    expect_rejected(edited([](json& j) { j["mtu"] = 65536; }), "field 'mtu'");
    expect_rejected(edited([](json& j) { j["lease"]["prefix_length"] = 33; }), "field 'lease.prefix_length'");
    expect_rejected(edited([](json& j) { j["lease"]["lease_time_s"] = 4294967296LL; }), "field 'lease.lease_time_s'");
    expect_rejected(edited([](json& j) { j["timings_ms"]["link"] = -3; }), "field 'timings_ms.link'");
}

TEST(DeviceRecordTest, IntegerBeyondInt64IsRejectedNotWrappedAround) {
    // 2^64-1 is a JSON unsigned; read as int64 it would silently become -1.
    expect_rejected(edited([](json& j) { j["lease"]["acquired_realtime_s"] = 18446744073709551615ULL; }),
                    "field 'lease.acquired_realtime_s': 18446744073709551615 is out of range");
    expect_rejected(edited([](json& j) { j["ifindex"] = 18446744073709551615ULL; }),
                    "field 'ifindex': 18446744073709551615 is out of range");
}

// ---- strict reading: addresses ----

TEST(DeviceRecordTest, BadAddressIsRejectedByName) {
    expect_rejected(edited([](json& j) { j["lease"]["address"] = "10.77.0.256"; }),
                    "field 'lease.address': '10.77.0.256' is not an IPv4 address");
    expect_rejected(edited([](json& j) { j["lease"]["server_id"] = "2001:db8::1"; }), "field 'lease.server_id'");
    expect_rejected(edited([](json& j) { j["lease"]["next_server"] = "ns1"; }),
                    "field 'lease.next_server': 'ns1' is not an IPv4 address");
    expect_rejected(edited([](json& j) { j["gateway"] = "10.77.0"; }), "field 'gateway': '10.77.0' is not an IP");
    expect_rejected(edited([](json& j) { j["dns"][0] = ""; }), "field 'dns'");
    expect_rejected(edited([](json& j) { j["addresses"][0] = "10.77.0.23"; }),
                    "field 'addresses': '10.77.0.23' is not address/prefix");
    expect_rejected(edited([](json& j) { j["addresses"][0] = "10.77.0.23/33"; }),
                    "field 'addresses': '10.77.0.23/33' has a bad prefix length");
    expect_rejected(edited([](json& j) { j["addresses"][1] = "2001:db8::23/129"; }), "field 'addresses'");
    expect_rejected(edited([](json& j) { j["routes"][0]["destination"] = "192.168.5.0/x"; }),
                    "field 'routes.destination'");
    expect_rejected(edited([](json& j) { j["mac"] = "52:54:00:zz:cd:ef"; }), "field 'mac'");
}

TEST(DeviceRecordTest, PrefixLengthAndOptionCodeMustBeWrittenAsTheWriterWritesThem) {
    // stoi would take these; the reader accepts only the canonical digits, so
    // two spellings can never name the same prefix or option.
    for (const char* text : {"10.77.0.23/+24", "10.77.0.23/ 24", "10.77.0.23/024", "10.77.0.23/"}) {
        SCOPED_TRACE(text);
        expect_rejected(edited([&](json& j) { j["addresses"][0] = text; }), "field 'addresses'");
    }
    for (const char* code : {"012", "+12", " 12", "0", "255", "x"}) {
        SCOPED_TRACE(code);
        expect_rejected(edited([&](json& j) { j["lease"]["options"][code] = "00"; }), "field 'lease.options'");
    }
}

TEST(DeviceRecordTest, BadHexIsRejectedByName) {
    expect_rejected(edited([](json& j) { j["lease"]["client_id"] = "0152a"; }),
                    "field 'lease.client_id': odd number of hex digits");
    expect_rejected(edited([](json& j) { j["lease"]["client_id"] = "01AB"; }),
                    "field 'lease.client_id': not lower-case hex");
    expect_rejected(edited([](json& j) { j["lease"]["options"]["12"] = "zz"; }), "field 'lease.options.12'");
    expect_rejected(edited([](json& j) { j["lease"]["options"]["12"] = 12; }), "field 'lease.options'");
}

// ---- strict reading: interface name ----

TEST(DeviceRecordTest, BadInterfaceNameIsRejectedByName) {
    for (const char* name : {"", "eth0/../../etc", "..", "eth 0", "eth0:1", "averyverylongname0"}) {
        SCOPED_TRACE(name);
        expect_rejected(edited([&](json& j) { j["interface"] = name; }), "field 'interface'");
    }
    expect_rejected(edited([](json& j) { j["interface"] = std::string("eth\n0"); }), "field 'interface'");
}

// ---- garbage ----

TEST(DeviceRecordTest, GarbageAndTruncatedJsonAreRejected) {
    std::string good = device_record_to_json(full_dhcp_device());
    for (std::size_t cut : {std::size_t{1}, good.size() / 3, good.size() / 2, good.size() - 3}) {
        SCOPED_TRACE(cut);
        expect_rejected(good.substr(0, cut),
                        "truncated: the JSON ends unfinished after " + std::to_string(cut) + " bytes");
    }
    for (const char* text : {"garbage", "{", "[]", "null", "1", "\"eth0\"", "{\"version\": 1,}", "\xff\xfe{}"}) {
        SCOPED_TRACE(text);
        auto r = device_record_from_json(text, kSource);
        EXPECT_FALSE(r);
        if (!r) {
            EXPECT_NE(r.error().message.find(kSource), std::string::npos);
        }
    }
    // An empty object is JSON, but the first field it lacks is named.
    expect_rejected("{}", "field 'version': missing");
}

// The report must tell a person what happened to the file: a write cut short
// leaves it empty or truncated, which is not the same as bytes that were
// never JSON (a disk error, another program).
TEST(DeviceRecordTest, EmptyTruncatedAndNonJsonFilesAreToldApart) {
    expect_rejected("", "eth0.json: empty");
    std::string good = device_record_to_json(full_dhcp_device());
    expect_rejected(good.substr(0, good.size() - 2), "eth0.json: truncated");
    std::string garbled = good;
    garbled.replace(garbled.size() / 2, 4, "\xff#!x");
    auto r = device_record_from_json(garbled, kSource);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("eth0.json: not JSON: parse error at line "), std::string::npos)
        << r.error().message;
    EXPECT_EQ(r.error().message.find("[json.exception"), std::string::npos) << r.error().message;
    expect_rejected(good + "trailing", "not JSON");
    expect_rejected("[1, 2]", "not a JSON object");
}

// ---- adoption by `run --import` ----

namespace {

constexpr std::chrono::nanoseconds kNow = std::chrono::seconds(1000);

// The device exactly as full_dhcp_device() recorded it.
DeviceNow same_device() {
    return {"eth0", 2, "52:54:00:ab:cd:ef", "2d1f6e4c-8f52-4b8e-9c43-0b3c1a7d9e10"};
}

// full_dhcp_device() with its lease begun `age` before kNow.
DeviceRecord leased_ago(std::chrono::seconds age) {
    DeviceRecord d = full_dhcp_device();
    d.lease->acquired_boottime = kNow - age;
    return d;
}

void expect_refused(const DeviceRecord& d, const DeviceNow& now, const std::string& expected) {
    auto r = check_adoptable(d, kSource, now, kNow);
    ASSERT_FALSE(r) << "adopted, expected: " << expected;
    EXPECT_EQ(r.error().code, ErrorCode::Invalid);
    EXPECT_EQ(r.error().message.rfind(std::string(kSource) + ": ", 0), 0u) << r.error().message;
    EXPECT_NE(r.error().message.find(expected), std::string::npos)
        << "message '" << r.error().message << "' does not contain '" << expected << "'";
}

}  // namespace

TEST(AdoptionCheckTest, TheSameDeviceWithARunningLeaseIsAdoptedWhateverTheMacsCase) {
    EXPECT_TRUE(check_adoptable(leased_ago(std::chrono::seconds(10)), kSource, same_device(), kNow));
    DeviceNow dashes = same_device();
    dashes.mac = "52-54-00-AB-CD-EF";
    EXPECT_TRUE(check_adoptable(leased_ago(std::chrono::seconds(10)), kSource, dashes, kNow));
    EXPECT_TRUE(check_adoptable(static_device(), kSource,
                                {"eth1", 3, "52:54:00:12:34:56", "5c0b7a3e-1111-4222-8333-944455556666"}, kNow))
        << "a record without a lease";
}

TEST(AdoptionCheckTest, AnotherIfindexMacOrProfileIsRefusedNamingTheField) {
    DeviceRecord d = leased_ago(std::chrono::seconds(10));
    DeviceNow now = same_device();
    now.ifindex = 9;
    expect_refused(d, now, "field 'ifindex': 2 is not eth0's ifindex now (9)");
    now = same_device();
    now.mac = "52:54:00:ab:cd:00";
    expect_refused(d, now, "field 'mac': 52:54:00:AB:CD:EF is not eth0's MAC now (52:54:00:ab:cd:00)");
    now.mac = "";
    expect_refused(d, now, "field 'mac': 52:54:00:AB:CD:EF is not eth0's MAC now (none)");
    now = same_device();
    now.profile_uuid = "00000000-0000-4000-8000-000000000000";
    expect_refused(d, now, "field 'profile_uuid': 2d1f6e4c-8f52-4b8e-9c43-0b3c1a7d9e10 is not the profile");
    now = same_device();
    now.interface = "eth9";
    expect_refused(d, now, "field 'interface'");
}

TEST(AdoptionCheckTest, ARecordWithoutMacIsNotHeldAgainstTheDevicesMac) {
    DeviceRecord d = leased_ago(std::chrono::seconds(10));
    d.mac.clear();
    EXPECT_TRUE(check_adoptable(d, kSource, same_device(), kNow));
}

TEST(AdoptionCheckTest, ADeviceThatDidNotComeUpIsRefused) {
    DeviceRecord d = leased_ago(std::chrono::seconds(10));
    d.outcome = DeviceOutcome::Activating;
    expect_refused(d, same_device(), "field 'outcome': 'activating'");
    d.outcome = DeviceOutcome::Failed;
    expect_refused(d, same_device(), "field 'outcome': 'failed'");
    d.outcome = DeviceOutcome::Down;
    expect_refused(d, same_device(), "field 'outcome': 'down'");
}

TEST(DeviceRecordTest, EveryOutcomeIsReadBack) {
    for (auto outcome :
         {DeviceOutcome::Activating, DeviceOutcome::Activated, DeviceOutcome::Failed, DeviceOutcome::Down}) {
        DeviceRecord d;
        d.interface = "eth0";
        d.outcome = outcome;
        auto back = device_record_from_json(device_record_to_json(d), kSource);
        ASSERT_TRUE(back) << to_string(outcome) << ": " << back.error().message;
        EXPECT_EQ(back->outcome, outcome) << to_string(outcome);
    }
}

TEST(AdoptionCheckTest, ALeaseThatHasEndedOrBeganInAnotherBootIsRefused) {
    // full_lease() runs 3600 s.
    EXPECT_TRUE(check_adoptable(leased_ago(std::chrono::seconds(3599)), kSource, same_device(), kNow));
    expect_refused(leased_ago(std::chrono::seconds(3600)), same_device(),
                   "field 'lease.acquired_boottime_ns': the lease of 3600 s ended 0 s ago");
    expect_refused(leased_ago(std::chrono::seconds(3700)), same_device(), "ended 100 s ago");
    expect_refused(leased_ago(std::chrono::seconds(-5)), same_device(),
                   "field 'lease.acquired_boottime_ns': the lease began 5 s after now by CLOCK_BOOTTIME, so in "
                   "another boot");
}

TEST(AdoptionCheckTest, AnInfiniteLeaseNeverEnds) {
    LeaseRecord l = full_lease();
    l.lease_time_s = 0xffffffffu;
    l.acquired_boottime = std::chrono::seconds(1);
    EXPECT_TRUE(check_lease_runs(l, std::chrono::hours(24 * 365 * 200)));
    l.acquired_boottime = std::chrono::hours(24 * 365 * 201);
    EXPECT_FALSE(check_lease_runs(l, std::chrono::hours(24 * 365 * 200))) << "but it can be another boot's";
}
