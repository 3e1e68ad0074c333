// The streaming routes (POST /api/chat/stream, POST /api/chat/stream/initiate, GET /api/chat/stream/{id}); see
// stream_routes.cpp. Registered by RegisterRoutes before the API's catch-all route.
#pragma once

#include "server/routes.h"

namespace httplib {
class Server;
}

namespace oai::server {

void RegisterStreamRoutes(httplib::Server& server, Services& services);

}  // namespace oai::server
