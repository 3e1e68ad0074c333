// The panels driven like a user would: headless ImGui frames, real input events (characters, Enter, Shift+Enter,
// mouse clicks by label), observed through what is drawn and what reaches the fake transport.
#include <algorithm>

#include <gtest/gtest.h>

#include "app/app.h"
#include "fakes.h"
#include "imgui_harness.h"

namespace oai::app {
namespace {

using testing::FakeTransport;
using testing::HeadlessUi;
using testing::JsonResponse;
using testing::MemoryStore;
using testing::ReadFixture;

constexpr const char* kSession = "3d5e8f10-2b4c-4d6e-8f10-2b4c6d8e0f12";

class UiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    transport.On("GET /api/health", JsonResponse(200, ReadFixture("health.json")));
    transport.On("POST /api/chat", JsonResponse(200, ReadFixture("chat_response_billing.json")));
    app.Start();
  }

  FakeTransport transport;
  MemoryStore storage;
  App app{AppServices{&transport, &storage, {}, "", HostKind::Desktop}};
};

TEST_F(UiTest, PanelsShowAgentsMessagesAndLogCards) {
  app.Dispatch(SendRequested{"How much does the Pro plan cost?", ""});
  HeadlessUi ui(app);
  ui.Frame(3);
  for (const char* agent : {"Orchestrator", "Billing Agent", "Technical Agent", "Policy Agent"})
    EXPECT_TRUE(ui.HasText(agent)) << agent;
  EXPECT_TRUE(ui.HasText("How much does the Pro plan cost?"));
  EXPECT_TRUE(ui.HasText("The Pro plan costs $49 per month"));
  EXPECT_TRUE(ui.HasText("87% confident"));
  for (const char* title : {"Routed to Billing Agent", "Cache miss", "Searched billing documents", "Cited 1 document"})
    EXPECT_TRUE(ui.HasText(title)) << title;
  EXPECT_TRUE(ui.HasText("billing/pricing.md"));  // a retrieved chunk's source
  EXPECT_TRUE(ui.HasText("COMPLETE"));            // status badges after the turn
  EXPECT_TRUE(ui.HasText("OrchestratAI"));
  EXPECT_TRUE(ui.HasText("Online"));
  EXPECT_TRUE(ui.HasText("sqlite"));  // footer: backend store kind
}

TEST_F(UiTest, TypingThenEnterSendsTheTypedText) {
  HeadlessUi ui(app);
  ui.Frame(2);
  ui.Type("How much is Pro?");  // no click first: the input has keyboard focus when the page opens
  EXPECT_EQ(app.GetState().view.draft, "How much is Pro?");
  ui.PressKey(ImGuiKey_Enter);
  EXPECT_EQ(transport.ChatMessagesSent(), std::vector<std::string>{"How much is Pro?"});
  ui.Frame(2);
  EXPECT_EQ(app.GetState().domain.messages.size(), 2u);
  EXPECT_EQ(app.GetState().view.draft, "");
  EXPECT_FALSE(ui.HasText("{ How much is Pro? }"));  // the input was emptied
}

TEST_F(UiTest, ShiftEnterInsertsANewLineInsteadOfSending) {
  HeadlessUi ui(app);
  ui.Frame(2);
  ui.Type("line one");
  ui.PressKey(ImGuiKey_Enter, /*shift=*/true);
  ui.Type("line two");
  EXPECT_TRUE(transport.ChatMessagesSent().empty());
  EXPECT_EQ(app.GetState().view.draft, "line one\nline two");
  ui.PressKey(ImGuiKey_Enter);
  EXPECT_EQ(transport.ChatMessagesSent(), std::vector<std::string>{"line one\nline two"});
}

TEST_F(UiTest, ClickingSendSends) {
  HeadlessUi ui(app);
  ui.Frame(2);
  ui.Type("What is your refund policy?");
  ui.Click("Send");
  EXPECT_EQ(transport.ChatMessagesSent(), std::vector<std::string>{"What is your refund policy?"});
}

TEST_F(UiTest, InputIsFocusedAgainAfterAnAnswer) {
  HeadlessUi ui(app);
  ui.Frame(2);
  ui.Type("first");
  ui.PressKey(ImGuiKey_Enter);
  ui.Frame(2);
  ui.Type("second");
  ui.PressKey(ImGuiKey_Enter);
  EXPECT_EQ(transport.ChatMessagesSent(), (std::vector<std::string>{"first", "second"}));
}

TEST_F(UiTest, TypingGoesOnWhileAReplyIsInProgressAndOnlySendingWaits) {
  transport.SetDeferred(true);
  HeadlessUi ui(app);
  ui.Frame(2);
  ui.Type("slow question");
  ui.PressKey(ImGuiKey_Enter);
  ASSERT_TRUE(app.GetState().domain.sending);
  ui.Frame();
  ASSERT_TRUE(ui.HasItem("Send"));
  EXPECT_TRUE(ui.HasText("is routing your question"));  // typing indicator
  ui.Type("more");
  EXPECT_EQ(app.GetState().view.draft, "more");  // no key is lost while the answer is pending
  EXPECT_TRUE(ui.FindItem("Send")->disabled);
  ui.PressKey(ImGuiKey_Enter);  // Enter does not send while a reply is pending, and keeps the draft
  ui.Frame();
  EXPECT_EQ(transport.ChatMessagesSent(), std::vector<std::string>{"slow question"});
  EXPECT_EQ(app.GetState().view.draft, "more");
  transport.CompleteAll();
  ui.Frame(2);
  EXPECT_FALSE(ui.FindItem("Send")->disabled);
  ui.PressKey(ImGuiKey_Enter);
  ui.Frame();
  EXPECT_EQ(transport.ChatMessagesSent(), (std::vector<std::string>{"slow question", "more"}));
}

TEST_F(UiTest, EmptyStateExampleQuestionSendsWhenClicked) {
  HeadlessUi ui(app);
  ui.Frame(2);
  ASSERT_TRUE(ui.HasItem("What is your refund policy?"));
  ui.Click("What is your refund policy?");
  EXPECT_EQ(transport.ChatMessagesSent(), std::vector<std::string>{"What is your refund policy?"});
}

TEST_F(UiTest, FailedSendShowsBannerAndRetrySendsTheSameText) {
  transport.On("POST /api/chat", testing::NetworkError());
  transport.Then("POST /api/chat", JsonResponse(200, ReadFixture("chat_response_billing.json")));
  HeadlessUi ui(app);
  ui.Frame(2);
  ui.Type("How much is Pro?");
  ui.PressKey(ImGuiKey_Enter);
  ui.Frame(2);
  EXPECT_TRUE(ui.HasText("Your message was not sent"));
  EXPECT_TRUE(ui.HasText("{ How much is Pro? }"));  // the text is back in the input
  ui.Click("Retry");
  EXPECT_EQ(transport.ChatMessagesSent(), (std::vector<std::string>{"How much is Pro?", "How much is Pro?"}));
  ui.Frame(2);
  EXPECT_FALSE(ui.HasText("Your message was not sent"));
  EXPECT_TRUE(ui.HasText("The Pro plan costs $49 per month"));
}

TEST_F(UiTest, CounterAppearsFrom1800AndOver2000BlocksSending) {
  HeadlessUi ui(app);
  ui.Frame(2);
  ui.Type(std::string(1799, 'a'));  // typed, as a user would: the focused input owns its text while active
  EXPECT_FALSE(ui.HasText("/ 2000"));
  ui.Type("a");
  EXPECT_TRUE(ui.HasText("1800 / 2000"));
  ui.Type(std::string(201, 'a'));
  EXPECT_TRUE(ui.HasText("2001 / 2000"));
  EXPECT_TRUE(ui.FindItem("Send")->disabled);
}

TEST_F(UiTest, NarrowWidthShowsTabsInsteadOfColumns) {
  HeadlessUi ui(app, ImVec2(800, 900));
  ui.Frame(2);
  EXPECT_TRUE(ui.HasItem("Chat"));
  EXPECT_TRUE(ui.HasItem("Agents"));
  EXPECT_TRUE(ui.HasItem("Logs"));
  EXPECT_FALSE(ui.HasItem("##agents_column"));
  EXPECT_FALSE(ui.HasText("Billing Agent"));  // the agents tab is not the selected one
  ui.Click("Agents");
  EXPECT_EQ(app.GetState().view.activeTab, Tab::Agents);
  ui.Frame(2);
  EXPECT_TRUE(ui.HasText("Billing Agent"));

  ui.SetDisplaySize(ImVec2(1600, 900));
  ui.Frame(2);
  EXPECT_FALSE(ui.HasItem("Logs"));
  EXPECT_TRUE(ui.HasText("Billing Agent"));
}

TEST_F(UiTest, NarrowBreakpointIsInCssPixels) {
  app.SetDisplayScale(2.0f);  // a 1600 device-pixel canvas on a HiDPI phone is 800 CSS pixels
  HeadlessUi ui(app, ImVec2(1600, 1200));
  ui.Frame(2);
  EXPECT_TRUE(ui.HasItem("Logs"));
}

TEST_F(UiTest, LogFiltersHideOtherTypes) {
  app.Dispatch(SendRequested{"How much does the Pro plan cost?", ""});
  HeadlessUi ui(app);
  ui.Frame(2);
  app.Dispatch(SetLogFilter{LogType::Cache, ""});
  ui.Frame(2);
  EXPECT_TRUE(ui.HasText("Cache miss"));
  EXPECT_FALSE(ui.HasText("Searched billing documents"));
  app.Dispatch(SetLogFilter{std::nullopt, "pricing"});
  ui.Frame(2);
  EXPECT_TRUE(ui.HasText("Searched billing documents"));
  EXPECT_FALSE(ui.HasText("Routed to Billing Agent"));
}

TEST_F(UiTest, CollapsingASidePanelHidesItsContent) {
  HeadlessUi ui(app);
  ui.Frame(2);
  EXPECT_TRUE(ui.HasText("Policy Agent"));
  ui.Click("<##hide_agents");
  EXPECT_TRUE(app.GetState().view.agentsCollapsed);
  ui.Frame();
  EXPECT_FALSE(ui.HasText("Policy Agent"));
  ui.Click(">##show_agents");
  EXPECT_FALSE(app.GetState().view.agentsCollapsed);
}

// A restored conversation of 2,000 messages and 10,000 log entries: the newest are on screen, only the messages near
// the view are laid out, and scrolling all the way up reaches the first question.
TEST_F(UiTest, LongConversationShowsTheNewestAndScrollsToTheOldest) {
  SessionHistory history;
  history.session.id = app.GetState().domain.sessionId;
  for (int turn = 1; turn <= 1000; ++turn) {
    Message user;
    user.id = "u" + std::to_string(turn);
    user.role = MessageRole::User;
    user.content = "Question number " + std::to_string(turn) + "?";
    user.timestamp = "2026-11-25T10:00:00.000Z";
    Message answer = user;
    answer.id = "a" + std::to_string(turn);
    answer.role = MessageRole::Assistant;
    answer.agent = AgentId::Billing;
    answer.content = "Answer number " + std::to_string(turn) + ". The Pro plan costs $49 per month [1].";
    for (int k = 0; k < 10; ++k) {
      RetrievalLog log;
      log.id = "l" + std::to_string(turn) + "-" + std::to_string(k);
      log.data = RoutingData{};
      log.title = "Routing for turn " + std::to_string(turn);
      log.timestamp = user.timestamp;
      answer.log_ids.push_back(log.id);
      history.logs.push_back(log);
    }
    history.messages.push_back(user);
    history.messages.push_back(answer);
  }
  app.Dispatch(SessionLoaded{history.session.id, history});
  HeadlessUi ui(app);
  ui.Frame(4);
  ASSERT_EQ(app.GetState().domain.messages.size(), 2000u);
  EXPECT_TRUE(ui.HasText("Answer number 1000."));
  EXPECT_TRUE(ui.HasText("Routing for turn 1000"));  // the log panel shows the newest turn first
  EXPECT_FALSE(ui.HasText("Question number 1?"));     // far above the view
  EXPECT_FALSE(ui.HasText("Routing for turn 1\n"));
  EXPECT_LT(std::count(ui.ScreenText().begin(), ui.ScreenText().end(), '?'), 200);

  const testing::RecordedItem* input = ui.FindItem("##chat_input");
  ASSERT_NE(input, nullptr);
  const ImVec2 overChat(input->min.x + 50, 200);  // recorded items live until the next frame
  for (int i = 0; i < 40 && !ui.HasText("Question number 1?"); ++i) ui.Wheel(overChat, 400);
  EXPECT_TRUE(ui.HasText("Question number 1?"));
  EXPECT_FALSE(ui.HasText("Answer number 1000."));

  // The retrieval log (newest first) scrolls down to its oldest turn, and a filter that keeps one turn shows just that one at
  // the top; clearing it brings the newest back.
  EXPECT_FALSE(ui.HasText("Turn 1: Question number 1?"));
  for (int i = 0; i < 200 && !ui.HasText("Turn 1: Question number 1?"); ++i) ui.Wheel(ImVec2(1540, 300), -400);
  EXPECT_TRUE(ui.HasText("Turn 1: Question number 1?"));
  app.Dispatch(SetLogFilter{std::nullopt, "turn 777"});
  ui.Frame(3);
  EXPECT_TRUE(ui.HasText("Turn 777: Question number 777?"));
  EXPECT_FALSE(ui.HasText("Turn 1: Question number 1?"));
  app.Dispatch(SetLogFilter{std::nullopt, ""});
  ui.Frame(3);
  for (int i = 0; i < 200 && !ui.HasText("Turn 1000: Question number 1000?"); ++i) ui.Wheel(ImVec2(1540, 300), 400);
  EXPECT_TRUE(ui.HasText("Turn 1000: Question number 1000?"));

  // Selecting the first answer (the chat shows it) scrolls the log, 999 turns down, to its turn; selecting the newest
  // turn's card scrolls the chat back down to its answer.
  const auto& messages = app.GetState().domain.messages;
  app.Dispatch(SelectMessage{messages[1].id, false});
  ui.Frame(3);
  EXPECT_TRUE(ui.HasText("Turn 1: Question number 1?"));
  EXPECT_FALSE(ui.HasText("Turn 1000: Question number 1000?"));
  EXPECT_TRUE(ui.HasText("Answer number 1.")) << "the chat stays where the user is";
  app.Dispatch(SelectMessage{messages[1999].id, true});
  ui.Frame(3);
  EXPECT_TRUE(ui.HasText("Answer number 1000."));
  EXPECT_FALSE(ui.HasText("Answer number 1."));
  EXPECT_TRUE(ui.HasText("Turn 1: Question number 1?")) << "the log stays where it was";
}

TEST_F(UiTest, NewChatClearsTheConversation) {
  app.Dispatch(SendRequested{"How much does the Pro plan cost?", ""});
  HeadlessUi ui(app);
  ui.Frame(2);
  const std::string before = app.GetState().domain.sessionId;
  ui.Click("New chat");
  EXPECT_NE(app.GetState().domain.sessionId, before);
  EXPECT_FALSE(ui.HasText("The Pro plan costs"));
  EXPECT_TRUE(ui.HasText("How can I help?"));
}

}  // namespace
TEST_F(UiTest, WithAHostFieldTheInputIsPlacedForItAndEnterComesFromTheField) {
  testing::RecordingField field;
  AppServices services{&transport, &storage, {}, "", HostKind::Browser};
  services.textField = &field;
  App page(services);
  page.Start();
  transport.CompleteAll();
  page.Update();
  HeadlessUi ui(page);
  ui.Frame(2);
  ASSERT_FALSE(field.placements.empty());
  const TextFieldPlacement& p = field.placements.back();
  EXPECT_GT(p.width, 100.0f);
  EXPECT_GT(p.height, p.fontSize * 2.0f);  // three lines
  EXPECT_GE(field.focusCalls, 1);           // the input has the focus when the page opens
  EXPECT_TRUE(ui.HasText("Enter to send"));  // the host's hint
  ui.Type("typed into the canvas");
  EXPECT_EQ(page.GetState().view.draft, "");  // ImGui's keys do not edit the host's text
  page.Dispatch(DraftChanged{"How much is Pro?", InputCaret{16, 16, -1, -1}});
  ui.Frame();
  ui.Click("Send");
  EXPECT_EQ(transport.ChatMessagesSent(), std::vector<std::string>{"How much is Pro?"});
  EXPECT_EQ(field.texts.back(), "");
  EXPECT_GE(field.frames, 3);
}

TEST_F(UiTest, DraggingAcrossAnAnswerSelectsTextAndCtrlCCopiesIt) {
  app.Dispatch(SendRequested{"How much does the Pro plan cost?", ""});
  HeadlessUi ui(app);
  ui.Frame(3);
  const ChatMessage& answer = app.GetState().domain.messages.at(1);
  // Both messages' texts are "##text" items; the answer's is on the left (the question is right-aligned).
  const std::vector<testing::RecordedItem> texts = ui.FindItems("##text");
  ASSERT_EQ(texts.size(), 2u);
  const testing::RecordedItem* text = texts[0].min.x < texts[1].min.x ? &texts[0] : &texts[1];
  const float y = text->min.y + 4.0f;
  ui.Drag(ImVec2(text->min.x + 1.0f, y), ImVec2(text->max.x - 1.0f, y));
  const TextSelection& sel = app.GetState().view.textSelection;
  EXPECT_EQ(sel.messageId, answer.id);
  EXPECT_EQ(sel.anchor, 0);
  EXPECT_GT(sel.focus, 10);
  ui.PressCtrl(ImGuiKey_C);
  const std::string copied = ImGui::GetClipboardText();
  EXPECT_EQ(copied, answer.content.substr(0, static_cast<std::size_t>(sel.focus)));
  EXPECT_EQ(app.GetState().view.selectedMessageId, "");  // a drag is not a click: the log highlight stays as it was
}

TEST_F(UiTest, AnAnswerShowsItsMetricsOnlyOnRequestAndUnpricedModelsReadFree) {
  app.Dispatch(SendRequested{"How much does the Pro plan cost?", ""});
  HeadlessUi ui(app);
  ui.Frame(3);
  ASSERT_TRUE(ui.HasItem("Details"));
  EXPECT_FALSE(ui.HasText("412 tokens  ·"));  // the customer's view: no metrics line under every answer
  ui.Click("Details");
  EXPECT_TRUE(ui.HasText("412 tokens  ·"));
  EXPECT_TRUE(ui.HasItem("Hide details"));
  ui.Click("Hide details");
  EXPECT_FALSE(ui.HasText("412 tokens  ·"));
  // The orchestrator's router has no price: its card says so instead of "$0.0000".
  EXPECT_TRUE(ui.HasText("free (local router)"));
  EXPECT_TRUE(ui.HasText("Session: 1 turns, 412 tokens, $0.00062"));  // a priced answer keeps its price
}

// Votes from the answer's own buttons: "Not helpful" asks what went wrong, a reason is sent with it, and the answer
// says it was noted. An answer the server gave no id cannot be voted on, so it shows no buttons.
TEST_F(UiTest, AnAnswerCanBeRatedAndAThumbsDownAsksWhatWentWrong) {
  transport.On("POST /api/chat", JsonResponse(200, ReadFixture("chat_response_billing.json"),
                                              {{"X-Message-Id", "5f8e2a1c-3b4d-4e6f-8a9b-0c1d2e3f4a5b"}}));
  const auto stored = [](const char* rating, std::optional<std::string> reason) {
    return JsonResponse(200, Json(FeedbackRecord{kSession, "5f8e2a1c-3b4d-4e6f-8a9b-0c1d2e3f4a5b",
                                                 Feedback{rating, reason, std::nullopt, "2026-12-02T10:00:00.000Z"}})
                                 .dump());
  };
  app.Dispatch(SendRequested{"How much does the Pro plan cost?", ""});
  HeadlessUi ui(app);
  ui.SetDisplaySize(ImVec2(1280, 1600));  // the whole answer in view: text below the fold is not drawn
  ui.Frame(3);
  ASSERT_TRUE(ui.HasItem("Helpful"));
  EXPECT_FALSE(ui.HasText("What went wrong?"));
  transport.On("POST /api/feedback", stored("down", std::nullopt));
  ui.Click("Not helpful");
  ui.Frame(2);
  ui.Hover(ImVec2(2, 2));
  EXPECT_TRUE(ui.HasText("What went wrong?")) << ui.ScreenText();
  transport.On("POST /api/feedback", stored("down", "not_what_i_asked"));
  ui.Click("Not what I asked");
  ui.Hover(ImVec2(2, 2));
  std::vector<Json> votes;
  for (const HttpRequest& r : transport.requests)
    if (r.url == "/api/feedback") votes.push_back(Json::parse(r.body));
  ASSERT_EQ(votes.size(), 2u);
  EXPECT_EQ(votes[0], Json({{"session_id", app.GetState().domain.sessionId},
                            {"message_id", "5f8e2a1c-3b4d-4e6f-8a9b-0c1d2e3f4a5b"},
                            {"rating", "down"}}));
  EXPECT_EQ(votes[1]["reason"], "not_what_i_asked");
  EXPECT_TRUE(ui.HasText("Thanks, this helps us improve."));
  EXPECT_EQ(app.GetState().domain.messages[1].feedback->reason, "not_what_i_asked");

  // A comment in the customer's words: the chat input takes it (its placeholder and hint say so), Enter sends it with
  // the vote, and the answer shows it.
  ui.Click("Add a comment");
  ui.Frame(2);
  ui.Hover(ImVec2(2, 2));
  EXPECT_TRUE(ui.HasText("Your comment on the answer")) << ui.ScreenText();
  EXPECT_TRUE(ui.HasText("Enter sends the comment with your vote, Esc leaves it"));
  EXPECT_TRUE(ui.HasText("0 / 500"));
  transport.On("POST /api/feedback", JsonResponse(200, Json(FeedbackRecord{kSession, "5f8e2a1c-3b4d-4e6f-8a9b-0c1d2e3f4a5b",
                                                                         Feedback{"down", "not_what_i_asked",
                                                                                  "I asked about the Teams plan",
                                                                                  "2026-12-02T10:00:01.000Z"}})
                                                           .dump()));
  ui.Type("I asked about the Teams plan");
  ui.PressKey(ImGuiKey_Enter);
  ui.Frame(2);
  ui.Hover(ImVec2(2, 2));
  votes.clear();
  for (const HttpRequest& r : transport.requests)
    if (r.url == "/api/feedback") votes.push_back(Json::parse(r.body));
  ASSERT_EQ(votes.size(), 3u);
  EXPECT_EQ(votes[2]["comment"], "I asked about the Teams plan");
  EXPECT_EQ(votes[2]["reason"], "not_what_i_asked");
  EXPECT_EQ(app.GetState().domain.messages.size(), 2u) << "the comment is not sent as a question";
  EXPECT_TRUE(ui.HasText("Your comment: I asked about the Teams plan")) << ui.ScreenText();
  EXPECT_TRUE(ui.HasItem("Edit comment"));
  EXPECT_TRUE(ui.HasText("Enter to send, Shift+Enter for a new line")) << "the input takes questions again";

  // The fixture's plain answer has no X-Message-Id: no buttons under it.
  transport.On("POST /api/chat", JsonResponse(200, ReadFixture("chat_response_billing.json")));
  app.Dispatch(SendRequested{"and annual?", ""});
  ui.Frame(3);
  EXPECT_EQ(app.GetState().domain.messages.size(), 4u);
  EXPECT_EQ(app.GetState().domain.messages[3].serverId, "");
}

// Without an LLM nothing is priced: the footer says "free" for the last answer and the session, not "$0.0000".
TEST(UiFooter, UnpricedAnswersReadFreeInTheFooter) {
  FakeTransport transport;
  transport.On("GET /api/health", JsonResponse(200, ReadFixture("health.json")));  // llm: extractive
  Json answer = Json::parse(ReadFixture("chat_response_billing.json"));
  answer["metrics"]["cost"] = 0.0;
  transport.On("POST /api/chat", JsonResponse(200, answer.dump()));
  MemoryStore storage;
  App app{AppServices{&transport, &storage, {}, "", HostKind::Desktop}};
  app.Start();
  app.Dispatch(SendRequested{"How much does the Pro plan cost?", ""});
  HeadlessUi ui(app);
  ui.Frame(3);
  EXPECT_TRUE(ui.HasText("412 tokens, free")) << ui.ScreenText();
  EXPECT_TRUE(ui.HasText("Session: 1 turns, 412 tokens, free")) << ui.ScreenText();
  const std::string& screen = ui.ScreenText();
  const auto at = screen.find("$0.0000");
  EXPECT_EQ(at, std::string::npos) << screen.substr(at == std::string::npos ? 0 : (at > 200 ? at - 200 : 0), 260);
}

TEST_F(UiTest, KeyboardShortcutsOpenTheHelpClearTheConversationAndShowPanels) {
  app.Dispatch(SendRequested{"How much does the Pro plan cost?", ""});
  HeadlessUi ui(app);
  ui.Frame(3);
  const std::string before = app.GetState().domain.sessionId;

  ui.PressCtrl(ImGuiKey_Slash);
  EXPECT_EQ(app.GetState().view.overlay, ViewState::Overlay::Shortcuts);
  EXPECT_TRUE(ui.HasText("Keyboard shortcuts"));
  EXPECT_TRUE(ui.HasText("clear the conversation (asks first)"));
  ui.PressKey(ImGuiKey_Escape);
  ui.Frame(2);
  EXPECT_FALSE(ui.HasText("Keyboard shortcuts"));

  ui.PressCtrl(ImGuiKey_L);
  EXPECT_TRUE(ui.HasText("Clear this conversation?"));
  EXPECT_EQ(app.GetState().domain.messages.size(), 2u);  // nothing is gone before the confirmation
  ui.PressKey(ImGuiKey_Enter);
  ui.Frame(2);
  EXPECT_TRUE(app.GetState().domain.messages.empty());
  EXPECT_NE(app.GetState().domain.sessionId, before);
  EXPECT_EQ(transport.RequestsTo("DELETE", "/api/session/" + before).size(), 1u);  // gone on the server too

  app.Dispatch(TogglePanel{Panel::Logs});  // collapse the log, then Alt+3 shows it again
  ui.Frame(2);
  ASSERT_TRUE(app.GetState().view.logsCollapsed);
  ui.PressAlt(ImGuiKey_3);
  EXPECT_FALSE(app.GetState().view.logsCollapsed);
  EXPECT_EQ(app.GetState().view.activeTab, Tab::Logs);
}

// Sources you can open: the chip after an answer opens the document viewer (fetching the document once), with the
// cited section's heading, its match and the whole document; Esc closes it, and a source in the log opens it too.
TEST_F(UiTest, ACitationChipOpensTheDocumentAtTheCitedSection) {
  transport.On("GET /api/documents/billing/pricing-plans.md", JsonResponse(200, ReadFixture("document_pricing_plans.json")));
  app.Dispatch(SendRequested{"How much does the Pro plan cost?", ""});
  HeadlessUi ui(app);
  ui.Frame(3);
  const std::string chip = "[1] Pricing plans · pricing-plans.md";
  ASSERT_TRUE(ui.HasItem(chip));
  ui.Click(chip);
  ui.Frame(3);
  EXPECT_EQ(app.GetState().view.overlay, ViewState::Overlay::Document);
  EXPECT_EQ(transport.RequestsTo("GET", "/api/documents/billing/pricing-plans.md").size(), 1u);
  EXPECT_TRUE(ui.HasText("Pricing plans > Annual billing"));  // the cited section
  EXPECT_TRUE(ui.HasText("0.60 match"));
  EXPECT_TRUE(ui.HasText("Annual billing gives you two months free."));  // the whole document...
  EXPECT_TRUE(ui.HasText("Nimbus Desk has four plans."));
  EXPECT_TRUE(ui.HasText("$49"));  // ...its table as rows
  ui.PressKey(ImGuiKey_Escape);
  ui.Frame(2);
  EXPECT_EQ(app.GetState().view.overlay, ViewState::Overlay::None);
  EXPECT_FALSE(ui.HasText("Annual billing gives you two months free."));

  // The documents log card's citation, below the routing, cache and search cards (the mouse leaves the chat first,
  // so no tooltip of a chip is open).
  ImGui::GetIO().AddMousePosEvent(5, 5);
  ui.Frame(2);
  ui.Click("[1] billing/pricing-plans.md");
  ui.Frame(2);
  EXPECT_EQ(app.GetState().view.overlay, ViewState::Overlay::Document);
  EXPECT_EQ(transport.RequestsTo("GET", "/api/documents/billing/pricing-plans.md").size(), 1u) << "fetched once";
}

TEST_F(UiTest, CopyButtonsPutTheAnswerWithItsSourcesAndTheWholeChatOnTheClipboard) {
  app.Dispatch(SendRequested{"How much does the Pro plan cost?", ""});
  HeadlessUi ui(app);
  ui.Frame(3);
  const DomainState& d = app.GetState().domain;
  ui.Click("Copy");
  const std::string answer = ImGui::GetClipboardText();
  EXPECT_EQ(answer.rfind(d.messages[1].content, 0), 0u);
  EXPECT_NE(answer.find("\n\nSources:\n[1] "), std::string::npos);
  ui.Click("Export");
  ui.Click("Copy conversation");
  const std::string chat = ImGui::GetClipboardText();
  EXPECT_EQ(chat.rfind("You (", 0), 0u);
  EXPECT_NE(chat.find("How much does the Pro plan cost?"), std::string::npos);
  EXPECT_NE(chat.find(answer), std::string::npos);  // the answer, with its sources, is in the whole chat
}

// Conversations: each answered one is kept (titled by its first question, in storage); the header's menu switches
// back to one (its history comes from the server); Export downloads the transcript.
// The last answer suggests questions to ask next (from its documents log); a click sends one; an earlier answer's and
// an already asked question's chips are not shown.
TEST_F(UiTest, TheLastAnswerSuggestsWhatToAskNextAndAChipSendsIt) {
  Json answer = Json::parse(ReadFixture("chat_response_billing.json"));
  for (Json& log : answer["logs"])
    if (log["type"] == "documents")
      log["data"]["suggestions"] = {"Tell me about annual billing", "How much does the Pro plan cost?"};
  transport.On("POST /api/chat", JsonResponse(200, answer.dump()));
  app.Dispatch(SendRequested{"How much does the Pro plan cost?", ""});
  HeadlessUi ui(app);
  ui.SetDisplaySize(ImVec2(1600, 1400));
  ui.Frame(3);
  EXPECT_TRUE(ui.HasText("Ask next:")) << ui.ScreenText();
  ASSERT_TRUE(ui.HasItem("Tell me about annual billing"));
  EXPECT_FALSE(ui.HasItem("How much does the Pro plan cost?")) << "already asked";
  ui.Click("Tell me about annual billing");
  ui.Frame(3);
  EXPECT_EQ(transport.ChatMessagesSent(),
            (std::vector<std::string>{"How much does the Pro plan cost?", "Tell me about annual billing"}));
  // Asked now: no chip offers it again, under the new answer or the earlier one.
  EXPECT_TRUE(ui.FindItems("Tell me about annual billing").empty());
  EXPECT_FALSE(ui.HasText("Ask next:"));
}

// A report as GET /api/insights writes it (two days, one content gap with its nearest document).
std::string InsightsFixture() {
  Json agents = Json::array();
  for (const char* a : {"orchestrator", "billing", "technical", "policy"})
    agents.push_back({{"agent", a}, {"questions", std::string(a) == "billing" ? 6 : 1}, {"share", 0.5},
                      {"latency_p50_ms", 1.0}, {"latency_p95_ms", 12.59}});
  Json strategies = Json::array();
  for (const char* s : {"orchestration", "pure_cag", "pure_rag", "hybrid"})
    strategies.push_back({{"strategy", s}, {"questions", 3}, {"share", 0.25}});
  return Json{{"from", "2026-11-30"}, {"to", "2026-12-01"}, {"generated_at", "2026-12-01T10:00:00.000Z"},
              {"definitions", {{"resolution_rate", "answered without a thumbs down / answered + declined"},
                               {"thumbs_down_rate", "x"}, {"cache_hit_rate", "x"}, {"latency", "x"}, {"content_gaps", "x"}}},
              {"totals", {{"questions", 12}, {"answered", 9}, {"declined", 2}, {"small_talk", 1}, {"thumbs_up", 3},
                          {"thumbs_down", 1}, {"resolution_rate", 0.7273}, {"thumbs_down_rate", 0.1111},
                          {"cache_hit_rate", 0.25}, {"latency_p50_ms", 1.0}, {"latency_p95_ms", 12.59}, {"tokens", 4000},
                          {"cost", 0.0}}},
              {"days", {{{"day", "2026-11-30"}, {"questions", 4}, {"answered", 3}, {"declined", 1}, {"small_talk", 0},
                         {"thumbs_up", 1}, {"thumbs_down", 0}, {"tokens", 1000}, {"cost", 0.0}},
                        {{"day", "2026-12-01"}, {"questions", 8}, {"answered", 6}, {"declined", 1}, {"small_talk", 1},
                         {"thumbs_up", 2}, {"thumbs_down", 1}, {"tokens", 3000}, {"cost", 0.0}}}},
              {"agents", agents},
              {"strategies", strategies},
              {"gaps", {{{"count", 2}, {"declined", 2}, {"thumbs_down", 0}, {"terms", {"bitcoin"}},
                         {"examples", {"Can I pay in bitcoin?", "Do you take crypto?"}}, {"last_asked", "2026-12-01"},
                         {"nearest", {{"document", "billing/pricing-plans.md"}, {"heading", "Pricing plans > Payment"},
                                      {"chunk_id", 3}}}}}}}
      .dump();
}

// The insights view from the header: the figures, the charts' labels, a content gap with its examples; its document
// opens in the viewer; the gaps download as CSV; the chat comes back.
TEST_F(UiTest, TheInsightsViewShowsTheFiguresAndOpensAGapsDocument) {
  transport.On("GET /api/insights", JsonResponse(200, InsightsFixture()));
  transport.On("GET /api/insights?format=csv", JsonResponse(200, "count,declined\r\n2,2\r\n", {{"Content-Type", "text/csv"}}));
  transport.On("GET /api/documents/billing/pricing-plans.md", JsonResponse(200, ReadFixture("document_pricing_plans.json")));
  std::vector<std::string> saved;
  HeadlessUi ui(app);
  ui.SetDisplaySize(ImVec2(1600, 1400));
  ui.Frame(3);
  ui.Click("Insights");
  ui.Hover(ImVec2(2, 2));
  EXPECT_EQ(transport.RequestsTo("GET", "/api/insights").size(), 1u);
  for (const char* text : {"Resolution rate", "73%", "Thumbs down", "11%", "Cache hits", "25%", "Latency p95",
                           "Questions per day", "2026-11-30", "Content gaps (1)", "2 questions", "2 declined",
                           "Can I pay in bitcoin?", "Do you take crypto?", "Nearest: Pricing plans > Payment",
                           "Share of the questions per agent", "Latency per agent", "p50 1.0 ms, p95 13 ms"})
    EXPECT_TRUE(ui.HasText(text)) << text << "\n" << ui.ScreenText();
  ui.Click("Download gaps (CSV)");
  EXPECT_EQ(transport.RequestsTo("GET", "/api/insights?format=csv").size(), 1u);
  ui.Click("Open billing/pricing-plans.md");
  ui.Frame(2);
  EXPECT_EQ(app.GetState().view.overlay, ViewState::Overlay::Document);
  EXPECT_EQ(app.GetState().view.documentView.id, "billing/pricing-plans.md");
  ui.PressKey(ImGuiKey_Escape);
  ui.Click("Back to chat");
  EXPECT_EQ(app.GetState().view.activeTab, Tab::Chat);
  EXPECT_TRUE(ui.HasItem("Send"));
  // Shown again: the report it has, no new request; Refresh asks again.
  ui.PressCtrl(ImGuiKey_4);
  EXPECT_EQ(transport.RequestsTo("GET", "/api/insights").size(), 1u);
  ui.Click("Refresh");
  EXPECT_EQ(transport.RequestsTo("GET", "/api/insights").size(), 2u);
}

TEST_F(UiTest, InsightsTurnedOffOnTheServerSaySo) {
  transport.On("GET /api/insights", JsonResponse(404, R"({"error":{"code":"INSIGHTS_DISABLED","message":"off",)"
                                                      R"("timestamp":"2026-11-24T10:00:00.000Z","requestId":"r"}})"));
  HeadlessUi ui(app);
  ui.Frame(2);
  ui.Click("Insights");
  ui.Hover(ImVec2(2, 2));
  EXPECT_TRUE(ui.HasText("Insights are turned off on this server.")) << ui.ScreenText();
}

TEST(UiConversations, AnsweredConversationsAreKeptSwitchedBetweenAndExported) {
  FakeTransport transport;
  transport.On("GET /api/health", JsonResponse(200, ReadFixture("health.json")));
  transport.On("POST /api/chat", JsonResponse(200, ReadFixture("chat_response_billing.json")));
  MemoryStore storage;
  std::vector<std::string> saved;  // filename, mime, content
  AppServices services{&transport, &storage, {}, "", HostKind::Desktop};
  services.saveFile = [&](const std::string& f, const std::string& m, const std::string& c) { saved = {f, m, c}; };
  App app(services);
  app.Start();
  app.Dispatch(SendRequested{"How much does the Pro plan cost?", ""});
  HeadlessUi ui(app);
  ui.Frame(3);
  const std::string first = app.GetState().domain.sessionId;
  ASSERT_EQ(app.GetState().domain.conversations.size(), 1u);
  EXPECT_EQ(app.GetState().domain.conversations[0].title, "How much does the Pro plan cost?");
  EXPECT_NE(storage.values[kConversationsStorageKey].find(first), std::string::npos);

  transport.On("GET /api/session/" + first + "/export?format=md", [] {
    HttpResponse r;
    r.status = 200;
    r.body = "# Conversation\n\n**You:** How much does the Pro plan cost?\n";
    r.headers.emplace_back("Content-Type", "text/markdown");
    return r;
  }());
  ui.Click("Export");
  ui.Click("Download as Markdown");
  ui.Frame(2);
  ASSERT_EQ(saved.size(), 3u);
  EXPECT_EQ(saved[0], "orchestratai-" + first + ".md");
  EXPECT_EQ(saved[1], "text/markdown");
  EXPECT_NE(saved[2].find("How much does the Pro plan cost?"), std::string::npos);

  ui.Click("New chat");
  ui.Frame(2);
  app.Dispatch(SendRequested{"Second question", ""});
  ui.Frame(3);
  ASSERT_EQ(app.GetState().domain.conversations.size(), 2u);
  EXPECT_EQ(app.GetState().domain.conversations[0].title, "Second question");
  transport.On("GET /api/session/" + first, JsonResponse(200, ReadFixture("session_history.json")));
  ui.Click("Conversations");
  ui.Click("How much does the Pro plan cost?");
  ui.Frame(3);
  EXPECT_EQ(app.GetState().domain.sessionId, first);
  EXPECT_EQ(transport.RequestsTo("GET", "/api/session/" + first).size(), 1u);
  EXPECT_EQ(storage.values[kSessionStorageKey], first);

  // A reload keeps the list.
  App again(services);
  again.Start();
  EXPECT_EQ(again.GetState().domain.conversations.size(), 2u);
}

}  // namespace oai::app
