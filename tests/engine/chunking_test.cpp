// Heading-aware chunking: what a chunk remembers, how long sections are cut, which documents are refused and why.
#include "engine/chunking.h"

#include <gtest/gtest.h>

#include "knowledge_files.h"
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace oai::engine {
namespace {

TEST(ChunkMarkdown, SplitsAtHeadingsAndKeepsPathAndOffsets) {
  SourceDocument doc{"billing/plans.md", "# Plans\nIntro text.\n## Annual\nAnnual text here.\n### Details\nMore.\n"};
  std::string problem;
  const auto chunks = ChunkMarkdown(doc, &problem);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].headingPath, "Plans");
  EXPECT_EQ(chunks[1].headingPath, "Plans > Annual");
  EXPECT_EQ(chunks[2].headingPath, "Plans > Annual > Details");
  EXPECT_EQ(chunks[1].text, "Annual text here.");
  EXPECT_EQ(doc.text.substr(chunks[1].start, chunks[1].end - chunks[1].start), "Annual text here.\n");
  EXPECT_EQ(chunks[1].domain, "billing");
  EXPECT_EQ(chunks[1].title, "Plans");
}

TEST(ChunkMarkdown, CapsLongSectionsAtParagraphs) {
  std::string body;
  for (int i = 0; i < 40; ++i) body += "Paragraph " + std::to_string(i) + " has some words in it to fill space.\n\n";
  const auto chunks = ChunkMarkdown({"general/long.md", "# Long\n" + body}, nullptr);
  ASSERT_GT(chunks.size(), 1u);
  for (const auto& c : chunks) {
    EXPECT_LE(c.text.size(), kMaxChunkBytes);
    EXPECT_EQ(c.text.rfind("Paragraph", 0), 0u) << "cut inside a paragraph: " << c.text.substr(0, 40);
  }
}

TEST(ChunkMarkdown, IgnoresHeadingsInsideCodeBlocks) {
  const auto chunks = ChunkMarkdown({"technical/x.md", "# API\n```sh\n# not a heading\ncurl x\n```\n"}, nullptr);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].headingPath, "API");
}

TEST(ChunkMarkdown, ReportsEmptyProselessAndBinaryDocuments) {
  std::string problem;
  EXPECT_TRUE(ChunkMarkdown({"x/empty.md", "  \n"}, &problem).empty());
  EXPECT_EQ(problem, "empty file");
  EXPECT_TRUE(ChunkMarkdown({"x/headings.md", "# Only\n## Headings\n"}, &problem).empty());
  EXPECT_EQ(problem, "no prose below the headings");
  EXPECT_TRUE(ChunkMarkdown({"x/image.md", std::string("\x89PNG\r\n\x1a\n\0\0\0", 11)}, &problem).empty());
  EXPECT_EQ(problem, "not UTF-8 text");
}

}  // namespace
}  // namespace oai::engine

namespace oai::engine {
namespace {

TEST(LoadDocumentsFromDirectory, ReadsMarkdownSortedAndReportsWhatItSkips) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("oai-docs-" + std::to_string(::getpid()));
  fs::create_directories(dir / "billing");
  std::ofstream(dir / "billing" / "b.md") << "# B\nSecond document.\n";
  std::ofstream(dir / "a.md") << "# A\nFirst document.\n";
  std::ofstream(dir / "empty.md") << "   \n";
  std::ofstream(dir / "notes.txt") << "not markdown";
  std::ofstream(dir / "image.md", std::ios::binary) << std::string("\x89PNG\r\n\x1a\n\0\0", 10);
  std::vector<std::string> warnings;
  const auto docs = LoadDocumentsFromDirectory(dir.string(), &warnings);
  ASSERT_EQ(docs.size(), 3u);  // the binary file is read; the engine refuses it (below)
  EXPECT_EQ(docs[0].path, "a.md");
  EXPECT_EQ(docs[1].path, "billing/b.md");
  EXPECT_EQ(warnings, (std::vector<std::string>{"empty.md: skipped (empty file)"}));

  EngineConfig config;
  config.documents = docs;
  config.routerExamplesTsv = "intent\ttext\nbilling\tinvoice\ngreeting\thi\n";
  auto engine = Engine::Create(config);
  EXPECT_EQ(engine->Info().documents, 2);
  EXPECT_EQ(engine->Info().warnings, (std::vector<std::string>{"image.md: skipped (not UTF-8 text)"}));
  EXPECT_THROW(LoadDocumentsFromDirectory((dir / "missing").string(), nullptr), std::runtime_error);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace oai::engine
