package dev.destill.app.mcp;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * A transport provider that passes everything through to another one, except that the SDK's answer
 * to a call of an unknown tool ({@code "Unknown tool: invalid_tool_name"}, the name only in {@code
 * data}) names the tool asked for in its message. Thread-safe as the provider it wraps.
 */
final class NamingTransportProvider implements McpServerTransportProvider {
  static final String SDK_MESSAGE = "Unknown tool: invalid_tool_name";
  private static final String SDK_DATA = "Tool not found: ";

  private final McpServerTransportProvider delegate;

  NamingTransportProvider(McpServerTransportProvider delegate) {
    this.delegate = delegate;
  }

  @Override
  public void setSessionFactory(McpServerSession.Factory factory) {
    delegate.setSessionFactory(transport -> factory.create(new Naming(transport)));
  }

  @Override
  public Mono<Void> notifyClients(String method, Object params) {
    return delegate.notifyClients(method, params);
  }

  @Override
  public Mono<Void> notifyClient(String sessionId, String method, Object params) {
    return delegate.notifyClient(sessionId, method, params);
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public Mono<Void> closeGracefully() {
    return delegate.closeGracefully();
  }

  @Override
  public List<String> protocolVersions() {
    return delegate.protocolVersions();
  }

  /** The answer with the unknown tool named, or {@code message} unchanged. */
  static McpSchema.JSONRPCMessage rename(McpSchema.JSONRPCMessage message) {
    if (message instanceof JSONRPCResponse r
        && r.error() != null
        && SDK_MESSAGE.equals(r.error().message())
        && r.error().data() instanceof String data
        && data.startsWith(SDK_DATA)) {
      String name = data.substring(SDK_DATA.length());
      return JSONRPCResponse.error(
          r.id(),
          new JSONRPCResponse.JSONRPCError(
              r.error().code(),
              "Unknown tool: "
                  + McpTools.safe(name)
                  + "; the tools are analyze_build, analyze_log, get_finding_details, search_log "
                  + "and recurring_failures",
              data));
    }
    return message;
  }

  private record Naming(McpServerTransport transport) implements McpServerTransport {
    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
      return transport.sendMessage(rename(message));
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
      return transport.unmarshalFrom(data, typeRef);
    }

    @Override
    public Mono<Void> closeGracefully() {
      return transport.closeGracefully();
    }

    @Override
    public void close() {
      transport.close();
    }

    @Override
    public List<String> protocolVersions() {
      return transport.protocolVersions();
    }
  }
}
