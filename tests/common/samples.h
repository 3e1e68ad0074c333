// Typed retrieval-log payloads for tests: one filled-in value per log type, as the engine writes them.
#pragma once

#include <string>

#include "model/model.h"

namespace oai::testing_samples {

inline RoutingData Routing(const std::string& intent = "billing", double confidence = 0.875) {
  RoutingData d;
  d.intent = intent;
  d.confidence = confidence;
  d.agent = intent == "technical" ? AgentId::Technical
            : intent == "policy"  ? AgentId::Policy
            : intent == "billing" ? AgentId::Billing
                                  : AgentId::Orchestrator;
  d.strategy = d.agent == AgentId::Technical ? Strategy::PureRag
               : d.agent == AgentId::Orchestrator ? Strategy::Orchestration
                                                  : Strategy::PureCag;
  if (d.agent != AgentId::Orchestrator) d.specialists = {d.agent};
  d.reasons = {{"plan", 1.5}, {"cost", 0.75}};
  d.alternatives = {{"policy", 0.1}, {"technical", 0.025}};
  d.classifier = "naive Bayes";
  d.temperature = 1.5;
  d.model = "router-nb-v1";
  d.tokens = 9;
  d.latency_ms = 0.125;
  return d;
}

inline SearchData Search(AgentId agent = AgentId::Billing) {
  SearchData d;
  d.index = "bm25+trigram";
  d.metric = "BM25";
  d.agent = agent;
  d.domain = "billing";
  d.query_terms = {"pro", "plan", "cost"};
  d.expansions = {{"cost", "costs", 0.75}};
  d.top_k = 5;
  d.chunk_count = 1;
  d.indexed_chunks = 315;
  d.latency_ms = 0.25;
  return d;
}

inline CacheData Cache(bool hit = false) {
  CacheData d;
  d.hit = hit;
  d.agent = AgentId::Billing;
  d.key = "cost plan pro";
  d.cache = "memory";
  d.threshold = 0.75;
  d.hit_rate = hit ? 0.5 : 0.0;
  d.size = 1;
  d.capacity = 1000;
  d.latency_ms = 0.01;
  if (hit) {
    d.similarity = 1.0;
    d.matched_question = "How much does the Pro plan cost?";
    d.saved_tokens = 300;
    d.saved_cost = 0.0;
    d.saved_latency_ms = 1.5;
  }
  return d;
}

inline DocumentsData Documents(const std::string& source = "billing/pricing-plans.md") {
  DocumentsData d;
  d.citations = {{1, source, "Pricing plans", "Pricing plans › Monthly prices", 12, 0.84}};
  d.composer = "extractive";
  d.model = "extractive-v1";
  d.prompt_tokens = 250;
  d.completion_tokens = 30;
  d.tokens_estimated = true;
  d.estimator = "ceil(bytes / 4)";
  d.sentences = 1;
  d.latency_ms = 0.5;
  return d;
}

inline RetrievalLog Log(LogData data, const std::string& id = "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f",
                        const std::string& title = "Step") {
  RetrievalLog log;
  log.id = id;
  log.title = title;
  log.data = std::move(data);
  log.timestamp = "2026-11-24T10:00:00.000Z";
  log.status = LogStatus::Success;
  return log;
}

}  // namespace oai::testing_samples
