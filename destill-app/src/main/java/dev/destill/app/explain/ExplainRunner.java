package dev.destill.app.explain;

import dev.destill.app.analysis.AnalysisReport;
import dev.destill.core.DestillException;
import dev.destill.core.explain.ExplainOptions;
import dev.destill.core.explain.ExplainOutcome;
import dev.destill.core.explain.Explainer;
import dev.destill.core.explain.ExplanationStore;
import dev.destill.core.explain.LanguageModel;
import dev.destill.core.explain.ModelAnswer;
import dev.destill.core.explain.Prompt;
import dev.destill.llm.LlmSettings;
import dev.destill.llm.OpenAiLanguageModel;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Explains an analysis with the model the environment names ({@code DESTILL_LLM_*}), caching in the
 * given store. Nothing leaves the machine unless {@code DESTILL_LLM_URL} and {@code
 * DESTILL_LLM_MODEL} are set; a dry run needs neither.
 */
public final class ExplainRunner {
  public static final String TOKEN_BUDGET = "DESTILL_LLM_TOKEN_BUDGET";
  public static final String MASK_EMAILS = "DESTILL_LLM_MASK_EMAILS";
  public static final String MASK_HOSTS = "DESTILL_LLM_MASK_HOSTNAMES";

  private ExplainRunner() {}

  /** The prompt's budget and masking, from the environment. */
  public static ExplainOptions options(Map<String, String> env) {
    String budget = env.getOrDefault(TOKEN_BUDGET, "").trim();
    int tokens = ExplainOptions.DEFAULTS.tokenBudget();
    if (!budget.isEmpty()) {
      try {
        tokens = Integer.parseInt(budget);
        if (tokens < ExplainOptions.MIN_BUDGET || tokens > 1_000_000) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw new DestillException(
            TOKEN_BUDGET
                + " must be a whole number from "
                + ExplainOptions.MIN_BUDGET
                + " to 1000000, was "
                + budget);
      }
    }
    return new ExplainOptions(tokens, flag(env, MASK_EMAILS), flag(env, MASK_HOSTS));
  }

  private static boolean flag(Map<String, String> env, String name) {
    String v = env.getOrDefault(name, "").trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "", "0", "false", "no", "off" -> false;
      case "1", "true", "yes", "on" -> true;
      default -> throw new DestillException(name + " must be true or false, was " + v);
    };
  }

  /**
   * Explains {@code report}.
   *
   * @param stream whether to ask for a streamed answer
   * @param onText receives the answer's text as it arrives
   * @throws DestillException when explanations are not configured (except for a dry run)
   */
  public static ExplainOutcome explain(
      Map<String, String> env,
      ExplanationStore store,
      AnalysisReport report,
      Explainer.Mode mode,
      boolean stream,
      Consumer<String> onText,
      Clock clock) {
    ExplainOptions options = options(env);
    Optional<LlmSettings> settings = LlmSettings.fromEnvironment(env);
    if (settings.isEmpty()) {
      if (mode != Explainer.Mode.DRY_RUN) {
        throw new DestillException(
            "explanations are off: set "
                + LlmSettings.URL
                + " (an OpenAI-compatible base ending in /v1) and "
                + LlmSettings.MODEL
                + ", or use --explain=dry-run to see what would be sent");
      }
      return new Explainer(new Unconfigured(), store, clock)
          .explain(report.requestId(), report.title(), report.findings(), options, mode, onText);
    }
    try (OpenAiLanguageModel model = new OpenAiLanguageModel(settings.get(), stream)) {
      return new Explainer(model, store, clock)
          .explain(report.requestId(), report.title(), report.findings(), options, mode, onText);
    }
  }

  /** Stands for the model in a dry run without settings; never asked. */
  private static final class Unconfigured implements LanguageModel {
    @Override
    public String model() {
      return "(not configured)";
    }

    @Override
    public ModelAnswer complete(Prompt prompt, Consumer<String> onText) {
      throw new IllegalStateException("a dry run asks no model");
    }
  }
}
