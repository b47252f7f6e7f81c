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

  /**
   * Registers the routes, with a way to know that the server drains: long answers (event streams)
   * should end when {@code draining} turns true, so that stopping does not wait for them.
   */
  default void register(RoutesConfig routes, java.util.function.BooleanSupplier draining) {
    register(routes);
  }
}
