#include "daemon/logging.h"

#include "base/log.h"
#include "spdlog/sinks/stdout_sinks.h"

namespace earlynet::daemon {

void setup_logging(LogDetail detail) {
    auto logger = spdlog::stderr_logger_st("earlynet");
    logger->set_pattern("earlynet: %l: %v");
    logger->set_level(detail == LogDetail::Debug ? spdlog::level::debug : spdlog::level::info);
    spdlog::set_default_logger(logger);
}

}  // namespace earlynet::daemon
