package dev.destill.server;

import io.javalin.config.RoutesConfig;

/**
 * More routes for the server (the dashboard, live log sources): registered with the built-in ones
 * before the server starts. Requests to them pass the same limits, draining and metrics; routes
 * under {@code /api/} also the same bearer-token checks.
 */
@FunctionalInterface
public interface Routes {
  void register(RoutesConfig routes);
}
