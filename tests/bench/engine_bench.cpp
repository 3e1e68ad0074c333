// Engine benchmarks (Google Benchmark), run by scripts/bench.sh: retrieval top-5 over 1k, 10k and 100k chunks of a
// synthetic corpus made from the knowledge base's own sentences and vocabulary, index build time and memory per chunk,
// and routing one question. scripts/test.sh runs it once on a tiny corpus (--chunks=300) to show it still works.
//
// Usage: oai_engine_bench [--data=DIR] [--chunks=1000,10000,100000] [Google Benchmark flags]
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "engine/chunking.h"
#include "engine/engine.h"
#include "engine/lexical_index.h"
#include "engine/router.h"
#include "engine/text.h"
#include "knowledge_files.h"

namespace {

using namespace oai::engine;

std::string g_dataDir = OAI_DATA_DIR;
std::string g_testDataDir = OAI_TEST_DATA_DIR;

const std::vector<Chunk>& KnowledgeChunks() {
  static const std::vector<Chunk> chunks = [] {
    std::vector<Chunk> out;
    std::vector<std::string> warnings;
    for (const SourceDocument& doc : LoadDocumentsFromDirectory(g_dataDir + "/knowledge", &warnings)) {
      std::string problem;
      for (Chunk& c : ChunkMarkdown(doc, &problem)) out.push_back(std::move(c));
    }
    if (out.empty()) throw std::runtime_error("no knowledge base under " + g_dataDir + "/knowledge");
    return out;
  }();
  return chunks;
}

// A corpus of `n` chunks that reads like the knowledge base: each synthetic chunk takes a real chunk's heading path
// and domain and 4–9 of the knowledge base's sentences, in which every fourth word is swapped for another word of the
// vocabulary, so term statistics stay realistic while chunks differ. Seeded: the same n gives the same corpus.
std::vector<Chunk> SyntheticCorpus(std::size_t n) {
  const std::vector<Chunk>& base = KnowledgeChunks();
  std::vector<std::string> sentences;
  std::vector<std::string> vocabulary;
  std::map<std::string, bool> seen;
  for (const Chunk& c : base) {
    for (std::string& s : SplitSentences(c.text)) sentences.push_back(std::move(s));
    for (const std::string& w : Tokenize(c.text)) {
      if (!seen[w]) vocabulary.push_back(w);
      seen[w] = true;
    }
  }
  std::mt19937_64 rng(20261125 + n);
  std::vector<Chunk> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const Chunk& model = base[rng() % base.size()];
    Chunk c;
    c.id = static_cast<std::int64_t>(i + 1);
    c.document = model.document;
    c.domain = model.domain;
    c.title = model.title;
    c.headingPath = model.headingPath;
    const std::size_t count = 4 + rng() % 6;
    for (std::size_t s = 0; s < count; ++s) {
      std::istringstream words(sentences[rng() % sentences.size()]);
      std::string w;
      std::size_t k = 0;
      while (words >> w) {
        c.text += (k++ % 4 == 3) ? vocabulary[rng() % vocabulary.size()] : w;
        c.text += ' ';
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<std::vector<std::string>> Queries() {
  std::vector<std::vector<std::string>> out;
  std::istringstream in(ReadTextFile(g_testDataDir + "/retrieval_eval.tsv"));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const std::string question = line.substr(0, line.find('\t'));
    if (!question.empty()) out.push_back(Tokenize(question));
  }
  return out;
}

struct Prepared {
  std::vector<Chunk> corpus;
  LexicalIndex index;
};

Prepared& PreparedIndex(std::size_t n) {
  static std::map<std::size_t, std::unique_ptr<Prepared>> cache;
  auto& slot = cache[n];
  if (!slot) {
    slot = std::make_unique<Prepared>();
    slot->corpus = SyntheticCorpus(n);
    slot->index.Build(slot->corpus);
  }
  return *slot;
}

// One query per iteration, rotating through the 121 evaluation questions, top 5 over every domain.
void BM_RetrievalTop5(benchmark::State& state) {
  Prepared& p = PreparedIndex(static_cast<std::size_t>(state.range(0)));
  static const auto queries = Queries();
  std::size_t q = 0;
  for (auto _ : state) {
    auto result = p.index.Search(queries[q++ % queries.size()], 5, {});
    benchmark::DoNotOptimize(result);
  }
  state.counters["chunks"] = static_cast<double>(p.index.Size());
}

void BM_IndexBuild(benchmark::State& state) {
  const std::vector<Chunk> corpus = SyntheticCorpus(static_cast<std::size_t>(state.range(0)));
  std::size_t bytes = 0;
  for (auto _ : state) {
    LexicalIndex index;
    index.Build(corpus);
    bytes = index.MemoryBytes();
    benchmark::DoNotOptimize(index);
  }
  state.counters["bytes_per_chunk"] = static_cast<double>(bytes) / static_cast<double>(corpus.size());
  state.counters["chunks"] = static_cast<double>(corpus.size());
}

void BM_RouteOneQuestion(benchmark::State& state) {
  static const IntentRouter router = [] {
    IntentRouter r;
    r.Train(ReadTextFile(g_dataDir + "/router_examples.tsv"));
    return r;
  }();
  for (auto _ : state) {
    auto decision = router.Classify("Can I get a refund on my annual plan if I cancel after two weeks?");
    benchmark::DoNotOptimize(decision);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::int64_t> sizes = {1000, 10000, 100000};
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--data=", 7) == 0) {
      g_dataDir = argv[i] + 7;
    } else if (std::strncmp(argv[i], "--chunks=", 9) == 0) {
      sizes.clear();
      std::istringstream list(argv[i] + 9);
      std::string item;
      while (std::getline(list, item, ',')) {
        try {
          const long long v = std::stoll(item);
          if (v <= 0) throw std::out_of_range(item);
          sizes.push_back(v);
        } catch (const std::exception&) {
          std::cerr << "oai_engine_bench: --chunks wants positive numbers separated by commas, got '" << item << "'\n";
          return 2;
        }
      }
    } else {
      rest.push_back(argv[i]);
    }
  }
  for (std::int64_t n : sizes) {
    benchmark::RegisterBenchmark("retrieval_top5", BM_RetrievalTop5)->Arg(n)->Unit(benchmark::kMicrosecond);
  }
  for (std::int64_t n : sizes) {
    benchmark::RegisterBenchmark("index_build", BM_IndexBuild)->Arg(n)->Unit(benchmark::kMillisecond)->Iterations(n >= 100000 ? 2 : 5);
  }
  benchmark::RegisterBenchmark("route_one_question", BM_RouteOneQuestion)->Unit(benchmark::kMicrosecond);
  int count = static_cast<int>(rest.size());
  benchmark::Initialize(&count, rest.data());
  if (benchmark::ReportUnrecognizedArguments(count, rest.data())) return 2;
  try {
    benchmark::RunSpecifiedBenchmarks();
  } catch (const std::exception& e) {
    std::cerr << "oai_engine_bench: " << e.what() << "\n";
    return 1;
  }
  benchmark::Shutdown();
  return 0;
}
