// InterfaceDescription: the interface's name and methods from its text, and
// the varlink naming rules.
#include "varlink/interface_description.h"

#include <gtest/gtest.h>

#include "org.varlink.certification.h"

namespace earlynet::varlink {
namespace {

TEST(InterfaceDescriptionTest, ReadsNameAndMethodsOfTheCertificationInterface) {
    auto d = InterfaceDescription::parse(interfaces::org_varlink_certification);
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->name, "org.varlink.certification");
    EXPECT_EQ(d->methods, (std::set<std::string>{"Start", "Test01", "Test02", "Test03", "Test04", "Test05", "Test06",
                                                 "Test07", "Test08", "Test09", "Test10", "Test11", "End"}));
    EXPECT_EQ(d->text, interfaces::org_varlink_certification);
}

TEST(InterfaceDescriptionTest, CommentsAndTypesAreNotMethods) {
    auto d = InterfaceDescription::parse(
        "# method NotThis()\ninterface a.b # interface c.d\ntype T (method: string)\n"
        "method  Real (x: int) -> ()\nerror Oops ()\n");
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->name, "a.b");
    EXPECT_EQ(d->methods, std::set<std::string>{"Real"});
}

TEST(InterfaceDescriptionTest, RejectsTextsWithoutAValidName) {
    for (const char* text : {"", "method Foo() -> ()", "interface nodots", "interface a.b\ninterface c.d",
                             "interface a.b\nmethod lower() -> ()", "interface 1a.b"})
        EXPECT_FALSE(InterfaceDescription::parse(text)) << text;
}

TEST(InterfaceNameTest, FollowsTheVarlinkSyntax) {
    for (const char* ok : {"org.varlink.service", "io.earlynet.Network", "a.b", "a-b.c1"})
        EXPECT_TRUE(is_interface_name(ok)) << ok;
    for (const char* bad : {"", "a", ".a.b", "a..b", "a.b.", "1a.b", "a-.b", "a.b c", "a.b/c"})
        EXPECT_FALSE(is_interface_name(bad)) << bad;
    EXPECT_TRUE(is_member_name("GetInfo"));
    EXPECT_TRUE(is_member_name("Test01"));
    for (const char* bad : {"", "getInfo", "Get_Info", "Get.Info"}) EXPECT_FALSE(is_member_name(bad)) << bad;
}

}  // namespace
}  // namespace earlynet::varlink
