// The reducer's behaviours: optimistic send, answer, rollback with the text kept, retry, session start/restore/new,
// health, and the view's draft, selection, filters and panels. No ImGui, no network.
#include <gtest/gtest.h>

#include "app/pipeline.h"
#include "app/reducer.h"
#include "fakes.h"
#include "model/validation.h"

namespace oai::app {
namespace {

constexpr const char* kSession = "3d5e8f10-2b4c-4d6e-8f10-2b4c6d8e0f12";

ChatResponse BillingAnswer() {
  auto parsed = ParseChatResponse(testing::ReadFixture("chat_response_billing.json"));
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().Summary());
  return parsed.value();
}

SessionHistory RecordedHistory() {
  return Json::parse(testing::ReadFixture("session_history.json")).get<SessionHistory>();
}

ApiError NetworkFailure() {
  ApiError e;
  e.kind = ApiErrorKind::Network;
  e.message = "Can't reach the server. Check your connection and try again.";
  e.retryable = true;
  return e;
}

ApiError ValidationFailure() {
  ApiError e;
  e.kind = ApiErrorKind::Validation;
  e.status = 400;
  e.message = "message must not contain control characters";
  e.retryable = false;
  return e;
}

class ReducerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    state = InitialState();
    Reduce(state, SessionStarted{kSession, false});
  }
  std::vector<Effect> Send(const std::string& text) { return Reduce(state, SendRequested{text, "2026-11-24T10:00:00.000Z"}); }
  std::string LastRequestId() const { return state.domain.pendingRequestId; }

  State state;
};

TEST_F(ReducerTest, SendAddsPendingUserMessageClearsDraftAndPostsChat) {
  Reduce(state, DraftChanged{"How much is Pro?"});
  const int generation = state.view.draftGeneration;
  auto fx = Send("How much is Pro?");
  ASSERT_EQ(fx.size(), 1u);
  const auto* post = std::get_if<PostChat>(&fx[0]);
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(post->text, "How much is Pro?");
  EXPECT_EQ(post->sessionId, kSession);
  EXPECT_EQ(post->requestId, state.domain.pendingRequestId);

  ASSERT_EQ(state.domain.messages.size(), 1u);
  EXPECT_EQ(state.domain.messages[0].role, MessageRole::User);
  EXPECT_EQ(state.domain.messages[0].content, "How much is Pro?");
  EXPECT_TRUE(state.domain.messages[0].pending);
  EXPECT_TRUE(state.domain.sending);
  EXPECT_EQ(state.view.draft, "");
  EXPECT_GT(state.view.draftGeneration, generation);
  EXPECT_EQ(state.domain.Card(AgentId::Orchestrator).agent.status, AgentStatus::Routing);
}

TEST_F(ReducerTest, SendTrimsSurroundingWhitespace) {
  auto fx = Send("  hello\n");
  ASSERT_EQ(fx.size(), 1u);
  EXPECT_EQ(std::get<PostChat>(fx[0]).text, "hello");
}

TEST_F(ReducerTest, BlankMessageIsIgnored) {
  Reduce(state, DraftChanged{" \n\t "});
  EXPECT_TRUE(Send(" \n\t ").empty());
  EXPECT_TRUE(state.domain.messages.empty());
  EXPECT_FALSE(state.domain.sending);
  EXPECT_EQ(state.view.draft, " \n\t ");  // nothing was sent, so nothing was cleared
}

TEST_F(ReducerTest, MessageOver2000CharactersIsIgnoredAndExactly2000IsSent) {
  EXPECT_TRUE(Send(std::string(2001, 'a')).empty());
  EXPECT_TRUE(state.domain.messages.empty());
  // The limit counts characters, not bytes: 2000 two-byte characters are allowed.
  std::string accents;
  for (int i = 0; i < 2000; ++i) accents += "\xC3\xA9";
  EXPECT_EQ(Send(accents).size(), 1u);
}

TEST_F(ReducerTest, SecondSendWhileSendingIsIgnored) {
  Send("first");
  EXPECT_TRUE(Send("second").empty());
  ASSERT_EQ(state.domain.messages.size(), 1u);
  EXPECT_EQ(state.domain.messages[0].content, "first");
}

TEST_F(ReducerTest, SendWithoutSessionIsIgnored) {
  State fresh = InitialState();
  EXPECT_TRUE(Reduce(fresh, SendRequested{"hello", ""}).empty());
}

TEST_F(ReducerTest, AnswerConfirmsUserMessageAndAppendsAssistantMessage) {
  Send("How much does the Pro plan cost?");
  const ChatResponse answer = BillingAnswer();
  Reduce(state, FocusInputHandled{});
  Reduce(state, ChatSucceeded{LastRequestId(), answer, "2026-11-24T10:00:01.000Z"});

  const auto& d = state.domain;
  ASSERT_EQ(d.messages.size(), 2u);
  EXPECT_FALSE(d.messages[0].pending);
  const ChatMessage& reply = d.messages[1];
  EXPECT_EQ(reply.role, MessageRole::Assistant);
  EXPECT_EQ(reply.content, answer.message);
  EXPECT_EQ(reply.agent, AgentId::Billing);
  EXPECT_DOUBLE_EQ(*reply.confidence, 0.87);
  EXPECT_EQ(reply.metrics, answer.metrics);
  EXPECT_EQ(reply.turn, d.messages[0].turn);
  ASSERT_EQ(reply.logIds.size(), 4u);
  EXPECT_EQ(reply.logIds[0], answer.logs[0].id);
  EXPECT_FALSE(d.sending);
  EXPECT_TRUE(state.view.focusInputRequested);
}

// A vote shows at once, is posted under the server's id of the answer, and is settled by the reply: confirmed, or the
// previous vote back with the reason it was not saved.
TEST_F(ReducerTest, AVoteOnAnAnswerIsShownAtOncePostedAndSettledByTheReply) {
  Send("How much is Pro?");
  Reduce(state, ChatSucceeded{LastRequestId(), BillingAnswer(), "2026-11-24T10:00:01.000Z", "5f8e2a1c-3b4d-4e6f-8a9b-0c1d2e3f4a5b"});
  const std::string question = state.domain.messages[0].id;
  const std::string answer = state.domain.messages[1].id;
  EXPECT_TRUE(Reduce(state, RateAnswer{question, "up", std::nullopt}).empty()) << "a question takes no vote";

  auto fx = Reduce(state, RateAnswer{answer, "down", std::nullopt});
  ASSERT_EQ(fx.size(), 1u);
  const auto* post = std::get_if<PostFeedback>(&fx[0]);
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(post->request, (FeedbackRequest{kSession, "5f8e2a1c-3b4d-4e6f-8a9b-0c1d2e3f4a5b", "down", std::nullopt, std::nullopt}));
  const ChatMessage& m = state.domain.messages[1];
  EXPECT_EQ(m.feedback->rating, "down");
  EXPECT_TRUE(m.feedbackSaving);
  // The reason follows while the first vote is on its way; the first reply does not undo it.
  fx = Reduce(state, RateAnswer{answer, "down", std::string("incomplete")});
  ASSERT_EQ(fx.size(), 1u);
  Reduce(state, FeedbackReceived{answer, 1, FeedbackRecord{kSession, "5f8e2a1c-3b4d-4e6f-8a9b-0c1d2e3f4a5b", Feedback{"down", {}, {}, "t1"}}, {}});
  EXPECT_EQ(m.feedback->reason, "incomplete");
  EXPECT_TRUE(m.feedbackSaving);
  Reduce(state, FeedbackReceived{answer, 2, FeedbackRecord{kSession, "5f8e2a1c-3b4d-4e6f-8a9b-0c1d2e3f4a5b",
                                                            Feedback{"down", "incomplete", {}, "2026-11-24T10:00:05.000Z"}},
                                 {}});
  EXPECT_FALSE(m.feedbackSaving);
  EXPECT_EQ(m.feedback->updated_at, "2026-11-24T10:00:05.000Z");
  EXPECT_TRUE(Reduce(state, RateAnswer{answer, "down", std::string("incomplete")}).empty()) << "the same vote again";

  // A vote that fails puts the saved one back and says why.
  Reduce(state, RateAnswer{answer, "up", std::nullopt});
  EXPECT_EQ(m.feedback->rating, "up");
  Reduce(state, FeedbackReceived{answer, 3, std::nullopt, NetworkFailure()});
  EXPECT_EQ(m.feedback->rating, "down");
  EXPECT_EQ(m.feedback->reason, "incomplete");
  EXPECT_EQ(m.feedbackError, NetworkFailure().message);

  // Two votes on their way: the first is saved, the second fails. The buttons show what the server has: the first.
  Reduce(state, RateAnswer{answer, "up", std::nullopt});                           // 4
  Reduce(state, RateAnswer{answer, "down", std::string("wrong")});                  // 5
  Reduce(state, FeedbackReceived{answer, 4, FeedbackRecord{kSession, "5f8e2a1c-3b4d-4e6f-8a9b-0c1d2e3f4a5b",
                                                            Feedback{"up", {}, {}, "2026-11-24T10:00:09.000Z"}},
                                 {}});
  EXPECT_EQ(m.feedback->rating, "down") << "the second vote still shows while it is on its way";
  Reduce(state, FeedbackReceived{answer, 5, std::nullopt, NetworkFailure()});
  EXPECT_EQ(m.feedback->rating, "up");
  EXPECT_FALSE(m.feedbackSaving);
}

// A comment on a thumbs down is written in the chat input: the question being typed waits aside and comes back; Enter
// sends the vote again with the comment (even while a reply is pending); a new reason keeps it; Esc leaves unsent.
TEST_F(ReducerTest, ACommentOnAThumbsDownIsWrittenInTheInputAndSentWithTheVote) {
  Send("How much is Pro?");
  const std::string server = "5f8e2a1c-3b4d-4e6f-8a9b-0c1d2e3f4a5b";
  Reduce(state, ChatSucceeded{LastRequestId(), BillingAnswer(), "2026-11-24T10:00:01.000Z", server});
  const std::string answer = state.domain.messages[1].id;
  Reduce(state, CommentOnAnswer{answer});
  EXPECT_EQ(state.view.commentOn, "") << "no comment before a thumbs down";
  Reduce(state, RateAnswer{answer, "down", std::string("wrong")});
  Reduce(state, DraftChanged{"And what about Teams", std::nullopt});
  Send("Another question, pending");  // a reply is on its way: the comment does not wait for it
  Reduce(state, DraftChanged{"And what about Teams", std::nullopt});
  ASSERT_TRUE(state.domain.sending);

  Reduce(state, CommentOnAnswer{answer});
  EXPECT_EQ(state.view.commentOn, answer);
  EXPECT_EQ(state.view.draft, "") << "the input holds the comment";
  Reduce(state, DraftChanged{std::string("  The price is for a year,\tnot a month.\x01 ") + std::string(3, ' '), std::nullopt});
  auto fx = Reduce(state, SubmitDraft{"2026-11-24T10:00:02.000Z"});
  ASSERT_EQ(fx.size(), 1u);
  const auto& post = std::get<PostFeedback>(fx[0]);
  EXPECT_EQ(post.request, (FeedbackRequest{kSession, server, "down", std::string("wrong"),
                                           std::string("The price is for a year,\tnot a month.")}));
  EXPECT_EQ(state.view.commentOn, "");
  EXPECT_EQ(state.view.draft, "And what about Teams") << "the question being typed is back";
  EXPECT_EQ(state.domain.messages.size(), 3u) << "no message was sent";
  const ChatMessage& m = state.domain.messages[1];
  EXPECT_EQ(m.feedback->comment, "The price is for a year,\tnot a month.");

  // Another reason keeps the comment; a thumbs up drops it.
  fx = Reduce(state, RateAnswer{answer, "down", std::string("incomplete")});
  EXPECT_EQ(std::get<PostFeedback>(fx[0]).request.comment, "The price is for a year,\tnot a month.");
  // Editing: the input starts from the comment; too long is not sent; Esc leaves it as it was.
  Reduce(state, CommentOnAnswer{answer});
  EXPECT_EQ(state.view.draft, "The price is for a year,\tnot a month.");
  Reduce(state, DraftChanged{std::string(kMaxFeedbackCommentChars + 1, 'x'), std::nullopt});
  EXPECT_TRUE(Reduce(state, SubmitDraft{"t"}).empty());
  EXPECT_EQ(state.view.commentOn, answer) << "still writing: the counter says it is too long";
  Reduce(state, ClearInput{});
  EXPECT_EQ(state.view.commentOn, "");
  EXPECT_EQ(state.view.draft, "And what about Teams");
  EXPECT_EQ(m.feedback->comment, "The price is for a year,\tnot a month.");
  // A thumbs up while writing ends the comment.
  Reduce(state, CommentOnAnswer{answer});
  fx = Reduce(state, RateAnswer{answer, "up", std::nullopt});
  EXPECT_EQ(std::get<PostFeedback>(fx[0]).request.comment, std::nullopt);
  EXPECT_EQ(state.view.commentOn, "");
  EXPECT_EQ(state.view.draft, "And what about Teams");
}

// While the input holds a comment, what else happens leaves it alone: a question sent another way (a suggestion), a
// failed question (it waits aside, not in the comment), Esc on an empty comment (back to the question); and a comment
// the server did not take comes back into the input to be sent again.
TEST_F(ReducerTest, ACommentBeingWrittenSurvivesOtherSendsFailuresAndAFailedSave) {
  Send("How much is Pro?");
  const std::string server = "5f8e2a1c-3b4d-4e6f-8a9b-0c1d2e3f4a5b";
  Reduce(state, ChatSucceeded{LastRequestId(), BillingAnswer(), "2026-11-24T10:00:01.000Z", server});
  const std::string answer = state.domain.messages[1].id;
  Reduce(state, RateAnswer{answer, "down", std::nullopt});
  Reduce(state, FeedbackReceived{answer, 1, FeedbackRecord{kSession, server, Feedback{"down", {}, {}, "t1"}}, {}});
  Reduce(state, CommentOnAnswer{answer});
  Reduce(state, DraftChanged{"Half a comm", std::nullopt});

  Reduce(state, SendRequested{"Tell me about annual billing", "2026-11-24T10:00:02.000Z"});  // a suggestion chip
  EXPECT_EQ(state.view.draft, "Half a comm") << "the comment stays in the input";
  EXPECT_EQ(state.view.commentOn, answer);
  Reduce(state, ChatFailed{LastRequestId(), NetworkFailure()});
  EXPECT_EQ(state.view.draft, "Half a comm");
  EXPECT_EQ(state.view.questionAside, "Tell me about annual billing") << "the failed question waits for the input";

  // The comment is sent; the server refuses it: the input takes it again, with the thumbs down, to retry.
  Reduce(state, DraftChanged{"Half a comment", std::nullopt});
  auto fx = Reduce(state, SubmitDraft{"t"});
  ASSERT_EQ(fx.size(), 1u);
  EXPECT_EQ(state.view.draft, "Tell me about annual billing");
  Reduce(state, FeedbackReceived{answer, std::get<PostFeedback>(fx[0]).seq, std::nullopt, NetworkFailure()});
  EXPECT_EQ(state.view.commentOn, answer);
  EXPECT_EQ(state.view.draft, "Half a comment");
  EXPECT_EQ(state.domain.messages[1].feedback->rating, "down");
  EXPECT_FALSE(state.domain.messages[1].feedbackError.empty());
  fx = Reduce(state, SubmitDraft{"t"});
  ASSERT_EQ(fx.size(), 1u);
  EXPECT_EQ(std::get<PostFeedback>(fx[0]).request.comment, "Half a comment");
  EXPECT_EQ(state.view.draft, "Tell me about annual billing");

  // Esc on an empty comment (the page's field sends CloseOverlay then) goes back to the question.
  Reduce(state, CommentOnAnswer{answer});
  Reduce(state, DraftChanged{"", std::nullopt});
  Reduce(state, CloseOverlay{});
  EXPECT_EQ(state.view.commentOn, "");
  EXPECT_EQ(state.view.draft, "Tell me about annual billing");
}

TEST_F(ReducerTest, RestoredAnswersKeepTheirIdsAndVotes) {
  SessionHistory h = RecordedHistory();
  ASSERT_GE(h.messages.size(), 2u);
  h.messages[1].feedback = Feedback{"up", std::nullopt, std::nullopt, "2026-11-24T10:00:05.000Z"};
  Reduce(state, SessionLoaded{kSession, h});
  EXPECT_EQ(state.domain.messages[1].serverId, h.messages[1].id);
  EXPECT_EQ(state.domain.messages[1].feedback, h.messages[1].feedback);
  EXPECT_EQ(state.domain.messages[0].serverId, "");
  auto fx = Reduce(state, RateAnswer{h.messages[1].id, "down", std::string("wrong")});
  ASSERT_EQ(fx.size(), 1u);
  EXPECT_EQ(std::get<PostFeedback>(fx[0]).request.message_id, h.messages[1].id);
}

TEST_F(ReducerTest, AnswerGroupsLogsUnderItsTurnAndMessage) {
  Send("How much does the Pro plan cost?");
  Reduce(state, ChatSucceeded{LastRequestId(), BillingAnswer(), ""});
  ASSERT_EQ(state.domain.logTurns.size(), 1u);
  const LogTurn& turn = state.domain.logTurns[0];
  EXPECT_EQ(turn.turn, 1);
  EXPECT_EQ(turn.question, "How much does the Pro plan cost?");
  EXPECT_EQ(turn.messageId, state.domain.messages[1].id);
  ASSERT_EQ(turn.entries.size(), 4u);
  for (const auto& e : turn.entries) {
    EXPECT_EQ(e.turn, 1);
    EXPECT_EQ(e.messageId, state.domain.messages[1].id);
  }
  EXPECT_EQ(state.domain.LogCount(), 4u);

  Send("And per year?");
  Reduce(state, ChatSucceeded{LastRequestId(), BillingAnswer(), ""});
  ASSERT_EQ(state.domain.logTurns.size(), 2u);
  EXPECT_EQ(state.domain.logTurns[1].turn, 2);
  EXPECT_EQ(state.domain.messages[3].turn, 2);
}

TEST_F(ReducerTest, AnswerUpdatesAgentStatusesCardsMetricsAndTotals) {
  Send("q1");
  Reduce(state, ChatSucceeded{LastRequestId(), BillingAnswer(), ""});
  Send("q2");
  Reduce(state, ChatSucceeded{LastRequestId(), BillingAnswer(), ""});

  const auto& d = state.domain;
  EXPECT_EQ(d.Card(AgentId::Orchestrator).agent.status, AgentStatus::Complete);
  EXPECT_EQ(d.Card(AgentId::Billing).agent.status, AgentStatus::Complete);
  EXPECT_EQ(d.Card(AgentId::Technical).agent.status, AgentStatus::Idle);
  const AgentCard& billing = d.Card(AgentId::Billing);
  EXPECT_EQ(billing.sessionTokens, 2 * 412);
  EXPECT_DOUBLE_EQ(billing.sessionCost, 2 * 0.00062);
  EXPECT_DOUBLE_EQ(*billing.lastLatencyMs, 21.5);
  EXPECT_EQ(billing.lastCache, CacheStatus::Miss);
  EXPECT_EQ(d.Card(AgentId::Technical).sessionTokens, 0);
  ASSERT_TRUE(d.lastMetrics.has_value());
  EXPECT_EQ(d.lastMetrics->tokensUsed, 412);
  EXPECT_EQ(d.totals.tokens, 824);
  EXPECT_EQ(d.totals.turns, 2);
  EXPECT_EQ(d.connection, ConnectionState::Online);
}

TEST_F(ReducerTest, FailureRollsBackOptimisticMessageAndKeepsTheText) {
  Send("What is the refund policy?");
  const int generation = state.view.draftGeneration;
  Reduce(state, ChatFailed{LastRequestId(), NetworkFailure()});

  const auto& d = state.domain;
  EXPECT_TRUE(d.messages.empty());
  ASSERT_TRUE(d.error.has_value());
  EXPECT_EQ(d.error->failedText, "What is the refund policy?");
  EXPECT_TRUE(d.error->retryable);
  EXPECT_EQ(d.error->message, NetworkFailure().message);
  EXPECT_FALSE(d.sending);
  EXPECT_EQ(d.Card(AgentId::Orchestrator).agent.status, AgentStatus::Idle);
  EXPECT_EQ(d.connection, ConnectionState::Offline);
  // The text is back in the input (a new widget generation shows it).
  EXPECT_EQ(state.view.draft, "What is the refund policy?");
  EXPECT_GT(state.view.draftGeneration, generation);
}

TEST_F(ReducerTest, FailureKeepsEarlierConversation) {
  Send("q1");
  Reduce(state, ChatSucceeded{LastRequestId(), BillingAnswer(), ""});
  Send("q2");
  Reduce(state, ChatFailed{LastRequestId(), NetworkFailure()});
  ASSERT_EQ(state.domain.messages.size(), 2u);
  EXPECT_EQ(state.domain.messages[0].content, "q1");
}

TEST_F(ReducerTest, RetryResendsTheFailedText) {
  Send("What is the refund policy?");
  Reduce(state, ChatFailed{LastRequestId(), NetworkFailure()});
  auto fx = Reduce(state, RetryRequested{"2026-11-24T10:00:05.000Z"});
  ASSERT_EQ(fx.size(), 1u);
  EXPECT_EQ(std::get<PostChat>(fx[0]).text, "What is the refund policy?");
  EXPECT_FALSE(state.domain.error.has_value());
  EXPECT_TRUE(state.domain.sending);
  ASSERT_EQ(state.domain.messages.size(), 1u);
  EXPECT_TRUE(state.domain.messages[0].pending);
  EXPECT_EQ(state.view.draft, "");
}

TEST_F(ReducerTest, RetryOfARefusedMessageIsIgnored) {
  Send("bad");
  Reduce(state, ChatFailed{LastRequestId(), ValidationFailure()});
  ASSERT_TRUE(state.domain.error.has_value());
  EXPECT_FALSE(state.domain.error->retryable);
  EXPECT_EQ(state.domain.error->message, ValidationFailure().message);
  EXPECT_TRUE(Reduce(state, RetryRequested{}).empty());
  EXPECT_EQ(state.domain.connection, ConnectionState::Online);  // the server answered
}

TEST_F(ReducerTest, DismissErrorClearsTheBanner) {
  Send("x");
  Reduce(state, ChatFailed{LastRequestId(), NetworkFailure()});
  Reduce(state, DismissError{});
  EXPECT_FALSE(state.domain.error.has_value());
}

TEST_F(ReducerTest, AnswerToAnAbandonedRequestIsDropped) {
  Send("old question");
  const std::string oldRequest = LastRequestId();
  Reduce(state, NewChat{"11111111-2222-4333-8444-555555555555"});
  Reduce(state, ChatSucceeded{oldRequest, BillingAnswer(), ""});
  Reduce(state, ChatFailed{oldRequest, NetworkFailure()});
  EXPECT_TRUE(state.domain.messages.empty());
  EXPECT_FALSE(state.domain.error.has_value());
  EXPECT_EQ(state.domain.totals.tokens, 0);
}

TEST_F(ReducerTest, NewSessionIsSavedAndHealthCheckedButNotLoaded) {
  State s = InitialState();
  auto fx = Reduce(s, SessionStarted{"3D5E8F10-2B4C-4D6E-8F10-2B4C6D8E0F12", false});
  EXPECT_EQ(s.domain.sessionId, kSession);  // normalized to lower case
  bool saved = false, loaded = false, health = false;
  for (const auto& e : fx) {
    saved |= std::holds_alternative<SaveSessionId>(e);
    loaded |= std::holds_alternative<LoadSession>(e);
    health |= std::holds_alternative<CheckHealth>(e);
  }
  EXPECT_TRUE(saved);
  EXPECT_FALSE(loaded);
  EXPECT_TRUE(health);
  EXPECT_TRUE(s.view.focusInputRequested);
}

TEST_F(ReducerTest, RestoredSessionLoadsItsHistory) {
  State s = InitialState();
  auto fx = Reduce(s, SessionStarted{kSession, true});
  bool loaded = false;
  for (const auto& e : fx)
    if (const auto* l = std::get_if<LoadSession>(&e)) loaded = l->sessionId == kSession;
  EXPECT_TRUE(loaded);
  EXPECT_TRUE(s.domain.historyLoading);
}

TEST_F(ReducerTest, SessionLoadedRestoresMessagesLogsAndAgentTokens) {
  Reduce(state, SessionLoaded{kSession, RecordedHistory()});
  const auto& d = state.domain;
  ASSERT_EQ(d.messages.size(), 2u);
  EXPECT_EQ(d.messages[0].content, "How do I rotate my API key?");
  EXPECT_FALSE(d.messages[0].pending);
  EXPECT_EQ(d.messages[1].agent, AgentId::Technical);
  EXPECT_EQ(d.messages[1].turn, 1);
  ASSERT_EQ(d.logTurns.size(), 1u);
  ASSERT_EQ(d.logTurns[0].entries.size(), 1u);
  EXPECT_EQ(d.logTurns[0].messageId, d.messages[1].id);
  EXPECT_EQ(d.logTurns[0].question, "How do I rotate my API key?");
  EXPECT_EQ(d.Card(AgentId::Technical).sessionTokens, 300);
  EXPECT_EQ(d.Card(AgentId::Billing).sessionTokens, 0);
  EXPECT_EQ(d.totals.tokens, 300);
  EXPECT_EQ(d.totals.turns, 1);
  EXPECT_FALSE(d.historyLoading);
}

TEST_F(ReducerTest, HistoryOfAnotherSessionIsIgnored) {
  Reduce(state, SessionLoaded{"11111111-2222-4333-8444-555555555555", RecordedHistory()});
  EXPECT_TRUE(state.domain.messages.empty());
}

TEST_F(ReducerTest, UnknownSessionOnTheServerStartsQuietly) {
  ApiError notFound;
  notFound.kind = ApiErrorKind::NotFound;
  notFound.status = 404;
  Reduce(state, SessionLoadFailed{kSession, notFound});
  EXPECT_FALSE(state.domain.error.has_value());
  EXPECT_EQ(state.domain.sessionId, kSession);
}

TEST_F(ReducerTest, NewChatClearsTheConversationAndSavesTheNewId) {
  Send("q1");
  Reduce(state, ChatSucceeded{LastRequestId(), BillingAnswer(), ""});
  Reduce(state, SelectMessage{state.domain.messages[1].id});
  auto fx = Reduce(state, NewChat{"11111111-2222-4333-8444-555555555555"});
  const auto& d = state.domain;
  EXPECT_EQ(d.sessionId, "11111111-2222-4333-8444-555555555555");
  EXPECT_TRUE(d.messages.empty());
  EXPECT_TRUE(d.logTurns.empty());
  EXPECT_EQ(d.totals.tokens, 0);
  EXPECT_EQ(d.Card(AgentId::Billing).sessionTokens, 0);
  EXPECT_EQ(d.Card(AgentId::Billing).agent.status, AgentStatus::Idle);
  EXPECT_EQ(d.Card(AgentId::Billing).agent.name, "Billing Agent");  // the registry stays
  EXPECT_TRUE(state.view.selectedMessageId.empty());
  ASSERT_EQ(fx.size(), 1u);
  EXPECT_EQ(std::get<SaveSessionId>(fx[0]).sessionId, d.sessionId);
}

TEST_F(ReducerTest, HealthMarksOnlineAndRecordsTheBackend) {
  HealthStatus h = Json::parse(testing::ReadFixture("health.json")).get<HealthStatus>();
  Reduce(state, HealthReceived{h, std::nullopt});
  EXPECT_EQ(state.domain.connection, ConnectionState::Online);
  ASSERT_TRUE(state.domain.backend.has_value());
  EXPECT_EQ(state.domain.backend->store_kind, "sqlite");
  EXPECT_EQ(state.domain.Card(AgentId::Policy).agent.model, "extractive-v1");

  Reduce(state, HealthReceived{std::nullopt, NetworkFailure()});
  EXPECT_EQ(state.domain.connection, ConnectionState::Offline);
}

TEST_F(ReducerTest, ViewActionsChangeOnlyTheView) {
  Reduce(state, DraftChanged{"typing"});
  EXPECT_EQ(state.view.draft, "typing");
  Reduce(state, SelectMessage{"m1"});
  EXPECT_EQ(state.view.selectedMessageId, "m1");
  Reduce(state, SetLogFilter{LogType::Cache, "miss"});
  EXPECT_EQ(state.view.logTypeFilter, LogType::Cache);
  EXPECT_EQ(state.view.logTextFilter, "miss");
  Reduce(state, TogglePanel{Panel::Logs});
  EXPECT_TRUE(state.view.logsCollapsed);
  EXPECT_FALSE(state.view.agentsCollapsed);
  Reduce(state, TogglePanel{Panel::Logs});
  EXPECT_FALSE(state.view.logsCollapsed);
  Reduce(state, SelectTab{Tab::Logs});
  EXPECT_EQ(state.view.activeTab, Tab::Logs);
  Reduce(state, FocusInputHandled{});
  EXPECT_FALSE(state.view.focusInputRequested);
  Reduce(state, RequestInputFocus{});
  EXPECT_TRUE(state.view.focusInputRequested);
  EXPECT_TRUE(state.domain.messages.empty());
}

}  // namespace
// [SECTION] The page's text field (ports/text_field.h)

TEST_F(ReducerTest, SubmitDraftSendsTheDraftAndClearsIt) {
  Reduce(state, DraftChanged{"Ünïcödé 你好 😀 مرحبا", InputCaret{5, 5, -1, -1}});
  auto fx = Reduce(state, SubmitDraft{"2026-11-24T10:00:00.000Z"});
  ASSERT_EQ(fx.size(), 1u);
  EXPECT_EQ(std::get<PostChat>(fx[0]).text, "Ünïcödé 你好 😀 مرحبا");  // byte for byte
  EXPECT_EQ(state.view.draft, "");
  EXPECT_EQ(state.view.caret, (InputCaret{0, 0, -1, -1}));
}

TEST_F(ReducerTest, SubmitDraftWhileAReplyIsPendingKeepsTheDraft) {
  Send("first");
  Reduce(state, DraftChanged{"second", std::nullopt});
  EXPECT_TRUE(Reduce(state, SubmitDraft{"2026-11-24T10:00:01.000Z"}).empty());
  EXPECT_EQ(state.view.draft, "second");
  EXPECT_EQ(state.domain.messages.size(), 1u);
}

TEST_F(ReducerTest, SubmitDraftOfBlankOrOverlongTextSendsNothing) {
  Reduce(state, DraftChanged{" \n ", std::nullopt});
  EXPECT_TRUE(Reduce(state, SubmitDraft{"2026-11-24T10:00:00.000Z"}).empty());
  Reduce(state, DraftChanged{std::string(kMaxMessageChars + 1, 'x'), std::nullopt});
  EXPECT_TRUE(Reduce(state, SubmitDraft{"2026-11-24T10:00:00.000Z"}).empty());
  EXPECT_EQ(state.view.draft.size(), kMaxMessageChars + 1);  // nothing typed is lost
}

TEST_F(ReducerTest, CaretFromTheFieldIsClampedToTheText) {
  Reduce(state, DraftChanged{"abc", InputCaret{7, -2, 1, 9}});
  EXPECT_EQ(state.view.caret, (InputCaret{0, 3, -1, -1}));  // out of range: clamped, ordered; bad composition dropped
  Reduce(state, DraftChanged{"にほんご", InputCaret{12, 12, 6, 12}});
  EXPECT_EQ(state.view.caret, (InputCaret{12, 12, 6, 12}));
  Reduce(state, InputFocusChanged{true});
  EXPECT_TRUE(state.view.inputFocused);
  Reduce(state, InputScrolled{-4.0f});
  EXPECT_EQ(state.view.inputScrollY, 0.0f);
}

TEST_F(ReducerTest, AFailingHealthCheckIsAnErrorWithRetryThatChecksAgain) {
  ApiError e;
  e.kind = ApiErrorKind::Server;
  e.status = 500;
  e.message = "internal error";
  e.retryable = true;
  Reduce(state, HealthReceived{std::nullopt, e, BackendKind::Server});
  EXPECT_EQ(state.domain.connection, ConnectionState::Failing);
  ASSERT_TRUE(state.domain.error.has_value());
  EXPECT_TRUE(state.domain.error->healthCheck);
  EXPECT_NE(state.domain.error->message.find("HTTP 500"), std::string::npos);
  auto fx = Reduce(state, RetryHealthCheck{});
  ASSERT_EQ(fx.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<CheckHealth>(fx[0]));
  Reduce(state, HealthReceived{std::nullopt, e, BackendKind::Server});
  HealthStatus ok;
  ok.status = "healthy";
  Reduce(state, HealthReceived{ok, std::nullopt, BackendKind::Server});
  EXPECT_EQ(state.domain.connection, ConnectionState::Online);
  EXPECT_FALSE(state.domain.error.has_value());  // the health error clears itself once the server is well
}

TEST_F(ReducerTest, FailureDoesNotOverwriteWhatWasTypedWhileWaiting) {
  Send("What is the refund policy?");
  Reduce(state, DraftChanged{"and the SLA?", std::nullopt});
  Reduce(state, ChatFailed{LastRequestId(), NetworkFailure()});
  EXPECT_EQ(state.view.draft, "and the SLA?");
  ASSERT_TRUE(state.domain.error.has_value());
  EXPECT_EQ(state.domain.error->failedText, "What is the refund policy?");
}

TEST_F(ReducerTest, TextSelectionIsClampedToItsMessageAndClearedForUnknownOnes) {
  Send("hello there");
  const std::string id = state.domain.messages[0].id;
  Reduce(state, SelectText{TextSelection{id, 2, 99}});
  EXPECT_EQ(state.view.textSelection, (TextSelection{id, 2, 11}));
  EXPECT_FALSE(state.view.textSelection.Empty());
  Reduce(state, SelectText{TextSelection{"no-such-message", 0, 3}});
  EXPECT_TRUE(state.view.textSelection.Empty());
}

TEST_F(ReducerTest, DetailsToggleOpensAndClosesPerAnswer) {
  Reduce(state, ToggleDetails{"a"});
  Reduce(state, ToggleDetails{"b"});
  Reduce(state, ToggleDetails{"a"});
  EXPECT_EQ(state.view.detailsOpen, std::vector<std::string>{"b"});
  Reduce(state, NewChat{"7b1d6f4e-2a9c-4e3b-8d5f-1c2b3a4d5e6f"});
  EXPECT_TRUE(state.view.detailsOpen.empty());
}

// The document viewer: a chip or a log chunk opens it (loading the document once), Esc closes it.
TEST(ReducerDocuments, OpeningLoadsADocumentOnceAndEscCloses) {
  State s = InitialState();
  std::vector<Effect> fx = Reduce(s, OpenDocument{"policy/refunds.md", 7, 0.91});
  EXPECT_EQ(s.view.overlay, ViewState::Overlay::Document);
  EXPECT_TRUE(s.view.documentView.loading);
  ASSERT_EQ(fx.size(), 1u);
  EXPECT_EQ(std::get<LoadDocument>(fx[0]).id, "policy/refunds.md");

  DocumentDetail doc;
  doc.id = doc.path = "policy/refunds.md";
  doc.content = "# Refunds\n\nWithin 30 days.\n";
  doc.chunks = {{7, "Refunds", 0, static_cast<std::int64_t>(doc.content.size())}};
  Reduce(s, DocumentLoaded{doc});
  EXPECT_FALSE(s.view.documentView.loading);
  EXPECT_EQ(s.domain.documents.at("policy/refunds.md").content, doc.content);

  Reduce(s, CloseOverlay{});
  EXPECT_EQ(s.view.overlay, ViewState::Overlay::None);
  const int generation = s.view.documentView.generation;
  fx = Reduce(s, OpenDocument{"policy/refunds.md", 7, std::nullopt});
  EXPECT_TRUE(fx.empty()) << "a document is fetched once";
  EXPECT_FALSE(s.view.documentView.loading);
  EXPECT_GT(s.view.documentView.generation, generation) << "each opening scrolls to its section again";

  fx = Reduce(s, OpenDocument{"policy/missing.md", 1, std::nullopt});
  ApiError error;
  error.message = "No document policy/missing.md.";
  Reduce(s, DocumentLoadFailed{"policy/missing.md", error});
  EXPECT_FALSE(s.view.documentView.loading);
  EXPECT_EQ(s.view.documentView.error, error.message);
}

// Conversations kept on this browser: stored ids that are not UUIDs are dropped; clearing a conversation (Ctrl+L)
// forgets it in the list too.
TEST(ReducerConversations, InvalidStoredEntriesAreDroppedAndClearingForgetsTheConversation) {
  State s = InitialState();
  const std::string a = "3d5e8f10-2b4c-4d6e-8f10-2b4c6d8e0f12", b = "7b1d6f4e-2a9c-4e3b-8d5f-1c2b3a4d5e6f";
  Reduce(s, ConversationsLoaded{{{a, "First", "2026-12-01T10:00:00.000Z"}, {"<script>", "x", ""}, {b, "Second", ""}}});
  ASSERT_EQ(s.domain.conversations.size(), 2u);
  Reduce(s, SessionStarted{a, true});
  SessionHistory history;  // the restored conversation has a question (Ctrl+L asks only when there is something)
  history.session.id = a;
  Message question;
  question.id = "5f8e2a1c-3b4d-4e6f-8a9b-0c1d2e3f4a5b";
  question.content = "First";
  question.timestamp = "2026-12-01T10:00:00.000Z";
  history.messages.push_back(question);
  Reduce(s, SessionLoaded{a, history});
  Reduce(s, ClearRequested{});
  ASSERT_EQ(s.view.overlay, ViewState::Overlay::ConfirmClear);
  const std::vector<Effect> fx = Reduce(s, ClearConfirmed{"9c0e7d2a-1b3c-4d5e-8f6a-7b8c9d0e1f2a"});
  ASSERT_EQ(s.domain.conversations.size(), 1u);
  EXPECT_EQ(s.domain.conversations[0].id, b);
  bool saved = false;
  for (const auto& e : fx) saved |= std::holds_alternative<SaveConversations>(e);
  EXPECT_TRUE(saved);
  // Switching to the one left loads its history.
  const std::vector<Effect> sw = Reduce(s, SwitchConversation{b});
  EXPECT_EQ(s.domain.sessionId, b);
  EXPECT_TRUE(s.domain.historyLoading);
  bool load = false;
  for (const auto& e : sw) load |= std::holds_alternative<LoadSession>(e);
  EXPECT_TRUE(load);
}

}  // namespace oai::app

namespace oai::app {
namespace {

// The header's four circles through a streamed turn: each fills when the next step begins, one is under way at a time.
TEST_F(ReducerTest, ThePipelineLightsStepByStepAsTheStreamArrives) {
  const auto states = [&] {
    std::vector<std::string> out;
    for (const PipelineStep& s : Pipeline(state.domain)) out.push_back(ToString(s.state));
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(states(), (V{"waiting", "waiting", "waiting", "waiting"}));
  Send("How much does the Pro plan cost?");
  EXPECT_EQ(states(), (V{"done", "active", "waiting", "waiting"}));
  const std::string id = LastRequestId();
  Reduce(state, StreamStatus{id, {AgentId::Orchestrator, AgentStatus::Complete}});
  Reduce(state, StreamStatus{id, {AgentId::Billing, AgentStatus::Active}});
  EXPECT_EQ(states(), (V{"done", "done", "active", "waiting"}));
  EXPECT_EQ(Pipeline(state.domain)[2].label, "Billing Agent");
  Reduce(state, StreamChunk{id, "The Pro plan costs "});
  EXPECT_EQ(states(), (V{"done", "done", "done", "active"}));
  Reduce(state, ChatSucceeded{id, BillingAnswer(), "2026-11-24T10:00:01.000Z"});
  EXPECT_EQ(states(), (V{"done", "done", "done", "done"}));
}

}  // namespace
}  // namespace oai::app
