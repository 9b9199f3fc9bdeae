// The state directory: one DEVICE.json per interface, replaced atomically,
// and a load that reports every file it cannot trust instead of using it.
#include "state/state_store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "test/unit/state_test_util.h"

using namespace earlynet;
using namespace earlynet::state;
using namespace earlynet::state::testing;

namespace {

DeviceRecord named(DeviceRecord d, const char* interface) {
    d.interface = interface;
    return d;
}

bool mentions(const Error& e, const std::string& word) {
    return e.message.find(word) != std::string::npos;
}

}  // namespace

TEST(StateStoreTest, WrittenRecordsLoadBackSortedByInterface) {
    TempDir dir;
    StateStore store(dir.path());
    ASSERT_TRUE(store.write(failed_device()));     // eth2
    ASSERT_TRUE(store.write(full_dhcp_device()));  // eth0
    ASSERT_TRUE(store.write(static_device()));     // eth1
    EXPECT_EQ(list_dir(dir.path()), (std::vector<std::string>{"eth0.json", "eth1.json", "eth2.json"}));
    EXPECT_EQ(store.path_of("eth0"), dir / "eth0.json");

    LoadedState s = store.load();
    EXPECT_TRUE(s.corrupt.empty());
    ASSERT_EQ(s.devices.size(), 3u);
    EXPECT_EQ(s.devices[0], full_dhcp_device());
    EXPECT_EQ(s.devices[1], static_device());
    EXPECT_EQ(s.devices[2], failed_device());
}

TEST(StateStoreTest, DevicesAreSortedByInterfaceNotByFileName) {
    // "br-lan.json" < "br.json" as file names, but "br" < "br-lan".
    TempDir dir;
    StateStore store(dir.path());
    ASSERT_TRUE(store.write(named(static_device(), "br-lan")));
    ASSERT_TRUE(store.write(named(static_device(), "br")));
    ASSERT_TRUE(store.write(named(static_device(), "br0")));
    LoadedState s = store.load();
    ASSERT_EQ(s.devices.size(), 3u);
    EXPECT_EQ(s.devices[0].interface, "br");
    EXPECT_EQ(s.devices[1].interface, "br-lan");
    EXPECT_EQ(s.devices[2].interface, "br0");
}

TEST(StateStoreTest, WriteCreatesTheDirectoryAndReadableFiles) {
    TempDir dir;
    StateStore store(dir / "run/earlynet/state");
    ASSERT_TRUE(store.write(full_dhcp_device()));
    struct stat st {};
    ASSERT_EQ(::stat(store.path_of("eth0").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0644u);  // `earlynet status` runs as anyone
    EXPECT_EQ(read_file(store.path_of("eth0")), device_record_to_json(full_dhcp_device()));
}

TEST(StateStoreTest, OverwriteReplacesTheContentAndLeavesNoTemporary) {
    TempDir dir;
    StateStore store(dir.path());
    DeviceRecord d = full_dhcp_device();
    ASSERT_TRUE(store.write(d));
    d.outcome = DeviceOutcome::Failed;
    d.failure_reason = "carrier lost";
    d.lease.reset();  // the new file is shorter than the old one
    ASSERT_TRUE(store.write(d));

    EXPECT_EQ(list_dir(dir.path()), std::vector<std::string>{"eth0.json"});  // no .eth0.json.tmpPID left
    EXPECT_EQ(read_file(store.path_of("eth0")), device_record_to_json(d));
    LoadedState s = store.load();
    ASSERT_EQ(s.devices.size(), 1u);
    EXPECT_EQ(s.devices[0], d);
}

TEST(StateStoreTest, OverwriteIsARenameSoAnOpenReaderKeepsTheWholeOldFile) {
    // A reader that opened the file before the write must go on reading the
    // complete old file: true for temp + rename, false for truncate-and-write.
    TempDir dir;
    StateStore store(dir.path());
    DeviceRecord d = full_dhcp_device();
    ASSERT_TRUE(store.write(d));
    const std::string old_text = read_file(store.path_of("eth0"));
    int fd = ::open(store.path_of("eth0").c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    struct stat before {};
    ASSERT_EQ(::fstat(fd, &before), 0);

    d.hostname = "renamed";
    d.lease.reset();
    ASSERT_TRUE(store.write(d));

    std::string seen;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) seen.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    EXPECT_EQ(seen, old_text);
    struct stat after {};
    ASSERT_EQ(::stat(store.path_of("eth0").c_str(), &after), 0);
    EXPECT_NE(after.st_ino, before.st_ino);
    EXPECT_EQ(read_file(store.path_of("eth0")), device_record_to_json(d));
}

TEST(StateStoreTest, ConcurrentLoadNeverSeesAPartialFile) {
    TempDir dir;
    StateStore store(dir.path());
    DeviceRecord big = full_dhcp_device(), small = full_dhcp_device();
    small.lease.reset();
    ASSERT_TRUE(store.write(big));
    std::atomic<bool> done{false};
    std::atomic<int> loads{0}, bad{0};
    std::thread reader([&] {
        while (!done) {
            LoadedState s = store.load();
            if (!s.corrupt.empty() || s.devices.size() != 1 || (s.devices[0] != big && s.devices[0] != small)) ++bad;
            ++loads;
        }
    });
    for (int i = 0; i < 60; ++i) ASSERT_TRUE(store.write(i % 2 ? big : small));
    done = true;
    reader.join();
    EXPECT_GT(loads.load(), 0);
    EXPECT_EQ(bad.load(), 0) << "of " << loads.load() << " loads";
}

TEST(StateStoreTest, CorruptFilesAreReportedAndNotTrustedWhileGoodOnesLoad) {
    TempDir dir;
    StateStore store(dir.path());
    ASSERT_TRUE(store.write(full_dhcp_device()));
    std::string text = device_record_to_json(static_device());
    write_raw(dir / "eth1.json", text.substr(0, text.size() / 2));  // truncated
    std::string other = device_record_to_json(failed_device());
    std::string current = "\"version\": " + std::to_string(kFormatVersion);
    other.replace(other.find(current), current.size(), "\"version\": " + std::to_string(kFormatVersion + 1));
    write_raw(dir / "eth2.json", other);  // a later format
    write_raw(dir / "eth3.json", "");     // empty

    LoadedState s = store.load();
    ASSERT_EQ(s.devices.size(), 1u);
    EXPECT_EQ(s.devices[0].interface, "eth0");
    ASSERT_EQ(s.corrupt.size(), 3u);
    EXPECT_TRUE(mentions(s.corrupt[0], dir / "eth1.json")) << s.corrupt[0].message;
    EXPECT_TRUE(mentions(s.corrupt[1], dir / "eth2.json")) << s.corrupt[1].message;
    EXPECT_TRUE(mentions(s.corrupt[1], "field 'version'")) << s.corrupt[1].message;
    EXPECT_TRUE(mentions(s.corrupt[2], dir / "eth3.json")) << s.corrupt[2].message;
    for (const auto& e : s.corrupt) EXPECT_EQ(e.code, ErrorCode::Malformed);
}

TEST(StateStoreTest, RecordUnderAnotherInterfacesNameIsReported) {
    TempDir dir;
    StateStore store(dir.path());
    ASSERT_TRUE(store.write(static_device()));  // eth1
    // A copy of eth1's record named eth0.json must not pass for eth0.
    write_raw(dir / "eth0.json", device_record_to_json(static_device()));
    LoadedState s = store.load();
    ASSERT_EQ(s.devices.size(), 1u);
    EXPECT_EQ(s.devices[0].interface, "eth1");
    ASSERT_EQ(s.corrupt.size(), 1u);
    EXPECT_TRUE(mentions(s.corrupt[0], dir / "eth0.json")) << s.corrupt[0].message;
    EXPECT_TRUE(mentions(s.corrupt[0], "field 'interface': 'eth1' does not match the file name"))
        << s.corrupt[0].message;
}

TEST(StateStoreTest, MissingDirectoryIsAnEmptyState) {
    TempDir dir;
    LoadedState s = StateStore(dir / "never-created").load();
    EXPECT_TRUE(s.devices.empty());
    EXPECT_TRUE(s.corrupt.empty());
}

TEST(StateStoreTest, DirectoryThatCannotBeOpenedIsReported) {
    TempDir dir;
    write_raw(dir / "state", "not a directory");
    LoadedState s = StateStore(dir / "state").load();
    EXPECT_TRUE(s.devices.empty());
    ASSERT_EQ(s.corrupt.size(), 1u);
    EXPECT_EQ(s.corrupt[0].code, ErrorCode::System);
    EXPECT_TRUE(mentions(s.corrupt[0], dir / "state")) << s.corrupt[0].message;
}

TEST(StateStoreTest, TemporariesAndOtherFilesAreNotRecords) {
    TempDir dir;
    StateStore store(dir.path());
    ASSERT_TRUE(store.write(full_dhcp_device()));
    write_raw(dir / ".eth1.json.tmp1234", "{half");  // a writer's temporary, mid-write
    write_raw(dir / "README", "hello");
    write_raw(dir / "eth1.json.bak", "{");
    LoadedState s = store.load();
    EXPECT_TRUE(s.corrupt.empty());
    ASSERT_EQ(s.devices.size(), 1u);
}

TEST(StateStoreTest, WriteRefusesAnInterfaceNameThatIsNotOne) {
    TempDir dir;
    StateStore store(dir / "state");
    for (const char* name : {"../escape", "", "a/b", ".."}) {
        SCOPED_TRACE(name);
        auto r = store.write(named(full_dhcp_device(), name));
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, ErrorCode::Invalid);
    }
    EXPECT_FALSE(exists(dir / "escape.json"));
    EXPECT_TRUE(list_dir(dir / "state").empty());
}

namespace {

// The pid of a process that has ended and been reaped: a writer SIGKILLed
// between its temporary and the rename.
pid_t dead_pid() {
    pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return pid;
}

}  // namespace

TEST(StateStoreTest, WriteClearsTheTemporariesOfWritersThatDied) {
    TempDir dir;
    StateStore store(dir.path());
    ASSERT_TRUE(store.write(full_dhcp_device()));
    std::string dead = std::to_string(dead_pid());
    write_raw(dir / (".eth0.json.tmp" + dead), "{half");  // eth0's, and another record's
    write_raw(dir / (".eth1.json.tmp" + dead), "{half");
    // A writer that still runs (pid 1 always does) may be about to rename.
    write_raw(dir / ".eth1.json.tmp1", "{half");
    // Not temporaries of ours: left alone.
    write_raw(dir / ".eth1.json.tmp", "x");
    write_raw(dir / (".eth1.json.tmp" + dead + "x"), "x");
    write_raw(dir / (".hidden" + dead), "x");

    LoadedState before = store.load();
    EXPECT_TRUE(before.corrupt.empty()) << "a temporary is never read as a record";
    ASSERT_TRUE(store.write(static_device()));
    std::vector<std::string> left{
        ".eth1.json.tmp", ".eth1.json.tmp" + dead + "x", ".eth1.json.tmp1", ".hidden" + dead, "eth0.json", "eth1.json"};
    std::sort(left.begin(), left.end());
    auto listed = list_dir(dir.path());
    std::sort(listed.begin(), listed.end());
    EXPECT_EQ(listed, left);
}

TEST(StateStoreTest, AFifoASymlinkAndAHugeFileAreReportedWithoutBlocking) {
    TempDir dir;
    StateStore store(dir.path());
    ASSERT_TRUE(store.write(full_dhcp_device()));
    // Opening a FIFO for reading would wait for a writer forever: `status` must answer.
    ASSERT_EQ(::mkfifo((dir / "eth1.json").c_str(), 0644), 0);
    ASSERT_EQ(::symlink((dir / "eth0.json").c_str(), (dir / "eth2.json").c_str()), 0);
    write_raw(dir / "eth3.json", std::string(2 << 20, ' ') + device_record_to_json(full_dhcp_device()));
    LoadedState s = store.load();
    ASSERT_EQ(s.devices.size(), 1u);
    EXPECT_EQ(s.devices[0].interface, "eth0");
    ASSERT_EQ(s.corrupt.size(), 3u);
    EXPECT_TRUE(mentions(s.corrupt[0], dir / "eth1.json: not a regular file")) << s.corrupt[0].message;
    EXPECT_TRUE(mentions(s.corrupt[1], dir / "eth2.json")) << s.corrupt[1].message;
    EXPECT_TRUE(mentions(s.corrupt[2], dir / "eth3.json")) << s.corrupt[2].message;
    EXPECT_TRUE(mentions(s.corrupt[2], "too large for a record")) << s.corrupt[2].message;
}
