// orchestratai-server: reads the configuration, builds the engine and the store, serves until SIGTERM or SIGINT.
#include <httplib.h>
#include <malloc.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "server/config.h"
#include "server/routes.h"
#include "server/postgres_store.h"
#include "server/redis_store.h"
#include "server/sqlite_store.h"
#include "service/session_store.h"

namespace {
httplib::Server* g_server = nullptr;
void OnSignal(int) {
  if (g_server) g_server->stop();  // stop() only flips flags and shuts the listening socket: safe here
}
}  // namespace

int main(int argc, char** argv) {
  using namespace oai::server;
  ParseOutcome parsed = ParseConfig(std::vector<std::string>(argv + 1, argv + argc), [](const char* n) {
    return std::getenv(n);
  });
  if (!parsed.config) {
    (parsed.exitCode == 0 ? std::cout : std::cerr) << parsed.output << (parsed.exitCode ? "\n" : "");
    return parsed.exitCode;
  }
  const Config& config = *parsed.config;

  // Storage: PostgreSQL when DATABASE_URL is set (the history, shared by replicas; with REDIS_URL too, Redis keeps the
  // response cache and the resumable streams), else Redis when REDIS_URL is set (sessions and the response cache), else
  // SQLite (or memory with --db :memory:).
  std::shared_ptr<oai::server::RedisConnection> redis;
  std::shared_ptr<oai::engine::ResponseCache> cache;
  std::unique_ptr<oai::service::SessionStore> store;
  try {
    if (!config.redisUrl.empty()) {
      redis = std::make_shared<RedisConnection>(config.redisUrl);
      cache = std::make_shared<RedisResponseCache>(redis);
      if (!redis->Ping()) {
        std::cerr << "warning: " << config.redisUrl << " is not reachable yet; answering 503 until it is\n";
      }
    }
    if (!config.databaseUrl.empty()) {
      PostgresSessionStore::Options options;
      options.poolSize = static_cast<std::size_t>(config.threads);
      options.sessionTtl = std::chrono::hours(24 * config.sessionTtlDays);
      store = std::make_unique<PostgresSessionStore>(config.databaseUrl, options);
    } else if (redis) {
      store = std::make_unique<RedisSessionStore>(redis);
    } else if (config.db.empty()) {
      store = std::make_unique<oai::service::MemorySessionStore>();
    } else {
      store = std::make_unique<SqliteSessionStore>(config.db);
    }
  } catch (const std::exception& e) {
    std::cerr << "orchestratai-server: " << e.what() << "\n";
    return 2;
  }

  std::unique_ptr<oai::engine::Engine> engine;
  std::vector<std::string> warnings;
  try {
    engine = CreateEngine(config, &warnings, cache);
  } catch (const std::exception& e) {
    std::cerr << "orchestratai-server: " << e.what() << "\n";
    return 2;
  }
  for (const auto& w : warnings) std::cerr << "warning: " << w << "\n";
  // Building the engine (training the router, indexing) peaks at a few MB more than it keeps: the freed pages go back
  // to the system now, not with the process (about 2 MB of resident memory).
  malloc_trim(0);

  httplib::Server server;
  const int threads = config.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  server.set_keep_alive_max_count(1000);
  server.set_read_timeout(10);
  server.set_write_timeout(10);
  Services services;
  services.engine = engine.get();
  services.store = store.get();
  if (redis) services.streams = std::make_shared<RedisStreamStore>(redis);
  services.config = config;
  services.accessLog = &std::cerr;
  RegisterRoutes(server, services);

  int port = config.port;
  if (port == 0) {
    port = server.bind_to_any_port(config.host);
  } else if (!server.bind_to_port(config.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    std::cerr << "orchestratai-server: cannot listen on " << config.host << ":" << config.port << "\n";
    return 2;
  }
  g_server = &server;
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  std::cout << "OrchestratAI listening on http://" << config.host << ":" << port << " (" << engine->Info().documents
            << " documents, " << engine->Info().chunks << " chunks, store " << store->Kind() << ")" << std::endl;
  server.listen_after_bind();
  std::cerr << "orchestratai-server: stopped\n";
  return 0;
}
