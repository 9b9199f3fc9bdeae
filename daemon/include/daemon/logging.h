// Logging setup: one spdlog logger to stderr, "earlynet: <level>: <message>".
#pragma once

namespace earlynet::daemon {

enum class LogDetail { Normal, Debug };

void setup_logging(LogDetail detail);

}  // namespace earlynet::daemon
