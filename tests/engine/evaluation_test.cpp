// Evaluations over the shipped data: retrieval (recall@1, recall@5, MRR by document), routing accuracy on a held-out
// set, and follow-up routing with the previous turn. The numbers are printed by every test run.
#include <gtest/gtest.h>

#include "knowledge_files.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "engine/chunking.h"
#include "engine/engine.h"
#include "engine/lexical_index.h"
#include "engine/router.h"
#include "engine/text.h"

namespace oai::engine {
namespace {

std::vector<std::vector<std::string>> ReadTsv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(ReadTextFile(path));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> cells;
    std::stringstream cellsIn(line);
    std::string cell;
    while (std::getline(cellsIn, cell, '\t')) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

std::string Data(const char* name) { return std::string(OAI_DATA_DIR) + "/" + name; }
std::string TestData(const char* name) { return std::string(OAI_TEST_DATA_DIR) + "/" + name; }

TEST(Evaluation, RetrievalFindsTheAnsweringDocument) {
  std::vector<Chunk> chunks;
  for (const auto& doc : LoadDocumentsFromDirectory(Data("knowledge"), nullptr)) {
    for (auto& c : ChunkMarkdown(doc, nullptr)) chunks.push_back(std::move(c));
  }
  LexicalIndex index;
  index.Build(chunks);
  const auto rows = ReadTsv(TestData("retrieval_eval.tsv"));
  ASSERT_GE(rows.size(), 60u);
  double hits1 = 0, hits5 = 0, mrr = 0;
  std::vector<std::string> misses;
  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), 2u);
    const auto result = index.Search(Tokenize(row[0]), 50, {});
    std::vector<std::string> documents;  // ranked, each document once
    for (const auto& h : result.hits) {
      if (std::find(documents.begin(), documents.end(), chunks[h.chunk].document) == documents.end()) {
        documents.push_back(chunks[h.chunk].document);
      }
    }
    const auto at = std::find(documents.begin(), documents.end(), row[1]);
    const std::size_t rank = at == documents.end() ? 0 : static_cast<std::size_t>(at - documents.begin()) + 1;
    hits1 += rank == 1;
    hits5 += rank >= 1 && rank <= 5;
    mrr += rank ? 1.0 / static_cast<double>(rank) : 0.0;
    if (rank != 1) misses.push_back(row[0] + " -> " + (documents.empty() ? "nothing" : documents[0]) + " (want " + row[1] + ", rank " + std::to_string(rank) + ")");
  }
  const double n = static_cast<double>(rows.size());
  std::printf("[retrieval] %zu questions over %zu chunks: recall@1 %.3f  recall@5 %.3f  MRR %.3f\n", rows.size(),
              chunks.size(), hits1 / n, hits5 / n, mrr / n);
  for (const auto& m : misses) std::printf("[retrieval]   not first: %s\n", m.c_str());
  EXPECT_GE(hits5 / n, 0.9);
}

TEST(Evaluation, RouterAccuracyOnTheHeldOutSet) {
  // Trained as the engine trains it: the labeled examples plus the knowledge base's passages as background.
  std::vector<BackgroundText> background;
  for (const auto& doc : LoadDocumentsFromDirectory(Data("knowledge"), nullptr)) {
    for (const auto& c : ChunkMarkdown(doc, nullptr)) {
      if (c.domain != "general") background.push_back({c.domain, c.headingPath + "\n" + c.text});
    }
  }
  IntentRouter router;
  router.Train(ReadTextFile(Data("router_examples.tsv")), background);
  const auto rows = ReadTsv(TestData("routing_eval.tsv"));
  ASSERT_GE(rows.size(), 100u);
  std::size_t correct = 0;
  std::map<std::string, std::map<std::string, int>> confusion;
  double confidenceWhenRight = 0, confidenceWhenWrong = 0;
  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), 2u);
    const auto d = router.Classify(row[1]);
    const bool right = d.ranked.front().intent == row[0];
    correct += right;
    (right ? confidenceWhenRight : confidenceWhenWrong) += d.ranked.front().probability;
    ++confusion[row[0]][d.ranked.front().intent];
    if (!right) std::printf("[routing]   %s -> %s (%.2f), want %s\n", row[1].c_str(), d.ranked.front().intent.c_str(), d.ranked.front().probability, row[0].c_str());
  }
  const double accuracy = static_cast<double>(correct) / static_cast<double>(rows.size());
  const std::size_t wrong = rows.size() - correct;
  std::printf("[routing] %zu training examples, %zu held-out questions: accuracy %.3f (5-fold CV on training %.3f, "
              "temperature %.1f); mean confidence right %.2f, wrong %.2f\n",
              router.ExampleCount(), rows.size(), accuracy, router.CrossValidatedAccuracy(), router.Temperature(),
              correct ? confidenceWhenRight / static_cast<double>(correct) : 0.0,
              wrong ? confidenceWhenWrong / static_cast<double>(wrong) : 0.0);
  EXPECT_GE(router.ExampleCount(), 200u);
  EXPECT_GE(accuracy, 0.9);
}

TEST(Evaluation, FollowUpsAreRoutedWithThePreviousTurn) {
  auto engine = Engine::Create(ShippedEngineConfig());
  const auto rows = ReadTsv(TestData("followups.tsv"));
  ASSERT_GE(rows.size(), 20u);
  std::size_t correct = 0;
  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), 3u);
    Message previous;
    previous.role = MessageRole::User;
    previous.content = row[0];
    const ChatResponse r = engine->Answer({row[1], "eval", {previous}});
    const bool right = ToString(r.agent) == row[2];
    correct += right;
    if (!right) std::printf("[follow-ups]   %s | %s -> %s, want %s\n", row[0].c_str(), row[1].c_str(), ToString(r.agent), row[2].c_str());
  }
  const double accuracy = static_cast<double>(correct) / static_cast<double>(rows.size());
  std::printf("[follow-ups] %zu follow-up questions: routed to the right agent %.3f\n", rows.size(), accuracy);
  EXPECT_GE(accuracy, 0.9);
}

}  // namespace
}  // namespace oai::engine
