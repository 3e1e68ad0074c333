// The answer a customer reads, over a small knowledge base written for each behaviour: yes/no questions answered
// "Yes" or "No" first only when the passage says which, and phrases of the question ("rate limit") preferred over the
// same words scattered.
#include <gtest/gtest.h>

#include "engine/engine.h"
#include "knowledge_files.h"

namespace oai::engine {
namespace {

std::unique_ptr<Engine> EngineOver(std::vector<SourceDocument> documents) {
  EngineConfig config;
  config.documents = std::move(documents);
  config.routerExamplesTsv = ReadTextFile(std::string(OAI_DATA_DIR) + "/router_examples.tsv");
  return Engine::Create(std::move(config));
}

const SourceDocument kSeats{"policy/seats.md",
                            "# Seats and sharing\n\n"
                            "## Sharing a seat\n\n"
                            "Each seat is for one named person; seats may not be shared between two agents.\n\n"
                            "## Renewal\n\n"
                            "Annual subscriptions renew automatically at the end of the paid year.\n\n"
                            "## Exports\n\n"
                            "Only the account owner can download a data export.\n\n"
                            "## Signing in while suspended\n\n"
                            "| Who | Read-only | Suspended |\n"
                            "|---|---|---|\n"
                            "| Agents can sign in | yes | no |\n"};

TEST(ComposeYesNo, ANegatingPassageIsAnsweredNoFirst) {
  auto engine = EngineOver({kSeats});
  const ChatResponse r = engine->Answer({"Can two agents share one seat?", "y1", {}});
  EXPECT_EQ(r.message.rfind("No. Each seat is for one named person", 0), 0u) << r.message;
}

TEST(ComposeYesNo, AnAffirmingPassageIsAnsweredYesFirst) {
  auto engine = EngineOver({kSeats});
  const ChatResponse r = engine->Answer({"Do annual subscriptions renew automatically?", "y2", {}});
  EXPECT_EQ(r.message.rfind("Yes. Annual subscriptions renew automatically", 0), 0u) << r.message;
}

TEST(ComposeYesNo, ATableCellUnderTheColumnTheQuestionNamesDecides) {
  auto engine = EngineOver({kSeats});
  const ChatResponse r = engine->Answer({"Can agents sign in while the account is suspended?", "y3", {}});
  EXPECT_EQ(r.message.rfind("No.", 0), 0u) << r.message;
}

// "Only the owner can ..." answers "can an admin download an export?" with a condition, not a plain yes or no; a
// choice between two things is not a yes/no question at all.
TEST(ComposeYesNo, ConditionsAndChoicesAreLeftToThePassage) {
  auto engine = EngineOver({kSeats});
  for (const char* q : {"Can an admin download a data export?", "Do subscriptions renew automatically or by hand?"}) {
    const ChatResponse r = engine->Answer({q, "y4", {}});
    EXPECT_NE(r.message.rfind("Yes", 0), 0u) << q << ": " << r.message;
    EXPECT_NE(r.message.rfind("No", 0), 0u) << q << ": " << r.message;
    EXPECT_NE(r.message.find("[1]"), std::string::npos) << q << ": " << r.message;
  }
}

const SourceDocument kErrors{"technical/errors.md",
                             "# API errors\n\n"
                             "## Status codes\n\n"
                             "| Status | Meaning |\n"
                             "|---|---|\n"
                             "| 400 | the request is malformed |\n"
                             "| 401 | the key is missing or revoked |\n"
                             "| 403 | the key lacks a scope, an error of permissions |\n"
                             "| 404 | no such resource |\n\n"
                             "## Keys\n\n"
                             "Keys are created by admins. A key can be revoked by an admin at any time. Create and revoke "
                             "keys under Settings > Developers > API keys.\n"};

// Each part of a two-part question is answered: the rows of both codes, not the first code's alone.
TEST(ComposeParts, BothThingsAskedAboutAreAnswered) {
  auto engine = EngineOver({kErrors});
  const ChatResponse r = engine->Answer({"What's the difference between a 401 and a 403 error?", "t1", {}});
  EXPECT_NE(r.message.find("missing or revoked"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("lacks a scope"), std::string::npos) << r.message;
  EXPECT_EQ(r.message.find("no such resource"), std::string::npos) << r.message;
}

// "Where" wants the place: the sentence with the menu path leads, not the one with more of the question's words.
TEST(ComposeParts, AWhereQuestionIsAnsweredWithThePlace) {
  auto engine = EngineOver({kErrors});
  const ChatResponse r = engine->Answer({"Where can an admin revoke a key?", "t2", {}});
  EXPECT_EQ(r.message.rfind("Create and revoke keys under Settings > Developers > API keys", 0), 0u) << r.message;
}

// A follow-up is about what it asks now, in the earlier question's context: "what about enterprise?" after a
// question about Starter gets the Enterprise row.
TEST(ComposeParts, AFollowUpIsAnsweredForWhatItAsksNow) {
  auto engine = EngineOver({{"technical/limits.md",
                             "# API rate limits\n\n"
                             "## Limits per plan\n\n"
                             "| Plan | Requests per minute |\n"
                             "|---|---|\n"
                             "| Starter | 300 |\n"
                             "| Pro | 1,000 |\n"
                             "| Enterprise | 5,000 |\n\n"
                             "## Headers\n\n"
                             "Every response carries the X-RateLimit-Remaining header.\n"}});
  Message previous;
  previous.role = MessageRole::User;
  previous.content = "What's the API rate limit on the Starter plan?";
  const ChatResponse r = engine->Answer({"what about enterprise?", "f1", {previous}});
  EXPECT_NE(r.message.find("5,000"), std::string::npos) << r.message;
  EXPECT_EQ(r.message.find("300"), std::string::npos) << r.message;
}

// Two sections hold "rate" and "limit", the second more often (and in its heading); the first holds them as the
// phrase asked for. The other sections make the two words rare enough to form a phrase.
TEST(SearchPhrases, TheSectionHoldingTheQuestionsPhraseRanksFirst) {
  std::string text =
      "# API usage\n\n"
      "## Requests\n\n"
      "Each API key has a rate limit of 60 requests per minute.\n\n"
      "## Storage limit\n\n"
      "Storage grows with the plan: the limit is 10 GB per account. The reports show the rate of growth.\n\n";
  for (const char* topic : {"Webhooks", "Pagination", "Errors", "Sandbox", "Keys", "Scopes", "Versions", "Status",
                            "Filters", "Sorting", "Uploads", "Tokens", "Regions", "Retries", "Timeouts", "Events"}) {
    text += std::string("## ") + topic + "\n\n" + topic + " are described in the reference for developers.\n\n";
  }
  auto engine = EngineOver({{"technical/limits.md", text}});
  const ChatResponse r = engine->Answer({"What is the API rate limit?", "p1", {}});
  const RetrievalLog* search = nullptr;
  for (const auto& l : r.logs) {
    if (l.Type() == LogType::VectorSearch) search = &l;
  }
  ASSERT_NE(search, nullptr);
  ASSERT_TRUE(search->chunks && search->chunks->size() >= 2);
  std::string ranking;
  for (const auto& c : *search->chunks) ranking += c.metadata->heading + " " + std::to_string(c.metadata->score) + "; ";
  EXPECT_EQ((*search->chunks)[0].metadata->heading, "API usage > Requests") << ranking << r.message;
  EXPECT_NE(r.message.find("60 requests per minute"), std::string::npos) << r.message;
}

}  // namespace
}  // namespace oai::engine
