// End-to-end answer evaluation: questions written by someone who read only the knowledge base (tests/data/answers/,
// split dev/test; the test split is frozen), each asked through Engine::Answer as a customer would, and scored on what
// the customer reads: the answering agent, the cited document, the facts in the answer text, declining what the
// documents do not cover, and follow-ups read with the turn before. Every response is also checked against the strict
// client validation. Retrieval is reported too, as a diagnostic: was an expected document among the chunks the turn's
// searches found.
//
// OAI_EVAL_VERBOSE=1 prints each failing dev row; with OAI_EVAL_EVIDENCE=1 also every dev row's evidence (the share
// of the question the best passage covers), to fit the abstention thresholds. The test split is reported as figures
// only: tune on dev.
#include <gtest/gtest.h>

#include "knowledge_files.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/text.h"
#include "model/validation.h"

namespace oai::engine {
namespace {

struct Row {
  std::string id;
  std::string kind;  // answer | small_talk | out_of_scope | follow_up
  std::string question;
  std::vector<std::string> history;
  std::vector<std::string> agents;
  std::vector<std::string> sources;
  std::vector<std::vector<std::string>> facts;
  bool nearTopic = false;
};

std::vector<Row> ReadRows(const std::string& path) {
  std::vector<Row> rows;
  const std::string text = ReadTextFile(path);
  for (std::string_view line : SplitOn(text, '\n')) {
    if (Trim(line).empty()) continue;
    const Json j = Json::parse(line);
    Row r;
    r.id = j.at("id").get<std::string>();
    r.kind = j.at("kind").get<std::string>();
    r.question = j.at("question").get<std::string>();
    if (j.contains("history")) r.history = j.at("history").get<std::vector<std::string>>();
    r.agents = j.at("agents").get<std::vector<std::string>>();
    r.sources = j.at("sources").get<std::vector<std::string>>();
    r.facts = j.at("facts").get<std::vector<std::vector<std::string>>>();
    r.nearTopic = j.value("near_topic", false);
    rows.push_back(std::move(r));
  }
  return rows;
}

std::string Folded(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isspace(u)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(u));
  }
  return out;
}

bool IsWordByte(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// `fact` appears in `text` (both folded) as a whole word or its plural: "$49" is not found in "$490", "no" not in
// "not", "Sunday" is found in "Sundays".
bool Contains(const std::string& text, const std::string& fact) {
  const std::string f = Folded(fact);
  if (f.empty()) return true;
  for (std::size_t pos = text.find(f); pos != std::string::npos; pos = text.find(f, pos + 1)) {
    const bool startOk = pos == 0 || !IsWordByte(f.front()) || !IsWordByte(text[pos - 1]);
    std::size_t end = pos + f.size();
    // A plural counts: "Sundays" holds "Sunday"; "$490" does not hold "$49".
    if (end < text.size() && text[end] == 's' && std::isalpha(static_cast<unsigned char>(f.back()))) ++end;
    const bool endOk = end == text.size() || !IsWordByte(f.back()) || !IsWordByte(text[end]);
    if (startOk && endOk) return true;
  }
  return false;
}

std::vector<std::string> CitedSources(const ChatResponse& r) {
  std::vector<std::string> out;
  for (const auto& log : r.logs) {
    if (const auto* docs = std::get_if<DocumentsData>(&log.data)) {
      for (const auto& c : docs->citations) out.push_back(c.source);
    }
  }
  return out;
}

std::vector<std::string> RetrievedSources(const ChatResponse& r) {
  std::vector<std::string> out;
  for (const auto& log : r.logs) {
    if (log.Type() == LogType::VectorSearch && log.chunks) {
      for (const auto& c : *log.chunks) out.push_back(c.source);
    }
  }
  return out;
}

bool AnyOf(const std::vector<std::string>& have, const std::vector<std::string>& want) {
  for (const auto& h : have)
    for (const auto& w : want)
      if (h == w) return true;
  return false;
}

struct Tally {
  int right = 0;
  int total = 0;
  void Add(bool ok) {
    right += ok;
    ++total;
  }
  double Rate() const { return total ? static_cast<double>(right) / total : 1.0; }
};

struct Figures {
  Tally agent, source, facts, declined, followUps, retrieved, valid;
};

Figures Evaluate(Engine& engine, const std::vector<Row>& rows, bool verbose) {
  Figures f;
  for (const Row& row : rows) {
    std::vector<Message> history;
    for (const auto& previous : row.history) {
      Message user;
      user.role = MessageRole::User;
      user.content = previous;
      const ChatResponse first = engine.Answer({previous, "eval-" + row.id, history});
      Message assistant;
      assistant.role = MessageRole::Assistant;
      assistant.content = first.message;
      assistant.agent = first.agent;
      history.push_back(user);
      history.push_back(assistant);
    }
    const ChatResponse r = engine.Answer({row.question, "eval-" + row.id, history});
    f.valid.Add(ValidateChatResponse(Json(r)).empty());
    const std::string text = Folded(r.message);
    const std::vector<std::string> cited = CitedSources(r);
    const bool agentOk = AnyOf({ToString(r.agent)}, row.agents);
    bool factsOk = true;
    for (const auto& group : row.facts) {
      bool any = false;
      for (const auto& alternative : group) any |= Contains(text, alternative);
      factsOk &= any;
    }
    const bool sourceOk = row.sources.empty() ? cited.empty() || row.kind == "small_talk" : AnyOf(cited, row.sources);
    bool ok = true;
    if (row.kind == "out_of_scope") {
      ok = cited.empty();
      f.declined.Add(ok);
    } else {
      f.agent.Add(agentOk);
      if (!row.sources.empty()) {
        f.source.Add(sourceOk);
        f.retrieved.Add(AnyOf(RetrievedSources(r), row.sources));
      }
      if (!row.facts.empty()) f.facts.Add(factsOk);
      ok = agentOk && sourceOk && factsOk;
      if (row.kind == "follow_up") f.followUps.Add(ok);
    }
    if (verbose && std::getenv("OAI_EVAL_EVIDENCE")) {
      double evidence = -1;
      for (const auto& log : r.logs)
        if (const auto* d = std::get_if<DocumentsData>(&log.data)) evidence = d->evidence.value_or(-1);
      std::printf("[evidence] %s %.2f %s %s\n", row.kind.c_str(), evidence, sourceOk ? "src-ok" : "src-bad", row.question.c_str());
    }
    if (verbose && !ok) {
      std::string citedText;
      for (const auto& c : cited) citedText += (citedText.empty() ? "" : ", ") + c;
      std::printf("[answers]   %s %s%s%s \"%s\" -> %s [%s]: %s\n", row.id.c_str(), agentOk ? "" : "AGENT ",
                  sourceOk ? "" : "SOURCE ", factsOk ? "" : "FACTS ", row.question.c_str(), ToString(r.agent),
                  citedText.c_str(), r.message.substr(0, 300).c_str());
      if (std::getenv("OAI_EVAL_HITS")) {
        for (const auto& log : r.logs) {
          if (log.Type() != LogType::VectorSearch || !log.chunks) continue;
          for (const auto& c : *log.chunks) {
            std::printf("[hits]      %.3f %s | %s\n", c.similarity, c.source.c_str(),
                        c.metadata ? c.metadata->heading.c_str() : "");
          }
        }
      }
    }
  }
  return f;
}

void Print(const char* split, const Figures& f) {
  std::printf("[answers] %s: agent %.3f (%d), source %.3f (%d), facts %.3f (%d), out-of-scope declined %d/%d, "
              "follow-ups %d/%d; retrieved an expected document %.3f; valid responses %d/%d\n",
              split, f.agent.Rate(), f.agent.total, f.source.Rate(), f.source.total, f.facts.Rate(), f.facts.total,
              f.declined.right, f.declined.total, f.followUps.right, f.followUps.total, f.retrieved.Rate(),
              f.valid.right, f.valid.total);
}

std::unique_ptr<Engine> ShippedEngine() {
  return Engine::Create(ShippedEngineConfig());
}

// Floors a little under the figures measured when they were set (see the closing note of the answer-quality issue):
// a change that makes answers worse fails here.
struct Floors {
  double agent, source, facts, declined, followUps;
};

void Check(const Figures& f, const Floors& floors) {
  EXPECT_EQ(f.valid.right, f.valid.total) << "every response passes the strict client validation";
  EXPECT_GE(f.agent.Rate(), floors.agent);
  EXPECT_GE(f.source.Rate(), floors.source);
  EXPECT_GE(f.facts.Rate(), floors.facts);
  EXPECT_GE(f.declined.Rate(), floors.declined);
  EXPECT_GE(f.followUps.Rate(), floors.followUps);
}

// One split, end to end: at least `minRows` questions, its line printed, its floors checked. OAI_EVAL_VERBOSE=<tag>
// prints each miss of the split with that tag ("1" dev, "2" dev2; the frozen test split never prints its misses).
void RunSplit(const char* file, const char* name, std::size_t minRows, const char* verboseTag, const Floors& floors) {
  const auto rows = ReadRows(std::string(OAI_TEST_DATA_DIR) + "/answers/" + file);
  ASSERT_GE(rows.size(), minRows);
  auto engine = ShippedEngine();
  const char* verbose = std::getenv("OAI_EVAL_VERBOSE");
  const Figures f = Evaluate(*engine, rows, verboseTag && verbose && std::string(verbose) == verboseTag);
  Print(name, f);
  Check(f, floors);
}

TEST(AnswerEvaluation, DevSplit) { RunSplit("dev.jsonl", "dev", 140, "1", {0.89, 0.85, 0.79, 0.45, 0.75}); }

// A second dev split, written later by another author who read only the knowledge base (110 questions); its first
// figures were measured before any tuning on it.
TEST(AnswerEvaluation, SecondDevSplit) { RunSplit("dev2.jsonl", "dev2", 100, "2", {0.88, 0.84, 0.64, 0.5, 0.58}); }

TEST(AnswerEvaluation, TestSplit) { RunSplit("test.jsonl", "test", 140, nullptr, {0.87, 0.75, 0.66, 0.5, 0.55}); }

}  // namespace
}  // namespace oai::engine
