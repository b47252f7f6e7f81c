package dev.destill.app.mcp;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Lets the {@link PathGuard} ask the client for its roots (MCP {@code roots/list}) while a tool
 * runs, when the client offers them. Stateless.
 */
final class ClientRoots {
  private ClientRoots() {}

  /** {@code specs} whose calls first point {@code guard} at the calling client's roots. */
  static List<SyncToolSpecification> follow(List<SyncToolSpecification> specs, PathGuard guard) {
    List<SyncToolSpecification> out = new ArrayList<>(specs.size());
    for (SyncToolSpecification spec : specs) {
      out.add(
          SyncToolSpecification.builder()
              .tool(spec.tool())
              .callHandler(
                  (exchange, request) -> {
                    guard.clientRoots(() -> of(exchange));
                    return spec.callHandler().apply(exchange, request);
                  })
              .build());
    }
    return out;
  }

  private static List<URI> of(McpSyncServerExchange exchange) {
    McpSchema.ClientCapabilities caps = exchange.getClientCapabilities();
    if (caps == null || caps.roots() == null) {
      return List.of();
    }
    List<URI> uris = new ArrayList<>();
    for (McpSchema.Root root : exchange.listRoots().roots()) {
      try {
        uris.add(URI.create(root.uri()));
      } catch (IllegalArgumentException e) {
        // A root that is not a URI allows nothing.
      }
    }
    return uris;
  }
}
