#pragma once
// The routing part of a Redis URL (Sentinel hosts and master name, read_from, replicas,
// sentinel credentials), split off before the rest is parsed by url.cpp's parser.
#include <string>
#include <string_view>

#include "polars_redis/net/url.hpp"

namespace polars_redis::net {

// url.cpp: a URL without routing options or Sentinel host lists.
ConnectionOptions parse_plain_url(std::string_view url);

// routing_url.cpp: parse_url's work, for every scheme.
ConnectionOptions parse_routing_url(std::string_view url);

}  // namespace polars_redis::net
