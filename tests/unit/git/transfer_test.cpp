#include <gtest/gtest.h>

#include "git/transfer.hpp"

namespace mr::git {

// What ssh would read as one of its options never reaches it; nothing is run to find out.
TEST(PlanEndpoint, AnSshWordThatLooksLikeAnOptionIsRefused) {
  NetContext net;
  bool ran = false;
  net.run = [&](const std::vector<std::string>&, const std::string&,
                const fs::path&) -> Result<ProgramResult> {
    ran = true;
    return ProgramResult{1, "", ""};
  };
  for (const std::string url :
       {"ssh://-oProxyCommand=x/r.git", "ssh://-oProxyCommand=x@host/r.git", "ssh://host:-1/r.git",
        "-oProxyCommand=x:r.git", "git@-oProxyCommand=x:r.git"}) {
    const auto ep = plan_endpoint(url, net);
    ASSERT_FALSE(ep) << url;
    EXPECT_NE(ep.error().message.find("would be read as an option"), std::string::npos)
        << ep.error().message;
  }
  EXPECT_FALSE(ran);
  EXPECT_TRUE(plan_endpoint("ssh://git@host-1/r.git", net)); // a '-' inside is fine
}

} // namespace mr::git
