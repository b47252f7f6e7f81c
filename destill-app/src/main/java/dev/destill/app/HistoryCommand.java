package dev.destill.app;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.destill.app.cli.CommonOptions;
import dev.destill.app.cli.ExitCodes;
import dev.destill.app.cli.FormatOption;
import dev.destill.app.cli.VersionInfo;
import dev.destill.app.output.Format;
import dev.destill.app.wiring.Services;
import dev.destill.core.store.FindingStore;
import dev.destill.core.store.RequestRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code destill history}: past analyses, newest first. */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = {
      "Lists past analyses, newest first: request id, when, status, findings and what was analyzed.",
      "Reads the local history (DESTILL_HOME, $XDG_DATA_HOME/destill or ~/.local/share/destill), or "
          + "PostgreSQL when DESTILL_POSTGRES_URL or POSTGRES_DSN is set. Reopen one with 'destill view ID'.",
      "--format prints text, json (one array) or jsonl (one object per line)."
    })
public final class HistoryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final Services services;

  public HistoryCommand(Services services) {
    this.services = services;
  }

  @Mixin CommonOptions common;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "How many (default: ${DEFAULT-VALUE}).")
  int limit = 20;

  @Mixin FormatOption formatOption;

  @Override
  public Integer call() throws IOException {
    if (limit < 1) {
      throw new ParameterException(spec.commandLine(), "--limit must be at least 1");
    }
    Format format = formatOption.require(Format.TEXT, Format.JSON, Format.JSONL);
    List<RequestRecord> requests;
    try (FindingStore store = services.openHistory()) {
      requests = store.recentRequests(limit);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (format == Format.JSON || format == Format.JSONL) {
      boolean lines = format == Format.JSONL;
      JsonGenerator g = new JsonFactory().createGenerator(out);
      if (lines) {
        g.setRootValueSeparator(new com.fasterxml.jackson.core.io.SerializedString("\n"));
      } else {
        g.useDefaultPrettyPrinter();
        g.writeStartArray();
      }
      for (RequestRecord r : requests) {
        g.writeStartObject();
        g.writeStringField("request_id", r.id());
        g.writeStringField("created", r.created().toString());
        g.writeStringField("status", r.status().id());
        g.writeNumberField("findings", r.findings());
        g.writeStringField("build_id", r.buildId());
        g.writeStringField("title", r.title());
        g.writeStringField("target", r.target());
        g.writeEndObject();
      }
      if (!lines) {
        g.writeEndArray();
      }
      g.flush();
      if (!(lines && requests.isEmpty())) {
        out.println();
      }
    } else if (requests.isEmpty()) {
      out.println("No analyses yet: 'destill analyze' saves each one here.");
    } else {
      out.printf(
          Locale.ROOT,
          "%-28s %-20s %-9s %8s  %s%n",
          "REQUEST",
          "WHEN (UTC)",
          "STATUS",
          "FINDINGS",
          "BUILD");
      for (RequestRecord r : requests) {
        out.printf(
            Locale.ROOT,
            "%-28s %-20s %-9s %8d  %s%n",
            r.id(),
            r.created().toString().substring(0, 19).replace('T', ' '),
            r.status().id(),
            r.findings(),
            r.title());
      }
    }
    out.flush();
    return ExitCodes.OK;
  }
}
