// org.varlink.certification between our implementation and varlink-go's
// (Debian package varlink-go): its client against our service, our client
// against its service, and ours against ours. The programs' paths come from
// meson in the environment.
#include <gtest/gtest.h>

#include <cstdlib>

#include "child_process.h"
#include "server_fixture.h"
#include "varlink/client.h"

namespace earlynet::varlink::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

std::string program(const char* variable) {
    const char* path = std::getenv(variable);
    return path ? path : "";
}

class CertificationTest : public ::testing::Test {
protected:
    void SetUp() override {
        go_ = program("VARLINK_GO_CERTIFICATION");
        service_ = program("VARLINK_CERTIFICATION_SERVICE");
        client_ = program("VARLINK_CERTIFICATION_CLIENT");
        ASSERT_EQ(::access(go_.c_str(), X_OK), 0)
            << "varlink-go-certification not found ('" << go_ << "'): install varlink-go (scripts/install-deps.sh)";
        path_ = dir_.path() + "/certification.socket";
        listening_ = listening_socket(path_);
        ASSERT_TRUE(listening_.valid());
    }

    std::string address() const { return "unix:" + path_; }

    TempDir dir_;
    std::string path_;
    Fd listening_;
    std::string go_, service_, client_;
};

TEST_F(CertificationTest, VarlinkGoClientAgainstOurService) {
    ChildProcess service({service_}, listening_);
    ASSERT_TRUE(service.started());
    ChildProcess go({go_, "--client", "--varlink=" + address()}, Fd());
    auto status = go.wait(30s);
    ASSERT_TRUE(status) << "varlink-go-certification --client did not finish:\n" << go.output();
    // It exits 0 whatever happened and prints "<step>() failed" on an error;
    // our service judges the client's calls, and says so in End.
    EXPECT_EQ(*status, 0);
    EXPECT_EQ(go.output().find("failed"), std::string::npos) << go.output();
    EXPECT_NE(go.output().find("Test10: '[Reply number 1 Reply number 2 Reply number 3 Reply number 4 "
                               "Reply number 5 Reply number 6 Reply number 7 Reply number 8 Reply number 9 "
                               "Reply number 10]'"),
              std::string::npos)
        << go.output();
    EXPECT_NE(go.output().find("End: 'true'"), std::string::npos) << go.output();
    EXPECT_EQ(service.stop(10s), 0) << service.output();
    EXPECT_EQ(service.output(), "");  // no problem reported
}

TEST_F(CertificationTest, OurClientAgainstVarlinkGoService) {
    ChildProcess go({go_, "--varlink=" + address()}, listening_);
    ASSERT_TRUE(go.started());
    ChildProcess client({client_, "--varlink=" + address()}, Fd());
    auto status = client.wait(30s);
    ASSERT_TRUE(status) << client.output();
    EXPECT_EQ(*status, 0) << client.output();
    EXPECT_NE(client.output().find("certification: passed"), std::string::npos) << client.output();
    EXPECT_NE(client.output().find("Test10 (10 replies): ok"), std::string::npos) << client.output();
}

TEST_F(CertificationTest, OurClientAgainstOurService) {
    ChildProcess service({service_}, listening_);
    ChildProcess client({client_, "--varlink=" + address()}, Fd());
    auto status = client.wait(30s);
    ASSERT_TRUE(status) << client.output();
    EXPECT_EQ(*status, 0) << client.output();
    EXPECT_NE(client.output().find("End: ok"), std::string::npos) << client.output();
}

// The service judges: a client that skips a step or sends a wrong value is
// told so, and End reports it. Without this, the varlink-go client's run
// above would prove little, since that client checks nothing itself.
TEST_F(CertificationTest, OurServiceRejectsAClientThatDeviates) {
    ChildProcess service({service_}, listening_);
    auto client = Client::connect(address(), 10s);
    ASSERT_TRUE(client) << client.error().message;
    auto start = client->call("org.varlink.certification.Start", json::object(), 10s);
    ASSERT_TRUE(start && start->ok());
    json id = start->parameters["client_id"];

    auto wrong = client->call("org.varlink.certification.Test02", {{"client_id", id}, {"bool", true}}, 10s);
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->error, "org.varlink.certification.CertificationError");
    EXPECT_EQ(wrong->parameters["wants"], json({{"method", "Test01"}}));

    auto end = client->call("org.varlink.certification.End", {{"client_id", id}}, 10s);
    ASSERT_TRUE(end && end->ok());
    EXPECT_EQ(end->parameters, json({{"all_ok", false}}));

    auto unknown = client->call("org.varlink.certification.Test01", {{"client_id", "nobody"}}, 10s);
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->error, "org.varlink.certification.ClientIdError");

    auto start2 = client->call("org.varlink.certification.Start", json::object(), 10s);
    ASSERT_TRUE(start2 && start2->ok());
    auto one = client->call("org.varlink.certification.Test01", {{"client_id", start2->parameters["client_id"]}}, 10s);
    ASSERT_TRUE(one && one->ok());
    auto bad_value = client->call("org.varlink.certification.Test02",
                                  {{"client_id", start2->parameters["client_id"]}, {"bool", false}}, 10s);
    ASSERT_TRUE(bad_value);
    EXPECT_EQ(bad_value->error, "org.varlink.certification.CertificationError");
    EXPECT_EQ(bad_value->parameters["got"], json({{"bool", false}}));
}

}  // namespace
}  // namespace earlynet::varlink::test
